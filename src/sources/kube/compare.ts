// The comparison at the heart of `gitdiff kube`, kubediff's semantics done
// right: only what the manifest declares is compared (a subset check), values
// are compared as the API server stores them, and lists of named things are
// matched by key. What counts as a key, a quantity or a default comes from the
// cluster's schema when it published one (schema/rules.ts); what an absent
// field equals, from the kind's Go type (schema/go-types.ts). Pure: two plain
// objects in, a list of Changes out.
import { isDeepStrictEqual } from 'node:util';
import type { Change } from '../../report.js';
import { childPath, indexPath, keyedPath } from './paths.js';
import { keyOf, sameKey, spelledKey } from './merge-keys.js';
import { quantityEquals } from './quantity.js';
import { isRecord, ownValue } from './objects.js';
import { rulesFor, type FieldRules, type KindTypes } from './schema/rules.js';

/**
 * What may stand for an absent field. Always: `null`, and the Go zero value of
 * a value field, which decodes to the same object as absence (the server may
 * write it or not: omitempty, protobuf's nil slices). 'manifest' (a manifest
 * against the live object) adds the schema's default, which the server fills
 * in. 'server-output' (--server-side: a dry run's result against the live
 * object) does not: both were written by the server, defaults included.
 */
export type AbsenceRule = 'manifest' | 'server-output';

/**
 * Compares `declared` (a subset) with `live`. Every Change has the declared
 * value (Git) and the live value at its path; `undefined` means absent.
 */
export function compareDeclared(declared: unknown, live: unknown, types: KindTypes = {}, absence: AbsenceRule = 'manifest'): Change[] {
  const comparison = { changes: [] as Change[], absence };
  walk(declared, live, '', rulesFor(types), comparison);
  return comparison.changes;
}

interface Comparison {
  changes: Change[];
  absence: AbsenceRule;
}

function walk(declared: unknown, live: unknown, path: string, rules: FieldRules, comparison: Comparison): void {
  const { changes } = comparison;
  if (isAbsent(live)) {
    // A key of a data map (a label, a ConfigMap key) is there or not, whatever its value.
    const keyMissing = live === undefined && rules.isMapEntry && declared !== null;
    if (keyMissing || !meansUnset(declared, rules, comparison.absence)) changes.push({ path, declared, live: undefined });
    return;
  }
  if (declared === null) {
    if (!meansUnset(live, rules, comparison.absence)) changes.push({ path, declared: null, live });
    return;
  }
  if (isRecord(declared)) {
    if (!isRecord(live)) {
      changes.push({ path, declared, live });
      return;
    }
    for (const [key, value] of Object.entries(declared)) walk(value, ownValue(live, key), childPath(path, key), rules.child(key), comparison);
    return;
  }
  if (Array.isArray(declared)) {
    if (!Array.isArray(live)) {
      changes.push({ path, declared, live });
      return;
    }
    compareList(declared, live, path, rules, comparison);
    return;
  }
  if (!scalarEquals(declared, live, rules.isQuantity)) changes.push({ path, declared, live });
}

function compareList(declared: unknown[], live: unknown[], path: string, rules: FieldRules, comparison: Comparison): void {
  const { changes } = comparison;
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
      else walk(item, match, itemPath, rules.item(), comparison);
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
  declared.forEach((item, index) => walk(item, live[index], indexPath(path, index), rules.item(), comparison));
}

export function sameElement(a: unknown, b: unknown, rules: FieldRules): boolean {
  return isRecord(a) || Array.isArray(a) ? isDeepStrictEqual(a, b) : scalarEquals(a, b, rules.isQuantity);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

/**
 * The one rule for absence: whether `value` on one side says no more than an
 * absent (or null) field on the other. `null` in a manifest means "not set".
 * Otherwise, as the server decodes it: the Go zero value of a value field, or
 * (for a manifest) the schema's default, what the server stores when the field is absent.
 */
function meansUnset(value: unknown, rules: FieldRules, absence: AbsenceRule): boolean {
  if (value === undefined || value === null) return true;
  return isGoZero(value, rules) || (absence === 'manifest' && equalsDefault(value, rules));
}

/**
 * `value` decodes to the zero value of the field's Go type, which is also what
 * an absent field decodes to: `false`, `0`, `""`, an empty slice or map, a struct
 * of such fields. Never for a pointer (a set `*bool` holding false is kept, and
 * means something else than unset) nor a field no Go type describes (a custom
 * resource's: the server keeps what was written).
 */
function isGoZero(value: unknown, rules: FieldRules): boolean {
  switch (rules.shape) {
    case 'bool': return value === false;
    case 'number': return value === 0;
    case 'string':
    case 'bytes': return value === '';
    case 'collection':
      return Array.isArray(value) ? value.length === 0 : isRecord(value) && Object.values(value).every((entry) => entry === null);
    case 'struct':
      return isRecord(value) && Object.entries(value).every(([key, child]) => child === null || isGoZero(child, rules.child(key)));
    default: return false;
  }
}

/**
 * The value is what the server would store anyway: the schema's default, or an
 * object whose every field is its default (or unset). The built-in rules know no defaults.
 */
function equalsDefault(value: unknown, rules: FieldRules): boolean {
  const schemaDefault = rules.default;
  if (schemaDefault !== undefined && sameElement(value, schemaDefault.value, rules)) return true;
  if (!isRecord(value)) return false;
  const fields = Object.entries(value);
  return fields.length > 0 && fields.every(([key, child]) => meansUnset(child, rules.child(key), 'manifest'));
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
