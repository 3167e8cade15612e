// The watch cache over the fake server, for its tests: a fresh server and
// session per test, closed after it, and the reads and answers in short.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openWatchedCluster } from '../../../../src/sources/kube/cluster/watch-cache.js';
import type { LiveChange, LiveGroup, ServedObject, WatchedLiveSide } from '../../../../src/sources/kube/live.js';
import type { KubeObject } from '../../../../src/sources/kube/objects.js';
import { writeKubeconfigFile } from '../../../../tools/kube-api-server/kubeconfig.js';
import { startFakeWatchServer, type FakeWatchServer, type OpenWatch } from './fake-watch-server.js';

export const SHOP = '/api/v1/namespaces/shop/configmaps';

export interface WatchCacheHarness {
  readonly server: FakeWatchServer;
  /** What the session logged. */
  readonly logged: string[];
  open(resyncMs?: number): Promise<WatchedLiveSide>;
  /** The LISTs the server was asked (discovery aside). */
  lists(): URL[];
  watches(): URL[];
  /** A session that has read shop/a once (from `objects`), with the changes it signals and its open watch. */
  watchingShop(objects: object[]): Promise<{ side: WatchedLiveSide; changes: LiveChange[]; watch: OpenWatch }>;
}

/** Registers the hooks that give each test its own server and session. */
export function useWatchCache(): WatchCacheHarness {
  let server: FakeWatchServer;
  let live: WatchedLiveSide | undefined;
  let controller: AbortController;
  let logged: string[] = [];
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
  const harness: WatchCacheHarness = {
    get server() {
      return server;
    },
    get logged() {
      return logged;
    },
    async open(resyncMs) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-watch-cache-'));
      live = await openWatchedCluster({
        kubeconfig: writeKubeconfigFile(dir, server.url), env: {}, cwd: dir, resyncMs,
        settings: { timeoutMs: 5000, signal: controller.signal, log: (line) => logged.push(line) },
      });
      return live;
    },
    lists: () => server.requests.filter((url) => url.pathname !== '/api/v1' && url.searchParams.get('watch') !== '1'),
    watches: () => server.requests.filter((url) => url.searchParams.get('watch') === '1'),
    async watchingShop(objects) {
      server.objects.set(SHOP, objects);
      const side = await harness.open();
      const changes: LiveChange[] = [];
      side.onChange((change) => changes.push(change));
      await fetchAll(side, [declared('ConfigMap', 'shop', 'a')]);
      return { side, changes, watch: await server.nextWatch() };
    },
  };
  return harness;
}

export function declared(kind: string, namespace: string | undefined, name: string, extra: object = {}): ServedObject {
  const resource = kind === 'Secret' ? 'secrets' : kind === 'Namespace' ? 'namespaces' : 'configmaps';
  const object = { apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra } as KubeObject;
  return { object, file: 'git.yaml', namespace, scope: { state: 'served', namespaced: kind !== 'Namespace', resource } };
}

export async function fetchAll(side: WatchedLiveSide, objects: ServedObject[]): Promise<LiveGroup[]> {
  const groups: LiveGroup[] = [];
  for await (const group of side.fetch(objects)) groups.push(group);
  return groups;
}

/** namespace/name -> what the live side answered: the data of a found object, or the state. */
export function answers(groups: LiveGroup[]): Record<string, unknown> {
  return Object.fromEntries(groups.flat().map(({ object, lookup }) => [
    `${object.namespace ?? ''}/${object.object.metadata.name}`,
    lookup.state === 'found' ? lookup.object.data ?? lookup.object.metadata.name : lookup.state === 'error' ? `error: ${lookup.message}` : lookup.state,
  ]));
}
