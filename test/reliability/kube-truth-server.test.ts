// Issue 14 classes 2, 3 and 5 against the test API server, through the whole
// CLI: a change made under a platform-like field manager name, keys named like
// JavaScript object members, a data map Git does not declare, and an object
// deleted while a finalizer holds it. None of them may end in "in sync".
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';
import { runInProcess } from '../support/in-process.js';

type Obj = Record<string, any>;

let server: KubeApiServer;
let kubeconfig: string;
let dir: string;
let run = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-truth-'));
  server = await startKubeApiServer();
  kubeconfig = server.writeKubeconfig(dir);
});

afterAll(async () => {
  await server?.close();
});

/** A fresh namespace per test, the manifest applied by kubectl, and the manifest file. */
function deployed(make: (namespace: string) => Obj): { manifest: Obj; file: string; namespace: string } {
  const namespace = `truth-${++run}`;
  const manifest = make(namespace);
  server.apply(manifest);
  const file = path.join(dir, `${namespace}.yaml`);
  writeFileSync(file, dump(manifest));
  return { manifest, file, namespace };
}

const configMap = (namespace: string, extra: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace, ...extra }, data: { a: '1' } });

const gitdiff = (file: string, ...flags: string[]) => runInProcess(['kube', file, '--kubeconfig', kubeconfig, ...flags]);

describe('class 2: a manager name proves nothing', () => {
  it.each(['kube-controller-manager', 'kubelet', 'kube-scheduler'])('`kubectl patch --field-manager=%s` adding a label is reported under --strict', async (manager) => {
    const { manifest, file } = deployed((namespace) => configMap(namespace));
    server.apply({ ...manifest, metadata: { ...manifest.metadata, labels: { backdoor: 'yes' } } }, { manager });
    const result = await gitdiff(file, '--strict');
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^ {4}metadata\\.labels\\.backdoor: \\(changed by ${manager} at `, 'm'));
  });

  it('a container added under the name kube-controller-manager is reported under --strict', async () => {
    const { manifest, file } = deployed((namespace) => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
    }));
    const patched = structuredClone(manifest);
    patched.spec.template.spec.containers.push({ name: 'miner', image: 'evil:1' });
    server.apply(patched, { manager: 'kube-controller-manager' });
    const result = await gitdiff(file, '--strict', '-o', 'json');
    expect(result.code).toBe(1);
    const [item] = JSON.parse(result.stdout).items;
    expect(item.changes.map((change: Obj) => change.path)).toContain('spec.template.spec.containers[name=miner]');
  });

  it('what --strict sets aside is counted, and -v names each with its reason', async () => {
    const { file } = deployed((namespace) => configMap(namespace));
    const result = await gitdiff(file, '--strict', '-v');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^1 in sync \(1 object, [\d.]+ s\); 1 difference ignored$/m);
    expect(result.stdout).toMatch(/^ {4}ignored: metadata\.annotations\["kubectl\.kubernetes\.io\/last-applied-configuration"\] \(set by the platform: kubectl apply records/m);
  });
});

describe('class 3: --strict blind spots', () => {
  it('a ConfigMap without data that gains a key', async () => {
    const { manifest, file } = deployed((namespace) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'empty', namespace } }));
    server.apply({ ...manifest, data: { injected: 'x' } }, { manager: 'kubectl-edit' });
    const result = await gitdiff(file, '--strict');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {4}data\.injected: /m);
  });

  it('a pod template that gains a nodeSelector', async () => {
    const { manifest, file } = deployed((namespace) => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
    }));
    const patched = structuredClone(manifest);
    patched.spec.template.spec.nodeSelector = { 'kubernetes.io/hostname': 'node-7' };
    server.apply(patched, { manager: 'kubectl-patch' });
    const result = await gitdiff(file, '--strict');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {4}spec\.template\.spec\.nodeSelector\["kubernetes\.io\/hostname"\]: /m);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('a key named %s: absent live is diverged, added live is reported under --strict', async (key) => {
    const { manifest, file } = deployed((namespace) => configMap(namespace));
    const declaring = path.join(dir, `declaring-${run}.json`);
    writeFileSync(declaring, JSON.stringify({ ...manifest, data: JSON.parse(`{"a": "1", ${JSON.stringify(key)}: "declared"}`) }));
    const absent = await gitdiff(declaring);
    expect(absent.code, absent.stderr).toBe(1);
    expect(absent.stdout).toContain(`data.${key}:\n      (absent from the live side)`);
    server.apply({ ...manifest, data: JSON.parse(`{"a": "1", ${JSON.stringify(key)}: "added"}`) }, { manager: 'kubectl-edit' });
    const added = await gitdiff(file, '--strict');
    expect(added.code, added.stderr).toBe(1);
    expect(added.stdout).toMatch(new RegExp(`^ {4}data\\.${key}: .*\\(not in Git`, 'm'));
  });
});

describe('class 5: an object being deleted is not in sync', () => {
  it.each([['the default mode', []], ['--strict', ['--strict']], ['--server-side', ['--server-side']]])('deleted while a finalizer holds it (%s): exit 1, since when and which finalizer', async (_mode, flags) => {
    const { file, namespace } = deployed((ns) => configMap(ns, { finalizers: ['example.com/protect'] }));
    server.remove('v1', 'ConfigMap', namespace, 'settings');
    const text = await gitdiff(file, ...flags);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/^ {4}metadata\.deletionTimestamp: \(being deleted since \d{4}-\d\d-\d\dT/m);
    expect(text.stdout).toMatch(/^-\s+- example\.com\/protect$/m);
    const json = await gitdiff(file, ...flags, '-o', 'json');
    const [item] = JSON.parse(json.stdout).items;
    expect(item.status).toBe('diverged');
    expect(item.changes).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'metadata.deletionTimestamp', live: expect.stringMatching(/^\d{4}-/) }),
      expect.objectContaining({ path: 'metadata.finalizers', live: ['example.com/protect'] }),
    ]));
  });
});
