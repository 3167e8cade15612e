// Schema-aware comparison end to end: gitdiff reads the test API server's
// OpenAPI (v3, else v2), once per group-version, and falls back to its built-in
// rules with a note when it cannot.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGitdiff } from '../../support/run-cli.js';
import { startKubeApiServer, type KubeApiServer, type StartOptions } from '../../../tools/kube-api-server/index.js';

const QUANTITY_PATTERN = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
/** A CRD as controller-gen writes one: defaults, a list-map, a set, a quantity. */
const crd = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'caches.example.com' },
  spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'caches', singular: 'cache', kind: 'Cache' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: {
      replicas: { type: 'integer', default: 3 },
      evictionPolicy: { type: 'string', default: 'allkeys-lru' },
      memory: { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: QUANTITY_PATTERN, 'x-kubernetes-int-or-string': true },
      shards: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, weight: { type: 'integer', default: 1 } } } },
      zones: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
    } } } } } }] },
};
/** Live: the defaults filled in, another writer's shard added, lists in the server's order, memory as written by someone else. */
const liveCache = {
  apiVersion: 'example.com/v1', kind: 'Cache', metadata: { name: 'sessions', namespace: 'cache' },
  spec: { memory: '1024Mi', shards: [{ name: 'b' }, { name: 'a' }, { name: 'autoscaled-1' }], zones: ['eu-west-1c', 'eu-west-1a', 'eu-west-1b'] },
};
const declaredCache = (spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Cache', metadata: { name: 'sessions', namespace: 'cache' }, spec });
const declaredSpec = { memory: '1Gi', shards: [{ name: 'a' }, { name: 'b', weight: 1 }], zones: ['eu-west-1a', 'eu-west-1b'] };

let dir: string;
const servers: KubeApiServer[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-schema-'));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function cluster(options: StartOptions = {}): Promise<{ server: KubeApiServer; kubeconfig: string }> {
  const server = await startKubeApiServer({ objects: [crd, liveCache], ...options });
  servers.push(server);
  return { server, kubeconfig: server.writeKubeconfig(mkdtempSync(path.join(dir, 'kc-'))) };
}

function manifest(name: string, ...objects: object[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, objects.map((object) => dump(object)).join('---\n'));
  return file;
}

const openApiRequests = (server: KubeApiServer, since: number) => server.requests.slice(since).filter((request) => request.path.startsWith('/openapi'));

describe('gitdiff kube with the cluster\'s OpenAPI', () => {
  it.each([
    ['with', { ...declaredSpec, replicas: 3, evictionPolicy: 'allkeys-lru' }],
    ['without', declaredSpec],
  ])('declared %s the defaulted fields: in sync (keys, sets and quantities from the CRD schema)', async (_with, spec) => {
    const { kubeconfig } = await cluster();
    const result = await runGitdiff(['kube', manifest(`cache-${_with}.yaml`, declaredCache(spec)), '--kubeconfig', kubeconfig]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^1 in sync \(1 object, \d+\.\d s\)\n$/);
    expect(result.code).toBe(0);
  });

  it('still reports what differs: a default Git overrides, a shard that is not live', async () => {
    const { kubeconfig } = await cluster();
    const file = manifest('cache-diverged.yaml', declaredCache({ ...declaredSpec, replicas: 5, shards: [{ name: 'a' }, { name: 'c' }] }));
    const result = await runGitdiff(['kube', file, '--kubeconfig', kubeconfig, '-o', 'json']);
    expect(result.code).toBe(1);
    const [item] = JSON.parse(result.stdout).items;
    expect(item.changes.map((change: { path: string }) => change.path)).toEqual(['spec.shards[name=c]', 'spec.replicas']);
  });

  it('reads one document per compared group-version, once, after the index', async () => {
    const { server, kubeconfig } = await cluster();
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'cache' }, data: { a: '1' } };
    const configMap2 = { ...configMap, metadata: { ...configMap.metadata, name: 'settings-2' } };
    server.apply(configMap);
    server.apply(configMap2);
    const before = server.requests.length;
    const result = await runGitdiff(['kube', manifest('mixed.yaml', declaredCache(declaredSpec), configMap, configMap2), '--kubeconfig', kubeconfig]);
    expect(result.code).toBe(0);
    const sent = openApiRequests(server, before);
    expect(sent.every((request) => request.method === 'GET')).toBe(true);
    expect(sent.map((request) => request.path).sort()).toEqual(['/openapi/v3', '/openapi/v3/api/v1', '/openapi/v3/apis/example.com/v1']);
    expect(sent.filter((request) => request.path !== '/openapi/v3').every((request) => /^[0-9A-F]+$/.test(request.query.hash))).toBe(true);
  });

  it('falls back to /openapi/v2 when the server has no v3', async () => {
    const { server, kubeconfig } = await cluster({ openApi: 'v2' });
    const result = await runGitdiff(['kube', manifest('cache-v2.yaml', declaredCache(declaredSpec)), '--kubeconfig', kubeconfig]);
    expect(result.stdout).toMatch(/^1 in sync /);
    expect(result.code).toBe(0);
    expect(openApiRequests(server, 0).map((request) => request.path)).toEqual(['/openapi/v3', '/openapi/v2']);
  });
});

describe('gitdiff kube without the cluster\'s OpenAPI: the built-in rules, with a note', () => {
  const NOTE = "note: the cluster's OpenAPI could not be read: lists, quantities and defaults were compared with gitdiff's built-in rules (--debug says why)";

  it.each([
    ['publishes none', { openApi: false as const }, undefined, 'OpenAPI: GET /openapi/v3 answered HTTP 404, and GET /openapi/v2 HTTP 404'],
    ['fails', {}, { path: '/openapi/v3', status: 500 }, 'OpenAPI: GET /openapi/v3 answered HTTP 500'],
    ['is too slow', {}, { path: '/openapi/v3', status: 200, delayMs: 3000 }, 'OpenAPI: server http://127.0.0.1:'],
  ])('when the server %s: never an error exit for that alone, and --debug says why', async (_name, options, fault, reason) => {
    const { server, kubeconfig } = await cluster(options);
    if (fault) server.addFault(fault);
    const result = await runGitdiff(['kube', manifest('cache-fallback.yaml', declaredCache(declaredSpec)), '--kubeconfig', kubeconfig, '--debug', '--request-timeout', '1s']);
    // The built-in rules know neither this CRD's keys nor its quantity: an atomic list and two strings.
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(NOTE);
    expect(result.stdout).toMatch(/spec\.shards:/);
    expect(result.stdout).toMatch(/spec\.memory:/);
    expect(result.stderr).toContain(`debug: ${reason}`);
  });

  it('names a group-version whose document could not be read, and uses the schemas of the others', async () => {
    const { server, kubeconfig } = await cluster();
    server.addFault({ path: '/openapi/v3/apis/example.com/v1', status: 503 });
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: 'cache' }, data: { storage: '1Gi' } };
    server.apply({ ...configMap, data: { storage: '1024Mi' } });
    const result = await runGitdiff(['kube', manifest('partial.yaml', declaredCache(declaredSpec), configMap), '--kubeconfig', kubeconfig, '--debug']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("note: the cluster's OpenAPI of example.com/v1 could not be read: those objects were compared with gitdiff's built-in rules (--debug says why)");
    // v1's schema says ConfigMap data is text: `1Gi` is not `1024Mi` there, whatever the key's name.
    expect(result.stdout).toMatch(/~ v1 ConfigMap cache\/limits[^\n]*\n\s+data\.storage:/);
    expect(result.stderr).toContain('debug: OpenAPI of example.com/v1: GET /openapi/v3/apis/example.com/v1 answered HTTP 503');
  });
});
