// The watch cache against the test API server (tools/kube-api-server), whose
// WATCH streams what its mutation API writes: a change shows up as a signal
// and in the next read with no LIST; a 410 lists again once; a dropped watch is
// opened again; a resync lists again.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openWatchedCluster } from '../../../../src/sources/kube/cluster/watch-cache.js';
import { connectLiveCluster } from '../../../../src/sources/kube/cluster/index.js';
import { heldObject } from '../../../../src/sources/kube/cluster/held-object.js';
import type { LiveMatch, LiveSide } from '../../../../src/sources/kube/live.js';
import type { LiveChange, ServedObject, WatchedLiveSide } from '../../../../src/sources/kube/live.js';
import type { KubeObject } from '../../../../src/sources/kube/objects.js';
import { startKubeApiServer, type KubeApiServer } from '../../../../tools/kube-api-server/index.js';

const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop' },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
});

let server: KubeApiServer | undefined;
let live: WatchedLiveSide | undefined;
const controller = new AbortController();
afterEach(async () => {
  live?.close();
  live = undefined;
  await server?.close();
  server = undefined;
});

/** The server with shop/web and shop/api, and a cache that has read them once. */
async function watched(resyncMs?: number): Promise<{ server: KubeApiServer; live: WatchedLiveSide; changes: LiveChange[]; objects: ServedObject[] }> {
  server = await startKubeApiServer({ objects: [deployment('web', 2), deployment('api', 1)] });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-watch-e2e-'));
  live = await openWatchedCluster({
    kubeconfig: server.writeKubeconfig(dir), env: {}, cwd: dir, resyncMs,
    settings: { timeoutMs: 5000, signal: controller.signal, log: () => {} },
  });
  const changes: LiveChange[] = [];
  live.onChange((change) => changes.push(change));
  const scope = { state: 'served', namespaced: true, resource: 'deployments' } as const;
  const objects = ['web', 'api'].map((name) => ({ object: deployment(name, 0) as KubeObject, file: 'git.yaml', namespace: 'shop', scope }));
  expect(await replicas(live, objects)).toEqual({ web: 2, api: 1 });
  await vi.waitFor(() => expect(server!.openWatches()).toBe(1));
  return { server, live, changes, objects };
}

async function replicas(side: WatchedLiveSide, objects: ServedObject[]): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  for await (const group of side.fetch(objects)) {
    for (const { object, lookup } of group) seen[object.object.metadata.name] = lookup.state === 'found' ? (lookup.object.spec as { replicas: number }).replicas : lookup.state;
  }
  return seen;
}

const lists = (server: KubeApiServer) => server.requests.filter((request) => request.path.endsWith('/deployments') && request.query.watch === undefined);

describe('the watch cache against the test API server', () => {
  it('shows a change as a signal and in the next read, with no LIST', async () => {
    const { server, live, changes, objects } = await watched();
    server.update('apps/v1', 'Deployment', 'shop', 'web', (object) => {
      object.spec.replicas = 5;
    }, { manager: 'hpa' });
    await vi.waitFor(() => expect(changes).toContainEqual({ apiVersion: 'apps/v1', kind: 'Deployment', objects: [{ namespace: 'shop', name: 'web' }] }));
    expect(await replicas(live, objects)).toEqual({ web: 5, api: 1 });
    server.remove('apps/v1', 'Deployment', 'shop', 'api');
    await vi.waitFor(async () => expect(await replicas(live, objects)).toEqual({ web: 5, api: 'absent' }));
    expect(lists(server)).toHaveLength(1);
    expect(live.stats()).toMatchObject({ lists: 1, relists: 0, objects: 1 });
    // Who changed it is still known: the manager's fields are held.
    let managers: unknown[] = [];
    for await (const [web] of live.fetch(objects.slice(0, 1))) managers = web.lookup.state === 'found' ? (web.lookup.object.metadata.managedFields as { manager: string }[]).map((entry) => entry.manager) : [];
    expect(managers).toContain('hpa');
  });

  it('lists again, once, when its watch is opened again from a resourceVersion the server forgot (410)', async () => {
    const { server, live, changes, objects } = await watched();
    // The change never reaches the watch: it is stalled, then dropped, and the server forgets what came before.
    const resume = server.stallWatches();
    server.update('apps/v1', 'Deployment', 'shop', 'web', (object) => {
      object.spec.replicas = 7;
    });
    server.compact();
    server.dropWatches();
    resume();
    await vi.waitFor(() => expect(live.stats().relists).toBe(1));
    await vi.waitFor(() => expect(server.openWatches()).toBe(1));
    expect(live.stats().lists).toBe(2);
    expect(changes.at(-1)).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(await replicas(live, objects)).toEqual({ web: 7, api: 1 });
    expect(live.stats().lists).toBe(2);
  });

  it('opens a dropped watch again from where it was, with no LIST, and misses nothing', async () => {
    const { server, live, changes, objects } = await watched();
    expect(server.dropWatches()).toBe(1);
    server.update('apps/v1', 'Deployment', 'shop', 'api', (object) => {
      object.spec.replicas = 4;
    });
    await vi.waitFor(() => expect(changes).toContainEqual({ apiVersion: 'apps/v1', kind: 'Deployment', objects: [{ namespace: 'shop', name: 'api' }] }), { timeout: 5000 });
    expect(live.stats()).toMatchObject({ lists: 1, relists: 0 });
    expect(live.stats().watches).toBeGreaterThanOrEqual(2);
    expect(await replicas(live, objects)).toEqual({ web: 2, api: 4 });
    expect(lists(server)).toHaveLength(1);
  });

  it('opens again a watch cut half-way through an event (a reset, then a body ended mid-line), and applies the event whole once', async () => {
    const { server, live, changes, objects } = await watched();
    const resume = server.stallWatches();
    server.update('apps/v1', 'Deployment', 'shop', 'web', (object) => {
      object.spec.replicas = 6;
    });
    server.addFault({ path: '/apis/apps/v1/namespaces/shop/deployments', action: 'reset', times: 1 });
    server.addFault({ path: '/apis/apps/v1/namespaces/shop/deployments', action: 'truncate', times: 1 });
    server.dropWatches();
    resume();
    await vi.waitFor(() => expect(changes).toContainEqual({ apiVersion: 'apps/v1', kind: 'Deployment', objects: [{ namespace: 'shop', name: 'web' }] }), { timeout: 10_000 });
    expect(live.stats()).toMatchObject({ lists: 1, relists: 0, events: 1 });
    expect(live.stats().watches).toBeGreaterThanOrEqual(4);
    expect(await replicas(live, objects)).toEqual({ web: 6, api: 1 });
  });

  it('lists everything again at each resync', async () => {
    const { server, live, changes } = await watched(500);
    await vi.waitFor(() => expect(changes).toContainEqual({ apiVersion: 'apps/v1', kind: 'Deployment' }), { timeout: 5000 });
    expect(live.stats().lists).toBeGreaterThanOrEqual(2);
    expect(live.stats().relists).toBe(0);
    expect(lists(server).length).toBeGreaterThanOrEqual(2);
  });
});

describe('the watch cache answers as the cluster does', () => {
  it('gives every object the lookup a one-shot read gives (but for what it does not hold), in one group each, and lists the same', async () => {
    const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const inBlog = { ...deployment('web', 3), metadata: { name: 'web', namespace: 'blog', labels: { tier: 'front' } } };
    server = await startKubeApiServer({ objects: [namespace('shop'), namespace('blog'), deployment('web', 2), deployment('api', 1), inBlog] });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-watch-parity-'));
    const options = { kubeconfig: server.writeKubeconfig(dir), env: {}, cwd: dir, settings: { timeoutMs: 5000, signal: controller.signal, log: () => {} } };
    const oneShot = await connectLiveCluster(options);
    live = await openWatchedCluster(options);
    const served = (namespaced: boolean, resource: string) => ({ state: 'served', namespaced, resource }) as const;
    const declaredObjects: ServedObject[] = [
      ...[['shop', 'web'], ['shop', 'api'], ['shop', 'nope'], ['blog', 'web']].map(([ns, name]) => ({ object: deployment(name, 0) as KubeObject, file: 'git.yaml', namespace: ns, scope: served(true, 'deployments') })),
      ...['shop', 'gone'].map((name) => ({ object: namespace(name) as KubeObject, file: 'git.yaml', namespace: undefined, scope: served(false, 'namespaces') })),
    ];
    const read = async (side: LiveSide) => {
      const matches: LiveMatch[] = [];
      for await (const group of side.fetch(declaredObjects)) matches.push(...group);
      expect(new Set(matches.map(({ object }) => object))).toEqual(new Set(declaredObjects));
      expect(matches).toHaveLength(declaredObjects.length);
      return new Map(matches.map(({ object, lookup }) => [object, lookup.state === 'found' ? { state: 'found', object: heldObject(lookup.object, { status: false, secretData: false }) } : lookup]));
    };
    const [expected, watched] = [await read(oneShot), await read(live)];
    for (const object of declaredObjects) expect(watched.get(object)).toEqual(expected.get(object));
    expect(declaredObjects.map((object) => watched.get(object)?.state)).toEqual(['found', 'found', 'absent', 'found', 'found', 'absent']);
    const names = (listed: Awaited<ReturnType<LiveSide['list']>>) => ('objects' in listed ? listed.objects.map((object) => `${object.metadata.namespace}/${object.metadata.name}`).sort() : listed);
    for (const [namespaces, selector] of [[undefined, undefined], [['shop'], undefined], [['shop', 'blog'], 'tier=front']] as const) {
      expect(names(await live.list('apps/v1', 'Deployment', namespaces && [...namespaces], selector, true))).toEqual(names(await oneShot.list('apps/v1', 'Deployment', namespaces && [...namespaces], selector, true)));
    }
    oneShot.close();
  });
});
