// The watch cache against a server whose WATCH bytes the test writes: the
// first read lists and watches, later reads make no request; what the watch
// says shows up (and is signalled); a 410 lists again once, and never in a
// storm; a cut watch is opened again from its last resourceVersion; an event
// that is not trusted is never applied; a failed LIST answers with errors and
// is tried again.
import { describe, expect, it, vi } from 'vitest';
import { configMap } from './fake-watch-server.js';
import { answers, declared, fetchAll, SHOP, useWatchCache } from './watch-cache-harness.js';

const cache = useWatchCache();

describe('openWatchedCluster: reads', () => {
  it('lists once, watches from the LIST resourceVersion, then answers from memory with no request', async () => {
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' }), configMap('shop', 'other', '91')]);
    const side = await cache.open();
    const objects = [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'shop', 'gone')];
    const groups = await fetchAll(side, objects);
    expect(answers(groups)).toEqual({ 'shop/a': { k: '1' }, 'shop/gone': 'absent' });
    // Every object in exactly one group, as the very object given.
    expect(groups.flat().map(({ object }) => object)).toEqual(objects);
    expect(groups.flat()[0].object).toBe(objects[0]);
    const watch = await cache.server.nextWatch();
    expect(watch.url.pathname).toBe(SHOP);
    expect(watch.url.searchParams.get('resourceVersion')).toBe('100');
    const requests = cache.server.requests.length;
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'other')]))).toEqual({ 'shop/other': {} });
    expect(cache.server.requests.length).toBe(requests);
    expect(side.stats()).toMatchObject({ lists: 1, watches: 1, relists: 0, objects: 2 });
  });

  it('shows what the watch says in the next read, signals it, and makes no LIST', async () => {
    const { side, changes, watch } = await cache.watchingShop([configMap('shop', 'a', '90', { k: '1' })]);
    watch.send('MODIFIED', configMap('shop', 'a', '101', { k: '2' }));
    watch.send('ADDED', configMap('shop', 'b', '102', { new: 'yes' }));
    watch.send('DELETED', configMap('shop', 'a', '103', { k: '2' }));
    await vi.waitFor(() => expect(changes).toHaveLength(3));
    expect(changes[0]).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', objects: [{ namespace: 'shop', name: 'a' }] });
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'shop', 'b')]))).toEqual({ 'shop/a': 'absent', 'shop/b': { new: 'yes' } });
    expect(cache.lists()).toHaveLength(1);
    expect(side.stats()).toMatchObject({ lists: 1, events: 3, objects: 1 });
  });

  it('ignores the same version sent again, and a bookmark moves where the next watch starts', async () => {
    const { side, changes, watch } = await cache.watchingShop([configMap('shop', 'a', '90', { k: '1' })]);
    watch.send('MODIFIED', configMap('shop', 'a', '90', { k: '1' }));
    watch.send('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '180' } });
    watch.end();
    const next = await cache.server.nextWatch();
    expect(next.url.searchParams.get('resourceVersion')).toBe('180');
    expect(changes).toEqual([]);
    expect(side.stats()).toMatchObject({ lists: 1, watches: 2, events: 0 });
  });
});

describe('openWatchedCluster: when the watch fails', () => {
  it('lists again, once, when the watch says 410 Gone, and watches from the new LIST', async () => {
    const { side, changes, watch } = await cache.watchingShop([configMap('shop', 'a', '90', { k: '1' })]);
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '250', { k: 'relisted' })]);
    cache.server.resourceVersion = '300';
    watch.send('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' });
    const next = await cache.server.nextWatch();
    expect(next.url.searchParams.get('resourceVersion')).toBe('300');
    expect(changes).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]))).toEqual({ 'shop/a': { k: 'relisted' } });
    expect(side.stats()).toMatchObject({ lists: 2, relists: 1 });
  });

  it('lists again, once, when a WATCH is answered with HTTP 410', async () => {
    const { side, watch } = await cache.watchingShop([configMap('shop', 'a', '90', { k: '1' })]);
    cache.server.watchStatuses.push(410);
    cache.server.resourceVersion = '200';
    watch.end();
    expect((await cache.server.nextWatch()).url.searchParams.get('resourceVersion')).toBe('200');
    expect(side.stats()).toMatchObject({ lists: 2, relists: 1 });
  });

  it('lists again with growing waits, not at once, while every WATCH says 410', async () => {
    cache.server.watchStatus = 410;
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' })]);
    const side = await cache.open();
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // 250 ms, 500 ms, 1 s (each jittered in its upper half): at most 5 LISTs in a second, where none would be a few hundred.
    expect(side.stats().lists).toBeGreaterThanOrEqual(2);
    expect(side.stats().lists).toBeLessThanOrEqual(5);
    expect(cache.logged.some((line) => /^watch cache: WATCH configmaps in namespace "shop" said 410 again: LIST again in \d+ ms$/.test(line))).toBe(true);
  });

  it('waits longer each time before opening again a watch the server ends at once', async () => {
    const { side, watch } = await cache.watchingShop([configMap('shop', 'a', '90', { k: '1' })]);
    watch.end();
    const thisServer = cache.server;
    const ending = (async () => {
      for (;;) (await thisServer.nextWatch()).end();
    })();
    void ending;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(side.stats().watches).toBeGreaterThanOrEqual(2);
    expect(side.stats().watches).toBeLessThanOrEqual(6);
    expect(side.stats().lists).toBe(1);
    expect(cache.logged).toContainEqual(expect.stringMatching(/^watch cache: WATCH configmaps in namespace "shop" failed \(server .*: WATCH \/api\/v1\/namespaces\/shop\/configmaps ended at once, with no event\); opened again in \d+ ms$/));
  });

  it('lists at each read while its WATCH is refused (RBAC without watch), and says why', async () => {
    cache.server.watchStatus = 403;
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' })]);
    const side = await cache.open();
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
    await vi.waitFor(() => expect(cache.logged.some((line) => line.startsWith(`watch cache: WATCH configmaps in namespace "shop" failed (server ${cache.server.url}: forbidden (403): cannot watch configmaps in namespace "shop"`))).toBe(true));
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '91', { k: '2' })]);
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]))).toEqual({ 'shop/a': { k: '2' } });
    expect(side.stats().lists).toBe(2);
  });

  it('opens a cut watch again from the last resourceVersion it saw, with no LIST', async () => {
    const { side, watch } = await cache.watchingShop([configMap('shop', 'a', '90', { k: '1' })]);
    watch.send('MODIFIED', configMap('shop', 'a', '120', { k: '2' }));
    await vi.waitFor(() => expect(side.stats().events).toBe(1));
    watch.cut();
    const next = await cache.server.nextWatch();
    expect(next.url.searchParams.get('resourceVersion')).toBe('120');
    expect(cache.lists()).toHaveLength(1);
    expect(cache.logged.some((line) => /^watch cache: WATCH configmaps in namespace "shop" failed \(.*\); opened again in \d+ ms$/.test(line))).toBe(true);
    next.send('MODIFIED', configMap('shop', 'a', '121', { k: '3' }));
    await vi.waitFor(() => expect(side.stats().events).toBe(2));
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]))).toEqual({ 'shop/a': { k: '3' } });
    expect(cache.lists()).toHaveLength(1);
  });

  it('never applies an event for another namespace: the watch stops, a change is signalled, the next read lists again', async () => {
    const { side, changes, watch } = await cache.watchingShop([configMap('shop', 'a', '90', { k: 'listed' })]);
    watch.send('MODIFIED', { ...configMap('elsewhere', 'a', '130', { k: 'planted' }) });
    await vi.waitFor(() => expect(changes).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap' }]));
    expect(cache.logged).toContain(`watch cache: WATCH configmaps in namespace "shop" stopped: server ${cache.server.url}: WATCH ${SHOP} answered with an event of another namespace than "shop": the answer is not trusted`);
    expect(cache.watches()).toHaveLength(1);
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]))).toEqual({ 'shop/a': { k: 'listed' } });
    expect(cache.lists()).toHaveLength(2);
    expect(side.stats().events).toBe(0);
    // Listed again, it is watched again.
    expect((await cache.server.nextWatch()).url.searchParams.get('resourceVersion')).toBe('100');
  });

  it('answers with the error of a failed LIST, and tries it again at the next read', async () => {
    cache.server.refuse.set(SHOP, 500);
    const side = await cache.open();
    const objects = [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'shop', 'b')];
    const failed = answers(await fetchAll(side, objects));
    expect(failed['shop/a']).toMatch(new RegExp(`^error: server ${cache.server.url}: list configmaps in namespace "shop" failed with HTTP 500: refused by the test`));
    expect(failed['shop/b']).toBe(failed['shop/a']);
    expect(cache.watches()).toHaveLength(0);
    cache.server.refuse.delete(SHOP);
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' })]);
    expect(answers(await fetchAll(side, objects))).toEqual({ 'shop/a': { k: '1' }, 'shop/b': 'absent' });
  });
});
