// The watch cache against a server whose WATCH bytes the test writes: the
// first read lists and watches, later reads make no request; what the watch
// says shows up (and is signalled); a 410 lists again once; a cut watch is
// opened again from its last resourceVersion; an event that is not trusted is
// never applied; a failed LIST answers with errors and is tried again.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openWatchedCluster } from '../../../../src/sources/kube/cluster/watch-cache.js';
import type { LiveChange, LiveGroup, ServedObject, WatchedLiveSide } from '../../../../src/sources/kube/live.js';
import type { KubeObject } from '../../../../src/sources/kube/objects.js';
import { writeKubeconfigFile } from '../../../../tools/kube-api-server/kubeconfig.js';
import { repoRoot } from '../../../support/run-cli.js';
import { configMap, startFakeWatchServer, type FakeWatchServer, type OpenWatch } from './fake-watch-server.js';

const SHOP = '/api/v1/namespaces/shop/configmaps';
const SHOP_SECRETS = '/api/v1/namespaces/shop/secrets';
const ALL = '/api/v1/configmaps';
const secret = (name: string, resourceVersion: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'shop', resourceVersion }, data: { password: 'aHVudGVyMg==' } });

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

/** A cache that has read shop/a once (from `objects`), with the changes it signals and its open watch. */
async function watchingShop(objects: object[]): Promise<{ side: WatchedLiveSide; changes: LiveChange[]; watch: OpenWatch }> {
  server.objects.set(SHOP, objects);
  const side = await open();
  const changes: LiveChange[] = [];
  side.onChange((change) => changes.push(change));
  await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
  return { side, changes, watch: await server.nextWatch() };
}

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
    const { side, changes, watch } = await watchingShop([configMap('shop', 'a', '90', { k: '1' })]);
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
    const { side, changes, watch } = await watchingShop([configMap('shop', 'a', '90', { k: '1' })]);
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
    const { side, changes, watch } = await watchingShop([configMap('shop', 'a', '90', { k: '1' })]);
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
    const { side, watch } = await watchingShop([configMap('shop', 'a', '90', { k: '1' })]);
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
    const { side, changes, watch } = await watchingShop([configMap('shop', 'a', '90', { k: 'listed' })]);
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

describe('openWatchedCluster: what it holds', () => {
  it("holds a Secret's values for the Secrets declared only; a Secret declared later lists once more", async () => {
    server.objects.set(SHOP_SECRETS, [secret('creds', '90'), secret('other', '91')]);
    const side = await open();
    const first = await fetchAll(side, [declared('Secret', 'shop', 'creds')]);
    expect(first[0][0].lookup).toMatchObject({ state: 'found', object: { data: { password: 'aHVudGVyMg==' } } });
    const listed = await side.list('v1', 'Secret', ['shop'], undefined, true);
    expect('objects' in listed && listed.objects.map((object) => [object.metadata.name, object.data])).toEqual([['creds', { password: 'aHVudGVyMg==' }], ['other', undefined]]);
    expect(side.stats().lists).toBe(1);
    const later = await fetchAll(side, [declared('Secret', 'shop', 'creds'), declared('Secret', 'shop', 'other')]);
    expect(later[0].map(({ lookup }) => lookup.state === 'found' && lookup.object.data)).toEqual([{ password: 'aHVudGVyMg==' }, { password: 'aHVudGVyMg==' }]);
    expect(side.stats().lists).toBe(2);
  });

  it('holds status once a declared object declares one', async () => {
    server.objects.set(SHOP, [configMap('shop', 'a', '90', {}, { status: { phase: 'x' } })]);
    const side = await open();
    const [[plain]] = await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
    expect(plain.lookup.state === 'found' && plain.lookup.object.status).toBeUndefined();
    const [[withStatus]] = await fetchAll(side, [declared('ConfigMap', 'shop', 'a', { status: { phase: 'x' } })]);
    expect(withStatus.lookup.state === 'found' && withStatus.lookup.object.status).toEqual({ phase: 'x' });
    expect(side.stats().lists).toBe(2);
  });
});

describe('openWatchedCluster: namespaces', () => {
  it('watches a kind asked in several namespaces with one LIST and one WATCH across them', async () => {
    server.objects.set(ALL, [configMap('shop', 'a', '90', { in: 'shop' }), configMap('blog', 'a', '91', { in: 'blog' }), configMap('other', 'a', '92', { in: 'other' })]);
    const side = await open();
    const groups = await fetchAll(side, [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'blog', 'a'), declared('ConfigMap', 'blog', 'b')]);
    expect(answers(groups)).toEqual({ 'shop/a': { in: 'shop' }, 'blog/a': { in: 'blog' }, 'blog/b': 'absent' });
    expect(lists().map((url) => url.pathname)).toEqual([ALL]);
    expect((await server.nextWatch()).url.pathname).toBe(ALL);
    // One namespace of the kind is answered by the same watch, with no request.
    const requests = server.requests.length;
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'other', 'a')]))).toEqual({ 'other/a': { in: 'other' } });
    expect(server.requests.length).toBe(requests);
  });

  it('watches each namespace apart when the LIST across namespaces is refused', async () => {
    server.refuse.set(ALL, 403);
    server.objects.set(SHOP, [configMap('shop', 'a', '90', { in: 'shop' })]);
    server.objects.set('/api/v1/namespaces/blog/configmaps', [configMap('blog', 'a', '91', { in: 'blog' })]);
    const side = await open();
    const groups = await fetchAll(side, [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'blog', 'a')]);
    expect(answers(groups)).toEqual({ 'shop/a': { in: 'shop' }, 'blog/a': { in: 'blog' } });
    expect(lists().map((url) => url.pathname).sort()).toEqual([ALL, '/api/v1/namespaces/blog/configmaps', SHOP]);
    const opened = [await server.nextWatch(), await server.nextWatch()].map((watch) => watch.url.pathname).sort();
    expect(opened).toEqual(['/api/v1/namespaces/blog/configmaps', SHOP]);
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'blog', 'a')]);
    expect(lists()).toHaveLength(3);
  });

  it('lists by label selector from memory', async () => {
    server.objects.set(SHOP, [configMap('shop', 'a', '90', {}, {}), { ...configMap('shop', 'b', '91'), metadata: { name: 'b', namespace: 'shop', resourceVersion: '91', labels: { app: 'web' } } }]);
    const side = await open();
    const first = await side.list('v1', 'ConfigMap', ['shop'], 'app=web', true);
    await server.nextWatch();
    const requests = server.requests.length;
    const second = await side.list('v1', 'ConfigMap', ['shop'], 'app=web', true);
    expect([first, second].map((listed) => 'objects' in listed && listed.objects.map((object) => object.metadata.name))).toEqual([['b'], ['b']]);
    expect(server.requests.length).toBe(requests);
  });
});

describe('openWatchedCluster: resync and close', () => {
  it('lists everything again on its period, and reads discovery again', async () => {
    server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' })]);
    const side = await open(300);
    const changes: LiveChange[] = [];
    side.onChange((change) => changes.push(change));
    const discoveries = () => server.requests.filter((url) => url.pathname === '/api/v1').length;
    await side.scopes([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    await side.scopes([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    expect(discoveries()).toBe(1);
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
    server.objects.set(SHOP, [configMap('shop', 'a', '95', { k: 'resynced' })]);
    await vi.waitFor(() => expect(side.stats().lists).toBe(2), { timeout: 3000 });
    expect(side.stats().relists).toBe(0);
    expect(changes[0]).toEqual({ apiVersion: 'v1', kind: 'ConfigMap' });
    await vi.waitFor(async () => expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]))).toEqual({ 'shop/a': { k: 'resynced' } }));
    await side.scopes([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    expect(discoveries()).toBe(2);
  });
});

describe('openWatchedCluster: close', () => {
  // dist/, as the end-to-end tests use it: `npm run build` first.
  const child = `
    import { openWatchedCluster } from ${JSON.stringify(path.join(repoRoot, 'dist/sources/kube/cluster/watch-cache.js'))};
    const live = await openWatchedCluster({
      kubeconfig: process.argv[1], env: {}, cwd: process.cwd(), resyncMs: 60000,
      settings: { timeoutMs: 5000, signal: new AbortController().signal, log: () => {} },
    });
    const scope = { state: 'served', namespaced: true, resource: 'configmaps' };
    for await (const group of live.fetch([{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, file: 'x', namespace: 'shop', scope }])) void group;
    while (live.stats().watches === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    live.close();
    console.log(JSON.stringify(live.stats()));
  `;

  it('ends every watch and timer: the process exits on its own', async () => {
    server.objects.set(SHOP, [configMap('shop', 'a', '90')]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-watch-close-'));
    const started = Date.now();
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const process = execFile('node', ['--input-type=module', '-e', child, writeKubeconfigFile(dir, server.url)], { timeout: 20_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      });
      void process;
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ lists: 1, watches: 1 });
    // Far from the 60 s resync timer and the 5 to 10 minutes of the watch.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(watches()).toHaveLength(1);
  });
});
