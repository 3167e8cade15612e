// gitdiff kube end to end against the local test API server, through a kubeconfig,
// as users run it against a cluster.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runGitdiff } from '../../support/run-cli.js';
import { startKubeApiServer, type KubeApiServer } from '../../../tools/kube-api-server/index.js';

const exampleManifests = loadAll(readFileSync('fixtures/example/manifests/redis.yaml', 'utf8')) as Record<string, any>[];
const scaledTo = (replicas: number) => exampleManifests.map((object) => (object.kind === 'Deployment' ? { ...object, spec: { ...object.spec, replicas } } : object));

let server: KubeApiServer;
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-cluster-'));
  server = await startKubeApiServer({ objects: scaledTo(3) });
  kubeconfig = server.writeKubeconfig(dir, { context: 'test-cluster' });
});

afterAll(async () => {
  await server?.close();
});

afterEach(() => {
  for (const object of scaledTo(3)) server.apply(object);
});

function gitdiff(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runGitdiff(['kube', ...args, '--kubeconfig', kubeconfig], { env });
}

describe('gitdiff kube against an API server', () => {
  it('prints the replicas difference and exits 1; exits 0 once the cluster matches', async () => {
    const diverged = await gitdiff(['fixtures/example/manifests']);
    expect(diverged.stderr).toBe('');
    expect(diverged.code).toBe(1);
    expect(diverged.stdout).toContain('~ apps/v1 Deployment cache/redis (fixtures/example/manifests/redis.yaml:8)');
    expect(diverged.stdout).toMatch(/spec\.replicas:.*\n-\s+3\n\+\s+4\n/);
    expect(diverged.stdout).toMatch(/^1 diverged, 3 in sync \(4 objects, /m);

    for (const object of scaledTo(4)) server.apply(object);
    const inSync = await gitdiff(['fixtures/example/manifests']);
    expect(inSync.code).toBe(0);
    expect(inSync.stdout).toMatch(/^4 in sync \(4 objects, \d+\.\d s\)\n$/);
  });

  it('finds the kubeconfig through $KUBECONFIG and the context namespace', async () => {
    const namespaced = server.writeKubeconfig(mkdtempSync(path.join(os.tmpdir(), 'gitdiff-kc-')), { namespace: 'cache' });
    const manifest = path.join(dir, 'no-namespace.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis-config\ndata:\n  maxmemory-policy: allkeys-lru\n');
    const result = await runGitdiff(['kube', manifest], { env: { KUBECONFIG: namespaced } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('reports a deleted object as missing', async () => {
    server.remove('v1', 'ConfigMap', 'cache', 'redis-config');
    const result = await gitdiff(['fixtures/example/manifests']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('+ v1 ConfigMap cache/redis-config');
    expect(result.stdout).toMatch(/1 diverged, 1 missing, 2 in sync/);
  });

  it('reports objects of a kind the cluster does not serve as missing, with the reason', async () => {
    const manifest = path.join(dir, 'crd-object.yaml');
    writeFileSync(manifest, 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: redis\n  namespace: cache\nspec: {}\n');
    const result = await gitdiff([manifest]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('missing (kind not served by the cluster (CRD not installed?))');
  });

  it('calls objects of a CRD declared in the same manifests missing, with that reason', async () => {
    const manifest = path.join(dir, 'crd-and-object.yaml');
    writeFileSync(manifest, [
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names:\n    kind: Widget\n    plural: widgets\n    singular: widget\n    listKind: WidgetList\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          x-kubernetes-preserve-unknown-fields: true\n',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: cache\nspec:\n  size: 3\n',
    ].join('---\n'));
    const result = await gitdiff([manifest]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('missing (its CustomResourceDefinition is declared in these manifests but not served yet)');
  });

  it('lists orphans by label with metadata-only requests', async () => {
    server.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'leftover', namespace: 'cache', labels: { 'app.kubernetes.io/managed-by': 'gitops' } }, data: { a: '1' } });
    try {
      const before = server.requests.length;
      const result = await gitdiff(['fixtures/example/manifests', '--prune-selector', 'app.kubernetes.io/managed-by=gitops']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('- v1 ConfigMap cache/leftover: not declared');
      const lists = server.requests.slice(before).filter((request) => request.query.labelSelector !== undefined);
      expect(lists.length).toBeGreaterThan(0);
      expect(lists.every((request) => String(request.headers.accept).includes('as=PartialObjectMetadataList'))).toBe(true);
    } finally {
      server.remove('v1', 'ConfigMap', 'cache', 'leftover');
    }
  });

  it('sets aside replicas that a live HorizontalPodAutoscaler owns', async () => {
    server.apply({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'redis', namespace: 'cache' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'redis' }, minReplicas: 2, maxReplicas: 6 } });
    try {
      const result = await gitdiff(['fixtures/example/manifests']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/4 in sync \(\d+ objects, [\d.]+ s\); 1 difference ignored/);
    } finally {
      server.remove('autoscaling/v2', 'HorizontalPodAutoscaler', 'cache', 'redis');
    }
  });

  it.each([
    ['one cluster-wide LIST of autoscalers across namespaces', undefined],
    ['per-namespace LISTs when the cluster-wide one is forbidden (a namespace-scoped role)', 403],
  ])('finds live autoscalers with %s', async (_name, clusterWideStatus) => {
    // Deployments in two namespaces; an autoscaler owns the replicas of the one in "shop".
    const deploymentIn = (namespace: string, replicas: number) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace }, spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } });
    const manifests = path.join(dir, 'two-namespaces.yaml');
    writeFileSync(manifests, `${JSON.stringify(deploymentIn('shop', 2))}\n---\n${JSON.stringify(deploymentIn('store', 2))}\n`);
    server.apply(deploymentIn('shop', 5));
    server.apply(deploymentIn('store', 2));
    server.apply({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 6 } });
    if (clusterWideStatus) server.addFault({ path: '/apis/autoscaling/v2/horizontalpodautoscalers', status: clusterWideStatus, times: 1 });
    try {
      const before = server.requests.length;
      const result = await gitdiff([manifests]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^2 in sync \(\d+ objects, [\d.]+ s\); 1 difference ignored/m);
      expect(result.code).toBe(0);
      const paths = server.requests.slice(before).map((request) => request.path).filter((p) => p.includes('horizontalpodautoscalers'));
      if (clusterWideStatus) {
        expect(paths).toHaveLength(3);
        expect(paths).toEqual(expect.arrayContaining(['/apis/autoscaling/v2/horizontalpodautoscalers', '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers', '/apis/autoscaling/v2/namespaces/store/horizontalpodautoscalers']));
      } else {
        expect(paths).toEqual(['/apis/autoscaling/v2/horizontalpodautoscalers']);
      }
    } finally {
      server.remove('autoscaling/v2', 'HorizontalPodAutoscaler', 'shop', 'web');
      server.remove('apps/v1', 'Deployment', 'shop', 'web');
      server.remove('apps/v1', 'Deployment', 'store', 'web');
    }
  });

  it('sends only reads: discovery once per group-version, one LIST for a namespace with several objects', async () => {
    const before = server.requests.length;
    const many = path.join(dir, 'many.yaml');
    writeFileSync(many, [1, 2, 3].map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${n}\n  namespace: team\n`).join('---\n'));
    await gitdiff([many, 'fixtures/example/manifests']);
    const sent = server.requests.slice(before);
    expect(sent.every((request) => request.method === 'GET')).toBe(true);
    const paths = sent.map((request) => request.path);
    expect(paths.filter((p) => p === '/api/v1')).toHaveLength(1);
    expect(paths.filter((p) => p === '/apis/apps/v1')).toHaveLength(1);
    expect(paths).toContain('/api/v1/namespaces/team/configmaps');
    expect(paths).toContain('/apis/apps/v1/namespaces/cache/deployments/redis');
    expect(paths.filter((p) => p.startsWith('/api/v1/namespaces/team/configmaps/'))).toHaveLength(0);
  });
});

describe('gitdiff kube: server failures exit 2 and say what to do', () => {
  it('names the verb and resource RBAC must allow on 403', async () => {
    server.addFault({ path: /\/apis\/apps\/v1\/namespaces\/cache\/deployments/, status: 403, times: 1 });
    const result = await gitdiff(['fixtures/example/manifests']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gitdiff: error: apps\/v1 Deployment cache\/redis: server http:\/\/127\.0\.0\.1:\d+: forbidden \(403\): cannot get deployments\.apps "redis" in namespace "cache"/);
    expect(result.stderr).toContain('hint: RBAC must allow "get" on deployments.apps in namespace "cache"');
    expect(result.stdout).toMatch(/1 error, 3 in sync/);
  });

  it('exits 2 on a server error even when other objects diverge', async () => {
    // Four times: the first request and its three retries.
    server.addFault({ path: /\/api\/v1\/namespaces\/cache\/services\/redis$/, status: 500, times: 4 });
    const result = await gitdiff(['fixtures/example/manifests']);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/1 diverged, 1 error, 2 in sync/);
    expect(result.stderr).toMatch(/failed with HTTP 500: .* \(4 attempts\)/);
  });

  it('explains rejected credentials (401)', async () => {
    // Over TLS: gitdiff, like kubectl, sends credentials to no plain-http server.
    const guarded = await startKubeApiServer({ objects: scaledTo(3), token: 'right-token', tls: true });
    try {
      const wrong = guarded.writeKubeconfig(mkdtempSync(path.join(os.tmpdir(), 'gitdiff-kc-')), { token: 'wrong-token' });
      const result = await runGitdiff(['kube', 'fixtures/example/manifests', '--kubeconfig', wrong, '--debug']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('unauthorized (401)');
      expect(result.stderr).not.toContain('wrong-token');
      const right = guarded.writeKubeconfig(mkdtempSync(path.join(os.tmpdir(), 'gitdiff-kc-')), { token: 'right-token' });
      expect((await runGitdiff(['kube', 'fixtures/example/manifests', '--kubeconfig', right])).code).toBe(1);
    } finally {
      await guarded.close();
    }
  });

  it('names the server when nothing listens there', async () => {
    const port = await closedPort();
    const config = path.join(dir, 'closed.kubeconfig');
    writeFileSync(config, readFileSync(kubeconfig, 'utf8').replace(server.url, `http://127.0.0.1:${port}`));
    const result = await runGitdiff(['kube', 'fixtures/example/manifests', '--kubeconfig', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot reach server http://127.0.0.1:${port}: connection refused`);
    // One run-level error; the objects are counted as not checked (kube-noise.e2e.test.ts covers every format).
    expect(result.stdout).toMatch(/4 unchecked, 1 error, 0 in sync/);
    // One line per cause, not one per object.
    expect(result.stderr.match(/connection refused/g)).toHaveLength(1);
  });

  it('gives up on a slow server after --request-timeout', async () => {
    server.addFault({ path: /\/api\/v1\/namespaces\/cache\/configmaps/, delayMs: 3000, times: 4 });
    const result = await gitdiff(['fixtures/example/manifests', '--request-timeout', '500ms']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no answer to GET \/api\/v1\/namespaces\/cache\/configmaps\/redis-config within 0\.5 s \(4 attempts\)/);
  });

  it('refuses an unknown context', async () => {
    const result = await gitdiff(['fixtures/example/manifests', '--context', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/kubeconfig \S+ has no context "nope" \(contexts: test-cluster\)/);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
