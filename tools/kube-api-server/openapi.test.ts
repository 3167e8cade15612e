// The test API server's OpenAPI documents and server-side apply dry runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from './index.js';

type Obj = Record<string, any>;

const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: {
      size: { type: 'integer', default: 3 },
      endpoints: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', properties: { name: { type: 'string' }, weight: { type: 'integer', default: 1 } } } },
      tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
    } } } } } }] },
};
const web = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: {
    containers: [{ name: 'app', image: 'web:1', env: [{ name: 'A', value: '1' }] }, { name: 'sidecar', image: 'proxy:1' }] } } },
};
const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop', finalizers: ['example.com/a'] }, spec: { endpoints: [{ name: 'a' }], tags: ['x'] } };

let server: KubeApiServer;

beforeAll(async () => {
  server = await startKubeApiServer({ objects: [widgetCrd, web, widget] });
});
afterAll(async () => {
  await server.close();
});

async function get(path: string, target = server) {
  const response = await fetch(target.url + path);
  return { status: response.status, body: await response.json() as Obj };
}

async function patch(path: string, body: unknown, { query = 'dryRun=All&fieldManager=gitdiff&force=true', contentType = 'application/apply-patch+yaml' } = {}) {
  const response = await fetch(`${server.url}${path}?${query}`, { method: 'PATCH', headers: { 'Content-Type': contentType }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() as Obj };
}

describe('OpenAPI documents', () => {
  it('lists each served group-version in the v3 index, content-addressed', async () => {
    const { status, body } = await get('/openapi/v3');
    expect(status).toBe(200);
    expect(body.paths['apis/apps/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/example.com/v1', 'apis/apiextensions.k8s.io/v1']));
  });

  it('serves a group-version document with its kinds and every schema they reference', async () => {
    const { body } = await get('/openapi/v3/apis/apps/v1');
    const schemas = body.components.schemas;
    expect(schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(schemas['io.k8s.api.core.v1.Container'].properties.ports).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] });
    expect(schemas['io.k8s.api.core.v1.ContainerPort'].properties.protocol.default).toBe('TCP');
    expect(schemas['io.k8s.api.core.v1.ConfigMap']).toBeUndefined();
  });

  it('publishes a CRD version\'s schema, its defaults and list types kept, metadata as ObjectMeta', async () => {
    const { body } = await get('/openapi/v3/apis/example.com/v1');
    const schema = body.components.schemas['com.example.v1.Widget'];
    expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
    expect(schema.properties.spec.properties.size.default).toBe(3);
    expect(schema.properties.metadata).toEqual({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }] });
    expect(body.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
  });

  it('serves v2 with #/definitions/ references and no allOf wrappers', async () => {
    const { body } = await get('/openapi/v2');
    expect(body.swagger).toBe('2.0');
    expect(body.definitions['io.k8s.api.apps.v1.Deployment'].properties.metadata).toEqual({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
    expect(JSON.stringify(body)).not.toContain('allOf');
  });

  it.each([['v2' as const, [404, 200]], [false as const, [404, 404]]])('with openApi: %s, /openapi/v3 and /openapi/v2 answer %j', async (openApi, codes) => {
    const other = await startKubeApiServer({ openApi });
    try {
      expect([(await get('/openapi/v3', other)).status, (await get('/openapi/v2', other)).status]).toEqual(codes);
    } finally {
      await other.close();
    }
  });
});

describe('server-side apply dry run', () => {
  const deploymentPath = '/apis/apps/v1/namespaces/shop/deployments/web';

  it('merges by the schema\'s keys, defaults, and stores nothing', async () => {
    const before = structuredClone(server.get('apps/v1', 'Deployment', 'shop', 'web')) as Obj;
    const config = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'web:2', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 80 }] }] } } } };
    const { status, body } = await patch(deploymentPath, config);
    expect(status).toBe(200);
    const [app, sidecar] = body.spec.template.spec.containers;
    expect(app).toMatchObject({ name: 'app', image: 'web:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] });
    expect(sidecar).toMatchObject({ name: 'sidecar', image: 'proxy:1' });
    expect(body.spec.replicas).toBe(2);
    expect(body.metadata.generation).toBe(before.metadata.generation + 1);
    expect(body.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(body.metadata.managedFields.map((entry: Obj) => `${entry.manager}/${entry.operation}`)).toContain('gitdiff/Apply');
    expect(server.get('apps/v1', 'Deployment', 'shop', 'web')).toEqual(before);
  });

  it('applies CRD defaults to new fields and new list items, and merges sets', async () => {
    const config = { ...widget, metadata: { name: 'w', namespace: 'shop', finalizers: ['example.com/b'] }, spec: { endpoints: [{ name: 'b' }], tags: ['y', 'x'] } };
    const { status, body } = await patch('/apis/example.com/v1/namespaces/shop/widgets/w', config);
    expect(status).toBe(200);
    expect(body.spec).toEqual({ size: 3, endpoints: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }], tags: ['x', 'y'] });
    expect(body.metadata.finalizers).toEqual(['example.com/a', 'example.com/b']);
  });

  it('answers 201 with the object an apply would create, and creates nothing', async () => {
    const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new', namespace: 'shop' }, data: { a: '1' } };
    const { status, body } = await patch('/api/v1/namespaces/shop/configmaps/new', config);
    expect(status).toBe(201);
    expect(body).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'new', namespace: 'shop' }, data: { a: '1' } });
    expect(server.get('v1', 'ConfigMap', 'shop', 'new')).toBeUndefined();
  });

  it('runs admission added later on dry runs, not on what is stored', async () => {
    const remove = server.addAdmission((object, info) => {
      if (info.kind === 'Deployment') object.metadata.labels = { ...object.metadata.labels, 'policy.example.com/checked': 'true' };
    });
    const config = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } };
    const { body } = await patch(deploymentPath, config);
    expect(body.metadata.labels).toEqual({ 'policy.example.com/checked': 'true' });
    expect((server.get('apps/v1', 'Deployment', 'shop', 'web') as Obj).metadata.labels).toBeUndefined();
    remove();
    expect((await patch(deploymentPath, config)).body.metadata.labels).toBeUndefined();
  });

  it('without force, answers 409 for a changed field another manager owns, as a real server does', async () => {
    const config = (replicas: number) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas } });
    const conflict = await patch(deploymentPath, config(5), { query: 'dryRun=All&fieldManager=kubectl&force=false' });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
    });
    // The same value is no conflict, and force takes the field.
    expect((await patch(deploymentPath, config(2), { query: 'dryRun=All&fieldManager=kubectl&force=false' })).status).toBe(200);
    expect((await patch(deploymentPath, config(5), { query: 'dryRun=All&fieldManager=kubectl&force=true' })).body.spec.replicas).toBe(5);
  });

  it.each([
    ['a PATCH without dryRun=All', {}, 'fieldManager=gitdiff', 'application/apply-patch+yaml', 405],
    ['a merge patch', {}, 'dryRun=All&fieldManager=gitdiff', 'application/merge-patch+json', 405],
    ['an apply without fieldManager', {}, 'dryRun=All', 'application/apply-patch+yaml', 400],
    ['a body naming another object', { metadata: { name: 'other', namespace: 'shop' } }, undefined, undefined, 400],
  ])('refuses %s', async (_name, change, query, contentType, code) => {
    const config = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, ...change };
    expect((await patch(deploymentPath, config, { query, contentType })).status).toBe(code);
  });

  it('answers 404 in a namespace that does not exist, and 405 to other writes', async () => {
    const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'nowhere' } };
    const missing = await patch('/api/v1/namespaces/nowhere/configmaps/x', config);
    expect(missing).toMatchObject({ status: 404, body: { reason: 'NotFound', message: 'namespaces "nowhere" not found' } });
    for (const method of ['PUT', 'POST', 'DELETE']) {
      expect((await fetch(`${server.url}${deploymentPath}?dryRun=All`, { method, body: method === 'DELETE' ? undefined : '{}' })).status).toBe(405);
    }
  });
});
