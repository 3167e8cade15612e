// gitdiff in a pod: no kubeconfig, no flag; the service account's token, CA
// and namespace, and KUBERNETES_SERVICE_HOST/_PORT, as the kubelet provides
// them (client-go's rest.InClusterConfig reads the same), against the test API
// server over TLS, which refuses requests without the token.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWith } from '../support/binaries.js';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';
import { selfSignedCertificate } from '../../tools/kube-api-server/tls.js';
import { repoRoot, runGitdiff } from '../support/run-cli.js';
import { podEnvironment, SERVICE_ACCOUNT_TOKEN, writeServiceAccount, type PodFiles } from './service-account.js';

type Obj = Record<string, any>;

const itOpenssl = itWith(['openssl'], 'apt-get install openssl');
const example = loadAll(readFileSync(path.join(repoRoot, 'fixtures/example/manifests/redis.yaml'), 'utf8')) as Obj[];
const settings = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'drift-check' } };

let server: KubeApiServer | undefined;
let scratch: string;
let pod: PodFiles;
let home: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-in-cluster-'));
  // No ~/.kube/config: the in-cluster account is the last place gitdiff looks, as kubectl does.
  home = path.join(scratch, 'home');
  writeFileSync(path.join(scratch, 'settings.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: drift-check\n');
  if (itOpenssl !== it) return;
  server = await startKubeApiServer({ tls: true, token: SERVICE_ACCOUNT_TOKEN, objects: [...example, { ...settings, metadata: { ...settings.metadata, namespace: 'gitdiff' } }] });
  pod = writeServiceAccount(server, 'gitdiff');
});

afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
  if (pod) rmSync(pod.root, { recursive: true, force: true });
});

function inPod(args: string[], files: PodFiles = pod, env: NodeJS.ProcessEnv = {}) {
  return runGitdiff(['kube', ...args], { env: { HOME: home, ...podEnvironment(server!, files), ...env } });
}

describe('gitdiff kube in a pod', () => {
  itOpenssl('uses the service account without any flag: its token, its CA, its namespace for manifests that name none', async () => {
    const before = server!.requests.length;
    const result = await inPod(['fixtures/example/manifests', path.join(scratch, 'settings.yaml'), '-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.target).toBe('in-cluster');
    expect(report.items.map((item: Obj) => `${item.kind} ${item.namespace}/${item.name} ${item.status}`)).toContain('ConfigMap gitdiff/settings in-sync');
    const requests = server!.requests.slice(before);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((request) => request.headers.authorization === `Bearer ${SERVICE_ACCOUNT_TOKEN}`)).toBe(true);
  });

  itOpenssl('names the target in-cluster in the metrics, so a textfile or Pushgateway group is stable', async () => {
    const textfile = path.join(scratch, 'in-cluster.prom');
    const result = await inPod(['fixtures/example/manifests', '--metrics-textfile', textfile]);
    expect(result.code).toBe(0);
    expect(readFileSync(textfile, 'utf8')).toContain('gitdiff_diverged{source="kube",target="in-cluster"} 0');
  });

  itOpenssl('prefers a kubeconfig ($KUBECONFIG) to the in-cluster account, as kubectl does', async () => {
    const kubeconfig = server!.writeKubeconfig(scratch, { context: 'explicit', token: SERVICE_ACCOUNT_TOKEN });
    const result = await inPod(['fixtures/example/manifests', '-o', 'json'], pod, { KUBECONFIG: kubeconfig });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).target).toBe('explicit');
  });

  itOpenssl('checks the server against the service account CA: another certificate is an error naming the server (exit 2)', async () => {
    const other = writeServiceAccount(server!, 'gitdiff', { ca: (await selfSignedCertificate()).cert });
    try {
      const result = await inPod(['fixtures/example/manifests'], other);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(server!.url.replace('https://', ''));
      expect(result.stdout).toMatch(/^4 unchecked, 1 error, 0 in sync \(4 objects/m);
    } finally {
      rmSync(other.root, { recursive: true, force: true });
    }
  });

  itOpenssl('without a mounted token (automountServiceAccountToken: false): exit 2 naming the token file, with a hint', async () => {
    const tokenless = writeServiceAccount(server!, 'gitdiff', { token: '' });
    try {
      const result = await inPod(['fixtures/example/manifests'], tokenless);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`in a pod (KUBERNETES_SERVICE_HOST is set) but there is no service-account token at ${tokenless.serviceAccountDir}/token`);
      expect(result.stderr).toContain('automountServiceAccountToken: true');
    } finally {
      rmSync(tokenless.root, { recursive: true, force: true });
    }
  });

  itOpenssl('with KUBERNETES_SERVICE_HOST but no port: exit 2 saying so', async () => {
    const result = await inPod(['fixtures/example/manifests'], pod, { KUBERNETES_SERVICE_PORT: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('KUBERNETES_SERVICE_HOST is set but KUBERNETES_SERVICE_PORT is not');
  });

  it('outside a pod, with nothing configured: exit 2, pointing at --kubeconfig and --live-from', async () => {
    const result = await runGitdiff(['kube', 'fixtures/example/manifests'], { env: { HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no Kubernetes configuration');
    expect(result.stderr).toContain('--live-from');
  });
});
