// The watch cache, what it holds and how it watches: a Secret's values and a
// status only where declared; one watch across namespaces for a kind asked in
// several (per namespace where refused); lists from memory; a resync; close().
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { LiveChange } from '../../../../src/sources/kube/live.js';
import { writeKubeconfigFile } from '../../../../tools/kube-api-server/kubeconfig.js';
import { repoRoot } from '../../../support/run-cli.js';
import { configMap } from './fake-watch-server.js';
import { answers, declared, fetchAll, SHOP, useWatchCache } from './watch-cache-harness.js';

const SHOP_SECRETS = '/api/v1/namespaces/shop/secrets';
const ALL = '/api/v1/configmaps';
const secret = (name: string, resourceVersion: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'shop', resourceVersion }, data: { password: 'aHVudGVyMg==' } });

const cache = useWatchCache();

describe('openWatchedCluster: what it holds', () => {
  it("holds a Secret's values for the Secrets declared only; a Secret declared later lists once more", async () => {
    cache.server.objects.set(SHOP_SECRETS, [secret('creds', '90'), secret('other', '91')]);
    const side = await cache.open();
    const first = await fetchAll(side, [declared('Secret', 'shop', 'creds')]);
    expect(first[0][0].lookup).toMatchObject({ state: 'found', object: { data: { password: 'aHVudGVyMg==' } } });
    const listed = await side.list('v1', 'Secret', ['shop'], undefined, true);
    expect('objects' in listed && listed.objects.map((object) => [object.metadata.name, object.data])).toEqual([['creds', { password: 'aHVudGVyMg==' }], ['other', undefined]]);
    expect(side.stats().lists).toBe(1);
    const later = await fetchAll(side, [declared('Secret', 'shop', 'creds'), declared('Secret', 'shop', 'other')]);
    expect(later[0].map(({ lookup }) => lookup.state === 'found' && lookup.object.data)).toEqual([{ password: 'aHVudGVyMg==' }, { password: 'aHVudGVyMg==' }]);
    expect(side.stats().lists).toBe(2);
  });

  it("holds the values of a Secret declared while its LIST was under way", async () => {
    cache.server.objects.set(SHOP_SECRETS, [secret('creds', '90'), secret('other', '91')]);
    const side = await cache.open();
    const [first, second] = await Promise.all([fetchAll(side, [declared('Secret', 'shop', 'creds')]), fetchAll(side, [declared('Secret', 'shop', 'other')])]);
    expect([...first, ...second].flat().map(({ lookup }) => lookup.state === 'found' && lookup.object.data)).toEqual([{ password: 'aHVudGVyMg==' }, { password: 'aHVudGVyMg==' }]);
    expect(side.stats().lists).toBe(1);
  });

  it('holds status once a declared object declares one', async () => {
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '90', {}, { status: { phase: 'x' } })]);
    const side = await cache.open();
    const [[plain]] = await fetchAll(side, [declared('ConfigMap', 'shop', 'a', { status: {} })]);
    // `status: {}` (as generated manifests carry it) equals any status: it needs none held.
    expect(plain.lookup.state === 'found' && plain.lookup.object.status).toBeUndefined();
    expect(side.stats().lists).toBe(1);
    const [[withStatus]] = await fetchAll(side, [declared('ConfigMap', 'shop', 'a', { status: { phase: 'x' } })]);
    expect(withStatus.lookup.state === 'found' && withStatus.lookup.object.status).toEqual({ phase: 'x' });
    expect(side.stats().lists).toBe(2);
  });
});

describe('openWatchedCluster: namespaces', () => {
  it('watches a kind asked in several namespaces with one LIST and one WATCH across them', async () => {
    cache.server.objects.set(ALL, [configMap('shop', 'a', '90', { in: 'shop' }), configMap('blog', 'a', '91', { in: 'blog' }), configMap('other', 'a', '92', { in: 'other' })]);
    const side = await cache.open();
    const groups = await fetchAll(side, [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'blog', 'a'), declared('ConfigMap', 'blog', 'b')]);
    expect(answers(groups)).toEqual({ 'shop/a': { in: 'shop' }, 'blog/a': { in: 'blog' }, 'blog/b': 'absent' });
    expect(cache.lists().map((url) => url.pathname)).toEqual([ALL]);
    expect((await cache.server.nextWatch()).url.pathname).toBe(ALL);
    // One namespace of the kind is answered by the same watch, with no request.
    const requests = cache.server.requests.length;
    expect(answers(await fetchAll(side, [declared('ConfigMap', 'other', 'a')]))).toEqual({ 'other/a': { in: 'other' } });
    expect(cache.server.requests.length).toBe(requests);
  });

  it('watches each namespace apart when the LIST across namespaces is refused', async () => {
    cache.server.refuse.set(ALL, 403);
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '90', { in: 'shop' })]);
    cache.server.objects.set('/api/v1/namespaces/blog/configmaps', [configMap('blog', 'a', '91', { in: 'blog' })]);
    const side = await cache.open();
    const groups = await fetchAll(side, [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'blog', 'a')]);
    expect(answers(groups)).toEqual({ 'shop/a': { in: 'shop' }, 'blog/a': { in: 'blog' } });
    expect(cache.lists().map((url) => url.pathname).sort()).toEqual([ALL, '/api/v1/namespaces/blog/configmaps', SHOP]);
    const opened = [await cache.server.nextWatch(), await cache.server.nextWatch()].map((watch) => watch.url.pathname).sort();
    expect(opened).toEqual(['/api/v1/namespaces/blog/configmaps', SHOP]);
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'blog', 'a')]);
    expect(cache.lists()).toHaveLength(3);
  });

  it('reads with a GET per object, as a one-shot run does, a namespace whose LIST is refused', async () => {
    cache.server.refuse.set(SHOP, 403);
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' })]);
    const side = await cache.open();
    const objects = [declared('ConfigMap', 'shop', 'a'), declared('ConfigMap', 'shop', 'b')];
    expect(answers(await fetchAll(side, objects))).toEqual({ 'shop/a': { k: '1' }, 'shop/b': 'absent' });
    expect(cache.server.requests.filter((url) => url.pathname.startsWith(`${SHOP}/`)).map((url) => url.pathname)).toEqual([`${SHOP}/a`, `${SHOP}/b`]);
    expect(cache.watches()).toHaveLength(0);
  });

  it('lists by label selector from memory', async () => {
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '90', {}, {}), { ...configMap('shop', 'b', '91'), metadata: { name: 'b', namespace: 'shop', resourceVersion: '91', labels: { app: 'web' } } }]);
    const side = await cache.open();
    const first = await side.list('v1', 'ConfigMap', ['shop'], 'app=web', true);
    await cache.server.nextWatch();
    const requests = cache.server.requests.length;
    const second = await side.list('v1', 'ConfigMap', ['shop'], 'app=web', true);
    expect([first, second].map((listed) => 'objects' in listed && listed.objects.map((object) => object.metadata.name))).toEqual([['b'], ['b']]);
    expect(cache.server.requests.length).toBe(requests);
  });
});

describe('openWatchedCluster: resync and close', () => {
  it('lists everything again on its period, and reads discovery again', async () => {
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '90', { k: '1' })]);
    const side = await cache.open(300);
    const changes: LiveChange[] = [];
    side.onChange((change) => changes.push(change));
    const discoveries = () => cache.server.requests.filter((url) => url.pathname === '/api/v1').length;
    await side.scopes([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    await side.scopes([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    expect(discoveries()).toBe(1);
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '95', { k: 'resynced' })]);
    await vi.waitFor(() => expect(changes[0]).toEqual({ apiVersion: 'v1', kind: 'ConfigMap' }), { timeout: 3000 });
    expect(side.stats()).toMatchObject({ lists: 2, relists: 0 });
    await vi.waitFor(async () => expect(answers(await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]))).toEqual({ 'shop/a': { k: 'resynced' } }));
    await side.scopes([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    expect(discoveries()).toBe(2);
  });
});

describe('openWatchedCluster: resync 0', () => {
  it('never lists again on its own', async () => {
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '90')]);
    const side = await cache.open(0);
    await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(side.stats().lists).toBe(1);
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
    cache.server.objects.set(SHOP, [configMap('shop', 'a', '90')]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-watch-close-'));
    const started = Date.now();
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const process = execFile('node', ['--input-type=module', '-e', child, writeKubeconfigFile(dir, cache.server.url)], { timeout: 20_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      });
      void process;
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ lists: 1, watches: 1 });
    // Far from the 60 s resync timer and the 5 to 10 minutes of the watch.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(cache.watches()).toHaveLength(1);
  });
});
