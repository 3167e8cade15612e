// The server's memory of recent changes, as a kube-apiserver's watch cache
// keeps it (k8s.io/apiserver/pkg/storage/cacher/watch_cache.go): per resource,
// a bounded window of the last changes after the revision the cache was filled
// at. A watch from a revision inside the window replays what came after it; one
// from before the window gets 410 Expired, "too old resource version: N (M)",
// where M is the oldest revision the window can still start after
// (getAllEventsSinceLocked: oldest-1). The open watches subscribe here per
// resource, so a change costs only the watchers of its own resource.
import type { StoredChange } from './store.js';

/** An open watch, as the cache sees it: told of each change to its resource; dropped or stalled by faults. */
export interface WatchSubscriber {
  readonly resource: string;
  deliver(change: StoredChange): void;
  /** The connection destroyed mid-stream (a dying server, a load balancer cutting it). */
  drop(): void;
  /** Sends what waited while watches were stalled. */
  resume(): void;
  /** Ends the stream cleanly once what waits is sent. */
  end(): void;
}

interface ResourceWindow {
  /** The revision the cache was filled at: with nothing evicted, every change after it is still known. */
  listRevision: number;
  changes: StoredChange[];
  evicted: boolean;
}

export type ChangesSince = { changes: StoredChange[] } | { tooOld: { requested: number; oldest: number } };

export class WatchCache {
  private readonly windows = new Map<string, ResourceWindow>();
  private readonly subscribers = new Map<string, Set<WatchSubscriber>>();

  /**
   * `size`: changes kept per resource (kube-apiserver sizes its caches from 100 up;
   * the window is what a client that fell behind can still catch up from).
   * `filledAt`: the revision a resource's window starts after until it is compacted.
   */
  constructor(private readonly size: number, private filledAt: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`watch window: ${size} is not a positive number of changes`);
  }

  private window(resource: string): ResourceWindow {
    let window = this.windows.get(resource);
    if (!window) this.windows.set(resource, (window = { listRevision: this.filledAt, changes: [], evicted: false }));
    return window;
  }

  /** Remembers a change (forgetting the oldest beyond the window) and tells the resource's watchers. */
  record(change: StoredChange): void {
    const window = this.window(change.resource);
    window.changes.push(change);
    if (window.changes.length > this.size) {
      window.changes.splice(0, window.changes.length - this.size);
      window.evicted = true;
    }
    for (const subscriber of this.subscribers.get(change.resource) ?? []) subscriber.deliver(change);
    if (change.type === 'DELETED' && change.resource === 'apiextensions.k8s.io/customresourcedefinitions') {
      // The CRD's storage goes with it (its objects' DELETED events came first): the watches of its kind end.
      const held = `${change.object.spec?.group}/${change.object.spec?.names?.plural}`;
      for (const subscriber of [...this.subscribers.get(held) ?? []]) subscriber.end();
      this.windows.delete(held);
    }
  }

  /** The changes to `resource` after `revision`, in order; or, when some of them are forgotten, what the 410 says. */
  since(resource: string, revision: number): ChangesSince {
    const window = this.window(resource);
    const oldest = window.evicted ? window.changes[0].revision : window.listRevision + 1;
    if (revision < oldest - 1) return { tooOld: { requested: revision, oldest: oldest - 1 } };
    return { changes: window.changes.filter((change) => change.revision > revision) };
  }

  /**
   * Forgets every window, as an apiserver restart or an etcd compaction does: a watch
   * from any revision before `revision` now gets 410 Expired; its clients must relist.
   */
  compact(revision: number): void {
    this.filledAt = revision;
    this.windows.clear();
  }

  subscribe(subscriber: WatchSubscriber): () => void {
    let set = this.subscribers.get(subscriber.resource);
    if (!set) this.subscribers.set(subscriber.resource, (set = new Set()));
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(subscriber.resource) === set) this.subscribers.delete(subscriber.resource);
    };
  }

  /** Every open watch, in the order they were opened (per resource). */
  open(): WatchSubscriber[] {
    return [...this.subscribers.values()].flatMap((set) => [...set]);
  }
}
