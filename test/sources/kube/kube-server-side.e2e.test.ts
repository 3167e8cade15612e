// --server-side end to end: a server-side apply dry run per object, compared
// with the live object. Nothing is ever stored, every write carries
// dryRun=All, and the requests are those `kubectl diff --server-side` sends.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { dump, load } from 'js-yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { itWith } from '../../support/binaries.js';
import { runGitdiff } from '../../support/run-cli.js';
import { startKubeApiServer, type KubeApiServer, type RecordedRequest } from '../../../tools/kube-api-server/index.js';

type Obj = Record<string, any>;
const itWithKubectl = itWith(['kubectl'], 'https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/');

const web = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:1', ports: [{ containerPort: 8080 }] }] } } },
};
const settings = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'fast' } };
const PASSWORD = 'correct-horse-battery-staple';
const secret = (password: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, stringData: { password } });
const gadgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' },
  spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', kind: 'Gadget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 1 } } } } } } }] },
};
const gadget = (spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'shop' }, spec });
const STORED = [web, settings, secret(PASSWORD), gadgetCrd, gadget({ size: 2 })];

let server: KubeApiServer;
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  server = await startKubeApiServer({ objects: STORED });
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-server-side-'));
  kubeconfig = server.writeKubeconfig(dir);
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  for (const object of STORED) server.apply(object);
});

function manifest(name: string, ...objects: object[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, objects.map((object) => dump(object)).join('---\n'));
  return file;
}

const gitdiff = (args: string[]) => runGitdiff(['kube', ...args, '--kubeconfig', kubeconfig]);
const writes = (since: number): RecordedRequest[] => server.requests.slice(since).filter((request) => request.method !== 'GET');
const stored = () => STORED.map((object: Obj) => server.get(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name));

describe('gitdiff kube --server-side', () => {
  it('is in sync when the apply would change nothing, and stores nothing', async () => {
    const before = stored();
    const since = server.requests.length;
    const result = await gitdiff([manifest('all.yaml', web, settings, secret(PASSWORD), gadget({ size: 2 })), '--server-side']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^4 in sync \(4 objects, /);
    expect(result.code).toBe(0);
    expect(stored()).toEqual(before);
    const patches = writes(since);
    expect(patches.map((request) => request.path).sort()).toEqual([
      '/api/v1/namespaces/shop/configmaps/settings', '/api/v1/namespaces/shop/secrets/db',
      '/apis/apps/v1/namespaces/shop/deployments/web', '/apis/example.com/v1/namespaces/shop/gadgets/g',
    ]);
    for (const request of patches) {
      expect(request.method).toBe('PATCH');
      expect(request.query).toEqual({ dryRun: 'All', fieldManager: 'gitdiff', force: 'true' });
      expect(request.headers['content-type']).toBe('application/apply-patch+yaml');
    }
    expect(load(patches.find((request) => request.path.endsWith('/deployments/web'))!.body!)).toEqual(web);
  });

  it('sees what only the server knows: a default a mutating webhook would inject', async () => {
    const remove = server.addAdmission((object, info) => {
      if (info.kind !== 'Deployment') return;
      for (const container of object.spec.template.spec.containers) container.securityContext = { allowPrivilegeEscalation: false, ...container.securityContext };
    });
    try {
      const file = manifest('web.yaml', web);
      const subset = await gitdiff([file]);
      expect(subset.code).toBe(0);
      const result = await gitdiff([file, '--server-side', '-o', 'json']);
      expect(result.code).toBe(1);
      const [item] = JSON.parse(result.stdout).items;
      expect(item.status).toBe('diverged');
      expect(item.changes).toEqual([{ path: 'spec.template.spec.containers[name=app].securityContext', declared: { allowPrivilegeEscalation: false } }]);
    } finally {
      remove();
    }
  });

  it('does not report a field the server would prune, which the default mode cannot know', async () => {
    const file = manifest('gadget.yaml', gadget({ size: 2, colour: 'red' }));
    const subset = await gitdiff([file, '-o', 'json']);
    expect(subset.code).toBe(1);
    expect(JSON.parse(subset.stdout).items[0].changes.map((change: { path: string }) => change.path)).toEqual(['spec.colour']);
    expect((await gitdiff([file, '--server-side'])).code).toBe(0);
  });

  it('reports a changed value, with the live value and who set it', async () => {
    const result = await gitdiff([manifest('settings.yaml', { ...settings, data: { mode: 'safe' } }), '--server-side', '-o', 'json']);
    expect(result.code).toBe(1);
    const [item] = JSON.parse(result.stdout).items;
    expect(item.changes).toEqual([expect.objectContaining({ path: 'data.mode', declared: 'safe', live: 'fast', manager: 'kubectl-client-side-apply' })]);
  });

  it('calls an object the cluster does not have missing, without a dry run for it', async () => {
    const since = server.requests.length;
    const absent = { ...settings, metadata: { name: 'absent', namespace: 'shop' } };
    const result = await gitdiff([manifest('absent.yaml', absent), '--server-side']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('+ v1 ConfigMap shop/absent');
    expect(writes(since)).toEqual([]);
  });

  it('masks Secret values, in text and JSON, and in server errors', async () => {
    const file = manifest('secret.yaml', secret('another-password-value'));
    for (const output of ['text', 'json']) {
      const result = await gitdiff([file, '--server-side', '-o', output, '-v']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('data.password');
      for (const value of [PASSWORD, 'another-password-value', Buffer.from(PASSWORD).toString('base64')]) expect(result.stdout + result.stderr).not.toContain(value);
    }
    server.addFault({ method: 'PATCH', path: '/api/v1/namespaces/shop/secrets/db', status: 422, times: 1,
      body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, message: 'admission webhook "x" denied: password another-password-value is weak' } });
    const failed = await gitdiff([file, '--server-side']);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('patch secrets "db" in namespace "shop" failed with HTTP 422');
    expect(failed.stdout + failed.stderr).not.toContain('another-password-value');
  });

  it('on 403 says the dry run needs patch permission and suggests the read-only default mode (exit 2)', async () => {
    server.addFault({ method: 'PATCH', path: '/apis/apps/v1/namespaces/shop/deployments/web', status: 403, times: 1 });
    const file = manifest('web-403.yaml', web);
    const result = await gitdiff([file, '--server-side']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gitdiff: error: apps\/v1 Deployment shop\/web: server http:\/\/127\.0\.0\.1:\d+: forbidden \(403\): cannot patch deployments\.apps "web" in namespace "shop" \(the server-side apply dry run of --server-side\): deployments\.apps "web" is forbidden: User "system:serviceaccount:default:gitdiff" cannot patch resource "deployments"/);
    expect(result.stderr).toContain('hint: --server-side needs RBAC "patch" on deployments.apps in namespace "shop", though its dry run changes nothing; without --server-side, gitdiff only reads (get and list)');
    expect((await gitdiff([file])).code).toBe(0);
  });

  it('refuses a snapshot and --strict', async () => {
    const file = manifest('web-snapshot.yaml', web);
    const snapshot = await runGitdiff(['kube', file, '--live-from', file, '--server-side']);
    expect(snapshot.code).toBe(2);
    expect(snapshot.stderr).toContain('--server-side asks the API server for a dry-run apply: it cannot compare with a snapshot (--live-from)');
    const strict = await gitdiff([file, '--server-side', '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('--strict does not apply with --server-side');
  });

  itWithKubectl('sends what kubectl diff --server-side sends: method, path, query and content type', async () => {
    const file = manifest('kubectl.yaml', { ...settings, data: { mode: 'safe' } }, { ...web, spec: { ...web.spec, replicas: 3 } });
    const patchesOf = (requests: RecordedRequest[]) => requests.filter((request) => request.method === 'PATCH')
      .map((request) => ({ method: request.method, path: request.path, query: request.query, contentType: request.headers['content-type'] }))
      .sort((a, b) => a.path.localeCompare(b.path));

    const kubectlDiff = (flags: string[]) => execa('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'kubectl-cache'), 'diff', '--server-side', ...flags, '-f', file],
      { reject: false, extendEnv: false, env: { PATH: process.env.PATH, HOME: dir, KUBECTL_EXTERNAL_DIFF: 'diff -u' }, stdin: 'ignore', timeout: 50_000 });
    // Unforced, the server refuses to take fields kubectl's client-side apply owns: why gitdiff sends force=true.
    const unforced = await kubectlDiff([]);
    expect(unforced.exitCode).toBeGreaterThan(1);
    expect(unforced.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.mode');

    const kubectlSince = server.requests.length;
    const kubectl = await kubectlDiff(['--force-conflicts', '--field-manager=gitdiff']);
    // kubectl diff exits 1 when it found differences, and prints them from the dry runs' answers.
    expect(kubectl.stderr).toBe('');
    expect(kubectl.exitCode).toBe(1);
    expect(kubectl.stdout).toMatch(/^-\s+mode: fast$/m);
    expect(kubectl.stdout).toMatch(/^\+\s+mode: safe$/m);
    expect(kubectl.stdout).toMatch(/^\+\s+replicas: 3$/m);
    const kubectlPatches = patchesOf(server.requests.slice(kubectlSince));

    const gitdiffSince = server.requests.length;
    expect((await gitdiff([file, '--server-side'])).code).toBe(1);
    const gitdiffPatches = patchesOf(server.requests.slice(gitdiffSince));

    expect(kubectlPatches).toHaveLength(2);
    expect(gitdiffPatches).toEqual(kubectlPatches);
    // Both read the live object with a GET first.
    for (const requests of [server.requests.slice(kubectlSince, gitdiffSince), server.requests.slice(gitdiffSince)]) {
      expect(requests.some((request) => request.method === 'GET' && request.path === '/apis/apps/v1/namespaces/shop/deployments/web')).toBe(true);
    }
  });
});
