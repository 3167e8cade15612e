// The cluster as a live side kept current by watches, for a session that
// outlives a run (serve's watch mode, --wait): the first read of a kind and
// namespace starts its informer (informer.ts: one LIST, then a WATCH) and
// waits for it; later reads answer from memory, with no request. Discovery,
// OpenAPI and dry runs are ClusterLiveSide's, read once for the session and
// again at each resync, when every informer also lists again: a safety net for
// whatever a watch may have missed. In steady state no LIST happens between
// resyncs (stats().lists).
import { messageOf } from '../../../errors.js';
import { MAX_TIMER_MS } from '../../../timers.js';
import { kindKey, type KindScope, type ListResult, type LiveChange, type LiveGroup, type LiveLookup, type ServedObject, type ServedScope, type WatchedLiveSide, type WatchStats } from '../live.js';
import type { KubeObject } from '../objects.js';
import { parseLabelSelector } from '../selector.js';
import { connect, type ConnectOptions, type Connection } from './connect.js';
import { ClusterLiveSide } from './index.js';
import { streamBounded } from './pool.js';
import type { RequestSettings } from './request.js';
import { Informer, type InformerHost } from './informer.js';
import type { OpenApiRead } from '../schema/schema-set.js';

/**
 * A full LIST of everything watched, once a day: gitops-engine's cluster cache default
 * (defaultClusterResyncTimeout = 24 * time.Hour, pkg/cache/cluster.go), which Argo CD
 * itself shortens to 12 h (clusterCacheResyncDuration, ARGOCD_CLUSTER_CACHE_RESYNC_DURATION).
 */
export const DEFAULT_RESYNC_MS = 24 * 60 * 60 * 1000;
const CONCURRENCY = 8;
const READ_AHEAD = 4 * CONCURRENCY;

export interface WatchedClusterOptions extends ConnectOptions {
  namespace?: string;
  /** The session's: its signal ends every watch, its log gets one line per LIST, WATCH and failure. */
  settings: RequestSettings;
  /** Every how long every informer lists again; DEFAULT_RESYNC_MS when absent; 0: never (as gitops-engine's 0). */
  resyncMs?: number;
}

export async function openWatchedCluster(options: WatchedClusterOptions): Promise<WatchedLiveSide> {
  const connection = await connect({ ...options, signal: options.settings.signal });
  // Each watch holds a connection for as long as it lasts: under the agent's bound (16, for a run's
  // bounded reads), sixteen watches would leave every LIST waiting. Reads stay bounded by their pools.
  connection.agent.maxSockets = Infinity;
  return new WatchedCluster(connection, options.namespace ?? connection.namespace, options.settings, options.resyncMs ?? DEFAULT_RESYNC_MS);
}

class WatchedCluster implements WatchedLiveSide {
  /** Discovery, OpenAPI, dry runs and LISTs: a new one at each resync, so that discovery and OpenAPI are read again. */
  private cluster: ClusterLiveSide;
  /** By kind and namespace; '*' for every namespace (or a cluster-scoped kind). */
  private readonly informers = new Map<string, Informer>();
  /** Kinds whose LIST across all namespaces was refused (a role bound in some namespaces): watched per namespace. */
  private readonly refusedClusterWide = new Set<string>();
  /** Discovery's answer for each served kind, by kindKey(). */
  private readonly scoped = new Map<string, ServedScope>();
  private readonly listeners = new Set<(change: LiveChange) => void>();
  private readonly counters = { lists: 0, watches: 0, relists: 0, events: 0 };
  private readonly host: InformerHost;
  private readonly resyncTimer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly connection: Connection,
    readonly defaultNamespace: string,
    private readonly settings: RequestSettings,
    resyncMs: number,
  ) {
    this.cluster = new ClusterLiveSide(connection, defaultNamespace, settings);
    this.host = { connection, settings, cluster: () => this.cluster, counters: this.counters, changed: (change) => this.changed(change) };
    // Longer than one Node timer holds (24.8 days): every 24.8 days, which is as good a safety net.
    if (resyncMs > 0) this.resyncTimer = setInterval(() => this.resync(), Math.min(resyncMs, MAX_TIMER_MS));
  }

  get target(): string {
    return this.connection.contextName;
  }

  /**
   * Each served kind's scope from discovery, read once for the session (and again after a resync). A
   * kind not served (a CRD about to be installed) or not read is asked again at each read, not for a day.
   */
  async scopes(kinds: { apiVersion: string; kind: string }[]): Promise<Map<string, KindScope>> {
    const unknown = kinds.filter(({ apiVersion, kind }) => !this.scoped.has(kindKey(apiVersion, kind)));
    const read = unknown.length > 0 ? await this.cluster.scopes(unknown) : new Map<string, KindScope>();
    for (const [key, scope] of read) if (scope.state === 'served') this.scoped.set(key, scope);
    return new Map(kinds.map(({ apiVersion, kind }) => [kindKey(apiVersion, kind), this.scoped.get(kindKey(apiVersion, kind)) ?? read.get(kindKey(apiVersion, kind))!]));
  }

  schemas(apiVersions: string[]): Promise<OpenApiRead> {
    return this.cluster.schemas(apiVersions);
  }

  dryRunApply(objects: ServedObject[]): Promise<LiveLookup[]> {
    return this.cluster.dryRunApply(objects);
  }

  fetch(objects: ServedObject[]): AsyncIterable<LiveGroup> {
    const groups = new Map<string, ServedObject[]>();
    const namespacesOfKind = new Map<string, Set<string | undefined>>();
    for (const object of objects) {
      const kind = kindKey(object.object.apiVersion, object.object.kind);
      const key = `${kind}|${object.namespace ?? ''}`;
      const group = groups.get(key);
      if (group) group.push(object);
      else groups.set(key, [object]);
      namespacesOfKind.set(kind, (namespacesOfKind.get(kind) ?? new Set()).add(object.namespace));
    }
    const tasks = [...groups.values()].map((group) => async (): Promise<LiveGroup> => {
      const { apiVersion, kind } = group[0].object;
      const spread = namespacesOfKind.get(kindKey(apiVersion, kind))!.size;
      const informer = await this.informerFor(apiVersion, kind, group[0].scope, group[0].namespace, spread, group);
      // A role that may get but not list (nor watch) is read as a one-shot run reads it: a GET per object.
      if (informer.forbidden) return Promise.all(group.map(async (object) => ({ object, lookup: await this.cluster.getOne(object) })));
      return group.map((object) => ({ object, lookup: informer.lookup(object.namespace, object.object.metadata.name) }));
    });
    return streamBounded(tasks, CONCURRENCY, READ_AHEAD);
  }

  /**
   * The informer that answers for a kind in a namespace. As ClusterLiveSide reads a kind in several
   * namespaces with one LIST each rather than a GET per object, a kind asked in several namespaces is
   * watched across all of them with one watch: one connection held instead of one per namespace (50
   * namespaces and 10 kinds would hold 500), as Argo CD's cluster cache does. A role that may not
   * list across namespaces is refused (403): then one watch per namespace, as that role allows.
   * Returns it once it can answer for `declared` (their Secrets' values, a declared status).
   */
  private async informerFor(apiVersion: string, kind: string, served: ServedScope, namespace: string | undefined, spread: number, declared: ServedObject[] = []): Promise<Informer> {
    const clusterWideKey = `${kindKey(apiVersion, kind)}|*`;
    const current = async (informer: Informer) => {
      informer.want(declared);
      await informer.current();
      return informer;
    };
    if (!served.namespaced) return current(this.informer(clusterWideKey, { apiVersion, kind, served }));
    if ((spread > 1 || this.informers.has(clusterWideKey)) && !this.refusedClusterWide.has(kindKey(apiVersion, kind))) {
      const informer = await current(this.informer(clusterWideKey, { apiVersion, kind, served }));
      if (!informer.forbidden) {
        // What the namespaces' own watches held is held again, across namespaces: they end.
        for (const [key, other] of this.informers) {
          if (other !== informer && key.startsWith(`${kindKey(apiVersion, kind)}|`)) this.dropInformer(key);
        }
        return informer;
      }
      this.refusedClusterWide.add(kindKey(apiVersion, kind));
      if (this.informers.get(clusterWideKey) === informer) this.dropInformer(clusterWideKey);
    }
    return current(this.informer(`${kindKey(apiVersion, kind)}|${namespace ?? ''}`, { apiVersion, kind, served, namespace }));
  }

  private informer(key: string, scope: ConstructorParameters<typeof Informer>[0]): Informer {
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new Informer(scope, this.host);
      this.informers.set(key, informer);
    }
    return informer;
  }

  private dropInformer(key: string): void {
    this.informers.get(key)?.close();
    this.informers.delete(key);
  }

  async list(apiVersion: string, kind: string, namespaces: string[] | undefined, labelSelector?: string, _metadataOnly = false): Promise<ListResult> {
    // Metadata-only or not, the objects held are answered: a Secret's values are held only for the Secrets declared.
    const scope = (await this.scopes([{ apiVersion, kind }])).get(kindKey(apiVersion, kind))!;
    if (scope.state === 'error') return { error: scope.message, hint: scope.hint };
    if (scope.state === 'not-served') return { objects: [] };
    const selector = labelSelector ? parseLabelSelector(labelSelector) : undefined;
    const wanted = scope.namespaced && namespaces !== undefined ? namespaces : [undefined];
    const objects: KubeObject[] = [];
    for (const namespace of wanted) {
      const informer = namespace === undefined
        ? this.informer(`${kindKey(apiVersion, kind)}|*`, { apiVersion, kind, served: scope })
        : await this.informerFor(apiVersion, kind, scope, namespace, wanted.length);
      if (namespace === undefined) await informer.current();
      const held = informer.objects(namespace);
      if (!Array.isArray(held)) {
        // A refused LIST across namespaces is tried again the next time (a role may be granted it).
        if (informer.forbidden && namespace === undefined) this.dropInformer(`${kindKey(apiVersion, kind)}|*`);
        return held;
      }
      objects.push(...(selector ? held.filter((object) => selector(object.metadata.labels as Record<string, string> | undefined)) : held));
    }
    return { objects };
  }

  onChange(listener: (change: LiveChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: LiveChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        // A listener's failure is its own: the watches go on.
        this.settings.log(`watch cache: a change listener failed: ${messageOf(error)}`);
      }
    }
  }

  stats(): WatchStats {
    let objects = 0;
    for (const informer of this.informers.values()) objects += informer.size;
    return { ...this.counters, objects };
  }

  /** Discovery and OpenAPI read again; every informer lists again (and tells its listeners). */
  private resync(): void {
    if (this.settings.signal.aborted) return;
    this.settings.log(`watch cache: resync of ${this.informers.size} watched collections`);
    this.cluster = new ClusterLiveSide(this.connection, this.defaultNamespace, this.settings);
    this.refusedClusterWide.clear();
    this.scoped.clear();
    for (const informer of this.informers.values()) void informer.relist('resync');
  }

  close(): void {
    clearInterval(this.resyncTimer);
    for (const informer of this.informers.values()) informer.close();
    this.informers.clear();
    this.connection.agent.destroy();
  }
}
