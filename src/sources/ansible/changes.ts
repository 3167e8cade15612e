// A module's diff turned into Changes, in kubectl diff's direction: what the
// playbook would make it (after) is `declared`, what is on the host now
// (before) is `live`. File contents stay whole strings (the text renderer
// shows them as a unified diff); attribute mappings (mode, owner, state) become
// one Change per differing field.
import type { Change } from '../../report.js';
import type { DiffEntry } from './results.js';
import { isRecord } from '../../record.js';

export interface DiffContext {
  /** The file the module manages (its `dest` / `path`), when it said. */
  dest?: string;
  /** The loop item the diff belongs to. */
  label?: string;
}

export interface ChangesAndNotes {
  changes: Change[];
  /** Text a module prepared instead of a before/after pair (package managers): shown as notes. */
  notes: string[];
}

export function changesFromDiffs(diffs: DiffEntry[], context: DiffContext = {}): ChangesAndNotes {
  const changes: Change[] = [];
  const notes: string[] = [];
  for (const diff of diffs) {
    if (diff.prepared) notes.push(...diff.prepared.split('\n').filter((line) => line.trim() !== ''));
    if (!('before' in diff) && !('after' in diff)) continue; // headers only (lineinfile's attribute entry)
    const file = fileOf(diff, context.dest);
    if (isRecord(diff.before) && isRecord(diff.after)) {
      // The file module's mappings name their file in `path`.
      const named = typeof diff.after.path === 'string' ? diff.after.path : undefined;
      const prefix = file ?? named ?? context.label;
      for (const field of fieldChanges(diff.before, diff.after, '')) {
        changes.push({ ...field, path: prefix ? `${prefix}:${field.path}` : field.path });
      }
      continue;
    }
    if (sameValue(diff.before, diff.after)) continue;
    const change: Change = { path: file ?? context.label ?? 'content', declared: diff.after, live: diff.before };
    // `before` is empty and names no file: the file does not exist yet (copy, template).
    if (diff.before === '' && diff.beforeHeader === undefined) {
      change.live = undefined;
      change.note = 'does not exist';
    }
    changes.push(change);
  }
  return { changes, notes };
}

/** Field-level differences between two mappings, with dotted paths; lists compare whole. */
export function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>, prefix: string): Change[] {
  const changes: Change[] = [];
  const keys = [...Object.keys(after), ...Object.keys(before).filter((key) => !(key in after))];
  for (const key of keys) {
    const path = prefix ? `${prefix}.${key}` : key;
    const live = before[key];
    const declared = after[key];
    if (isRecord(live) && isRecord(declared)) changes.push(...fieldChanges(live, declared, path));
    else if (!sameValue(live, declared)) changes.push({ path, declared, live });
  }
  return changes;
}


function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The managed file's name. Headers often name ansible's temporary copy of the
 * source (`~/.ansible/tmp/...`) or say `dynamically generated`: those are no
 * file on the host, so the module's `dest` and the before header come first.
 */
export function fileOf(diff: DiffEntry, dest?: string): string | undefined {
  for (const candidate of [dest, diff.beforeHeader, diff.afterHeader]) {
    const name = candidate?.replace(/ \((content|file attributes)\)$/, '').trim();
    if (name && !isTemporaryName(name)) return name;
  }
  return undefined;
}

function isTemporaryName(name: string): boolean {
  return /\/\.ansible\/tmp\/|\/ansible-tmp-|^dynamically generated$|^(before|after)$/.test(name);
}
