// metadata.managedFields as the API server's field manager computes them
// (k8s.io/apiserver fieldmanager on top of sigs.k8s.io/structured-merge-diff):
// sets of field paths serialized as FieldsV1 (`f:spec: {f:replicas: {}}`, list
// items keyed `k:{"name":"app"}`, set items `v:"x"`, and `.: {}` where a node with
// children is itself owned).
//  - Update (kubectl client-side apply, kubectl scale, controllers): the manager
//    owns what its write added or changed compared with the stored object, or with
//    the Go zero value of the kind on create (so `spec` and `template` nodes that
//    exist in every Deployment carry no `.`, while new maps and list items do).
//  - Apply (server-side apply): the manager owns exactly the fields of its applied
//    configuration.
// Ownership moves: fields a write takes are removed from the other managers.
import { jsonText } from '../../src/exact-integers.js';

type Obj = Record<string, any>;
type FieldSet = Set<string>;

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Obj;
  subresource?: string;
}

const SEP = '\u0001';
const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Lists the built-in types merge by key (their +listType=map / patchMergeKey), by field name. */
const LIST_KEYS: Record<string, string[]> = {
  containers: ['name'], initContainers: ['name'], ephemeralContainers: ['name'], env: ['name'], volumes: ['name'],
  volumeMounts: ['mountPath'], volumeDevices: ['devicePath'], imagePullSecrets: ['name'], hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'], resourceClaims: ['name'], schedulingGates: ['name'],
  claims: ['name'], ownerReferences: ['uid'], conditions: ['type'], webhooks: ['name'],
};
/** LabelSelectors and selector maps are atomic: owned as one value (+structType=atomic, +mapType=atomic). */
const ATOMIC_MAPS = new Set(['selector', 'podSelector', 'namespaceSelector', 'objectSelector', 'labelSelector', 'nodeSelector']);

type ListShape = { type: 'map'; keys: string[] } | { type: 'set' } | { type: 'atomic' };

function listShape(fieldNames: string[], builtin: boolean): ListShape {
  const name = fieldNames[fieldNames.length - 1];
  if (fieldNames.length === 2 && fieldNames[0] === 'metadata' && name === 'finalizers') return { type: 'set' };
  if (fieldNames.length === 2 && fieldNames[0] === 'metadata' && name === 'ownerReferences') return { type: 'map', keys: ['uid'] };
  // Custom resources: lists are atomic unless the schema says otherwise (not modelled here).
  if (!builtin) return { type: 'atomic' };
  if (name === 'ports') {
    const parent = fieldNames[fieldNames.length - 2];
    if (['containers', 'initContainers', 'ephemeralContainers'].includes(parent)) return { type: 'map', keys: ['containerPort', 'protocol'] };
    if (fieldNames.length === 2 && fieldNames[0] === 'spec') return { type: 'map', keys: ['port', 'protocol'] }; // Service
    return { type: 'atomic' };
  }
  return LIST_KEYS[name] ? { type: 'map', keys: LIST_KEYS[name] } : { type: 'atomic' };
}

/** `k:{"containerPort":80,"protocol":"TCP"}`: the key fields in name order, values as JSON. */
function itemElement(item: unknown, shape: ListShape, index: number): string {
  if (shape.type === 'set') return `v:${jsonText(item)}`;
  if (shape.type !== 'map' || !isObject(item) || !shape.keys.every((key) => item[key] !== undefined)) return `i:${index}`;
  const key = Object.fromEntries([...shape.keys].sort().map((name) => [name, item[name]]));
  return `k:${jsonText(key)}`;
}

interface Walk { builtin: boolean; set: FieldSet }

const join = (path: string[]): string => path.join(SEP);

function isAtomicMap(fieldNames: string[], builtin: boolean): boolean {
  return builtin && fieldNames.length > 1 && ATOMIC_MAPS.has(fieldNames[fieldNames.length - 1]);
}

/**
 * Paths owned by a write of `value` over `old` (`oldPresent`: the key existed in the
 * old object, even as null). With `old` undefined and `compare` false this is the
 * applied configuration's own field set (server-side apply).
 */
function walk(value: unknown, old: unknown, oldPresent: boolean, path: string[], fieldNames: string[], w: Walk, compare: boolean): void {
  const changed = !compare || !oldPresent || jsonText(value) !== jsonText(old);
  if (Array.isArray(value)) {
    const shape = listShape(fieldNames, w.builtin);
    if (shape.type === 'atomic') {
      if (changed) w.set.add(join(path));
      return;
    }
    if (compare && !oldPresent) w.set.add(join(path));
    const oldItems = Array.isArray(old) ? old : [];
    value.forEach((item, index) => {
      const element = itemElement(item, shape, index);
      const oldItem = oldItems.find((candidate, i) => itemElement(candidate, shape, i) === element);
      const itemPath = [...path, element];
      if (!compare || oldItem === undefined) w.set.add(join(itemPath));
      if (isObject(item)) walkObject(item, oldItem, oldItem !== undefined, itemPath, fieldNames, w, compare);
    });
    return;
  }
  if (isObject(value) && !isAtomicMap(fieldNames, w.builtin) && Object.keys(value).length > 0) {
    if (compare && !oldPresent && path.length > 0) w.set.add(join(path));
    walkObject(value, old, oldPresent, path, fieldNames, w, compare);
    return;
  }
  // Scalars, nulls, empty maps and atomic maps are leaves.
  if (changed) w.set.add(join(path));
}

function walkObject(value: Obj, old: unknown, oldPresent: boolean, path: string[], fieldNames: string[], w: Walk, compare: boolean): void {
  const oldObject = isObject(old) ? old : {};
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    const has = oldPresent && Object.prototype.hasOwnProperty.call(oldObject, key);
    walk(child, oldObject[key], has, [...path, `f:${key}`], [...fieldNames, key], w, compare);
  }
}

/** Every path of an object (maps, list items, leaves): what can still be owned after a write. */
function existingPaths(object: Obj, builtin: boolean): FieldSet {
  const set: FieldSet = new Set();
  const visit = (value: unknown, path: string[], fieldNames: string[]): void => {
    if (path.length > 0) set.add(join(path));
    if (Array.isArray(value)) {
      const shape = listShape(fieldNames, builtin);
      if (shape.type === 'atomic') return;
      value.forEach((item, index) => {
        const itemPath = [...path, itemElement(item, shape, index)];
        set.add(join(itemPath));
        if (isObject(item)) for (const [k, v] of Object.entries(item)) visit(v, [...itemPath, `f:${k}`], [...fieldNames, k]);
      });
    } else if (isObject(value) && !isAtomicMap(fieldNames, builtin)) {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, `f:${k}`], [...fieldNames, k]);
    }
  };
  visit(object, [], []);
  return set;
}

/** The part of an object field managers track: no identity metadata, no status (reset by the main resource). */
export function trackedView(object: Obj): Obj {
  const { apiVersion: _a, kind: _k, status: _s, metadata = {}, ...rest } = object;
  const { name: _n, namespace: _ns, uid: _u, resourceVersion: _r, generation: _g, creationTimestamp: _c, selfLink: _l,
    managedFields: _m, deletionTimestamp: _d, ...ownedMetadata } = metadata;
  return { metadata: ownedMetadata, ...rest };
}

/** FieldsV1 from a set of paths: children sorted, `.` where an owned node also has owned children. */
export function toFieldsV1(set: FieldSet): Obj {
  const root: Obj = {};
  for (const path of [...set].sort()) {
    let node = root;
    for (const element of path.split(SEP)) node = node[element] ??= {};
  }
  const finish = (node: Obj, owned: boolean, path: string): Obj => {
    const keys = Object.keys(node).sort();
    const out: Obj = owned && keys.length > 0 ? { '.': {} } : {};
    for (const key of keys) {
      const childPath = path ? `${path}${SEP}${key}` : key;
      out[key] = finish(node[key], set.has(childPath), childPath);
    }
    return out;
  };
  return finish(root, false, '');
}

export function fromFieldsV1(fields: Obj, prefix: string[] = [], set: FieldSet = new Set()): FieldSet {
  for (const [key, child] of Object.entries(fields ?? {})) {
    if (key === '.') {
      set.add(join(prefix));
      continue;
    }
    const path = [...prefix, key];
    if (!isObject(child) || Object.keys(child).length === 0) set.add(join(path));
    else fromFieldsV1(child, path, set);
  }
  return set;
}

export interface ManagedWrite {
  manager: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  time: string;
  /** Custom resources: lists are atomic, no built-in selector rules. */
  builtin: boolean;
  /** The object as stored after this write. */
  next: Obj;
  /** The object as stored before (or the kind's zero value on create), for Update. */
  previous: Obj;
  /** The configuration the manager applied, for Apply. */
  applied?: Obj;
}

/** The managedFields after a write: the writer's entry updated, its fields taken from the others. */
export function nextManagedFields(entries: ManagedFieldsEntry[], write: ManagedWrite): ManagedFieldsEntry[] {
  const taken: FieldSet = new Set();
  const compare = write.operation === 'Update';
  const source = compare ? write.next : (write.applied ?? write.next);
  walk(trackedView(source), trackedView(write.previous), true, [], [], { builtin: write.builtin, set: taken }, compare);
  // metadata itself is never owned (the field manager strips it with name, uid and the rest).
  taken.delete('f:metadata');
  const alive = existingPaths(trackedView(write.next), write.builtin);
  const isWriter = (e: ManagedFieldsEntry) => e.manager === write.manager && e.operation === write.operation && !e.subresource;
  const mine = entries.find(isWriter);
  const mineBefore = mine && compare ? fromFieldsV1(mine.fieldsV1) : new Set<string>();
  const result: ManagedFieldsEntry[] = [];
  for (const entry of entries.filter((e) => !isWriter(e))) {
    const kept = [...fromFieldsV1(entry.fieldsV1)].filter((path) => !taken.has(path) && alive.has(path));
    if (kept.length > 0) result.push({ ...entry, fieldsV1: toFieldsV1(new Set(kept)) });
  }
  const owned = new Set([...mineBefore, ...taken].filter((path) => alive.has(path)));
  if (owned.size > 0) {
    result.push({
      manager: write.manager, operation: write.operation, apiVersion: write.apiVersion, time: write.time,
      fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(owned),
    });
  }
  // The order a real server keeps: Apply before Update, then oldest first, then by manager.
  return result.sort((a, b) => a.operation.localeCompare(b.operation) || a.time.localeCompare(b.time) || a.manager.localeCompare(b.manager));
}

/** A field another manager owns that an apply without force would change. */
export interface ApplyConflict {
  manager: string;
  apiVersion: string;
  /** As the server writes it: `.spec.replicas`, `.spec.template.spec.containers[name="app"].image`. */
  field: string;
}

/** `f:spec` `k:{"name":"app"}` `f:image` as `.spec[name="app"].image`. */
function fieldPath(path: string): string {
  return path.split(SEP).map((element) => {
    if (element.startsWith('f:')) return `.${element.slice(2)}`;
    if (element.startsWith('k:')) {
      const key = JSON.parse(element.slice(2)) as Obj;
      return `[${Object.entries(key).map(([name, value]) => `${name}=${jsonText(value)}`).join(',')}]`;
    }
    return element.startsWith('v:') ? `[=${element.slice(2)}]` : `[${element.slice(2)}]`;
  }).join('');
}

/**
 * Server-side apply's conflicts when not forced: fields of the applied configuration
 * whose value the apply changes (`next` against `previous`) and that another manager owns.
 */
export function applyConflicts(entries: ManagedFieldsEntry[], write: Omit<ManagedWrite, 'operation' | 'time' | 'apiVersion'>): ApplyConflict[] {
  const applied: FieldSet = new Set();
  walk(trackedView(write.applied ?? write.next), undefined, false, [], [], { builtin: write.builtin, set: applied }, false);
  const changed: FieldSet = new Set();
  walk(trackedView(write.next), trackedView(write.previous), true, [], [], { builtin: write.builtin, set: changed }, true);
  return entries.filter((entry) => entry.manager !== write.manager && !entry.subresource).flatMap((entry) => {
    const owned = fromFieldsV1(entry.fieldsV1);
    return [...applied].filter((path) => changed.has(path) && owned.has(path))
      .map((path) => ({ manager: entry.manager, apiVersion: entry.apiVersion, field: fieldPath(path) }));
  });
}

/** The Go zero value of a kind as the field manager sees it on create (non-pointer structs and non-omitempty fields). */
export function zeroValueOf(group: string, kind: string): Obj {
  const podTemplate = () => ({ metadata: { creationTimestamp: null }, spec: { containers: null } });
  switch (`${group}/${kind}`) {
    case 'apps/Deployment': return { spec: { selector: null, template: podTemplate(), strategy: {} } };
    case 'apps/StatefulSet': return { spec: { selector: null, template: podTemplate(), serviceName: '', updateStrategy: {} } };
    case 'apps/DaemonSet': return { spec: { selector: null, template: podTemplate(), updateStrategy: {} } };
    case 'apps/ReplicaSet': return { spec: { selector: null, template: podTemplate() } };
    case 'batch/Job': return { spec: { template: podTemplate() } };
    case 'batch/CronJob': return { spec: { schedule: '', jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: podTemplate() } } } };
    case '/Pod': return { spec: { containers: null } };
    case '/PersistentVolumeClaim': return { spec: { resources: {} } };
    case 'networking.k8s.io/NetworkPolicy': return { spec: { podSelector: {} } };
    case 'autoscaling/HorizontalPodAutoscaler': return { spec: { scaleTargetRef: { kind: '', name: '' }, maxReplicas: 0 } };
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding': return { roleRef: { apiGroup: '', kind: '', name: '' } };
    case 'rbac.authorization.k8s.io/Role':
    case 'rbac.authorization.k8s.io/ClusterRole': return { rules: null };
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      return { spec: { group: '', names: { plural: '', kind: '' }, scope: '', versions: null } };
    case '/Service': case '/Namespace': case '/PersistentVolume': case '/Node': case '/ResourceQuota':
    case 'networking.k8s.io/Ingress': case 'policy/PodDisruptionBudget':
      return { spec: {} };
    case '/LimitRange': return { spec: { limits: null } };
    default: return {};
  }
}
