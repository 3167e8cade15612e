// What apply() stores, checked against objects real API servers returned
// (../shared/fixtures/kubernetes/live) and against the server's documented defaults.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from './index.js';
import { sharedCorpus } from '../../test/support/shared-corpus.js';

type Obj = Record<string, any>;

const { dir: liveFixtures, present: haveFixtures } = sharedCorpus('kubernetes/live', 'shape tests against real objects');
const itWithFixtures = haveFixtures ? it : it.skip;
const fixture = (name: string): Obj => yaml.load(readFileSync(path.join(liveFixtures, name), 'utf8')) as Obj;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The key structure of a value, list items merged: what must match "modulo values". */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return [value.map(shapeOf).reduce(mergeShapes, undefined)];
  if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shapeOf(value[k])]));
  return value === null ? 'null' : typeof value;
}
function mergeShapes(a: unknown, b: unknown): unknown {
  if (!isObject(a) || !isObject(b)) return b ?? a;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return Object.fromEntries(keys.map((k) => [k, mergeShapes(a[k], b[k])]));
}
const without = (object: Obj, ...paths: string[]): Obj => {
  const copy = structuredClone(object);
  for (const p of paths) {
    const keys = p.split('.');
    const parent = keys.slice(0, -1).reduce((node, key) => node?.[key], copy);
    if (parent) delete parent[keys[keys.length - 1]];
  }
  return copy;
};

let server: KubeApiServer;
beforeEach(async () => { server = await startKubeApiServer(); });
afterEach(async () => server.close());

async function served(urlPath: string): Promise<Obj> {
  return (await fetch(`${server.url}${urlPath}`, { headers: { Accept: 'application/json' } })).json() as Promise<Obj>;
}

describe('objects shaped like a real server\'s', () => {
  itWithFixtures('a Deployment has the key set of kubectl\'s real nginx Deployment at every level', async () => {
    const real = fixture('kubectl/deployment-nginx-get-response.json');
    server.apply({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', namespace: 'edit-test', labels: { app: 'nginx' } },
      spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } },
        template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'gcr.io/kakaraparthy-devel/nginx:latest' }] } } },
    }, { manager: 'kubectl-create' }); // created, not applied: no last-applied-configuration, as in the fixture
    const live = await served('/apis/apps/v1/namespaces/edit-test/deployments/nginx');
    // kubectl's output hides managedFields; the fixture also drops the template's `creationTimestamp: null`
    // that 1.32 servers write (see the argocd fixture below, and kubernetes#130989).
    expect(shapeOf(without(live, 'metadata.managedFields', 'spec.template.metadata.creationTimestamp'))).toEqual(shapeOf(real));
    expect(live.spec.template.spec.containers[0].imagePullPolicy).toBe('Always');
  });

  itWithFixtures('a Deployment applied by Argo CD has exactly the live spec, last-applied annotation and managedFields a real server wrote', () => {
    const real = fixture('argocd-controller/live-deployment.yaml');
    const lastApplied: string = real.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    const live = server.apply(JSON.parse(lastApplied), { manager: 'argocd', lastApplied: true, time: '2022-01-06T15:04:15Z' }) as Obj;
    expect(live.spec).toEqual(real.spec);
    expect(live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe(lastApplied);
    // Later, the `janitor` manager took iksm-version by server-side apply; before that argocd owned it.
    const argocd = structuredClone(real.metadata.managedFields.find((e: Obj) => e.manager === 'argocd'));
    argocd.fieldsV1['f:metadata']['f:annotations']['f:iksm-version'] = {};
    expect(live.metadata.managedFields).toEqual([argocd]);
  });

  itWithFixtures('a Deployment spec has the key set of a 2025 server\'s (Argo CD fixture)', () => {
    const real = fixture('argocd-gitops-engine-diff/ssd-deploy-with-manual-apply-live.yaml');
    const live = server.apply(fixture('argocd-gitops-engine-diff/ssd-deploy-with-manual-apply-config.yaml'), { manager: 'argocd-controller' }) as Obj;
    expect(shapeOf(live.spec)).toEqual(shapeOf(real.spec));
    expect(Object.keys(live.metadata).sort()).toEqual(Object.keys(real.metadata).sort());
  });

  itWithFixtures('a Service applied server-side matches a 2025 server\'s, spec, status and managedFields, its cluster IP aside', () => {
    const real = fixture('argocd-gitops-engine-diff/ssd-svc-label-live.yaml');
    const manifest = fixture('argocd-gitops-engine-diff/ssd-svc-no-label-config.yaml');
    manifest.metadata.labels['delete-me'] = 'delete-value'; // the label the live object carries
    const live = server.apply(manifest, { manager: 'argocd-controller', operation: 'Apply', time: real.metadata.creationTimestamp }) as Obj;
    expect(live.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(live.spec.clusterIPs).toEqual([live.spec.clusterIP]);
    expect(without(live.spec, 'clusterIP', 'clusterIPs')).toEqual(without(real.spec, 'clusterIP', 'clusterIPs'));
    expect(live.status).toEqual(real.status);
    expect(live.metadata.managedFields).toEqual(real.metadata.managedFields);
    expect(Object.keys(live.metadata).sort()).toEqual(Object.keys(real.metadata).sort());
  });
});

describe('writes as a real server records them', () => {
  const manifest = (replicas: number, image = 'redis:7'): Obj => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'redis', namespace: 'cache' },
    spec: { replicas, selector: { matchLabels: { app: 'redis' } },
      template: { metadata: { labels: { app: 'redis' } }, spec: { containers: [{ name: 'redis', image }] } } },
  });

  it('keeps uid and creationTimestamp, raises resourceVersion, and counts generations and revisions', () => {
    const first = server.apply(manifest(3), { time: '2026-01-01T00:00:00Z' }) as Obj;
    const scaled = server.apply(manifest(4), { manager: 'kubectl-scale', time: '2026-01-02T00:00:00Z' }) as Obj;
    const relabelled = server.apply({ ...manifest(4), metadata: { ...manifest(4).metadata, labels: { team: 'a' } } }) as Obj;
    const rolled = server.apply(manifest(4, 'redis:7.2')) as Obj;
    expect(new Set([first, scaled, relabelled, rolled].map((o) => o.metadata.uid)).size).toBe(1);
    expect(rolled.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
    const versions = [first, scaled, relabelled, rolled].map((o) => Number(o.metadata.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(4);
    expect([first, scaled, relabelled, rolled].map((o) => o.metadata.generation)).toEqual([1, 2, 2, 3]);
    expect([first, scaled, relabelled, rolled].map((o) => o.metadata.annotations['deployment.kubernetes.io/revision'])).toEqual(['1', '1', '1', '2']);
    expect(scaled.status).toMatchObject({ observedGeneration: 2, replicas: 4, readyReplicas: 4 });
  });

  it('moves ownership of a changed field to the manager that changed it, and keeps kubectl\'s last-applied record', () => {
    server.apply(manifest(3), { time: '2026-01-01T00:00:00Z' });
    const scaled = server.apply(manifest(4), { manager: 'kubectl-scale', time: '2026-01-02T00:00:00Z' }) as Obj;
    const [kubectl, scale] = scaled.metadata.managedFields;
    expect(kubectl).toMatchObject({ manager: 'kubectl-client-side-apply', operation: 'Update', time: '2026-01-01T00:00:00Z' });
    expect(kubectl.fieldsV1['f:spec']['f:replicas']).toBeUndefined();
    expect(scale).toEqual({ manager: 'kubectl-scale', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-02T00:00:00Z',
      fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    expect(JSON.parse(scaled.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).spec.replicas).toBe(3);
  });

  it('records server-side apply as an Apply entry owning exactly the applied fields', () => {
    const live = server.apply(manifest(2), { manager: 'argocd-controller', operation: 'Apply', time: '2026-01-01T00:00:00Z' }) as Obj;
    expect(live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined();
    expect(live.metadata.managedFields).toEqual([{ manager: 'argocd-controller', operation: 'Apply', apiVersion: 'apps/v1',
      time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {
        'f:spec': { 'f:replicas': {}, 'f:selector': {}, 'f:template': { 'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"redis"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } } }]);
  });
});
