// The watch cache against a server whose WATCH bytes the test writes: the
// first read lists and watches, later reads make no request; what the watch
// says shows up (and is signalled); a 410 lists again once; a cut watch is
// opened again from its last resourceVersion; an event that is not trusted is
// never applied; a failed LIST answers with errors and is tried again.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openWatchedCluster } from '../../../../src/sources/kube/cluster/watch-cache.js';
import type { LiveChange, LiveGroup, ServedObject, WatchedLiveSide } from '../../../../src/sources/kube/live.js';
import type { KubeObject } from '../../../../src/sources/kube/objects.js';
import { writeKubeconfigFile } from '../../../../tools/kube-api-server/kubeconfig.js';
import { configMap, startFakeWatchServer, type FakeWatchServer } from './fake-watch-server.js';

const SHOP = '/api/v1/namespaces/shop/configmaps';

let server: FakeWatchServer;
let live: WatchedLiveSide | undefined;
let controller: AbortController;
let logged: string[];
beforeEach(async () => {
  server = await startFakeWatchServer();
  controller = new AbortController();
  logged = [];
});
afterEach(async () => {
  live?.close();
  live = undefined;
  controller.abort();
  await server.close();
});

async function open(resyncMs?: number): Promise<WatchedLiveSide> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-watch-cache-'));
  live = await openWatchedCluster({
    kubeconfig: writeKubeconfigFile(dir, server.url), env: {}, cwd: dir, resyncMs,
    settings: { timeoutMs: 5000, signal: controller.signal, log: (line) => logged.push(line) },
  });
  return live;
}

function declared(kind: string, namespace: string | undefined, name: string, extra: object = {}): ServedObject {
  const resource = kind === 'Secret' ? 'secrets' : kind === 'Namespace' ? 'namespaces' : 'configmaps';
  const object = { apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra } as KubeObject;
  return { object, file: 'git.yaml', namespace, scope: { state: 'served', namespaced: kind !== 'Namespace', resource } };
}

async function fetchAll(side: WatchedLiveSide, objects: ServedObject[]): Promise<LiveGroup[]> {
  const groups: LiveGroup[] = [];
  for await (const group of side.fetch(objects)) groups.push(group);
  return groups;
}

/** name -> what the live side answered: the data of a found object, or the state. */
function answers(groups: LiveGroup[]): Record<string, unknown> {
  return Object.fromEntries(groups.flat().map(({ object, lookup }) => [
    `${object.namespace ?? ''}/${object.object.metadata.name}`,
    lookup.state === 'found' ? lookup.object.data ?? lookup.object.metadata.name : lookup.state === 'error' ? `error: ${lookup.message}` : lookup.state,
  ]));
}

const lists = () => server.requests.filter((url) => url.pathname !== '/api/v1' && url.searchParams.get('watch') !== '1');
const watches = () => server.requests.filter((url) => url.searchParams.get('watch') === '1');

describe('openWatchedCluster: reads', () => {
  it('lists once, watches from the LIST resourceVersion, then answers from memory with no request', async () => {
    server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' }), configMap('shop', 'other', '91')]);
    const side = await open();
    const objects = [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'shop', 'gone')];
    const groups = await fetchAll(side, objects);
    expect(answers(groups)).toEqual({ 'shop/a': { k: '1' }, 'shop/gone': 'absent' });
    // Every object in exactly one group, as the very object given.
    expect(groups.flat().map(({ object }) => object)).toEqual(objects);
    expect(groups.flat()[0].object).toBe(objects[0]);
    const watch = await server.nextWatch();
    expect(watch.url.pathname).toBe(SHOP);
    expect(watch.url.searchParams.get('resourceVersion')).toBe('100');
    const requests = server.requests.length;
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'other')]))).toEqual({ 'shop/other': {} });
    expect(server.requests.length).toBe(requests);
    expect(side.stats()).toMatchObject({ lists: 1, watches: 1, relists: 0, objects: 2 });
  });

  it('shows what the watch says in the next read, signals it, and makes no LIST', async () => {
    server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' })]);
    const side = await open();
    const changes: LiveChange[] = [];
    side.onChange((change) => changes.push(change));
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
    const watch = await server.nextWatch();
    watch.send('MODIFIED', configMap('shop', 'a', '101', { k: '2' }));
    watch.send('ADDED', configMap('shop', 'b', '102', { new: 'yes' }));
    watch.send('DELETED', configMap('shop', 'a', '103', { k: '2' }));
    await vi.waitFor(() => expect(changes).toHaveLength(3));
    expect(changes[0]).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', objects: [{ namespace: 'shop', name: 'a' }] });
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'shop', 'b')]))).toEqual({ 'shop/a': 'absent', 'shop/b': { new: 'yes' } });
    expect(lists()).toHaveLength(1);
    expect(side.stats()).toMatchObject({ lists: 1, events: 3, objects: 1 });
  });

  it('ignores the same version sent again, and a bookmark moves where the next watch starts', async () => {
    server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' })]);
    const side = await open();
    const changes: LiveChange[] = [];
    side.onChange((change) => changes.push(change));
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
    const watch = await server.nextWatch();
    watch.send('MODIFIED', configMap('shop', 'a', '90', { k: '1' }));
    watch.send('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '180' } });
    watch.end();
    const next = await server.nextWatch();
    expect(next.url.searchParams.get('resourceVersion')).toBe('180');
    expect(changes).toEqual([]);
    expect(side.stats()).toMatchObject({ lists: 1, watches: 2, events: 0 });
  });
});

describe('openWatchedCluster: when the watch fails', () => {
  it('lists again, once, when the watch says 410 Gone, and watches from the new LIST', async () => {
    server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' })]);
    const side = await open();
    const changes: LiveChange[] = [];
    side.onChange((change) => changes.push(change));
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
    const watch = await server.nextWatch();
    server.objects.set(SHOP, [configMap('shop', 'a', '250', { k: 'relisted' })]);
    server.resourceVersion = '300';
    watch.send('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' });
    const next = await server.nextWatch();
    expect(next.url.searchParams.get('resourceVersion')).toBe('300');
    expect(changes).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]))).toEqual({ 'shop/a': { k: 'relisted' } });
    expect(side.stats()).toMatchObject({ lists: 2, relists: 1 });
  });

  it('opens a cut watch again from the last resourceVersion it saw, with no LIST', async () => {
    server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' })]);
    const side = await open();
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
    const watch = await server.nextWatch();
    watch.send('MODIFIED', configMap('shop', 'a', '120', { k: '2' }));
    await vi.waitFor(() => expect(side.stats().events).toBe(1));
    watch.cut();
    const next = await server.nextWatch();
    expect(next.url.searchParams.get('resourceVersion')).toBe('120');
    expect(lists()).toHaveLength(1);
    expect(logged.some((line) => /^watch cache: WATCH configmaps in namespace "shop" failed \(.*\); opened again in \d+ ms$/.test(line))).toBe(true);
    next.send('MODIFIED', configMap('shop', 'a', '121', { k: '3' }));
    await vi.waitFor(() => expect(side.stats().events).toBe(2));
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]))).toEqual({ 'shop/a': { k: '3' } });
    expect(lists()).toHaveLength(1);
  });

  it('never applies an event for another namespace: the watch stops, a change is signalled, the next read lists again', async () => {
    server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: 'listed' })]);
    const side = await open();
    const changes: LiveChange[] = [];
    side.onChange((change) => changes.push(change));
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
    const watch = await server.nextWatch();
    watch.send('MODIFIED', { ...configMap('elsewhere', 'a', '130', { k: 'planted' }) });
    await vi.waitFor(() => expect(changes).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap' }]));
    expect(logged).toContain(`watch cache: WATCH configmaps in namespace "shop" stopped: server ${server.url}: WATCH ${SHOP} answered with an event of another namespace than "shop": the answer is not trusted`);
    expect(watches()).toHaveLength(1);
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]))).toEqual({ 'shop/a': { k: 'listed' } });
    expect(lists()).toHaveLength(2);
    expect(side.stats().events).toBe(0);
    // Listed again, it is watched again.
    expect((await server.nextWatch()).url.searchParams.get('resourceVersion')).toBe('100');
  });

  it('answers with the error of a failed LIST, and tries it again at the next read', async () => {
    server.refuse.set(SHOP, 500);
    const side = await open();
    const objects = [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'shop', 'b')];
    const failed = answers(await fetchAll(side, objects));
    expect(failed['shop/a']).toMatch(new RegExp(`^error: server ${server.url}: list configmaps in namespace "shop" failed with HTTP 500: refused by the test`));
    expect(failed['shop/b']).toBe(failed['shop/a']);
    expect(watches()).toHaveLength(0);
    server.refuse.delete(SHOP);
    server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' })]);
    expect(answers(await fetchAll(side, objects))).toEqual({ 'shop/a': { k: '1' }, 'shop/b': 'absent' });
  });
});
