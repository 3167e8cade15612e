// Property-based tests (fast-check) of what must never be called in sync
// (issue 14, classes 2, 3 and 5), over generated objects whose keys include
// names like JavaScript object members (`constructor`, `toString`, `__proto__`):
// - removing a declared field from the live object, or changing it, is never in
//   sync, unless the server drops that value itself (an empty optional field);
// - under --strict, a key added live to a data map, declared or not, is reported
//   at its path, whichever field manager the object's managedFields name;
// - an object being deleted is never in sync, and says which finalizers hold it;
// and every output format renders each report without a Secret value in it.
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { compareItem } from '../../src/sources/kube/items.js';
import { parseManifests } from '../../src/sources/kube/documents.js';
import { childPath } from '../../src/sources/kube/paths.js';
import { KUBECTL_YAML_SCHEMA } from '../../src/sources/kube/yaml-schema.js';
import type { KubeObject } from '../../src/sources/kube/objects.js';
import { isServerKey } from '../../src/sources/kube/platform-fields.js';
import type { Item, Report } from '../../src/report.js';
import { renderers } from '../../src/render/index.js';
import { chalkFor } from '../../src/color.js';
import { ObjectStore } from '../../tools/kube-api-server/store.js';
import { configMap, deployment, kubeObject, service } from './kube-arbitraries.js';

type Obj = Record<string, any>;
const NAMESPACE = 'truth';

/** Keys that name members of every JavaScript object: data in a manifest like any other key. */
const MEMBER_KEYS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf', '__defineGetter__', 'propertyIsEnumerable'];
const memberKey = fc.constantFrom(...MEMBER_KEYS);
const dataKey = fc.oneof(memberKey, fc.stringMatching(/^[A-Za-z0-9_][-._A-Za-z0-9]{0,15}$/));
const labelKey = fc.oneof(memberKey, fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/)).filter((key) => !isServerKey(key));

/** A map built with Object.fromEntries (which defines, never assigns: `__proto__` stays a key), as JSON.parse and js-yaml deliver it. */
const mapOf = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>, minKeys = 0) =>
  fc.uniqueArray(fc.tuple(key, value), { minLength: minKeys, maxLength: 5, selector: ([name]) => name }).map((entries) => Object.fromEntries(entries));

/** ConfigMaps whose labels and data keys include JavaScript member names. */
const memberConfigMap = fc.record({ name: fc.stringMatching(/^[a-z]{1,10}$/), labels: mapOf(labelKey, fc.stringMatching(/^[a-z0-9]{1,8}$/)), data: mapOf(dataKey, fc.string({ maxLength: 12 }), 1) })
  .map(({ name, labels, data }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(Object.keys(labels).length ? { labels } : {}) }, data }));

const plainObject = fc.oneof(configMap, deployment, service, memberConfigMap);
const format = fc.constantFrom('yaml' as const, 'json' as const);

function declaredFrom(object: Obj, as: 'yaml' | 'json'): KubeObject {
  const placed = { ...structuredClone(object), metadata: { ...object.metadata, namespace: NAMESPACE } };
  const text = as === 'json' ? JSON.stringify(placed) : dump(placed, { schema: KUBECTL_YAML_SCHEMA });
  return parseManifests(text, 'generated')[0].object;
}

/** What a server stores for it: defaults, metadata, managedFields, status. */
const liveFormOf = (declared: KubeObject): Obj => new ObjectStore().apply(declared) as Obj;

function compared(declared: KubeObject, live: Obj, strict: boolean): Item {
  const lookup = { state: 'found', object: live as KubeObject } as const;
  return compareItem({ object: declared, file: 'generated', namespace: NAMESPACE }, lookup, lookup, [], { strict, serverSide: false });
}

/** Every output format renders the item; returns all the text, for what must not be in it. */
function renderedEverywhere(item: Item): string {
  const report: Report = { source: 'kube', target: 'generated', items: [item], errors: [], notes: [], durationMs: 1 };
  return Object.values(renderers).map((render) => render(report, { chalk: chalkFor(0), verbose: true })).join('\n');
}

/** A declared leaf (a scalar in a map) by its position, and the path gitdiff names it by. */
interface Leaf {
  at: (string | number)[];
  path: string;
  value: unknown;
  /** Its map holds data (labels, annotations, ConfigMap data): an empty value is still an entry. */
  inDataMap: boolean;
}

const DATA_MAPS = new Set(['labels', 'annotations', 'data', 'matchLabels', 'nodeSelector']);
const IDENTITY = new Set(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace']);

/** The scalar fields of records (not inside lists: those are named by key, not position), with the name of the record holding each. */
function leavesOf(value: unknown, at: (string | number)[] = [], path = '', holder = ''): Leaf[] {
  if (typeof value !== 'object' || value === null) return IDENTITY.has(path) ? [] : [{ at, path, value, inDataMap: DATA_MAPS.has(holder) }];
  if (Array.isArray(value)) return [];
  const name = String(at[at.length - 1] ?? '');
  return Object.keys(value).flatMap((key) => leavesOf((value as Obj)[key], [...at, key], childPath(path, key), name));
}

function parentAt(object: Obj, at: (string | number)[]): Obj | undefined {
  let node: any = object;
  for (const step of at.slice(0, -1)) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, step)) return undefined;
    node = node[step];
  }
  return typeof node === 'object' && node !== null && Object.hasOwn(node, at[at.length - 1]) ? node : undefined;
}

const isZero = (value: unknown) => value === '' || value === 0 || value === false || value === null;
const another = (value: unknown) => (typeof value === 'number' ? value + 1 : typeof value === 'boolean' ? !value : `${String(value)}-changed`);

describe('what is never in sync', () => {
  it('removing a declared field from the live object, or changing it, is never in sync (unless the server drops that empty value)', () => {
    const withLeaf = fc.tuple(plainObject, format).chain(([object, as]) => {
      const declared = declaredFrom(object, as);
      const leaves = leavesOf(declared).filter((leaf) => parentAt(liveFormOf(declared), leaf.at) !== undefined);
      return fc.record({ declared: fc.constant(declared), leaf: fc.constantFrom(...leaves), how: fc.constantFrom('remove' as const, 'change' as const) });
    });
    fc.assert(fc.property(withLeaf, ({ declared, leaf, how }) => {
      const live = liveFormOf(declared);
      const parent = parentAt(live, leaf.at)!;
      const key = leaf.at[leaf.at.length - 1];
      if (how === 'remove') delete parent[key];
      else parent[key] = another(parent[key]);
      const item = compared(declared, live, false);
      renderedEverywhere(item);
      if (how === 'remove' && isZero(leaf.value) && !leaf.inDataMap) return; // the API server omits empty optional fields
      expect(item.status).toBe('diverged');
      expect(item.changes.map((change) => change.path)).toContain(leaf.path);
      if (how === 'remove') expect(item.changes.find((change) => change.path === leaf.path)!.live).toBeUndefined();
    }), { numRuns: 250 });
  });

  it('under --strict, a key added live to a data map, declared or not, is reported at its path, whoever managedFields names', () => {
    const maps = (object: Obj): (string | number)[][] => [
      ['metadata', 'labels'], ['metadata', 'annotations'],
      ...(object.kind === 'ConfigMap' ? [['data']] : []),
      ...(object.kind === 'Deployment' ? [['spec', 'template', 'spec', 'nodeSelector'], ['spec', 'template', 'metadata', 'annotations']] : []),
    ];
    const manager = fc.oneof(fc.constantFrom('kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-apiserver', 'cloud-controller-manager', 'before-first-apply'), fc.stringMatching(/^[a-z][a-z-]{0,20}$/));
    const addition = fc.tuple(plainObject, format).chain(([object, as]) => fc.record({
      declared: fc.constant(declaredFrom(object, as)), map: fc.constantFrom(...maps(object)), key: labelKey, value: fc.stringMatching(/^[a-z0-9]{1,8}$/), manager,
    }));
    fc.assert(fc.property(addition, ({ declared, map, key, value, manager }) => {
      const live = liveFormOf(declared);
      let node: Obj = live;
      for (const step of map) node = Object.hasOwn(node, step) ? node[step] : (Object.defineProperty(node, step, { value: {}, enumerable: true, writable: true, configurable: true }), node[step]);
      if (Object.hasOwn(node, key)) return; // declared there already: not an addition
      Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
      const fieldsV1 = map.reduceRight<Obj>((inner, step) => ({ [`f:${step}`]: inner }), { [`f:${key}`]: {} });
      live.metadata.managedFields = [...(live.metadata.managedFields ?? []), { manager, operation: 'Update', apiVersion: live.apiVersion, time: '2026-12-05T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1 }];
      const item = compared(declared, live, true);
      renderedEverywhere(item);
      const path = childPath(map.reduce<string>((parent, step) => childPath(parent, String(step)), ''), key);
      expect(item.status).toBe('diverged');
      expect(item.changes).toContainEqual(expect.objectContaining({ path, live: value }));
    }), { numRuns: 250 });
  });

  it('an object being deleted is never in sync, in either mode, and names its finalizers; no output shows a Secret value', () => {
    const finalizer = fc.oneof(fc.constantFrom('kubernetes', 'foregroundDeletion', 'kubernetes.io/pvc-protection'), fc.stringMatching(/^[a-z]{1,8}\.example\.com\/[a-z]{1,8}$/));
    const deleting = fc.record({
      object: fc.oneof(kubeObject, memberConfigMap), as: format, strict: fc.boolean(),
      since: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')),
      finalizers: fc.uniqueArray(finalizer, { maxLength: 3 }),
    });
    fc.assert(fc.property(deleting, ({ object, as, strict, since, finalizers }) => {
      const declared = declaredFrom(object, as);
      const live = liveFormOf(declared);
      live.metadata.deletionTimestamp = since;
      if (finalizers.length > 0) live.metadata.finalizers = finalizers;
      const item = compared(declared, live, strict);
      expect(item.status).toBe('diverged');
      expect(item.changes).toContainEqual(expect.objectContaining({ path: 'metadata.deletionTimestamp', live: since }));
      if (finalizers.length > 0) expect(item.changes).toContainEqual(expect.objectContaining({ path: 'metadata.finalizers', live: finalizers }));
      const text = renderedEverywhere(item);
      for (const name of finalizers) expect(text).toContain(name);
      if (object.kind === 'Secret') for (const value of secretValuesOf(object)) expect(text).not.toContain(value);
    }), { numRuns: 200 });
  });
});

/** A generated Secret's values, plain and base64 (with and without padding). */
function secretValuesOf(object: Obj): string[] {
  const plain = [...Object.values<string>(object.stringData ?? {}), ...Object.values<string>(object.data ?? {}).map((encoded) => Buffer.from(encoded, 'base64').toString('utf8'))];
  return plain.flatMap((value) => {
    const encoded = Buffer.from(value).toString('base64');
    return [value, encoded, encoded.replace(/=+$/, '')];
  });
}
