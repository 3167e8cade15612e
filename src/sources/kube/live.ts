// The live side of `gitdiff kube`, behind one interface whether it is a
// cluster or a saved snapshot: how each declared kind is scoped, and what the
// live object of each declared object is.
import type { DeclaredObject, KubeObject } from './objects.js';
import type { OpenApiRead } from './schema/schema-set.js';

export type KindScope =
  | { state: 'served'; namespaced: boolean }
  /** The kind cannot exist on the live side: its objects are `missing`, with this reason. */
  | { state: 'not-served'; reason: string }
  | { state: 'error'; message: string; hint?: string };

export type LiveLookup =
  | { state: 'found'; object: KubeObject }
  | { state: 'absent'; reason?: string }
  | { state: 'error'; message: string; hint?: string };

export interface LiveSide {
  /** The default `target`: the context name, or the snapshot's file name. */
  target: string;
  /** The namespace for declared objects that name none. */
  defaultNamespace: string;
  /** Scope of each declared kind, keyed by kindKey(). */
  scopes(kinds: { apiVersion: string; kind: string }[]): Promise<Map<string, KindScope>>;
  /**
   * The live object of each declared object (namespace already resolved), a group at a time:
   * `found` gets each group's positions in `objects` and their lookups as they arrive, so that
   * the caller can compare them and let them go at once (fetchAll() collects them instead).
   */
  fetch(objects: DeclaredObject[], found: FoundGroup): Promise<void>;
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
   * Server-side mode: what a server-side apply of each declared object would make
   * of it (a dry run: nothing is stored), in the same order. Snapshots cannot.
   */
  dryRunApply?(objects: DeclaredObject[]): Promise<LiveLookup[]>;
  close(): void;
}

/**
 * `unread`: a snapshot that holds none of the kind cannot say it has none (it was most likely never
 * saved). What looks for objects Git does not name (orphans) must not read that as "none"; autoscalers
 * may (without them, replicas are compared: drift reported, never hidden).
 */
export type ListResult = { objects: KubeObject[]; unread?: { message: string; hint: string } } | { error: string; hint?: string };

export type FoundGroup = (positions: number[], lookups: LiveLookup[]) => void;

/** Every lookup at once, in the order of `objects` (server-side mode needs them all before its dry runs). */
export async function fetchAll(live: LiveSide, objects: DeclaredObject[]): Promise<LiveLookup[]> {
  const lookups = new Array<LiveLookup>(objects.length);
  await live.fetch(objects, (positions, found) => positions.forEach((position, index) => { lookups[position] = found[index]; }));
  return lookups;
}

export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

export const KIND_NOT_SERVED = 'kind not served by the cluster (CRD not installed?)';
