// One kind in one namespace (or in all of them, or cluster-scoped) kept
// current, as client-go's reflector keeps it: one LIST, then a WATCH from the
// LIST's resourceVersion, opened again from the last resourceVersion it saw
// when the server ends it, and after a failure with a growing, jittered wait.
// A WATCH whose resourceVersion is too old (410 Gone) can only be followed by
// a new LIST. Until a watch is open again after a failure, what is held may
// miss changes: the next read lists again rather than answer from it, so a
// broken watch never answers "in sync" from what it held.
import { setTimeout as sleep } from 'node:timers/promises';
import { GitdiffError, messageOf } from '../../../errors.js';
import type { LiveChange, LiveLookup, ServedObject, ServedScope } from '../live.js';
import type { KubeObject } from '../objects.js';
import type { Connection } from './connect.js';
import type { ClusterLiveSide } from './index.js';
import type { RequestSettings } from './request.js';
import { backoffMs } from './retry.js';
import { openWatch, resourceVersionOf, UntrustedWatch, type WatchEvent } from './watch.js';
import { declaresStatus, heldObject, type HeldFields } from './held-object.js';
import { isSecret } from '../secrets.js';

/** client-go's reflector asks for 5 to 10 minutes, at random, so that watches do not all end together. */
const MIN_WATCH_SECONDS = 300;
/** The longest wait before opening a failed watch again (client-go's reflector waits up to 30 s too). */
const MAX_RECONNECT_DELAY_MS = 30_000;
/** A watch shorter than this, without an event, did not really watch. */
const SHORT_WATCH_MS = 1000;
/** What one kind and namespace may hold, as one LIST of it may (index.ts MAX_KEPT_BYTES): past it, a server is flooding. */
const MAX_HELD_BYTES = 256 * 1024 * 1024;

export interface InformerScope {
  apiVersion: string;
  kind: string;
  served: ServedScope;
  /** Undefined: every namespace, or a cluster-scoped kind. */
  namespace?: string;
}

/** What an informer shares with the others of its cache: the connection, its LISTs, the counters, the change signal. */
export interface InformerHost {
  connection: Connection;
  /** The session's settings: its signal ends every watch. */
  settings: RequestSettings;
  cluster(): ClusterLiveSide;
  counters: { lists: number; watches: number; relists: number; events: number };
  changed(change: LiveChange): void;
}

type Cause = 'first' | 'gone' | 'resync' | 'stale' | 'wanted';

interface Held {
  object: KubeObject;
  bytes: number;
}

export class Informer {
  private held = new Map<string, Held>();
  private heldBytes = 0;
  private resourceVersion = '';
  private failure?: { message: string; hint?: string };
  /** The LIST was refused (403): not watched this way (the cache falls back to a watch per namespace, then to GETs). */
  forbidden = false;
  private listed = false;
  /** A watch failed and is not open again yet: what is held may miss changes. */
  private watchBroken = false;
  /** A declared object needs what is not held (a Secret's values, a status). */
  private wantsMore = false;
  private syncing?: Promise<void>;
  private watching?: AbortController;
  private closed = false;
  /** Declared Secrets (namespace/name) whose values are kept; whether status is. */
  private readonly secretsKept = new Set<string>();
  private statusKept = false;
  /** 410s with no event between them: each waits longer before its LIST. */
  private gonesInARow = 0;

  constructor(readonly scope: InformerScope, private readonly host: InformerHost) {}

  /** `deployments.apps in namespace "shop"`: for logs and messages. */
  get title(): string {
    const resource = this.host.cluster().resourceName(this.scope.apiVersion, this.scope.served);
    if (!this.scope.served.namespaced) return resource;
    return this.scope.namespace === undefined ? `${resource} in all namespaces` : `${resource} in namespace "${this.scope.namespace}"`;
  }

  get size(): number {
    return this.held.size;
  }

  /** Makes sure what these declared objects need is held: a Secret's values, a declared status. Takes effect at the next read. */
  want(declared: ServedObject[]): void {
    for (const { object, namespace } of declared) {
      if (declaresStatus(object) && !this.statusKept) {
        this.statusKept = true;
        this.wantsMore = true;
      }
      const key = keyOf(namespace, object.metadata.name);
      if (isSecret(object) && !this.secretsKept.has(key)) {
        this.secretsKept.add(key);
        this.wantsMore = true;
      }
    }
  }

  /** Waits until what is held can answer: the LIST under way, or a new one when what is held cannot (or lacks what is wanted). */
  async current(): Promise<void> {
    if (this.syncing) {
      await this.syncing;
      // What was wanted once the LIST had come (a Secret declared meanwhile) takes one more.
      if (this.wantsMore && !this.failure) await this.relist('wanted');
      return;
    }
    if (!this.listed) return this.relist('first');
    if (this.failure || this.watchBroken) return this.relist('stale');
    if (this.wantsMore) return this.relist('wanted');
    return Promise.resolve();
  }

  lookup(namespace: string | undefined, name: string): LiveLookup {
    if (this.failure) return { state: 'error', ...this.failure };
    const held = this.held.get(keyOf(this.scope.served.namespaced ? namespace : undefined, name));
    return held ? { state: 'found', object: held.object } : { state: 'absent' };
  }

  /** Every object held (in `namespace` only, when given), or the failure that leaves none. */
  objects(namespace?: string): KubeObject[] | { error: string; hint?: string } {
    if (this.failure) return { error: this.failure.message, hint: this.failure.hint };
    const all = [...this.held.values()].map((held) => held.object);
    return namespace === undefined ? all : all.filter((object) => object.metadata.namespace === namespace);
  }

  /** A new LIST: the watch stops, what is held is replaced, and a new watch starts from the LIST's resourceVersion. */
  relist(cause: Cause): Promise<void> {
    // A LIST under way is as fresh as another: two at once could end in either order.
    if (this.syncing) return this.syncing;
    this.stopWatching();
    this.syncing = this.list(cause).finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  close(): void {
    this.closed = true;
    this.stopWatching();
  }

  private async list(cause: Cause): Promise<void> {
    const { apiVersion, kind, served, namespace } = this.scope;
    this.host.counters.lists += 1;
    if (cause === 'gone') this.host.counters.relists += 1;
    if (cause !== 'first') this.host.settings.log(`watch cache: LIST ${this.title} again (${cause})`);
    const kept = { bytes: 0 };
    // Nothing may escape: a LIST runs unawaited (a resync, a 410), where a rejection would end the process.
    const listed = await this.host.cluster().listAll(apiVersion, kind, served, namespace, { kept })
      .catch((error: unknown) => ({ error: messageOf(error), hint: error instanceof GitdiffError ? error.hint : undefined }));
    if (this.closed) return;
    const hadAnswers = this.listed;
    this.listed = true;
    if (listed === 'forbidden') {
      this.forbidden = true;
      const resource = this.host.cluster().resourceName(apiVersion, served);
      this.fail({
        message: `server ${this.host.connection.server}: forbidden (403): cannot list ${this.title}`,
        hint: `RBAC must allow "list" and "watch" on ${resource}${namespace ? ` in namespace "${namespace}"` : ' (cluster-wide)'} for gitdiff to keep watching it`,
      }, hadAnswers);
      return;
    }
    if ('error' in listed) {
      this.fail({ message: listed.error, hint: listed.hint }, hadAnswers);
      return;
    }
    if (!listed.resourceVersion) {
      this.fail({ message: `server ${this.host.connection.server}: the LIST of ${this.title} has no resourceVersion to watch from`, hint: 'a Kubernetes API server gives every LIST one: is a proxy in the way?' }, hadAnswers);
      return;
    }
    // What is held is chosen now (fields()): everything wanted until now is honoured.
    this.wantsMore = false;
    const share = listed.objects.length > 0 ? kept.bytes / listed.objects.length : 0;
    this.held = new Map(listed.objects.map((object) => [keyOf(object.metadata.namespace, object.metadata.name), { object: heldObject(object, this.fields(object)), bytes: share }]));
    this.heldBytes = kept.bytes;
    this.resourceVersion = listed.resourceVersion;
    this.failure = undefined;
    this.forbidden = false;
    this.watchBroken = false;
    this.startWatching();
    // The first LIST changes nothing anyone was told; a later one may change anything of the kind.
    if (hadAnswers) this.host.changed({ apiVersion, kind });
  }

  private fields(object: KubeObject): HeldFields {
    return { status: this.statusKept, secretData: this.secretsKept.has(keyOf(object.metadata.namespace, object.metadata.name)) };
  }

  /** What is held is let go: every read answers with the failure until a LIST succeeds (at the next read). */
  private fail(failure: { message: string; hint?: string }, hadAnswers: boolean): void {
    this.failure = failure;
    this.held = new Map();
    this.heldBytes = 0;
    this.stopWatching();
    this.host.settings.log(`watch cache: ${this.title}: ${failure.message}`);
    if (hadAnswers) this.host.changed({ apiVersion: this.scope.apiVersion, kind: this.scope.kind });
  }

  private stopWatching(): void {
    this.watching?.abort();
    this.watching = undefined;
  }

  private startWatching(): void {
    this.stopWatching();
    const watching = new AbortController();
    this.watching = watching;
    const signal = AbortSignal.any([this.host.settings.signal, watching.signal]);
    void this.watch({ ...this.host.settings, signal });
  }

  /** Watches until stopped (a new LIST, close, the session's end), opening the watch again whenever it ends. */
  private async watch(settings: RequestSettings): Promise<void> {
    const { cluster, connection, counters } = { ...this.host, cluster: this.host.cluster() };
    const { apiVersion, kind, served, namespace } = this.scope;
    const path = cluster.listPath(apiVersion, served, namespace);
    const asked = { verb: 'WATCH', path, apiVersion, kind, namespaced: served.namespaced, namespace } as const;
    let failures = 0;
    while (!settings.signal.aborted) {
      try {
        counters.watches += 1;
        const timeoutSeconds = Math.round(MIN_WATCH_SECONDS * (1 + Math.random()));
        const events = await openWatch(connection, { path, resourceVersion: this.resourceVersion, timeoutSeconds, asked, resource: cluster.resourceName(apiVersion, served) }, settings);
        if (settings.signal.aborted) return;
        if (events === 'gone') return await this.relistAfterGone(settings);
        this.watchBroken = false;
        const openedAt = performance.now();
        let received = 0;
        for await (const event of events) {
          // Events already read when the watch was stopped belong to what a new LIST replaced.
          if (settings.signal.aborted) return;
          if (event.type === 'GONE') return await this.relistAfterGone(settings);
          this.apply(event);
          received += 1;
        }
        // A watch that ends at once with nothing to say is a failure (client-go's "very short watch"): opening
        // it again at once, again and again, would flood the server.
        if (received === 0 && performance.now() - openedAt < SHORT_WATCH_MS) {
          throw new GitdiffError(`server ${connection.server}: WATCH ${path} ended at once, with no event`, { hint: 'is a proxy in the way that ends long requests?' });
        }
        failures = 0;
        // The server ended the watch (its timeoutSeconds): open it again from where it was.
      } catch (error) {
        if (settings.signal.aborted) return;
        this.watchBroken = true;
        if (error instanceof UntrustedWatch) {
          // Not opened again: the next read lists again (and reports what is wrong, if the LIST is no better).
          // Those who wait for changes are told, so that they read.
          this.host.settings.log(`watch cache: WATCH ${this.title} stopped: ${error.message}`);
          this.stopWatching();
          this.host.changed({ apiVersion, kind });
          return;
        }
        failures += 1;
        const waitMs = backoffMs(failures, Math.random, MAX_RECONNECT_DELAY_MS);
        this.host.settings.log(`watch cache: WATCH ${this.title} failed (${messageOf(error)}); opened again in ${waitMs} ms`);
        await sleep(waitMs, undefined, { signal: settings.signal }).catch(() => {});
      }
    }
  }

  /**
   * A 410 lists again; a 410 again right after that LIST (a server that has nothing but 410 to say)
   * waits first, longer each time, as client-go's reflector backs off: never a LIST storm.
   */
  private async relistAfterGone(settings: RequestSettings): Promise<void> {
    this.gonesInARow += 1;
    if (this.gonesInARow > 1) {
      // Until it lists again, no watch follows what is held: a read lists at once.
      this.watchBroken = true;
      const waitMs = backoffMs(this.gonesInARow - 1, Math.random, MAX_RECONNECT_DELAY_MS);
      this.host.settings.log(`watch cache: WATCH ${this.title} said 410 again: LIST again in ${waitMs} ms`);
      await sleep(waitMs, undefined, { signal: settings.signal }).catch(() => {});
      if (settings.signal.aborted) return;
    }
    void this.relist('gone');
  }

  /**
   * One event. Events of one watch come in resourceVersion order, and each watch starts at the
   * resourceVersion of all that is held (its LIST's, or its last event's), so each is newer than the
   * object held, but for the same version sent again (after a watch is opened again): the API treats
   * resourceVersions as opaque, compared for equality only, and so does this.
   */
  private apply(event: WatchEvent): void {
    this.gonesInARow = 0;
    this.resourceVersion = event.type === 'GONE' ? this.resourceVersion : event.resourceVersion;
    if (event.type === 'BOOKMARK' || event.type === 'GONE') return;
    const { object } = event;
    const key = keyOf(this.scope.served.namespaced ? object.metadata.namespace : undefined, object.metadata.name);
    const held = this.held.get(key);
    if (event.type === 'DELETED') {
      if (!held) return;
      this.held.delete(key);
      this.heldBytes -= held.bytes;
    } else {
      if (held && resourceVersionOf(held.object) === event.resourceVersion) return;
      this.held.set(key, { object: heldObject(object, this.fields(object)), bytes: event.bytes });
      this.heldBytes += event.bytes - (held?.bytes ?? 0);
      if (this.heldBytes > MAX_HELD_BYTES) {
        this.fail({
          message: `server ${this.host.connection.server}: the watch of ${this.title} brought more than ${MAX_HELD_BYTES / 1024 / 1024} MiB of objects to hold`,
          hint: 'no Kubernetes collection of one kind is that large: is a proxy or an aggregated API server in the way?',
        }, true);
        return;
      }
    }
    this.host.counters.events += 1;
    this.host.changed({ apiVersion: this.scope.apiVersion, kind: this.scope.kind, objects: [{ ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}), name: object.metadata.name }] });
  }
}

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}
