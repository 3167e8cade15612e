// The server's storage, like etcd behind a kube-apiserver: one object per group,
// resource, namespace and name, a cluster-wide resourceVersion counter, lists in
// key order. Writes go through materialize() so stored objects look like a real
// server's. The few controllers whose effect shows in what gitdiff reads are
// modelled where the write happens: namespaces exist for namespaced objects,
// CRDs make their kinds served, deleting a CRD or Namespace deletes what it held,
// aggregated ClusterRoles gather their rules. A dry-run apply computes what a
// server-side apply would store, and stores nothing. Every write is reported to
// `onChange` (the watch window, watch-hub.ts) as etcd's watch reports it: the
// object after the change, the one before, and the write's revision. Stored
// objects are never changed in place (a write stores a new object), so a
// reported object stays as it was when written.
import { randomUUID } from 'node:crypto';
import { Catalog, apiVersionOf, type KindInfo } from './catalog.js';
import { LAST_APPLIED, REVISION, lastAppliedConfiguration, materialize, type MaterializeContext, type WriteOptions } from './materialize.js';
import { mergeApplied, resolveSchema } from './apply.js';
import { allSchemas, schemaNameOf } from './openapi.js';
import { applyConflicts, type ApplyConflict, type ManagedFieldsEntry } from './managed-fields.js';
import { fromLabelSelector, matchesLabels } from './selectors.js';
import { inObjectMetaOrder } from './defaults-pod.js';

type Obj = Record<string, any>;

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The namespaces every cluster starts with. */
const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/** A mutating admission webhook's effect on a written object (it may change it in place). */
export type Admission = (object: Obj, info: KindInfo) => void;

/** One write as etcd's watch reports it. */
export interface StoredChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** Storage is per group and resource: `apps/deployments`, `/configmaps`. */
  resource: string;
  /** The write's revision: the object's resourceVersion (for DELETED, the deletion's). */
  revision: number;
  /** After the write; for DELETED, the last state with the deletion's resourceVersion (as etcd3's watcher serves it). */
  object: Obj;
  /** Before the write (MODIFIED, DELETED). */
  previous?: Obj;
}

export class ObjectStore {
  catalog = new Catalog([]);
  /** Mutating admission, run on every write from when it is added (as a webhook installed later would). */
  readonly admissions: Admission[] = [];
  private readonly objects = new Map<string, Map<string, Obj>>();
  /** Each bucket's entries in key order, dropped on every write to it (see list()). */
  private readonly sorted = new WeakMap<Map<string, Obj>, { key: string; item: Obj }[]>();
  private revision = 1000;
  private allocated = 0;
  /** Told of every write, after it is stored. */
  onChange: (change: StoredChange) => void = () => {};

  constructor() {
    for (const name of SYSTEM_NAMESPACES) {
      this.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { manager: 'kube-apiserver' });
    }
  }

  get resourceVersion(): string {
    return String(this.revision);
  }

  /** The last revision written, as a number (the watch window compares revisions). */
  get currentRevision(): number {
    return this.revision;
  }

  /** Where a kind's objects are stored, whatever version they are served in. */
  static resourceOf(info: KindInfo): string {
    return `${info.group}/${info.plural}`;
  }

  private bucket(info: KindInfo): Map<string, Obj> {
    const key = ObjectStore.resourceOf(info);
    let bucket = this.objects.get(key);
    if (!bucket) this.objects.set(key, (bucket = new Map()));
    return bucket;
  }

  /** Stores `object` under `key` (replacing what was there) and reports the write. */
  private write(resource: string, key: string, object: Obj): void {
    const bucket = this.objects.get(resource)!;
    const previous = bucket.get(key);
    bucket.set(key, object);
    this.sorted.delete(bucket);
    this.onChange({ type: previous ? 'MODIFIED' : 'ADDED', resource, revision: this.revision, object, ...(previous ? { previous } : {}) });
  }

  /** Deletes the object under `key` at a new revision and reports it. */
  private erase(resource: string, key: string): void {
    const bucket = this.objects.get(resource)!;
    const previous = bucket.get(key);
    if (!previous) return;
    this.revision += 1;
    bucket.delete(key);
    this.sorted.delete(bucket);
    const object = { ...previous, metadata: { ...previous.metadata, resourceVersion: this.resourceVersion } };
    this.onChange({ type: 'DELETED', resource, revision: this.revision, object, previous });
  }

  private static key(namespace: string | undefined, name: string): string {
    return namespace ? `${namespace}/${name}` : name;
  }

  /** Stores `manifest` as a real API server would and returns the stored object. */
  apply(manifest: object, options: WriteOptions = {}): Obj {
    const object = manifest as Obj;
    if (!isObject(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string'
      || typeof object.metadata?.name !== 'string' || object.metadata.name === '') {
      throw new Error(`apply: a manifest needs apiVersion, kind and metadata.name (got ${JSON.stringify(manifest).slice(0, 200)})`);
    }
    const info = this.catalog.byKind(object.apiVersion, object.kind);
    if (!info) throw new Error(`apply: ${object.apiVersion} ${object.kind} is not served (apply its CustomResourceDefinition first)`);
    const namespace = info.namespaced ? (object.metadata.namespace ?? 'default') : undefined;
    // The NamespaceLifecycle admission plugin refuses objects in missing namespaces; create them instead, as a test would.
    if (namespace && !this.find(this.catalog.byKind('v1', 'Namespace')!, undefined, namespace)) {
      this.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, { manager: 'kubectl-create', time: options.time });
    }
    const bucket = this.bucket(info);
    const key = ObjectStore.key(namespace, object.metadata.name);
    const previous = bucket.get(key);
    const terminating = previous?.metadata?.deletionTimestamp;
    if (terminating !== undefined && !(Array.isArray(object.metadata.finalizers) && object.metadata.finalizers.length > 0)) {
      // An update that empties the finalizers of an object marked for deletion lets the registry finish deleting it.
      this.erase(ObjectStore.resourceOf(info), key);
      return structuredClone({ ...previous, metadata: { ...previous!.metadata, resourceVersion: this.resourceVersion } });
    }
    this.revision += 1;
    const stored = materialize(object, options, this.writeContext(info, previous, this.resourceVersion, true));
    if (terminating !== undefined) {
      // Once set, deletionTimestamp stays through every update (ObjectMeta's update validation keeps it).
      const { deletionGracePeriodSeconds } = previous!.metadata;
      stored.metadata = inObjectMetaOrder({ ...stored.metadata, deletionTimestamp: terminating, deletionGracePeriodSeconds });
    }
    this.write(ObjectStore.resourceOf(info), key, stored);
    if (info.kind === 'CustomResourceDefinition') this.rebuildCatalog();
    if (info.kind === 'ClusterRole') this.aggregateClusterRoles();
    return structuredClone(stored);
  }

  /** A new object, stored as apply() stores it; an error when it exists (a real server's 409 AlreadyExists). */
  create(manifest: object, options: WriteOptions = {}): Obj {
    const object = manifest as Obj;
    const info = isObject(object) ? this.catalog.byKind(object.apiVersion, object.kind) : undefined;
    if (info && this.find(info, info.namespaced ? object.metadata?.namespace ?? 'default' : undefined, object.metadata?.name)) {
      throw new Error(`create: ${object.apiVersion} ${object.kind} "${object.metadata.name}" already exists`);
    }
    return this.apply(manifest, options);
  }

  /**
   * An update (PUT) of the live object as `edit` changes it, recorded for `options.manager` (default
   * kubectl-edit). What the server or its controllers own is recomputed unless the edit changed it:
   * the status (a changed one stands for a controller's write), the deployment revision.
   */
  update(apiVersion: string, kind: string, namespace: string | undefined, name: string, edit: (live: Obj) => void, options: WriteOptions = {}): Obj {
    const info = this.catalog.byKind(apiVersion, kind);
    const live = info && this.find(info, info.namespaced ? namespace ?? 'default' : undefined, name);
    if (!info || !live) throw new Error(`update: ${apiVersion} ${kind} "${namespace ? `${namespace}/` : ''}${name}" does not exist`);
    const next = this.served(info, live);
    delete next.metadata.managedFields;
    const statusBefore = JSON.stringify(next.status);
    const revisionBefore = next.metadata.annotations?.[REVISION];
    edit(next);
    if (JSON.stringify(next.status) === statusBefore) delete next.status;
    if (revisionBefore !== undefined && next.metadata.annotations?.[REVISION] === revisionBefore) {
      delete next.metadata.annotations[REVISION];
    }
    return this.apply(next, { manager: 'kubectl-edit', ...options });
  }

  /** What a write needs besides the object; a dry run allocates nothing (the next IP or port is only peeked at). */
  private writeContext(info: KindInfo, previous: Obj | undefined, resourceVersion: string, allocate: boolean): MaterializeContext {
    const next = (): number => (allocate ? ++this.allocated : this.allocated + 1);
    return {
      info,
      previous,
      resourceVersion,
      newUid: randomUUID,
      allocateClusterIP: () => {
        const n = next();
        return `10.96.${Math.floor(n / 250) % 256}.${(n % 250) + 2}`;
      },
      allocateNodePort: () => 30000 + ((next() * 37) % 2768),
      randomSuffix: (length) => randomUUID().replace(/[^a-z0-9]/g, '').slice(0, length),
      nodeCount: Math.max(1, this.bucket(this.catalog.byKind('v1', 'Node')!).size),
      podIP: () => `10.244.0.${(next() % 250) + 2}`,
      admit: (object, kindInfo) => this.admissions.forEach((admission) => admission(object, kindInfo)),
    };
  }

  /**
   * Server-side apply with dryRun=All: `config` merged into the live object by the
   * published schema, then defaulted, admitted and validated as a write would be,
   * and returned as `info`'s version serves it. Nothing is stored, not even a new
   * resourceVersion. `created`: the object does not exist yet. Without `force`, fields
   * another manager owns that the apply would change are conflicts, and nothing is returned.
   */
  dryRunApply(info: KindInfo, namespace: string | undefined, config: Obj, manager: string, force: boolean): { object: Obj; created: boolean } | { conflicts: ApplyConflict[] } {
    const previous = this.find(info, namespace, config.metadata.name);
    const schemas = allSchemas(this.catalog);
    const schemaName = schemaNameOf(info, schemas);
    const schema = schemaName ? resolveSchema(schemas[schemaName], schemas) : undefined;
    const merged = previous ? mergeApplied(this.served(info, previous), config, schema, schemas) as Obj : structuredClone(config);
    if (info.namespaced) merged.metadata.namespace = namespace;
    const object = materialize(merged, { manager, operation: 'Apply', applied: config },
      this.writeContext(info, previous, previous?.metadata?.resourceVersion ?? '', false));
    // The server keeps kubectl's client-side record in step when kubectl applies server-side (lastAppliedUpdater).
    if (manager === 'kubectl' && previous?.metadata?.annotations?.[LAST_APPLIED] !== undefined) {
      object.metadata.annotations[LAST_APPLIED] = lastAppliedConfiguration({ ...config, metadata: { ...config.metadata, namespace } });
    }
    if (!previous) delete object.metadata.resourceVersion;
    if (previous && !force) {
      const conflicts = applyConflicts((previous.metadata.managedFields ?? []) as ManagedFieldsEntry[],
        { manager, builtin: !info.crd, applied: config, next: object, previous: this.served(info, previous) });
      if (conflicts.length > 0) return { conflicts };
    }
    return { object, created: !previous };
  }

  private rebuildCatalog(): void {
    this.catalog = new Catalog([...this.bucket(this.catalog.byKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition')!).values()]);
  }

  /** The object in any version of its kind's group (storage is per group and resource), or undefined. */
  find(info: KindInfo, namespace: string | undefined, name: string): Obj | undefined {
    return this.bucket(info).get(ObjectStore.key(info.namespaced ? namespace : undefined, name));
  }

  /** The object as served in `info`'s version: custom resources are converted by rewriting apiVersion (strategy None). */
  served(info: KindInfo, object: Obj): Obj {
    const copy = structuredClone(object);
    copy.apiVersion = apiVersionOf(info);
    return copy;
  }

  /**
   * Objects of a kind, in one namespace or all, in key order (namespace, then name)
   * as etcd returns them. The stored objects themselves, not copies: read them, and
   * serve a page with served(). A LIST of one namespace of a large cluster costs the
   * size of that namespace, not a sort and copy of the whole kind (the kube-scale bench
   * lists 50 namespaces of 2,000 objects each).
   */
  list(info: KindInfo, namespace?: string): { key: string; item: Obj }[] {
    const sorted = this.sortedEntries(info);
    if (!namespace) return sorted;
    // Keys are `namespace/name` and names hold no `/`: a namespace's objects are one run of the sorted keys.
    const prefix = `${namespace}/`;
    const start = lowerBound(sorted, prefix);
    let end = start;
    while (end < sorted.length && sorted[end].key.startsWith(prefix)) end++;
    return sorted.slice(start, end);
  }

  /** The bucket's entries sorted by key, kept until the bucket changes. */
  private sortedEntries(info: KindInfo): { key: string; item: Obj }[] {
    const bucket = this.bucket(info);
    let sorted = this.sorted.get(bucket);
    if (!sorted) {
      sorted = [...bucket.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, item]) => ({ key, item }));
      this.sorted.set(bucket, sorted);
    }
    return sorted;
  }

  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
    const info = this.catalog.byKind(apiVersion, kind);
    if (!info) return;
    const resource = ObjectStore.resourceOf(info);
    const key = ObjectStore.key(info.namespaced ? namespace ?? 'default' : undefined, name);
    const removed = this.bucket(info).get(key);
    if (!removed) return;
    const finalizers = removed.metadata.finalizers;
    if (Array.isArray(finalizers) && finalizers.length > 0) {
      // As the API server does: an object with finalizers is only marked for deletion, and stays
      // (served, listed) until its finalizers are removed: Terminating, held by them.
      if (removed.metadata.deletionTimestamp !== undefined) return;
      this.revision += 1;
      const deletionTimestamp = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      const metadata = { ...removed.metadata, resourceVersion: this.resourceVersion, deletionTimestamp, deletionGracePeriodSeconds: removed.metadata.deletionGracePeriodSeconds ?? 0 };
      this.write(resource, key, { ...removed, metadata: inObjectMetaOrder(metadata) });
      return;
    }
    if (kind === 'CustomResourceDefinition') {
      // Deleting a CRD deletes every object of its kind, before the CRD itself goes.
      const held = `${removed.spec?.group}/${removed.spec?.names?.plural}`;
      for (const heldKey of [...(this.objects.get(held)?.keys() ?? [])]) this.erase(held, heldKey);
      this.objects.delete(held);
    }
    if (kind === 'Namespace') {
      // The namespace controller deletes everything inside a deleted namespace, then the namespace goes.
      for (const [heldResource, bucket] of this.objects) {
        for (const [heldKey, object] of [...bucket]) if (object.metadata.namespace === name) this.erase(heldResource, heldKey);
      }
    }
    this.erase(resource, key);
    if (kind === 'CustomResourceDefinition') this.rebuildCatalog();
    if (kind === 'ClusterRole') this.aggregateClusterRoles();
  }

  /** The clusterrole-aggregation controller: an aggregated ClusterRole's rules are those of the roles its selectors match. */
  private aggregateClusterRoles(): void {
    const bucket = this.bucket(this.catalog.byKind('rbac.authorization.k8s.io/v1', 'ClusterRole')!);
    for (const role of [...bucket.values()]) {
      const selectors: Obj[] = role.aggregationRule?.clusterRoleSelectors ?? [];
      if (selectors.length === 0) continue;
      const rules = [...bucket.values()]
        .filter((other) => other !== role && selectors.some((s) => matchesLabels(fromLabelSelector(s), other.metadata.labels)))
        .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
        .flatMap((other) => other.rules ?? []);
      if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) continue;
      this.revision += 1;
      const key = ObjectStore.key(undefined, role.metadata.name);
      this.write(ObjectStore.resourceOf(this.catalog.byKind('rbac.authorization.k8s.io/v1', 'ClusterRole')!), key,
        { ...role, metadata: { ...role.metadata, resourceVersion: this.resourceVersion }, rules });
    }
  }
}

/** The index of the first entry whose key is not below `key` (entries sorted by key). */
function lowerBound(sorted: { key: string }[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle].key < key) low = middle + 1;
    else high = middle;
  }
  return low;
}
