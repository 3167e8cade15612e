// WATCH on the test API server, as a client reads it over HTTP: the stream's
// shape, where it starts (resourceVersion), selectors, bookmarks, timeouts,
// 410 Expired, the mutation API, faults, and a slow or numerous audience.
import { get as httpGet, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer, type StartOptions } from './index.js';

type Obj = Record<string, any>;

const configMap = (name: string, namespace: string, labels: Record<string, string> = {}, data: Obj = { key: name }): Obj =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data });
const deployment = (name: string, namespace: string): Obj => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, labels: { app: name } },
  spec: { replicas: 2, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
});

/** One watch response read line by line as it arrives. */
class WatchStream {
  readonly events: Obj[] = [];
  /** 'end': the body ended cleanly after whole lines; 'dropped': the connection was cut, or the body ended mid-line. */
  readonly finished: Promise<'end' | 'dropped'>;
  private buffered = '';
  private readonly listeners = new Set<() => void>();

  constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.buffered += chunk;
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        this.events.push(JSON.parse(this.buffered.slice(0, newline)));
        this.buffered = this.buffered.slice(newline + 1);
      }
      this.listeners.forEach((listener) => listener());
    });
    this.finished = new Promise((resolve) => {
      response.on('error', () => undefined);
      response.on('close', () => resolve(response.complete && this.buffered === '' ? 'end' : 'dropped'));
    });
  }

  /** The first `count` events, once they have arrived. */
  async first(count: number, timeoutMs = 5000): Promise<Obj[]> {
    if (this.events.length < count) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${this.events.length} of ${count} events: ${JSON.stringify(this.events.map((e) => e.type))}`)), timeoutMs);
        const listener = (): void => {
          if (this.events.length < count) return;
          clearTimeout(timer);
          this.listeners.delete(listener);
          resolve();
        };
        this.listeners.add(listener);
      });
    }
    return this.events.slice(0, count);
  }

  close(): void {
    this.response.destroy();
  }
}

const open: WatchStream[] = [];
const servers: KubeApiServer[] = [];

function watch(server: KubeApiServer, path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    httpGet(`${server.url}${path}`, { headers }, (response) => {
      const stream = new WatchStream(response);
      open.push(stream);
      resolve(stream);
    }).on('error', reject);
  });
}

async function start(options: StartOptions): Promise<KubeApiServer> {
  const server = await startKubeApiServer(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  open.splice(0).forEach((stream) => stream.close());
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const summary = (events: Obj[]): string[] => events.map((e) => `${e.type} ${e.object.metadata.namespace ?? ''}/${e.object.metadata.name ?? ''}`);
/** Resolves once `check` holds (the server notices a closed socket a moment after the client closes it). */
async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the watch stream', () => {
  it('starts with the objects there now, then streams ADDED, MODIFIED, DELETED as GET shapes them, one JSON object a line', async () => {
    const server = await start({ objects: [configMap('a', 'shop'), configMap('b', 'shop'), configMap('elsewhere', 'other')] });
    const stream = await watch(server, '/api/v1/namespaces/shop/configmaps?watch=1');
    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers['content-type']).toBe('application/json');
    expect(stream.response.headers['transfer-encoding']).toBe('chunked');
    expect(summary(await stream.first(2))).toEqual(['ADDED shop/a', 'ADDED shop/b']);
    expect(stream.events[0].object).toEqual(server.get('v1', 'ConfigMap', 'shop', 'a'));

    const created = server.create(configMap('c', 'shop'));
    server.create(configMap('ignored', 'other'));
    const updated = server.update('v1', 'ConfigMap', 'shop', 'a', (live) => { live.data.key = 'changed'; }, { manager: 'kubectl-edit' });
    const deletedAt = Number(server.resourceVersion()) + 1;
    const lastOfB = server.get('v1', 'ConfigMap', 'shop', 'b') as Obj;
    server.remove('v1', 'ConfigMap', 'shop', 'b');
    const events = await stream.first(5);
    expect(summary(events.slice(2))).toEqual(['ADDED shop/c', 'MODIFIED shop/a', 'DELETED shop/b']);
    expect(events[2].object).toEqual(created);
    expect(events[3].object).toEqual(updated);
    expect(events[3].object.data).toEqual({ key: 'changed' });
    // A deleted object is its last state at the deletion's resourceVersion (etcd3's watcher).
    expect(events[4].object).toEqual({ ...lastOfB, metadata: { ...lastOfB.metadata, resourceVersion: String(deletedAt) } });
    const versions = events.slice(2).map((e) => Number(e.object.metadata.resourceVersion));
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
  });

  it('from a LIST\'s resourceVersion streams only what changed after it; cluster-wide and cluster-scoped watches too', async () => {
    const server = await start({ objects: [configMap('a', 'shop'), configMap('z', 'other')] });
    const list = await (await fetch(`${server.url}/api/v1/configmaps`)).json() as Obj;
    expect(list.metadata.resourceVersion).toBe(server.resourceVersion());
    const everywhere = await watch(server, `/api/v1/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
    const namespaces = await watch(server, `/api/v1/namespaces?watch=1&resourceVersion=${list.metadata.resourceVersion}`);
    const roles = await watch(server, '/apis/rbac.authorization.k8s.io/v1/clusterroles?watch=1');
    server.create(configMap('b', 'billing'));
    server.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] });
    server.update('v1', 'ConfigMap', 'other', 'z', (live) => { live.data = { key: 'new' }; });
    // Creating a ConfigMap in a missing namespace created the namespace first, as a test would.
    expect(summary(await everywhere.first(2))).toEqual(['ADDED billing/b', 'MODIFIED other/z']);
    expect(summary(await namespaces.first(1))).toEqual(['ADDED /billing']);
    expect(summary(await roles.first(1))).toEqual(['ADDED /reader']);
    expect(roles.events[0].object).toMatchObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' });
  });

  it('filters by label and field selector as the cacher does: matching starts as ADDED, stops as DELETED', async () => {
    const server = await start({ objects: [configMap('a', 'shop', { app: 'web' }), configMap('b', 'shop', { app: 'db' })] });
    const byLabel = await watch(server, '/api/v1/namespaces/shop/configmaps?watch=1&labelSelector=app%3Dweb');
    const byName = await watch(server, '/api/v1/configmaps?watch=1&fieldSelector=metadata.name%3Db,metadata.namespace%3Dshop');
    expect(summary(await byLabel.first(1))).toEqual(['ADDED shop/a']);
    expect(summary(await byName.first(1))).toEqual(['ADDED shop/b']);
    const before = server.get('v1', 'ConfigMap', 'shop', 'a') as Obj;
    server.update('v1', 'ConfigMap', 'shop', 'a', (live) => { live.metadata.labels.app = 'api'; });
    const stoppedAt = server.resourceVersion();
    server.update('v1', 'ConfigMap', 'shop', 'b', (live) => { live.metadata.labels.app = 'web'; });
    const [, stopped, started] = await byLabel.first(3);
    expect([stopped.type, started.type]).toEqual(['DELETED', 'ADDED']);
    // What stopped matching is sent as it was before, at the change's resourceVersion.
    expect(stopped.object).toEqual({ ...before, metadata: { ...before.metadata, resourceVersion: stoppedAt } });
    expect(started.object.metadata).toMatchObject({ name: 'b', labels: { app: 'web' } });
    expect(summary(await byName.first(2))).toEqual(['ADDED shop/b', 'MODIFIED shop/b']);
  });

  it('as a Table (column definitions with the first event only) or as PartialObjectMetadata, when the client asks', async () => {
    const server = await start({ objects: [configMap('a', 'shop'), configMap('b', 'shop')] });
    const tables = await watch(server, '/api/v1/namespaces/shop/configmaps?watch=1',
      { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    const metadata = await watch(server, '/api/v1/namespaces/shop/configmaps?watch=1',
      { Accept: 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io,application/json' });
    expect(tables.response.headers['content-type']).toBe('application/json');
    const [first, second] = await tables.first(2);
    expect(first.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', columnDefinitions: [{ name: 'Name' }, { name: 'Data' }, { name: 'Age' }],
      rows: [{ cells: ['a', 1, expect.any(String)], object: { kind: 'PartialObjectMetadata', metadata: { name: 'a' } } }] });
    expect(second.object.columnDefinitions).toBeNull();
    expect(second.object.rows[0].cells[0]).toBe('b');
    const [a] = await metadata.first(1);
    expect(a).toEqual({ type: 'ADDED', object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1',
      metadata: (server.get('v1', 'ConfigMap', 'shop', 'a') as Obj).metadata } });
  });

  it('ends cleanly after timeoutSeconds, with a BOOKMARK of the current resourceVersion every interval and right before the end', async () => {
    const server = await start({ objects: [configMap('a', 'shop')], bookmarkIntervalMs: 300 });
    const stream = await watch(server, '/apis/apps/v1/namespaces/shop/deployments?watch=1&allowWatchBookmarks=true&timeoutSeconds=1');
    const started = Date.now();
    setTimeout(() => server.create(deployment('web', 'shop')), 100);
    expect(await stream.finished).toBe('end');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(stream.events[0].type).toBe('ADDED');
    const bookmarks = stream.events.filter((e) => e.type === 'BOOKMARK');
    expect(bookmarks.length).toBeGreaterThanOrEqual(2);
    expect(stream.events.at(-1)!.type).toBe('BOOKMARK');
    // An empty Deployment with only the revision set; ObjectMeta's zero creationTimestamp is null up to 1.32.
    expect(bookmarks[0].object).toEqual({ kind: 'Deployment', apiVersion: 'apps/v1', metadata: { resourceVersion: server.resourceVersion(), creationTimestamp: null } });
    expect(server.openWatches()).toBe(0);
  });

  it('without allowWatchBookmarks sends no BOOKMARK', async () => {
    const server = await start({ objects: [], bookmarkIntervalMs: 100 });
    const stream = await watch(server, '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1');
    expect(await stream.finished).toBe('end');
    expect(stream.events).toEqual([]);
  });
});

describe('how a watch ends', () => {
  it('without timeoutSeconds, after a random 1-2x minRequestTimeoutSeconds (30-60 min on a real server)', async () => {
    const server = await start({ objects: [], minRequestTimeoutSeconds: 1 });
    const started = Date.now();
    const stream = await watch(server, '/api/v1/configmaps?watch=1');
    expect(await stream.finished).toBe('end');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('deleting a CRD sends DELETED for its objects, then ends the watches of its kind', async () => {
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] } };
    const server = await start({ objects: [crd, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'gear', namespace: 'shop' }, spec: { size: 1 } }] });
    const widgets = await watch(server, '/apis/example.com/v1/namespaces/shop/widgets?watch=1');
    expect(summary(await widgets.first(1))).toEqual(['ADDED shop/gear']);
    expect(widgets.events[0].object).toEqual(server.get('example.com/v1', 'Widget', 'shop', 'gear'));
    server.remove('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'widgets.example.com');
    expect(await widgets.finished).toBe('end');
    expect(summary(widgets.events)).toEqual(['ADDED shop/gear', 'DELETED shop/gear']);
  });
});

describe('resourceVersion too old: 410 Expired', () => {
  const expired = (requested: number, oldest: number) => ({ type: 'ERROR', object: {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${requested} (${oldest})`, reason: 'Expired', code: 410 } });

  it('answers 200 with one ERROR event and ends, for a revision before the server started or outside the window', async () => {
    const server = await start({ objects: [configMap('a', 'shop')], watchWindow: 3 });
    const startedAt = Number(server.resourceVersion());
    const beforeStart = await watch(server, '/api/v1/namespaces/shop/configmaps?watch=1&resourceVersion=1001');
    expect(beforeStart.response.statusCode).toBe(200);
    expect(await beforeStart.finished).toBe('end');
    expect(beforeStart.events).toEqual([expired(1001, startedAt)]);

    for (const name of ['b', 'c', 'd', 'e']) server.create(configMap(name, 'shop'));
    // The window holds the last 3 changes (c, d, e): from b's revision on, a watch can still catch up.
    const caughtUp = await watch(server, `/api/v1/namespaces/shop/configmaps?watch=1&resourceVersion=${startedAt + 1}`);
    expect(summary(await caughtUp.first(3))).toEqual(['ADDED shop/c', 'ADDED shop/d', 'ADDED shop/e']);
    const tooOld = await watch(server, `/api/v1/namespaces/shop/configmaps?watch=1&resourceVersion=${startedAt}`);
    expect(await tooOld.finished).toBe('end');
    expect(tooOld.events).toEqual([expired(startedAt, startedAt + 1)]);
  });

  it('compact() forgets the window: every earlier revision gets 410; the current one still watches', async () => {
    const server = await start({ objects: [configMap('a', 'shop')] });
    const listed = server.resourceVersion();
    server.create(configMap('b', 'shop'));
    server.compact();
    const old = await watch(server, `/api/v1/namespaces/shop/configmaps?watch=1&resourceVersion=${listed}`);
    expect(await old.finished).toBe('end');
    expect(old.events).toEqual([expired(Number(listed), Number(server.resourceVersion()))]);
    const current = await watch(server, `/api/v1/namespaces/shop/configmaps?watch=1&resourceVersion=${server.resourceVersion()}`);
    server.create(configMap('c', 'shop'));
    expect(summary(await current.first(1))).toEqual(['ADDED shop/c']);
  });
});

describe('watch options the apiserver validates', () => {
  it('refuses resourceVersionMatch without sendInitialEvents, and a resourceVersion that is not a number, with 422 Invalid', async () => {
    const server = await start({});
    const match = await fetch(`${server.url}/api/v1/configmaps?watch=1&resourceVersionMatch=NotOlderThan&resourceVersion=5`);
    expect(match.status).toBe(422);
    expect(await match.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
      reason: 'Invalid', details: { group: 'meta.k8s.io', kind: 'ListOptions', causes: [{ reason: 'FieldValueForbidden',
        message: 'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided', field: 'resourceVersionMatch' }] }, code: 422 });
    const bad = await fetch(`${server.url}/apis/apps/v1/deployments?watch=1&resourceVersion=abc`);
    expect([bad.status, (await bad.json() as Obj).message]).toEqual([422,
      'deployments.apps "" is invalid: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax']);
    const selector = await fetch(`${server.url}/api/v1/configmaps?watch=1&fieldSelector=data.key%3Dx`);
    expect([selector.status, (await selector.json() as Obj).message]).toEqual([400, 'field label not supported: data.key']);
  });

  it('sendInitialEvents=true sends the objects there now, then a BOOKMARK marked k8s.io/initial-events-end', async () => {
    const server = await start({ objects: [configMap('a', 'shop'), configMap('b', 'shop')] });
    const stream = await watch(server, '/api/v1/namespaces/shop/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
    const [first, second, end] = await stream.first(3);
    expect([first.type, second.type]).toEqual(['ADDED', 'ADDED']);
    expect(end).toEqual({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1',
      metadata: { resourceVersion: server.resourceVersion(), creationTimestamp: null, annotations: { 'k8s.io/initial-events-end': 'true' } } } });
  });
});

describe('the mutation API', () => {
  it('update records the field manager, bumps generation on a spec change and the resourceVersion always', async () => {
    const server = await start({ objects: [deployment('web', 'shop')] });
    const before = server.get('apps/v1', 'Deployment', 'shop', 'web') as Obj;
    const scaled = server.update('apps/v1', 'Deployment', 'shop', 'web', (live) => { live.spec.replicas = 5; }, { manager: 'kube-controller-manager' }) as Obj;
    expect(scaled.metadata.generation).toBe(before.metadata.generation + 1);
    expect(Number(scaled.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(scaled.metadata.uid).toBe(before.metadata.uid);
    expect(scaled.metadata.managedFields.map((entry: Obj) => entry.manager)).toContain('kube-controller-manager');
    expect(scaled.status).toMatchObject({ replicas: 5, observedGeneration: scaled.metadata.generation });
    const relabelled = server.update('apps/v1', 'Deployment', 'shop', 'web', (live) => { live.metadata.labels.team = 'a'; }) as Obj;
    expect(relabelled.metadata.generation).toBe(scaled.metadata.generation);
    expect(() => server.create(deployment('web', 'shop'))).toThrow('already exists');
    expect(() => server.update('apps/v1', 'Deployment', 'shop', 'missing', () => undefined)).toThrow('does not exist');
  });

  it('an object with finalizers is marked on delete (MODIFIED) and deleted once an update empties them (DELETED)', async () => {
    const held = { ...configMap('held', 'shop'), metadata: { name: 'held', namespace: 'shop', finalizers: ['example.com/keep'] } };
    const server = await start({ objects: [held] });
    const stream = await watch(server, `/api/v1/namespaces/shop/configmaps?watch=1&resourceVersion=${server.resourceVersion()}`);
    server.remove('v1', 'ConfigMap', 'shop', 'held');
    const marked = server.get('v1', 'ConfigMap', 'shop', 'held') as Obj;
    expect(marked.metadata).toMatchObject({ deletionTimestamp: expect.any(String), deletionGracePeriodSeconds: 0 });
    server.update('v1', 'ConfigMap', 'shop', 'held', (live) => { live.data = { key: 'still held' }; });
    expect((server.get('v1', 'ConfigMap', 'shop', 'held') as Obj).metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp);
    server.update('v1', 'ConfigMap', 'shop', 'held', (live) => { delete live.metadata.finalizers; }, { manager: 'example-controller' });
    expect(server.get('v1', 'ConfigMap', 'shop', 'held')).toBeUndefined();
    const events = await stream.first(3);
    expect(summary(events)).toEqual(['MODIFIED shop/held', 'MODIFIED shop/held', 'DELETED shop/held']);
    expect(events[0].object).toEqual(marked);
    expect(events[2].object.metadata).toMatchObject({ finalizers: ['example.com/keep'], resourceVersion: server.resourceVersion() });
  });

  it('deleting a namespace deletes what it held first, each a DELETED event at its own resourceVersion', async () => {
    const server = await start({ objects: [configMap('a', 'gone'), configMap('b', 'gone'), configMap('c', 'kept')] });
    const maps = await watch(server, `/api/v1/configmaps?watch=1&resourceVersion=${server.resourceVersion()}`);
    const namespaces = await watch(server, `/api/v1/namespaces?watch=1&resourceVersion=${server.resourceVersion()}`);
    server.remove('v1', 'Namespace', undefined, 'gone');
    expect(summary(await maps.first(2))).toEqual(['DELETED gone/a', 'DELETED gone/b']);
    expect(summary(await namespaces.first(1))).toEqual(['DELETED /gone']);
    const revisions = [...maps.events, ...namespaces.events].map((e) => Number(e.object.metadata.resourceVersion));
    expect(new Set(revisions).size).toBe(3);
    expect(Math.max(...revisions)).toBe(Number(namespaces.events[0].object.metadata.resourceVersion));
  });
});

describe('watch faults', () => {
  it('dropWatches() cuts every open watch mid-stream', async () => {
    const server = await start({ objects: [configMap('a', 'shop')] });
    const streams = await Promise.all([watch(server, '/api/v1/namespaces/shop/configmaps?watch=1'), watch(server, '/api/v1/configmaps?watch=1')]);
    await Promise.all(streams.map((stream) => stream.first(1)));
    expect(server.dropWatches()).toBe(2);
    expect(await Promise.all(streams.map((stream) => stream.finished))).toEqual(['dropped', 'dropped']);
    expect(server.openWatches()).toBe(0);
  });

  it('a reset or truncate fault on the watch path cuts its first event half-way: the socket dropped, or the body ended', async () => {
    const server = await start({ objects: [configMap('a', 'shop')] });
    server.addFault({ path: '/api/v1/namespaces/shop/configmaps', action: 'reset', times: 1 });
    server.addFault({ path: '/api/v1/namespaces/shop/configmaps', action: 'truncate', times: 1 });
    const reset = await watch(server, '/api/v1/namespaces/shop/configmaps?watch=1');
    expect(await reset.finished).toBe('dropped');
    expect(reset.response.complete).toBe(false);
    const truncated = await watch(server, '/api/v1/namespaces/shop/configmaps?watch=1');
    expect(await truncated.finished).toBe('dropped');
    expect(truncated.response.complete).toBe(true);
    expect([reset.events, truncated.events]).toEqual([[], []]);
    await eventually(() => server.openWatches() === 0);
  });

  it('stallWatches() holds events until resumed; delayWatchEvents() delivers them late, in order', async () => {
    const server = await start({ objects: [] });
    const stream = await watch(server, `/api/v1/namespaces/shop/configmaps?watch=1&resourceVersion=${server.resourceVersion()}`);
    const resume = server.stallWatches();
    server.create(configMap('a', 'shop'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.events).toEqual([]);
    resume();
    expect(summary(await stream.first(1))).toEqual(['ADDED shop/a']);

    server.delayWatchEvents(300);
    const sent = Date.now();
    server.update('v1', 'ConfigMap', 'shop', 'a', (live) => { live.data = { n: '1' }; });
    server.update('v1', 'ConfigMap', 'shop', 'a', (live) => { live.data = { n: '2' }; });
    const [, first, second] = await stream.first(3);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(280);
    expect([first.object.data.n, second.object.data.n]).toEqual(['1', '2']);
  });
});

describe('bounded memory', () => {
  it('ends the watch of a client that stops reading once its buffer is full, instead of buffering without limit', async () => {
    const server = await start({ objects: [], watchBufferEvents: 10 });
    const stream = await watch(server, `/api/v1/namespaces/shop/configmaps?watch=1&resourceVersion=${server.resourceVersion()}`);
    stream.response.pause();
    const big = 'x'.repeat(64 * 1024);
    // 64 KiB events fill the socket's buffers within a few dozen; then 10 more may wait, and the watch ends.
    for (let i = 0; i < 400 && server.openWatches() > 0; i++) server.create(configMap(`m${i}`, 'shop', {}, { big }));
    expect(server.openWatches()).toBe(0);
    stream.response.resume();
    expect(await stream.finished).toBe('end');
    expect(stream.events.length).toBeLessThan(400);
  });

  it('serves 150 watches (50 namespaces x 3 kinds), each told only of its own namespace and kind', async () => {
    const namespaces = Array.from({ length: 50 }, (_, i) => `ns-${i}`);
    const server = await start({ objects: [] });
    const from = server.resourceVersion();
    const kinds = ['/api/v1/namespaces/NS/configmaps', '/apis/apps/v1/namespaces/NS/deployments', '/api/v1/namespaces/NS/secrets'];
    const streams = await Promise.all(namespaces.flatMap((ns) => kinds.map((kind) => watch(server, `${kind.replace('NS', ns)}?watch=1&resourceVersion=${from}`))));
    expect(server.openWatches()).toBe(150);
    const started = Date.now();
    for (const ns of namespaces) {
      server.create(configMap('settings', ns));
      server.create(deployment('web', ns));
    }
    await Promise.all(streams.filter((_, i) => i % 3 !== 2).map((stream) => stream.first(1)));
    expect(Date.now() - started).toBeLessThan(3000);
    streams.forEach((stream, i) => {
      const ns = namespaces[Math.floor(i / 3)];
      expect(summary(stream.events)).toEqual(i % 3 === 2 ? [] : [`ADDED ${ns}/${i % 3 === 0 ? 'settings' : 'web'}`]);
    });
    streams.forEach((stream) => stream.close());
    await eventually(() => server.openWatches() === 0);
  });
});
