// Turns a manifest into the object a real API server would store and serve: the
// manifest as written (plus kubectl's last-applied-configuration when applied by
// kubectl), the server's defaults, identity metadata (uid, resourceVersion,
// generation, creationTimestamp), managedFields, controller-written annotations
// and a live status. Quantities are stored as written: a real server
// canonicalizes them (`1024Mi` -> `1Gi`, `0.5` -> `500m`); gitdiff must compare
// them by value either way, and its tests declare both forms explicitly.
import { jsonText } from '../../src/exact-integers.js';
import { apiVersionOf, type KindInfo } from './catalog.js';
import { schemaForVersion, defaultAndPrune } from './crd-schema.js';
import { applyRegistryEffects, applyServerDefaults, type DefaultingContext } from './defaults.js';
import { inObjectMetaOrder } from './defaults-pod.js';
import { liveStatusFor, templateHash, type StatusContext } from './live-status.js';
import { nextManagedFields, zeroValueOf, type ManagedFieldsEntry } from './managed-fields.js';

type Obj = Record<string, any>;

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** The deployment controller's count of pod templates rolled out. */
export const REVISION = 'deployment.kubernetes.io/revision';
/** The field manager kubectl apply (client-side) writes as. */
export const KUBECTL_APPLY_MANAGER = 'kubectl-client-side-apply';

export interface WriteOptions {
  /** Field manager of the write; default kubectl-client-side-apply (what `kubectl apply` is recorded as). */
  manager?: string;
  /** RFC 3339 time of the write (creationTimestamp on create, managedFields time); default now. */
  time?: string;
  /** Update (kubectl apply, edit, scale, controllers) or Apply (server-side apply of this whole manifest); default Update. */
  operation?: 'Update' | 'Apply';
  /**
   * Record the manifest in kubectl.kubernetes.io/last-applied-configuration, as client-side
   * `kubectl apply` (and Argo CD's client-side sync) do; default: when the manager is kubectl-client-side-apply.
   */
  lastApplied?: boolean;
  /** Apply: the configuration sent, when the manifest written is its merge with the live object (a dry-run apply). */
  applied?: Obj;
}

export interface MaterializeContext extends Omit<DefaultingContext, 'uid' | 'previous'>, Omit<StatusContext, 'time'> {
  info: KindInfo;
  previous?: Obj;
  resourceVersion: string;
  newUid: () => string;
  /** Mutating admission (a webhook's patch): runs on every write after defaulting, before the field manager records it. */
  admit?: (object: Obj, info: KindInfo) => void;
}

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON with keys sorted at every level, as kubectl writes last-applied-configuration (Go maps marshal sorted). */
export function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v;
  return jsonText(sort(value));
}

/** kubectl apply records what it sent: the manifest with its namespace and an `annotations` map, minus itself. */
export function lastAppliedConfiguration(manifest: Obj): string {
  const copy = structuredClone(manifest);
  const { [LAST_APPLIED]: _self, ...annotations } = copy.metadata.annotations ?? {};
  copy.metadata.annotations = annotations;
  return `${sortedJson(copy)}\n`;
}

/** Everything but metadata and status (and the version it was written in): what metadata.generation tracks. */
function specView(object: Obj): string {
  const { apiVersion: _v, kind: _k, metadata: _m, status: _s, ...rest } = object;
  return sortedJson(rest);
}

/**
 * Keys as a real server serializes them. Built-in kinds: the Go structs' order (kind,
 * apiVersion, ObjectMeta's order, the rest, status last), maps sorted by key.
 * Custom resources are unstructured maps: every key sorted.
 */
function inServerOrder(object: Obj, custom: boolean): Obj {
  if (custom) return JSON.parse(sortedJson(object));
  const { kind, apiVersion, metadata, status, ...rest } = object;
  for (const map of ['labels', 'annotations']) if (isObject(metadata[map])) metadata[map] = sortedKeys(metadata[map]);
  for (const map of ['data', 'binaryData']) if (isObject(rest[map])) rest[map] = sortedKeys(rest[map]);
  return { kind, apiVersion, metadata: inObjectMetaOrder(metadata), ...rest, ...(status !== undefined ? { status } : {}) };
}

const sortedKeys = (map: Obj): Obj => Object.fromEntries(Object.keys(map).sort().map((key) => [key, map[key]]));

/** The managed-fields view never includes what controllers write (the revision annotation). */
function withoutControllerFields(object: Obj): Obj {
  const copy = structuredClone(object);
  if (copy.metadata?.annotations) {
    delete copy.metadata.annotations[REVISION];
    if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  }
  return copy;
}

export function materialize(manifest: Obj, options: WriteOptions, context: MaterializeContext): Obj {
  const { info, previous } = context;
  const time = options.time ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const manager = options.manager ?? KUBECTL_APPLY_MANAGER;
  const operation = options.operation ?? 'Update';
  const object: Obj = structuredClone(manifest);
  object.metadata = isObject(object.metadata) ? object.metadata : {};
  const metadata = object.metadata;
  if (info.namespaced) metadata.namespace ??= 'default';
  else delete metadata.namespace; // cluster-scoped objects have no namespace, whatever the manifest says

  if (options.lastApplied ?? (manager === KUBECTL_APPLY_MANAGER && operation === 'Update')) {
    metadata.annotations = { ...metadata.annotations, [LAST_APPLIED]: lastAppliedConfiguration(object) };
  } else if (previous?.metadata?.annotations?.[LAST_APPLIED] && metadata.annotations?.[LAST_APPLIED] === undefined) {
    // Other writers (kubectl scale, edit, controllers) leave kubectl's record as it was.
    metadata.annotations = { ...metadata.annotations, [LAST_APPLIED]: previous.metadata.annotations[LAST_APPLIED] };
  }

  const uid: string = previous?.metadata?.uid ?? context.newUid();
  applyServerDefaults(info.group, info.kind, object);
  if (info.crd) defaultAndPrune(object, schemaForVersion(info.crd, info.version));
  context.admit?.(object, info);
  if (info.group === '' && info.kind === 'Namespace') {
    // SetDefaults_Namespace (NamespaceDefaultLabelName): every namespace is labelled with its own name.
    metadata.labels = { ...metadata.labels, 'kubernetes.io/metadata.name': metadata.name };
  }
  // The field manager records the write here: after defaulting, before admission and the registry.
  const managedPrevious = previous ? withoutControllerFields(previous) : { ...zeroValueOf(info.group, info.kind) };
  const managedFields = nextManagedFields((previous?.metadata?.managedFields ?? []) as ManagedFieldsEntry[], {
    manager, operation, time, apiVersion: apiVersionOf(info), builtin: !info.crd,
    next: withoutControllerFields(object), previous: managedPrevious, applied: options.applied ?? manifest,
  });
  applyRegistryEffects(info.group, info.kind, object, { ...context, uid, previous });

  metadata.uid = uid;
  metadata.resourceVersion = context.resourceVersion;
  metadata.creationTimestamp = previous?.metadata?.creationTimestamp ?? time;
  if (info.hasGeneration) {
    const before = previous?.metadata?.generation;
    metadata.generation = before === undefined ? 1 : specView(previous!) === specView(object) ? before : before + 1;
  } else delete metadata.generation;

  if (managedFields.length > 0) metadata.managedFields = managedFields;
  else delete metadata.managedFields;

  if (info.group === 'apps' && info.kind === 'Deployment') {
    // The deployment controller numbers each new pod template it rolls out.
    const before = Number(previous?.metadata?.annotations?.[REVISION] ?? 0);
    const templateChanged = !previous || templateHash(previous.spec?.template) !== templateHash(object.spec?.template);
    metadata.annotations = { [REVISION]: String(templateChanged ? before + 1 : before), ...metadata.annotations };
  }

  // A manifest's own status stands for what the controllers wrote; otherwise the healthy default.
  if (manifest.status === undefined) {
    const status = liveStatusFor(info.group, info.kind, object, { ...context, time });
    if (status === undefined) delete object.status;
    else object.status = status;
  }
  object.apiVersion = apiVersionOf(info);
  object.kind = info.kind;
  return inServerOrder(object, info.crd !== undefined);
}
