// Fidelity of the test API server, judged by the real kubectl: what kubectl prints
// against it is what it prints against a real cluster holding the same objects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { itWith } from '../../test/support/binaries.js';
import { startKubeApiServer, type KubeApiServer } from './index.js';

type Obj = Record<string, any>;
const it = itWith(['kubectl'], 'https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/');

const webDeployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } } },
};
const configMap = (name: string, namespace: string, labels: Record<string, string> = {}) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data: { a: '1', b: '2' } });
const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
    versions: [{ name: 'v1', served: true, storage: true,
      schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: {
        size: { type: 'integer', default: 3 }, color: { type: 'string' } } } } } },
      additionalPrinterColumns: [{ name: 'Color', type: 'string', jsonPath: '.spec.color' }, { name: 'Size', type: 'integer', jsonPath: '.spec.size' }] }] },
};

let server: KubeApiServer;
let scratch: string;
let kubeconfig: string;

beforeAll(async () => {
  server = await startKubeApiServer({
    objects: [webDeployment, configMap('settings', 'shop', { app: 'web' }), configMap('flags', 'shop'), configMap('other', 'billing', { app: 'web' }),
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }],
  });
  scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-kubectl-'));
  kubeconfig = server.writeKubeconfig(scratch, { namespace: 'shop' });
});
afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

let cacheDirs = 0;
/** Runs kubectl with its own discovery cache (a fresh one per call, as the server's kinds change between tests). */
async function kubectl(args: string[], config = kubeconfig) {
  const cacheDir = path.join(scratch, `cache-${cacheDirs++}`);
  const result = await execa('kubectl', ['--kubeconfig', config, '--cache-dir', cacheDir, ...args],
    { reject: false, extendEnv: false, env: { PATH: process.env.PATH, HOME: scratch }, stdin: 'ignore', timeout: 50_000 });
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/** Table output as rows of cells (kubectl separates columns with at least 3 spaces; headers hold single spaces). */
const table = (stdout: string): string[][] => stdout.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
const AGE = /^\d+s$/;

describe('kubectl against the test API server', () => {
  it('get deploy -o json prints the Deployment list as a real server\'s', async () => {
    const { code, stdout } = await kubectl(['get', 'deploy', '-n', 'shop', '-o', 'json']);
    expect(code).toBe(0);
    const list = JSON.parse(stdout);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }] });
    const { managedFields: _hidden, ...metadata } = (server.get('apps/v1', 'Deployment', 'shop', 'web') as Obj).metadata;
    expect(list.items[0].metadata).toEqual(metadata);
  });

  it('get deploy NAME -o yaml prints the live object, managedFields hidden as kubectl does', async () => {
    const { code, stdout } = await kubectl(['get', 'deploy', 'web', '-o', 'yaml']);
    expect(code).toBe(0);
    const live = structuredClone(server.get('apps/v1', 'Deployment', 'shop', 'web')) as Obj;
    delete live.metadata.managedFields;
    expect(yaml.load(stdout)).toEqual(live);
    expect(stdout).toContain('deployment.kubernetes.io/revision: "1"');
    expect(stdout).toContain('kubectl.kubernetes.io/last-applied-configuration: |');
  });

  it('get deploy prints the server-side table', async () => {
    const { code, stdout } = await kubectl(['get', 'deploy']);
    expect(code).toBe(0);
    const [header, row] = table(stdout);
    expect(header).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(row.slice(0, 4)).toEqual(['web', '2/2', '2', '2']);
    expect(row[4]).toMatch(AGE);
  });

  it('get ns, get clusterroles and get cm -A print their tables', async () => {
    const namespaces = table((await kubectl(['get', 'ns'])).stdout);
    expect(namespaces[0]).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(namespaces.slice(1).map(([name, status]) => `${name} ${status}`)).toEqual(
      ['billing Active', 'default Active', 'kube-node-lease Active', 'kube-public Active', 'kube-system Active', 'shop Active']);
    const roles = table((await kubectl(['get', 'clusterroles'])).stdout);
    expect(roles).toEqual([['NAME', 'CREATED AT'], ['reader', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)]]);
    const maps = table((await kubectl(['get', 'cm', '-A'])).stdout);
    expect(maps[0]).toEqual(['NAMESPACE', 'NAME', 'DATA', 'AGE']);
    expect(maps.slice(1).map((row) => row.slice(0, 3))).toEqual([['billing', 'other', '2'], ['shop', 'flags', '2'], ['shop', 'settings', '2']]);
  });

  it('filters by label and pages with --chunk-size through continue tokens', async () => {
    const before = server.requests.length;
    const { stdout } = await kubectl(['get', 'cm', '-A', '--chunk-size=2', '-o', 'name']);
    expect(stdout.trim().split('\n')).toEqual(['configmap/other', 'configmap/flags', 'configmap/settings']);
    const lists = server.requests.slice(before).filter((r) => r.path === '/api/v1/configmaps');
    expect(lists.map((r) => Boolean(r.query.continue))).toEqual([false, true]);
    expect((await kubectl(['get', 'cm', '-A', '-l', 'app=web', '-o', 'name'])).stdout.trim().split('\n'))
      .toEqual(['configmap/other', 'configmap/settings']);
  });

  it('discovers through the aggregated /api and /apis, and through the per-group documents without them', async () => {
    const before = server.requests.length;
    expect((await kubectl(['get', 'deploy', '-o', 'name'])).stdout.trim()).toBe('deployment.apps/web');
    const discovery = server.requests.slice(before).filter((r) => r.path.startsWith('/api') && !r.path.includes('/namespaces/'));
    expect(discovery.map((r) => r.path)).toEqual(['/api', '/apis']);

    const legacy = await startKubeApiServer({ aggregatedDiscovery: false, objects: [webDeployment] });
    try {
      const config = legacy.writeKubeconfig(path.join(scratch, 'legacy'));
      expect((await kubectl(['get', 'deploy', '-n', 'shop', '-o', 'name'], config)).stdout.trim()).toBe('deployment.apps/web');
      expect(legacy.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/v1', '/apis/apps/v1', '/apis/batch/v1']));
      expect(table((await kubectl(['api-resources', '--api-group=apps'], config)).stdout).map((row) => row[0]))
        .toEqual(['NAME', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']);
    } finally {
      await legacy.close();
    }
  });

  it('get deployments.apps missing exits 1 with the NotFound message', async () => {
    const { code, stdout, stderr } = await kubectl(['get', 'deployments.apps', 'missing']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe('Error from server (NotFound): deployments.apps "missing" not found');
  });

  it('prints the Forbidden and InternalError messages of injected faults', async () => {
    server.addFault({ path: '/apis/apps/v1/namespaces/shop/deployments/web', status: 403, user: 'system:serviceaccount:ci:gitdiff', times: 1 });
    const forbidden = await kubectl(['get', 'deploy', 'web']);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr.trim()).toBe('Error from server (Forbidden): deployments.apps "web" is forbidden: User "system:serviceaccount:ci:gitdiff" '
      + 'cannot get resource "deployments" in API group "apps" in the namespace "shop"');
    server.addFault({ path: '/api/v1/namespaces/shop/configmaps', status: 500, times: 1 });
    const internal = await kubectl(['get', 'cm']);
    expect(internal.code).toBe(1);
    expect(internal.stderr.trim()).toBe('Error from server (InternalError): Internal error occurred: etcdserver: request timed out');
  });

  it('retries after a 429 as client-go does, honouring Retry-After', async () => {
    server.addFault({ path: '/api/v1/namespaces/shop/configmaps/flags', status: 429, retryAfterSeconds: 1, times: 1 });
    const before = server.requests.length;
    const { code, stdout } = await kubectl(['get', 'cm', 'flags', '-o', 'name']);
    expect([code, stdout.trim()]).toEqual([0, 'configmap/flags']);
    expect(server.requests.slice(before).filter((r) => r.path === '/api/v1/namespaces/shop/configmaps/flags')).toHaveLength(2);
  });

  it('serves a CRD\'s kind after the CRD is applied: api-resources, table, object', async () => {
    expect((await kubectl(['get', 'widgets'])).stderr).toContain('the server doesn\'t have a resource type "widgets"');
    server.apply(widgetCrd);
    server.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'gear', namespace: 'shop' }, spec: { color: 'blue' } });
    const resources = table((await kubectl(['api-resources'])).stdout);
    expect(resources[0]).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    expect(resources).toContainEqual(['widgets', 'wd', 'example.com/v1', 'true', 'Widget']);
    expect(resources).toContainEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(resources).toContainEqual(['clusterroles', 'rbac.authorization.k8s.io/v1', 'false', 'ClusterRole']);
    const widgets = table((await kubectl(['get', 'wd'])).stdout);
    expect(widgets).toEqual([['NAME', 'COLOR', 'SIZE'], ['gear', 'blue', '3']]);
    const { stdout } = await kubectl(['get', 'widget.example.com', 'gear', '-o', 'json']);
    expect(JSON.parse(stdout)).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Widget', spec: { color: 'blue', size: 3 } });
  });

  itWith(['kubectl', 'openssl'], 'apt-get install openssl')('sends the kubeconfig\'s token over TLS, and reports Unauthorized for a wrong one', async () => {
    const guarded = await startKubeApiServer({ token: 'kubectl-token', tls: true, objects: [configMap('c', 'default')] });
    try {
      expect(guarded.url).toMatch(/^https:/);
      const withToken = await kubectl(['get', 'cm', 'c', '-o', 'name'], guarded.writeKubeconfig(path.join(scratch, 'with'), { token: 'kubectl-token' }));
      expect([withToken.code, withToken.stdout.trim()]).toEqual([0, 'configmap/c']);
      expect(guarded.requests.length).toBeGreaterThan(0);
      expect(guarded.requests.every((r) => r.headers.authorization === 'Bearer kubectl-token')).toBe(true);
      // A wrong (say expired) token; with none at all kubectl would prompt for a username on a TLS server.
      const wrong = await kubectl(['get', 'cm', 'c'], guarded.writeKubeconfig(path.join(scratch, 'wrong'), { token: 'expired-token' }));
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('error: You must be logged in to the server (the server has asked for the client to provide credentials)');
    } finally {
      await guarded.close();
    }
  });

  it('sends no token to a plain-http server (clientcmd uses credentials only over TLS)', async () => {
    const plain = await startKubeApiServer({ objects: [configMap('c', 'default')] });
    try {
      await kubectl(['get', 'cm', 'c', '-o', 'name'], plain.writeKubeconfig(path.join(scratch, 'plain'), { token: 'kubectl-token' }));
      expect(plain.requests.length).toBeGreaterThan(0);
      expect(plain.requests.some((r) => r.headers.authorization !== undefined)).toBe(false);
    } finally {
      await plain.close();
    }
  });
});
