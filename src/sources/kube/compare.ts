// The comparison at the heart of `gitdiff kube`, kubediff's semantics done
// right: only what the manifest declares is compared (a subset check), values
// are compared as the API server stores them, and lists of named things are
// matched by key. What counts as a key, a quantity or a default comes from the
// cluster's schema when it published one (schema/rules.ts). Pure: two plain
// objects in, a list of Changes out.
import { isDeepStrictEqual } from 'node:util';
import type { Change } from '../../report.js';
import { childPath, indexPath, keyedPath } from './paths.js';
import { keyOf, sameKey, spelledKey } from './merge-keys.js';
import { quantityEquals } from './quantity.js';
import { isRecord, ownValue } from './objects.js';
import type { FieldSchema } from './schema/field-schema.js';
import { rulesFor, type FieldRules } from './schema/rules.js';

/**
 * Compares `declared` (a subset) with `live`. Every Change has the declared
 * value (Git) and the live value at its path; `undefined` means absent.
 */
export function compareDeclared(declared: unknown, live: unknown, schema?: FieldSchema): Change[] {
  const changes: Change[] = [];
  walk(declared, live, '', rulesFor(schema), changes);
  return changes;
}

function walk(declared: unknown, live: unknown, path: string, rules: FieldRules, changes: Change[]): void {
  if (isAbsent(live)) {
    // The API server omits empty and zero-valued optional fields (Go's omitempty), so
    // `resources: {}`, `rules: []` or `hostNetwork: false` in Git match an absent live field,
    // and a Secret's `data.key: ""` matches the `null` the server returns for empty bytes.
    // So does a value equal to the schema's default: the server stores that when the field is absent.
    const dataEntry = live === undefined && rules.isMapEntry && declared !== null;
    if (dataEntry || !(isEmptyValue(declared) || equalsDefault(declared, rules))) changes.push({ path, declared, live: undefined });
    return;
  }
  if (declared === null) {
    // `null` in a manifest means "not set": it matches an absent or empty live value, or the default.
    if (!isEmptyValue(live) && !equalsDefault(live, rules)) changes.push({ path, declared: null, live });
    return;
  }
  if (isRecord(declared)) {
    if (!isRecord(live)) {
      changes.push({ path, declared, live });
      return;
    }
    for (const [key, value] of Object.entries(declared)) walk(value, ownValue(live, key), childPath(path, key), rules.child(key), changes);
    return;
  }
  if (Array.isArray(declared)) {
    if (!Array.isArray(live)) {
      changes.push({ path, declared, live });
      return;
    }
    compareList(declared, live, path, rules, changes);
    return;
  }
  if (!scalarEquals(declared, live, rules.isQuantity)) changes.push({ path, declared, live });
}

function compareList(declared: unknown[], live: unknown[], path: string, rules: FieldRules, changes: Change[]): void {
  const semantics = rules.list(declared);
  if (semantics.type === 'map' && declared.every((item) => keyOf(item, semantics.key) !== undefined)) {
    for (const item of declared) {
      const key = keyOf(item, semantics.key)!;
      const match = live.find((candidate) => {
        const candidateKey = keyOf(candidate, semantics.key);
        return candidateKey !== undefined && sameKey(key, candidateKey);
      });
      const itemPath = keyedPath(path, spelledKey(item, key));
      if (match === undefined) changes.push({ path: itemPath, declared: item, live: undefined });
      else walk(item, match, itemPath, rules.item(), changes);
    }
    return;
  }
  if (semantics.type === 'set') {
    // A set (finalizers, a CRD's `x-kubernetes-list-type: set`): each declared element must be live, in any order.
    const itemRules = rules.item();
    if (!declared.every((element) => live.some((candidate) => sameElement(element, candidate, itemRules)))) changes.push({ path, declared, live });
    return;
  }
  // Atomic: the API replaces the list whole, so order and length matter.
  if (declared.length !== live.length) {
    changes.push({ path, declared, live });
    return;
  }
  declared.forEach((item, index) => walk(item, live[index], indexPath(path, index), rules.item(), changes));
}

export function sameElement(a: unknown, b: unknown, rules: FieldRules): boolean {
  return isRecord(a) || Array.isArray(a) ? isDeepStrictEqual(a, b) : scalarEquals(a, b, rules.isQuantity);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** Zero values and structures holding nothing but empty structures (not `{name: ""}`: that says something). */
function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 0) return true;
  return isEmptyStructure(value);
}

function isEmptyStructure(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.values(value).every((child) => child === null || isEmptyStructure(child));
  return false;
}

/**
 * The value is what the server would store anyway: the schema's default, or an
 * object whose every field is its default (or empty). The built-in rules know no defaults.
 */
function equalsDefault(value: unknown, rules: FieldRules): boolean {
  const schemaDefault = rules.default;
  if (schemaDefault !== undefined && sameElement(value, schemaDefault.value, rules)) return true;
  if (!isRecord(value)) return false;
  const fields = Object.entries(value);
  return fields.length > 0 && fields.every(([key, child]) => child === null || isEmptyStructure(child) || equalsDefault(child, rules.child(key)));
}

/**
 * Scalars are equal when the API would store the same thing: identical values;
 * a YAML number or boolean written where the API stores a string (or an
 * int-or-string field such as targetPort) with the same text; and resource
 * quantities of the same value (`1000m` = `1`, `1024Mi` = `1Gi`).
 */
export function scalarEquals(declared: unknown, live: unknown, isQuantity = false): boolean {
  if (declared === live) return true;
  if (isRecord(declared) || isRecord(live) || Array.isArray(declared) || Array.isArray(live)) return false;
  if (String(declared) === String(live)) return true;
  return isQuantity && quantityEquals(declared, live);
}
