// The cluster as the live side: discovery once per group-version, then one
// LIST per kind and namespace where several declared objects share it (a GET
// otherwise), a bounded number in flight; the published OpenAPI of the
// compared group-versions, once. Only GET requests, except the dry-run
// PATCHes of --server-side (dryRun=All): nothing is changed.
import { GitdiffError } from '../../../errors.js';
import { KIND_NOT_SERVED, kindKey, type KindScope, type ListResult, type LiveGroup, type LiveLookup, type LiveSide, type ServedObject } from '../live.js';
import { isRecord, type KubeObject } from '../objects.js';
import { groupOf } from '../kinds.js';
import { connect, type ConnectOptions, type Connection } from './connect.js';
import { discoverGroupVersion, groupVersionPath, type GroupVersionDiscovery, type ServedKind } from './discovery.js';
import { ACCEPT_METADATA, getJson, type RequestSettings } from './request.js';
import { apiFailure, isKubernetesNotFound, NotKubernetesApiServer } from './status.js';
import { ANSWER_HINT, trustedAnswer, type Asked } from './answers.js';
import { parseLabelSelector } from '../selector.js';
import { runBounded, streamBounded } from './pool.js';
import { readOpenApi } from './openapi.js';
import { dryRunApply } from './dry-run.js';
import type { OpenApiRead } from '../schema/schema-set.js';

const CONCURRENCY = 8;
/**
 * Groups read but not yet compared, at most: while the comparison waits for the ignore rules and
 * schemas (read alongside), the LISTs go on, and a few hundred objects are all that is held.
 */
const READ_AHEAD = 4 * CONCURRENCY;
const PAGE_SIZE = 500;
/**
 * 1,000 pages of 500 are half a million objects of one kind, three times the
 * largest cluster Kubernetes supports (150,000 Pods): a LIST that goes on is a
 * broken or hostile server.
 */
const MAX_LIST_PAGES = 1000;
/**
 * What the listed objects kept for the run (orphans, autoscalers, the declared
 * objects of each LIST) may weigh as JSON: a few times this once parsed, and far
 * past what real clusters send (10,000 objects of 10 KB are 100 MB).
 */
const MAX_KEPT_BYTES = 256 * 1024 * 1024;

/** What a request needs of a served kind: its resource name in URLs, and whether it is namespaced. */
type Resource = Pick<ServedKind, 'resource' | 'namespaced'>;

interface ListOptions {
  labelSelector?: string;
  metadataOnly?: boolean;
  /** Which listed objects to keep (all when absent); every item is checked all the same. */
  keep?: (object: KubeObject) => boolean;
  /** What the kept objects weigh, counted against MAX_KEPT_BYTES: the run's, unless a watch cache counts each LIST apart. */
  kept?: { bytes: number };
}

/** A LIST read whole: its objects, and the resourceVersion a WATCH goes on from. */
export type CollectionList = { objects: KubeObject[]; resourceVersion?: string } | { error: string; hint?: string };

export async function connectLiveCluster(options: ConnectOptions & { namespace?: string; settings: RequestSettings }): Promise<LiveSide> {
  const connection = await connect({ ...options, signal: options.settings.signal });
  return new ClusterLiveSide(connection, options.namespace ?? connection.namespace, options.settings);
}

/** Also the watch cache's (watch-cache.ts) for discovery, OpenAPI, dry runs and its LISTs. */
export class ClusterLiveSide implements LiveSide {
  private readonly discovered = new Map<string, GroupVersionDiscovery>();
  private openApi?: Promise<OpenApiRead>;
  /** The bytes of the listed objects kept so far, each counted at its share of its page. */
  private readonly kept = { bytes: 0 };

  constructor(
    private readonly connection: Connection,
    readonly defaultNamespace: string,
    private readonly settings: RequestSettings,
  ) {}

  get target(): string {
    return this.connection.contextName;
  }

  async scopes(kinds: { apiVersion: string; kind: string }[]): Promise<Map<string, KindScope>> {
    const versions = [...new Set(kinds.map((kind) => kind.apiVersion))];
    const results = await runBounded(versions.map((apiVersion) => () => this.discover(apiVersion)), CONCURRENCY);
    versions.forEach((apiVersion, index) => this.discovered.set(apiVersion, results[index]));
    const scopes = new Map<string, KindScope>();
    for (const { apiVersion, kind } of kinds) {
      const discovery = this.discovered.get(apiVersion)!;
      const served = discovery.state === 'served' ? discovery.kinds.get(kind) : undefined;
      if (discovery.state === 'error') scopes.set(kindKey(apiVersion, kind), discovery);
      else if (!served) scopes.set(kindKey(apiVersion, kind), { state: 'not-served', reason: KIND_NOT_SERVED });
      else scopes.set(kindKey(apiVersion, kind), { state: 'served', namespaced: served.namespaced, resource: served.resource });
    }
    return scopes;
  }

  private async discover(apiVersion: string): Promise<GroupVersionDiscovery> {
    try {
      return await discoverGroupVersion(this.connection, apiVersion, this.settings);
    } catch (error) {
      if (!(error instanceof GitdiffError) || error instanceof NotKubernetesApiServer) throw error;
      // No usable answer at all (no connection, TLS, DNS, no answer in time): the server's failure, not the
      // kind's. A run stopped (a signal, --timeout) says so itself: that is not a server out of reach.
      return { state: 'error', message: error.message, hint: error.hint, unreachable: !this.settings.signal.aborted };
    }
  }

  fetch(objects: ServedObject[]): AsyncIterable<LiveGroup> {
    // Group by kind and namespace: a group of several is one LIST, a single object one GET.
    const groups = new Map<string, ServedObject[]>();
    for (const object of objects) {
      const key = `${object.object.apiVersion}|${object.object.kind}|${object.namespace ?? ''}`;
      const group = groups.get(key);
      if (group) group.push(object);
      else groups.set(key, [object]);
    }
    const tasks = [...groups.values()].map((group) => async (): Promise<LiveGroup> => {
      const lookups = group.length > 1 ? await this.listGroup(group) : [await this.getOne(group[0])];
      return group.map((object, index) => ({ object, lookup: lookups[index] }));
    });
    return streamBounded(tasks, CONCURRENCY, READ_AHEAD);
  }

  collectionPath(apiVersion: string, served: Resource, namespace: string | undefined): string {
    const base = groupVersionPath(apiVersion);
    return served.namespaced ? `${base}/namespaces/${encodeURIComponent(namespace ?? '')}/${served.resource}` : `${base}/${served.resource}`;
  }

  resourceName(apiVersion: string, served: Resource): string {
    const group = groupOf(apiVersion);
    return group ? `${served.resource}.${group}` : served.resource;
  }

  async getOne(declared: ServedObject): Promise<LiveLookup> {
    const served = declared.scope;
    const { apiVersion, metadata } = declared.object;
    const apiPath = `${this.collectionPath(apiVersion, served, declared.namespace)}/${encodeURIComponent(metadata.name)}`;
    try {
      const response = await getJson(this.connection, apiPath, this.settings);
      if (response.status === 200) {
        const asked = { verb: 'GET', path: apiPath, apiVersion, kind: declared.object.kind, namespaced: served.namespaced, namespace: declared.namespace, name: metadata.name } as const;
        return { state: 'found', object: trustedAnswer(this.connection.server, response.body, asked) };
      }
      if (response.status === 404) {
        if (!isKubernetesNotFound(response.body)) throw new NotKubernetesApiServer(this.connection, `GET ${apiPath} answered 404 without a Kubernetes Status`);
        return { state: 'absent' };
      }
      return {
        state: 'error',
        ...apiFailure(this.connection, response, { verb: 'get', path: apiPath, resource: this.resourceName(apiVersion, served), namespace: declared.namespace, name: metadata.name }),
      };
    } catch (error) {
      return lookupError(error);
    }
  }

  private async listGroup(group: ServedObject[]): Promise<LiveLookup[]> {
    const served = group[0].scope;
    const { apiVersion, kind } = group[0].object;
    const namespace = group[0].namespace;
    // Only the declared objects are kept of each page: a namespace of thousands costs the memory of the few compared.
    const declaredNames = new Set(group.map((declared) => declared.object.metadata.name));
    const listed = await this.listAll(apiVersion, kind, served, namespace, { keep: (object) => declaredNames.has(object.metadata.name) });
    if (listed === 'forbidden') {
      // Some roles allow get but not list: fall back to one GET per object.
      return Promise.all(group.map((declared) => this.getOne(declared)));
    }
    if ('error' in listed) return group.map(() => ({ state: 'error', message: listed.error, hint: listed.hint }));
    const byName = new Map(listed.objects.map((object) => [object.metadata.name, object]));
    return group.map((declared) => {
      const object = byName.get(declared.object.metadata.name);
      return object ? { state: 'found', object } : { state: 'absent' };
    });
  }

  /**
   * Every object of a kind in one namespace (or all, or cluster-scoped), page by page,
   * each item checked against what was asked (answers.ts). Paging is bounded: a
   * `continue` token seen before is a loop, and a LIST past MAX_LIST_PAGES does not end.
   */
  async listAll(apiVersion: string, kind: string, served: Resource, namespace: string | undefined, options: ListOptions = {}): Promise<CollectionList | 'forbidden'> {
    const basePath = this.listPath(apiVersion, served, namespace);
    const kept = options.kept ?? this.kept;
    let resourceVersion: string | undefined;
    const asked: Asked = {
      verb: 'LIST', path: basePath, apiVersion, kind, namespaced: served.namespaced, namespace,
      labels: options.labelSelector ? parseLabelSelector(options.labelSelector) : undefined, metadataOnly: options.metadataOnly,
    };
    const objects: KubeObject[] = [];
    const tokensSeen = new Set<string>();
    const listedIdentities = new Set<string>();
    let continueToken: string | undefined;
    try {
      do {
        if (tokensSeen.size >= MAX_LIST_PAGES) throw this.untrustedPaging(basePath, `did not end after ${MAX_LIST_PAGES} pages`);
        const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
        if (options.labelSelector) query.set('labelSelector', options.labelSelector);
        if (continueToken) query.set('continue', continueToken);
        const response = await getJson(this.connection, `${basePath}?${query}`, this.settings, options.metadataOnly ? ACCEPT_METADATA : undefined);
        if (response.status === 403) return 'forbidden';
        if (response.status !== 200 || !isRecord(response.body)) {
          const failure = apiFailure(this.connection, response, { verb: 'list', path: basePath, resource: this.resourceName(apiVersion, served), namespace });
          return { error: failure.message, hint: failure.hint };
        }
        const body = response.body;
        // A server sends `items: []` for an empty list: a list without items was not read, not empty.
        if (!Array.isArray(body.items)) throw this.untrustedPaging(basePath, 'answered without an items list');
        // The token first: pages that loop also repeat their items, and the loop is the better name for it.
        continueToken = isRecord(body.metadata) && typeof body.metadata.continue === 'string' && body.metadata.continue ? body.metadata.continue : undefined;
        // Every page of one LIST is read at the first page's resourceVersion: the last page's says the same.
        resourceVersion = isRecord(body.metadata) && typeof body.metadata.resourceVersion === 'string' ? body.metadata.resourceVersion : undefined;
        if (continueToken !== undefined && tokensSeen.has(continueToken)) throw this.untrustedPaging(basePath, 'repeated a continue token: its pages loop');
        if (continueToken !== undefined) tokensSeen.add(continueToken);
        const items: unknown[] = body.items;
        let keptItems = 0;
        for (const item of items) {
          const object = trustedAnswer(this.connection.server, item, asked);
          // One object twice, perhaps in two versions: which one is live cannot be told.
          const identity = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
          if (listedIdentities.has(identity)) throw this.untrustedPaging(basePath, 'answered with the same object twice', ANSWER_HINT);
          listedIdentities.add(identity);
          if (!options.keep || options.keep(object)) {
            objects.push(object);
            keptItems += 1;
          }
        }
        kept.bytes += keptItems === 0 ? 0 : ((response.bytes ?? 0) * keptItems) / items.length;
        if (kept.bytes > MAX_KEPT_BYTES) {
          throw this.untrustedPaging(basePath, `brought more than ${MAX_KEPT_BYTES / 1024 / 1024} MiB of objects to hold`, 'list fewer objects at once: fewer --prune-kinds, or namespaces instead of -A');
        }
      } while (continueToken);
    } catch (error) {
      const failure = lookupError(error);
      return failure.state === 'error' ? { error: failure.message, hint: failure.hint } : { objects };
    }
    return { objects, resourceVersion };
  }

  /** The path of a kind's collection: in one namespace, in all of them, or cluster-scoped. */
  listPath(apiVersion: string, served: Resource, namespace: string | undefined): string {
    return served.namespaced && namespace === undefined ? `${groupVersionPath(apiVersion)}/${served.resource}` : this.collectionPath(apiVersion, served, namespace);
  }

  private untrustedPaging(path: string, what: string, hint = 'a Kubernetes API server ends every LIST: is a proxy or an aggregated API server in the way?'): GitdiffError {
    return new GitdiffError(`server ${this.connection.server}: LIST ${path} ${what}`, { hint });
  }

  async list(apiVersion: string, kind: string, namespaces: string[] | undefined, labelSelector?: string, metadataOnly = false): Promise<ListResult> {
    if (!this.discovered.has(apiVersion)) this.discovered.set(apiVersion, await this.discover(apiVersion));
    const discovery = this.discovered.get(apiVersion)!;
    if (discovery.state === 'error') return { error: discovery.message, hint: discovery.hint };
    const served = discovery.state === 'served' ? discovery.kinds.get(kind) : undefined;
    if (!served) return { objects: [] };
    const scopes = served.namespaced && namespaces !== undefined ? namespaces : [undefined];
    const results = await runBounded(scopes.map((namespace) => () => this.listAll(apiVersion, kind, served, namespace, { labelSelector, metadataOnly })), CONCURRENCY);
    const objects: KubeObject[] = [];
    for (const [index, result] of results.entries()) {
      if (result === 'forbidden') {
        const resource = this.resourceName(apiVersion, served);
        const where = scopes[index] ? ` in namespace "${scopes[index]}"` : '';
        return { error: `server ${this.connection.server}: forbidden (403): cannot list ${resource}${where}`, hint: `RBAC must allow "list" on ${resource}${where}` };
      }
      if ('error' in result) return result;
      objects.push(...result.objects);
    }
    return { objects };
  }

  schemas(apiVersions: string[]): Promise<OpenApiRead> {
    this.openApi ??= readOpenApi(this.connection, apiVersions, this.settings);
    return this.openApi;
  }

  async dryRunApply(objects: ServedObject[]): Promise<LiveLookup[]> {
    return runBounded(objects.map((declared) => () => {
      const served = declared.scope;
      const { apiVersion, metadata } = declared.object;
      // The body and the URL must agree on the namespace: the one gitdiff resolved, or none for cluster-scoped kinds.
      const { namespace: _stray, ...clusterScoped } = metadata;
      const manifest = { ...declared.object, metadata: served.namespaced ? { ...metadata, namespace: declared.namespace } : clusterScoped };
      const target = {
        path: `${this.collectionPath(apiVersion, served, declared.namespace)}/${encodeURIComponent(metadata.name)}`,
        resource: this.resourceName(apiVersion, served),
        namespace: declared.namespace,
      };
      return dryRunApply(this.connection, target, manifest, this.settings);
    }), CONCURRENCY);
  }

  close(): void {
    this.connection.agent.destroy();
  }
}

/** A failed read as that object's error; a server that is not a Kubernetes API ends the run. */
function lookupError(error: unknown): LiveLookup {
  if (error instanceof GitdiffError && !(error instanceof NotKubernetesApiServer)) return { state: 'error', message: error.message, hint: error.hint };
  throw error;
}
