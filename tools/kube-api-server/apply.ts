// Server-side apply's merge (sigs.k8s.io/structured-merge-diff), as much as the
// test server's dry run needs: the applied configuration merged into the live
// object by the published schema. Maps merge key by key; lists merge as their
// schema says: `map` lists item by item on their keys (key defaults applied,
// a port's protocol TCP), `set` lists as a union, others (`atomic`, or not
// described) are replaced whole. A `null` in the configuration removes the field.
// Fields the applier owned before and no longer applies are not removed here:
// gitdiff and kubectl diff apply as managers that own nothing yet. Conflicts
// (without force) are found by managed-fields.ts.
import { jsonText } from '../../src/exact-integers.js';
type Obj = Record<string, any>;

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const PREFIX = '#/components/schemas/';

/** The schema with its `$ref` / `allOf` members merged in. */
export function resolveSchema(schema: unknown, schemas: Obj, depth = 0): Obj | undefined {
  if (!isObject(schema)) return undefined;
  const members = [...(typeof schema.$ref === 'string' ? [{ $ref: schema.$ref }] : []), ...(Array.isArray(schema.allOf) ? schema.allOf : [])];
  if (members.length === 0 || depth > 32) return schema;
  let merged: Obj = {};
  for (const member of members) {
    const target = typeof member?.$ref === 'string' ? schemas[member.$ref.replace(PREFIX, '')] : member;
    merged = { ...merged, ...resolveSchema(target, schemas, depth + 1) };
  }
  const { $ref: _ref, allOf: _allOf, ...own } = schema;
  return { ...merged, ...own };
}

function childSchema(schema: Obj | undefined, key: string, schemas: Obj): Obj | undefined {
  return resolveSchema(schema?.properties?.[key] ?? (isObject(schema?.additionalProperties) ? schema.additionalProperties : undefined), schemas);
}

type ListType = { type: 'map'; keys: string[]; defaults: Obj } | { type: 'set' } | { type: 'atomic' };

function listTypeOf(schema: Obj | undefined, schemas: Obj): ListType {
  const items = resolveSchema(schema?.items, schemas);
  const keyDefaults = (keys: string[]): Obj =>
    Object.fromEntries(keys.map((key) => [key, resolveSchema(items?.properties?.[key], schemas)?.default]).filter(([, value]) => value !== undefined));
  const type = schema?.['x-kubernetes-list-type'];
  const keys = schema?.['x-kubernetes-list-map-keys'];
  if (type === 'map' && Array.isArray(keys)) return { type: 'map', keys, defaults: keyDefaults(keys) };
  if (type === 'set') return { type: 'set' };
  if (type === undefined && typeof schema?.['x-kubernetes-patch-merge-key'] === 'string') {
    const key = schema['x-kubernetes-patch-merge-key'];
    return { type: 'map', keys: [key], defaults: keyDefaults([key]) };
  }
  return { type: 'atomic' };
}

function sameKey(a: Obj, b: Obj, list: Extract<ListType, { type: 'map' }>): boolean {
  return list.keys.every((key) => String(a[key] ?? list.defaults[key]) === String(b[key] ?? list.defaults[key]));
}

/** `config` merged into `live` (neither is changed). */
export function mergeApplied(live: unknown, config: unknown, schema: Obj | undefined, schemas: Obj): unknown {
  if (isObject(config)) {
    if (!isObject(live)) return mergeApplied({}, config, schema, schemas);
    const merged: Obj = structuredClone(live);
    for (const [key, value] of Object.entries(config)) {
      if (value === null) delete merged[key];
      else merged[key] = mergeApplied(live[key], value, childSchema(schema, key, schemas), schemas);
    }
    return merged;
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    const list = listTypeOf(schema, schemas);
    if (list.type === 'set') return [...live, ...config.filter((element) => !live.some((existing) => jsonText(existing) === jsonText(element)))];
    if (list.type === 'map') {
      const items = resolveSchema(schema?.items, schemas);
      const merged: unknown[] = structuredClone(live);
      for (const item of config) {
        const index = merged.findIndex((existing) => isObject(existing) && isObject(item) && sameKey(existing, item, list));
        if (index === -1) merged.push(structuredClone(item));
        else merged[index] = mergeApplied(merged[index], item, items, schemas);
      }
      return merged;
    }
  }
  return structuredClone(config);
}
