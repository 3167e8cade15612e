// The test API server over HTTP: discovery, GET and LIST, Status errors, faults,
// pagination, selectors and authentication, as a client such as gitdiff sees them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from './index.js';

type Obj = Record<string, any>;

const configMap = (name: string, namespace: string, labels: Record<string, string> = {}): Obj =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data: { key: name } });

const deployment: Obj = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
};

let server: KubeApiServer;

async function request(target: KubeApiServer, urlPath: string, init: RequestInit = {}): Promise<{ status: number; body: Obj; headers: Headers }> {
  const response = await fetch(`${target.url}${urlPath}`, { ...init, headers: { Accept: 'application/json', ...init.headers } });
  return { status: response.status, body: await response.json() as Obj, headers: response.headers };
}
const get = (urlPath: string, init?: RequestInit) => request(server, urlPath, init);

beforeAll(async () => {
  server = await startKubeApiServer({
    objects: [
      deployment,
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] },
      configMap('a', 'shop', { app: 'web', tier: 'front' }),
      configMap('b', 'shop', { app: 'web', tier: 'back' }),
      configMap('c', 'shop', { app: 'db' }),
      configMap('d', 'shop', {}),
      configMap('e', 'shop', { tier: 'cache' }),
      configMap('z', 'other', { app: 'web' }),
    ],
  });
});
afterAll(async () => server.close());

describe('discovery', () => {
  it('serves /version, /api and /apis', async () => {
    expect((await get('/version')).body).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0' });
    expect((await get('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await get('/apis')).body;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: Obj) => g.preferredVersion.groupVersion)).toEqual(expect.arrayContaining(
      ['apps/v1', 'batch/v1', 'autoscaling/v2', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1', 'policy/v1',
        'apiextensions.k8s.io/v1', 'admissionregistration.k8s.io/v1']));
    expect((await get('/apis/apps')).body).toMatchObject({ kind: 'APIGroup', name: 'apps', preferredVersion: { version: 'v1' } });
  });

  it.each([
    ['/api/v1', 'configmaps', 'ConfigMap', true, ['cm']],
    ['/api/v1', 'namespaces', 'Namespace', false, ['ns']],
    ['/api/v1', 'nodes', 'Node', false, ['no']],
    ['/api/v1', 'persistentvolumes', 'PersistentVolume', false, ['pv']],
    ['/api/v1', 'secrets', 'Secret', true, undefined],
    ['/apis/apps/v1', 'deployments', 'Deployment', true, ['deploy']],
    ['/apis/batch/v1', 'cronjobs', 'CronJob', true, ['cj']],
    ['/apis/rbac.authorization.k8s.io/v1', 'clusterroles', 'ClusterRole', false, undefined],
    ['/apis/rbac.authorization.k8s.io/v1', 'rolebindings', 'RoleBinding', true, undefined],
    ['/apis/admissionregistration.k8s.io/v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false, undefined],
    ['/apis/apiextensions.k8s.io/v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, ['crd', 'crds']],
  ])('%s lists %s (kind %s, namespaced %s)', async (groupVersionPath, name, kind, namespaced, shortNames) => {
    const list = (await get(groupVersionPath)).body;
    expect(list.kind).toBe('APIResourceList');
    const entry = list.resources.find((r: Obj) => r.name === name);
    expect(entry).toMatchObject({ singularName: kind.toLowerCase(), namespaced, kind });
    expect(entry.verbs).toEqual(expect.arrayContaining(['get', 'list']));
    expect(entry.shortNames).toEqual(shortNames);
  });

  it('serves /apis in the aggregated form to clients that ask for it', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const response = await fetch(`${server.url}/apis`, { headers: { Accept: accept } });
    expect(response.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const body = await response.json() as Obj;
    expect(body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    const apps = body.items.find((item: Obj) => item.metadata.name === 'apps');
    expect(apps.versions[0].resources.find((r: Obj) => r.resource === 'deployments')).toEqual({
      resource: 'deployments', responseKind: { group: '', version: '', kind: 'Deployment' }, scope: 'Namespaced', singularResource: 'deployment',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['deploy'], categories: ['all'],
      subresources: [
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'status', responseKind: { group: '', version: '', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
      ] });
    const core = await (await fetch(`${server.url}/api`, { headers: { Accept: accept } })).json() as Obj;
    expect(core.items[0].versions[0].resources.find((r: Obj) => r.resource === 'namespaces')).toMatchObject({ scope: 'Cluster', shortNames: ['ns'] });
  });

  it('answers an unknown group or version with a 404 Status', async () => {
    for (const unknown of ['/apis/example.com/v1', '/apis/apps/v2', '/api/v2', '/apis/apps/v1/widgets']) {
      const { status, body } = await get(unknown);
      expect(status).toBe(404);
      expect(body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
        message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
    }
  });
});

describe('GET and LIST', () => {
  it('gets namespaced and cluster-scoped objects', async () => {
    const live = (await get('/apis/apps/v1/namespaces/shop/deployments/web')).body;
    expect(live).toMatchObject({ kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'web', namespace: 'shop' } });
    expect((await get('/apis/rbac.authorization.k8s.io/v1/clusterroles/reader')).body.metadata.name).toBe('reader');
    expect((await get('/api/v1/namespaces/shop')).body).toMatchObject({ kind: 'Namespace', status: { phase: 'Active' } });
  });

  it('lists as a real server: a typed List, items without apiVersion or kind, a resourceVersion', async () => {
    const list = (await get('/apis/apps/v1/namespaces/shop/deployments')).body;
    expect(list).toMatchObject({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: { resourceVersion: expect.any(String) } });
    expect(list.items).toHaveLength(1);
    expect(Object.keys(list.items[0])).toEqual(['metadata', 'spec', 'status']);
    const all = (await get('/api/v1/configmaps')).body;
    expect(all.items.map((i: Obj) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(
      ['other/z', 'shop/a', 'shop/b', 'shop/c', 'shop/d', 'shop/e']);
  });

  it('lists an empty or missing namespace as an empty list (200)', async () => {
    const { status, body } = await get('/apis/apps/v1/namespaces/nothing-here/deployments');
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'DeploymentList', items: [] });
  });

  it('lists metadata only for clients that ask for PartialObjectMetadataList', async () => {
    const accept = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
    const response = await fetch(`${server.url}/api/v1/namespaces/shop/configmaps?labelSelector=app%3Dweb`, { headers: { Accept: accept } });
    expect(response.headers.get('content-type')).toBe('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io');
    const list = await response.json() as Obj;
    expect(list).toMatchObject({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: expect.any(String) } });
    expect(list.items.map((i: Obj) => [i.kind, i.apiVersion, i.metadata.name, i.data])).toEqual(
      [['PartialObjectMetadata', 'meta.k8s.io/v1', 'a', undefined], ['PartialObjectMetadata', 'meta.k8s.io/v1', 'b', undefined]]);
  });

  it('answers a missing object with the NotFound Status Kubernetes sends', async () => {
    const { status, body } = await get('/apis/apps/v1/namespaces/shop/deployments/x');
    expect(status).toBe(404);
    expect(JSON.stringify(body)).toBe('{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \\"x\\" not found","reason":"NotFound","details":{"name":"x","group":"apps","kind":"deployments"},"code":404}');
    expect((await get('/api/v1/namespaces/shop/configmaps/x')).body.details).toEqual({ name: 'x', kind: 'configmaps' });
  });

  it('refuses writes with 405 MethodNotAllowed', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const { status, body } = await get('/apis/apps/v1/namespaces/shop/deployments/web', { method, body: method === 'DELETE' ? undefined : '{}' });
      expect(status).toBe(405);
      expect(body).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
    }
    expect(server.get('apps/v1', 'Deployment', 'shop', 'web')).toBeDefined();
  });

  it('pages with limit and continue, counting what remains', async () => {
    const names: string[] = [];
    const remaining: (number | undefined)[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query = `limit=2${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const { body } = await get(`/api/v1/namespaces/shop/configmaps?${query}`);
      names.push(...body.items.map((i: Obj) => i.metadata.name));
      remaining.push(body.metadata.remainingItemCount);
      token = body.metadata.continue;
      if (!token) break;
    }
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(remaining).toEqual([3, 1, undefined]);
    const { status, body } = await get('/api/v1/namespaces/shop/configmaps?limit=2&continue=not-a-token');
    expect(status).toBe(400);
    expect(body).toMatchObject({ reason: 'BadRequest', message: expect.stringContaining('continue key is not valid') });
  });

  it.each([
    ['app=web', ['a', 'b']],
    ['app==web', ['a', 'b']],
    ['app!=web', ['c', 'd', 'e']],
    ['tier in (front,cache)', ['a', 'e']],
    ['tier notin (front)', ['b', 'c', 'd', 'e']],
    ['tier', ['a', 'b', 'e']],
    ['!tier', ['c', 'd']],
    ['app=web,tier=back', ['b']],
  ])('labelSelector %s', async (selector, expected) => {
    const { body } = await get(`/api/v1/namespaces/shop/configmaps?labelSelector=${encodeURIComponent(selector)}`);
    expect(body.items.map((i: Obj) => i.metadata.name)).toEqual(expected);
  });

  it('filters with fieldSelector on metadata.name and metadata.namespace, and refuses other fields', async () => {
    const byName = (await get('/api/v1/configmaps?fieldSelector=metadata.name%3Dz')).body;
    expect(byName.items.map((i: Obj) => i.metadata.namespace)).toEqual(['other']);
    const notShop = (await get('/api/v1/configmaps?fieldSelector=metadata.namespace!%3Dshop')).body;
    expect(notShop.items.map((i: Obj) => i.metadata.name)).toEqual(['z']);
    const { status, body } = await get('/api/v1/configmaps?fieldSelector=spec.foo%3Dbar');
    expect(status).toBe(400);
    expect(body.message).toBe('field label not supported: spec.foo');
  });

  it('records every request in order', async () => {
    const before = server.requests.length;
    await get('/api/v1/namespaces/shop/configmaps?limit=1', { headers: { 'X-Probe': 'yes' } });
    expect(server.requests.slice(before)).toEqual([expect.objectContaining(
      { method: 'GET', path: '/api/v1/namespaces/shop/configmaps', query: { limit: '1' }, headers: expect.objectContaining({ 'x-probe': 'yes' }) })]);
  });
});

describe('faults', () => {
  it('answers 403 with the Forbidden Status RBAC sends, for a get and for a list', async () => {
    server.addFault({ path: '/apis/apps/v1/namespaces/shop/deployments/web', status: 403, times: 1, user: 'system:serviceaccount:ci:gitdiff' });
    const { status, body } = await get('/apis/apps/v1/namespaces/shop/deployments/web');
    expect(status).toBe(403);
    expect(body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'deployments.apps "web" is forbidden: User "system:serviceaccount:ci:gitdiff" cannot get resource "deployments" in API group "apps" in the namespace "shop"',
      reason: 'Forbidden', details: { name: 'web', group: 'apps', kind: 'deployments' }, code: 403 });
    expect((await get('/apis/apps/v1/namespaces/shop/deployments/web')).status).toBe(200);

    server.addFault({ method: 'GET', path: /^\/apis\/rbac[^/]*\/v1\/clusterroles$/, status: 403, times: 1 });
    expect((await get('/apis/rbac.authorization.k8s.io/v1/clusterroles')).body.message).toBe(
      'clusterroles.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:default:gitdiff" cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope');
  });

  it('answers 500, 503 and 429 (with Retry-After) the given number of times, then serves normally', async () => {
    server.addFault({ path: '/api/v1/namespaces/shop/configmaps/a', status: 500, times: 1 });
    server.addFault({ path: '/api/v1/namespaces/shop/configmaps/a', status: 503, times: 1 });
    server.addFault({ path: '/api/v1/namespaces/shop/configmaps/a', status: 429, retryAfterSeconds: 3, times: 2 });
    const internal = await get('/api/v1/namespaces/shop/configmaps/a');
    expect(internal.status).toBe(500);
    expect(internal.body).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500, message: expect.stringMatching(/^Internal error occurred: /) });
    expect((await get('/api/v1/namespaces/shop/configmaps/a')).body).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    for (let i = 0; i < 2; i++) {
      const throttled = await get('/api/v1/namespaces/shop/configmaps/a');
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('3');
      expect(throttled.body).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
    }
    expect((await get('/api/v1/namespaces/shop/configmaps/a')).body.data).toEqual({ key: 'a' });
  });

  it('delays an answer without changing it when the fault names no status', async () => {
    server.addFault({ path: '/api/v1/namespaces/shop/configmaps/b', delayMs: 50, times: 1 });
    const { status, body } = await get('/api/v1/namespaces/shop/configmaps/b');
    expect(status).toBe(200);
    expect(body.metadata.name).toBe('b');
  });

  it('sends a fault\'s own body when given one', async () => {
    server.addFault({ path: '/version', status: 500, body: { custom: true }, times: 1 });
    expect(await get('/version')).toMatchObject({ status: 500, body: { custom: true } });
  });
});

describe('authentication and kubeconfig', () => {
  it('requires the bearer token when started with one', async () => {
    const guarded = await startKubeApiServer({ token: 's3cret', objects: [configMap('a', 'shop')] });
    try {
      const unauthorized = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
      expect(await request(guarded, '/api/v1/namespaces/shop/configmaps/a')).toMatchObject({ status: 401, body: unauthorized });
      expect((await request(guarded, '/api', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await request(guarded, '/api/v1/namespaces/shop/configmaps/a', { headers: { Authorization: 'Bearer s3cret' } })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('writes a kubeconfig naming the server, namespace and token', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gitdiff-kubeconfig-'));
    try {
      const file = server.writeKubeconfig(dir, { namespace: 'shop', token: 't0ken', context: 'test-ctx' });
      const config = yaml.load(readFileSync(file, 'utf8')) as Obj;
      expect(config['current-context']).toBe('test-ctx');
      expect(config.clusters[0].cluster.server).toBe(server.url);
      expect(config.contexts[0].context).toEqual({ cluster: 'test-ctx', user: 'test-ctx', namespace: 'shop' });
      expect(config.users[0].user).toEqual({ token: 't0ken' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
