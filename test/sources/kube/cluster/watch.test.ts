// The WATCH stream client against a server whose bytes the test writes: what
// comes through as events, and what ends the watch with an error instead.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, openWatch, type WatchEvent, type WatchRequest } from '../../../../src/sources/kube/cluster/watch.js';
import type { Connection } from '../../../../src/sources/kube/cluster/connect.js';
import { configMap, startFakeWatchServer, type FakeWatchServer } from './fake-watch-server.js';

const PATH = '/api/v1/namespaces/shop/configmaps';
const request: WatchRequest = {
  path: PATH, resourceVersion: '100', timeoutSeconds: 300, resource: 'configmaps',
  asked: { verb: 'WATCH', path: PATH, apiVersion: 'v1', kind: 'ConfigMap', namespaced: true, namespace: 'shop' },
};

let server: FakeWatchServer;
let connection: Connection;
let controller: AbortController;
beforeEach(async () => {
  server = await startFakeWatchServer();
  connection = server.connection();
  controller = new AbortController();
});
afterEach(async () => {
  controller.abort();
  connection.agent.destroy();
  await server.close();
});

const settings = () => ({ timeoutMs: 5000, signal: controller.signal, log: () => {} });

async function collect(events: AsyncGenerator<WatchEvent> | 'gone'): Promise<(WatchEvent | { error: string })[]> {
  if (events === 'gone') return [{ type: 'GONE' }];
  const seen: (WatchEvent | { error: string })[] = [];
  try {
    for await (const event of events) seen.push(event);
  } catch (error) {
    seen.push({ error: (error as Error).message });
  }
  return seen;
}

function summary(seen: (WatchEvent | { error: string })[]): string[] {
  return seen.map((event) => {
    if ('error' in event) return `error: ${event.error}`;
    if (event.type === 'BOOKMARK') return `BOOKMARK ${event.resourceVersion}`;
    if (event.type === 'GONE') return 'GONE';
    return `${event.type} ${event.object.metadata.name} ${event.resourceVersion} ${JSON.stringify(event.object.data)}`;
  });
}

describe('openWatch', () => {
  it('asks for a watch from the resourceVersion, with bookmarks and a timeoutSeconds', async () => {
    const opening = openWatch(connection, request, settings());
    const watch = await server.nextWatch();
    watch.end();
    await collect(await opening);
    expect(Object.fromEntries(watch.url.searchParams)).toEqual({ watch: '1', allowWatchBookmarks: 'true', resourceVersion: '100', timeoutSeconds: '300' });
    expect(watch.url.pathname).toBe(PATH);
  });

  it('reads events whose lines are split across chunks, and several lines in one chunk', async () => {
    const opening = openWatch(connection, request, settings());
    const watch = await server.nextWatch();
    const events = (await opening) as AsyncGenerator<WatchEvent>;
    const first = JSON.stringify({ type: 'ADDED', object: configMap('shop', 'a', '101', { k: '1' }) });
    const second = JSON.stringify({ type: 'MODIFIED', object: configMap('shop', 'a', '102', { k: '2' }) });
    const third = JSON.stringify({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '150' } } });
    watch.write(first.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    watch.write(`${first.slice(10)}\n${second.slice(0, 30)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    watch.write(`${second.slice(30)}\n${third}\n`);
    watch.end();
    expect(summary(await collect(events))).toEqual(['ADDED a 101 {"k":"1"}', 'MODIFIED a 102 {"k":"2"}', 'BOOKMARK 150']);
  });

  it('turns an ERROR event with 410 (Expired) into GONE, and ends there', async () => {
    const opening = openWatch(connection, request, settings());
    const watch = await server.nextWatch();
    watch.send('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version: 100 (200)' });
    watch.send('ADDED', configMap('shop', 'late', '201'));
    expect(summary(await collect(await opening))).toEqual(['GONE']);
  });

  it('answers an HTTP 410 with gone', async () => {
    server.watchStatus = 410;
    expect(await openWatch(connection, request, settings())).toBe('gone');
  });

  it('ends with the Status of another ERROR event', async () => {
    const opening = openWatch(connection, request, settings());
    const watch = await server.nextWatch();
    watch.send('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500, reason: 'InternalError', message: 'etcd is\nsad' });
    expect(summary(await collect(await opening))).toEqual([
      `error: server ${server.url}: watch configmaps in namespace "shop" failed with HTTP 500: etcd is sad (an ERROR event of its WATCH)`,
    ]);
  });

  it('refuses an event for another namespace, naming the server, and yields nothing of it', async () => {
    const opening = openWatch(connection, request, settings());
    const watch = await server.nextWatch();
    watch.send('ADDED', configMap('shop', 'fine', '101'));
    watch.send('MODIFIED', configMap('elsewhere', 'fine', '102', { planted: 'yes' }));
    expect(summary(await collect(await opening))).toEqual([
      'ADDED fine 101 {}',
      `error: server ${server.url}: WATCH ${PATH} answered with an event of another namespace than "shop": the answer is not trusted`,
    ]);
  });

  it.each([
    ['another kind', { type: 'ADDED', object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'shop', resourceVersion: '1' } } }, 'answered with an event of another kind than v1 ConfigMap'],
    ['no resourceVersion', { type: 'ADDED', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'shop' } } }, 'sent an object without a metadata.resourceVersion'],
    ['an unknown type', { type: 'SURPRISE', object: {} }, 'sent an event of a type that is not ADDED, MODIFIED, DELETED, BOOKMARK or ERROR'],
    ['no object', { type: 'ADDED' }, 'sent an event without a type and an object'],
    ['a bookmark without resourceVersion', { type: 'BOOKMARK', object: { metadata: {} } }, 'sent a BOOKMARK without a metadata.resourceVersion'],
  ])('refuses an event with %s', async (_name, event, message) => {
    const opening = openWatch(connection, request, settings());
    const watch = await server.nextWatch();
    watch.write(`${JSON.stringify(event)}\n`);
    const seen = summary(await collect(await opening));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain(message);
  });

  it('refuses a line that is not JSON', async () => {
    const opening = openWatch(connection, request, settings());
    const watch = await server.nextWatch();
    watch.write('{"type": "ADDED", "obj\n');
    expect(summary(await collect(await opening))).toEqual([`error: server ${server.url}: WATCH ${PATH} sent a line that is not JSON: the answer is not trusted`]);
  });

  it('stops reading a line that never ends, past its bound', async () => {
    const opening = openWatch(connection, request, settings());
    const watch = await server.nextWatch();
    const events = (await opening) as AsyncGenerator<WatchEvent>;
    const megabyte = Buffer.alloc(1024 * 1024, 'x');
    watch.write('{"type":"ADDED","object":{"data":"');
    let written = 0;
    const writing = (async () => {
      // The server goes on writing until the client hangs up.
      while (written <= MAX_EVENT_BYTES + megabyte.length && !watch.response.destroyed && watch.response.socket) {
        if (!watch.response.write(megabyte)) await new Promise((resolve) => setTimeout(resolve, 1));
        written += megabyte.length;
      }
    })();
    expect(summary(await collect(events))).toEqual([`error: server ${server.url}: WATCH ${PATH} sent an event line of more than 32 MiB: the answer is not trusted`]);
    await writing;
  });

  it('ends with a connection error when the socket is cut mid-line', async () => {
    const opening = openWatch(connection, request, settings());
    const watch = await server.nextWatch();
    const events = (await opening) as AsyncGenerator<WatchEvent>;
    watch.send('ADDED', configMap('shop', 'a', '101'));
    watch.write('{"type":"MODIFIED","obj');
    await new Promise((resolve) => setTimeout(resolve, 20));
    watch.cut();
    const seen = summary(await collect(events));
    expect(seen[0]).toBe('ADDED a 101 {}');
    expect(seen[1]).toMatch(new RegExp(`^error: cannot reach server ${server.url}: `));
  });

  it('ends with an error when the body ends mid-line', async () => {
    const opening = openWatch(connection, request, settings());
    const watch = await server.nextWatch();
    const events = (await opening) as AsyncGenerator<WatchEvent>;
    watch.write('{"type":"MODIFIED","obj');
    watch.end();
    const seen = summary(await collect(events));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^error: /);
  });

  it('names what RBAC must allow when the watch is refused', async () => {
    server.watchStatus = 403;
    await expect(openWatch(connection, request, settings())).rejects.toMatchObject({
      message: `server ${server.url}: forbidden (403): cannot watch configmaps in namespace "shop": watch refused`,
      hint: 'RBAC must allow "watch" on configmaps in namespace "shop"; gitdiff only needs get and list, and watch where it keeps watching (serve)',
    });
  });

  it('gives up on a server that sends no headers within --request-timeout', async () => {
    server.hangWatches = true;
    await expect(openWatch(connection, request, { ...settings(), timeoutMs: 200 })).rejects.toThrow(`server ${server.url}: no answer to WATCH ${PATH} within 0.2 s`);
  });

  it('ends a watch still open past its timeoutSeconds (and a tenth): a dead connection', async () => {
    const opening = openWatch(connection, { ...request, timeoutSeconds: 1 }, settings());
    const watch = await server.nextWatch();
    const events = (await opening) as AsyncGenerator<WatchEvent>;
    watch.send('ADDED', configMap('shop', 'a', '101'));
    const started = Date.now();
    expect(summary(await collect(events))).toEqual([
      'ADDED a 101 {}',
      `error: server ${server.url}: WATCH ${PATH} was still open 0.1 s after its timeoutSeconds (1)`,
    ]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('ends when its signal fires', async () => {
    const opening = openWatch(connection, request, settings());
    const watch = await server.nextWatch();
    const events = (await opening) as AsyncGenerator<WatchEvent>;
    watch.send('ADDED', configMap('shop', 'a', '101'));
    const seen: string[] = [];
    await expect((async () => {
      for await (const event of events) {
        seen.push(event.type);
        controller.abort();
      }
    })()).rejects.toThrow();
    expect(seen).toEqual(['ADDED']);
  });
});
