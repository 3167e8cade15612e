// Who changed it: `metadata.managedFields` records, per field manager, the
// fields it last set (server-side field ownership, FieldsV1 format). For a
// diverged field, the manager owning it live is the first answer on call
// ("who scaled this?"). https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
import type { Change } from '../../report.js';
import { isRecord, ownValue } from './objects.js';

type PathSegment = { field: string } | { key: Record<string, string> } | { index: number };

/** Parses the paths compare.ts writes: `a.b["c/d"][name=x,protocol=TCP][0]`. */
export function parsePath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  const token = /\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]|\[([^\]=]+=[^\]]*)\]/y;
  let index = 0;
  while (index < path.length) {
    token.lastIndex = index;
    const match = token.exec(path);
    if (!match) return undefined;
    if (match[1] !== undefined) segments.push({ field: match[1] });
    else if (match[2] !== undefined) segments.push({ field: JSON.parse(match[2]) as string });
    else if (match[3] !== undefined) segments.push({ index: Number(match[3]) });
    else segments.push({ key: Object.fromEntries(match[4].split(',').map((pair) => pair.split('=', 2) as [string, string])) });
    index = token.lastIndex;
  }
  return segments;
}

/** Whether a FieldsV1 set contains the path (or owns an atomic ancestor of it). */
function owns(fields: unknown, segments: PathSegment[]): boolean {
  let node = fields;
  for (const segment of segments) {
    if (!isRecord(node)) return false;
    // An empty set at a field means the manager owns it whole (a scalar, or an atomic list/map).
    if (Object.keys(node).length === 0) return true;
    let next: unknown;
    if ('field' in segment) next = ownValue(node, `f:${segment.field}`);
    else if ('key' in segment) next = Object.entries(node).find(([name]) => keyMatches(name, segment.key))?.[1];
    else return true; // an index into an atomic list: the list's owner owns its items
    if (next === undefined) return false;
    node = next;
  }
  return true;
}

function keyMatches(name: string, key: Record<string, string>): boolean {
  if (!name.startsWith('k:')) return false;
  try {
    const parsed: unknown = JSON.parse(name.slice(2));
    return isRecord(parsed) && Object.entries(key).every(([field, value]) => Object.hasOwn(parsed, field) && String(parsed[field]) === value);
  } catch {
    return false;
  }
}

interface ManagedEntry {
  manager?: string;
  time?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

/** Adds `manager` and `time` to each change whose live value a field manager owns: the most recent owner wins. */
export function attributeChanges(changes: Change[], managedFields: unknown): Change[] {
  if (!Array.isArray(managedFields) || managedFields.length === 0) return changes;
  const entries = (managedFields as ManagedEntry[]).filter((entry) => isRecord(entry) && typeof entry.manager === 'string');
  return changes.map((change) => {
    if (change.live === undefined) return change; // nobody owns a field that is not there
    const segments = parsePath(change.path);
    if (!segments) return change;
    let owner: ManagedEntry | undefined;
    for (const entry of entries) {
      if (!owns(entry.fieldsV1, segments)) continue;
      if (!owner || String(entry.time ?? '') >= String(owner.time ?? '')) owner = entry;
    }
    if (!owner) return change;
    return { ...change, manager: owner.manager, ...(owner.time ? { time: owner.time } : {}) };
  });
}
