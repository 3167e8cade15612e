// The comparison at the heart of `gitdiff kube`, kubediff's semantics done
// right: only what the manifest declares is compared (a subset check), values
// are compared as the API server stores them, and lists of named things are
// matched by key. Pure: two plain objects in, a list of Changes out.
import type { Change } from '../../report.js';
import { childPath, indexPath, keyedPath } from './paths.js';
import { keyOf, mergeKeyFor, sameKey, spelledKey } from './merge-keys.js';
import { quantityEquals } from './quantity.js';
import { isRecord } from './objects.js';

/** Fields under these names hold resource quantities (`resources.limits.cpu`, `capacity.storage`, `hard.pods`). */
const QUANTITY_PARENTS = new Set(['limits', 'requests', 'capacity', 'allocatable', 'hard', 'used', 'overhead', 'min', 'max', 'default', 'defaultRequest', 'maxLimitRequestRatio']);
const QUANTITY_FIELDS = new Set(['sizeLimit', 'storage']);
/** Maps whose keys are data, where `key: ""` is a real entry (a label with an empty value), not an omitted zero. */
export const DATA_MAPS = new Set(['labels', 'annotations', 'data', 'binaryData', 'stringData', 'matchLabels', 'nodeSelector']);

/**
 * Compares `declared` (a subset) with `live`. Every Change has the declared
 * value (Git) and the live value at its path; `undefined` means absent.
 */
export function compareDeclared(declared: unknown, live: unknown, path = ''): Change[] {
  const changes: Change[] = [];
  walk(declared, live, path, '', '', changes);
  return changes;
}

function walk(declared: unknown, live: unknown, path: string, fieldName: string, parentName: string, changes: Change[]): void {
  if (isAbsent(live)) {
    // The API server omits empty and zero-valued optional fields (Go's omitempty), so
    // `resources: {}`, `rules: []` or `hostNetwork: false` in Git match an absent live field,
    // and a Secret's `data.key: ""` matches the `null` the server returns for empty bytes.
    const dataEntry = live === undefined && DATA_MAPS.has(parentName) && declared !== null;
    if (dataEntry || !isEmptyValue(declared)) changes.push({ path, declared, live: undefined });
    return;
  }
  if (declared === null) {
    // `null` in a manifest means "not set": it matches an absent or empty live value only.
    if (!isEmptyValue(live)) changes.push({ path, declared: null, live });
    return;
  }
  if (isRecord(declared)) {
    if (!isRecord(live)) {
      changes.push({ path, declared, live });
      return;
    }
    for (const [key, value] of Object.entries(declared)) walk(value, live[key], childPath(path, key), key, fieldName, changes);
    return;
  }
  if (Array.isArray(declared)) {
    if (!Array.isArray(live)) {
      changes.push({ path, declared, live });
      return;
    }
    compareList(declared, live, path, fieldName, changes);
    return;
  }
  if (!scalarEquals(declared, live, fieldName, parentName)) changes.push({ path, declared, live });
}

function compareList(declared: unknown[], live: unknown[], path: string, fieldName: string, changes: Change[]): void {
  const mergeKey = mergeKeyFor(fieldName, declared);
  const keyed = mergeKey && declared.every((item) => keyOf(item, mergeKey) !== undefined);
  if (mergeKey && keyed) {
    for (const item of declared) {
      const key = keyOf(item, mergeKey)!;
      const match = live.find((candidate) => {
        const candidateKey = keyOf(candidate, mergeKey);
        return candidateKey !== undefined && sameKey(key, candidateKey);
      });
      const itemPath = keyedPath(path, spelledKey(item, key));
      if (match === undefined) changes.push({ path: itemPath, declared: item, live: undefined });
      else walk(item, match, itemPath, '', fieldName, changes);
    }
    return;
  }
  // No merge key: the list is atomic in the API, so order and length matter.
  if (declared.length !== live.length) {
    changes.push({ path, declared, live });
    return;
  }
  declared.forEach((item, index) => walk(item, live[index], indexPath(path, index), '', fieldName, changes));
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
 * Scalars are equal when the API would store the same thing: identical values;
 * a YAML number or boolean written where the API stores a string (or an
 * int-or-string field such as targetPort) with the same text; and resource
 * quantities of the same value (`1000m` = `1`, `1024Mi` = `1Gi`).
 */
export function scalarEquals(declared: unknown, live: unknown, fieldName = '', parentName = ''): boolean {
  if (declared === live) return true;
  if (isRecord(declared) || isRecord(live) || Array.isArray(declared) || Array.isArray(live)) return false;
  if (String(declared) === String(live)) return true;
  if (QUANTITY_PARENTS.has(parentName) || QUANTITY_FIELDS.has(fieldName)) return quantityEquals(declared, live);
  return false;
}
