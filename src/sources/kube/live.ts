// The live side of `gitdiff kube`, behind one interface whether it is a
// cluster or a saved snapshot (or, later, a watch cache): how each declared
// kind is scoped, and the live object of each declared object, a group at a
// time. It returns data and the caller loops over it: nothing here calls back
// into the comparing code, and nothing it is given is changed.
import type { KubeObject, ResolvedObject } from './objects.js';
import type { OpenApiRead } from './schema/schema-set.js';

/** A kind the live side serves: the scope of its objects and the resource that names it in URLs (`deployments`). */
export interface ServedScope {
  state: 'served';
  namespaced: boolean;
  resource: string;
}

export type KindScope =
  | ServedScope
  /** The kind cannot exist on the live side: its objects are `missing`, with this reason. */
  | { state: 'not-served'; reason: string }
  /**
   * The kind's scope could not be read. `unreachable`: not for this kind alone, the server as a
   * whole gave no usable answer (no connection, TLS, credentials refused): see unreachableServer().
   */
  | { state: 'error'; message: string; hint?: string; unreachable?: boolean };

/** A declared object of a served kind, with the namespace it lives in: what can be fetched and dry-run. */
export interface ServedObject extends ResolvedObject {
  scope: ServedScope;
}

export type LiveLookup =
  | { state: 'found'; object: KubeObject }
  | { state: 'absent'; reason?: string }
  | { state: 'error'; message: string; hint?: string };

/** One fetched object: the declared object asked about, and what the live side holds of it. */
export interface LiveMatch {
  object: ServedObject;
  lookup: LiveLookup;
}

/** The objects of one kind and namespace (a LIST, or a GET), as they arrived: compare them, then let them go. */
export type LiveGroup = LiveMatch[];

export interface LiveSide {
  /** The default `target`: the context name, or the snapshot's file name. */
  target: string;
  /** The namespace for declared objects that name none. */
  defaultNamespace: string;
  /** Scope of each declared kind, keyed by kindKey(). */
  scopes(kinds: { apiVersion: string; kind: string }[]): Promise<Map<string, KindScope>>;
  /**
   * The live object of each of `objects`, a group at a time as each arrives, so that the caller can
   * compare a group and let it go before the next (10,000 objects held at once cost more in garbage
   * collection than comparing them). Every object is in exactly one group, as the very object given.
   */
  fetch(objects: ServedObject[]): AsyncIterable<LiveGroup>;
  /**
   * Every live object of a kind in the given namespaces (undefined: all, or
   * cluster-scoped), optionally by label selector. For what Git does not name:
   * autoscalers that own replicas, orphans. A kind that is not served lists as empty.
   * `metadataOnly` asks a server for metadata alone (orphans need no more, and Secrets' data stays home).
   */
  list(apiVersion: string, kind: string, namespaces: string[] | undefined, labelSelector?: string, metadataOnly?: boolean): Promise<ListResult>;
  /** The schemas a server publishes (OpenAPI) for these group-versions, read once per run. Snapshots have none. */
  schemas?(apiVersions: string[]): Promise<OpenApiRead>;
  /**
   * Server-side mode: what a server-side apply of each object would make
   * of it (a dry run: nothing is stored), in the same order. Snapshots cannot.
   */
  dryRunApply?(objects: ServedObject[]): Promise<LiveLookup[]>;
  close(): void;
}

/**
 * A live side kept current by watches (serve, `--wait`): one LIST per kind and namespace, then a WATCH
 * from its resourceVersion; the same reads as LiveSide, answered from memory, and a signal when what it
 * holds changes. Its close() ends the watches: a run over it must not close it (the session owns it).
 */
export interface WatchedLiveSide extends LiveSide {
  /** Calls `listener` after what it holds changed (a watch event, a relist, a resync); returns the unsubscribe. */
  onChange(listener: (change: LiveChange) => void): () => void;
  /** What the watches cost so far: for --debug, /metrics and the bench ("no LIST between resyncs"). */
  stats(): WatchStats;
}

/** What changed on the live side: the kind, and the namespace and name of each object that changed. */
export interface LiveChange {
  apiVersion: string;
  kind: string;
  /** Each changed object; absent when the whole kind was relisted (410 Gone, a resync). */
  objects?: { namespace?: string; name: string }[];
}

export interface WatchStats {
  lists: number;
  watches: number;
  /** LISTs made again because a WATCH said its resourceVersion was too old (410 Gone). */
  relists: number;
  events: number;
  /** Objects held in memory now. */
  objects: number;
}

/**
 * `unread`: a snapshot that holds none of the kind cannot say it has none (it was most likely never
 * saved). What looks for objects Git does not name (orphans) must not read that as "none"; autoscalers
 * may (without them, replicas are compared: drift reported, never hidden).
 */
export type ListResult = { objects: KubeObject[]; unread?: { message: string; hint: string } } | { error: string; hint?: string };

export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

export const KIND_NOT_SERVED = 'kind not served by the cluster (CRD not installed?)';
