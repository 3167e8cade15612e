// Turns the unified diffs ansible prints (`--- before: PATH`, `+++ after: PATH`,
// hunks) back into before/after texts. A log only holds the hunks, so each side
// is the hunks' lines (context plus its own changes), with a `...` line between
// hunks on both sides: diffing the two again gives the same changes.

import type { DiffEntry } from './results.js';
import { isRecord } from '../../record.js';

const HUNK = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/;
const NO_NEWLINE = '\\ No newline at end of file';

export function parseUnifiedDiff(text: string): DiffEntry[] {
  const entries: DiffEntry[] = [];
  let entry: { beforeHeader?: string; afterHeader?: string; before: string[]; after: string[]; hunks: number } | undefined;
  let last: 'before' | 'after' | 'both' = 'both';
  const finish = () => {
    if (entry && entry.hunks > 0) {
      const before = entry.before.join('');
      const after = entry.after.join('');
      entries.push({ beforeHeader: entry.beforeHeader, afterHeader: entry.afterHeader, ...asMappings(before, after) });
    }
    entry = undefined;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('--- ')) {
      finish();
      entry = { beforeHeader: header(line.slice(4), 'before'), before: [], after: [], hunks: 0 };
      continue;
    }
    if (!entry) continue;
    if (line.startsWith('+++ ') && entry.hunks === 0) {
      entry.afterHeader = header(line.slice(4), 'after');
    } else if (HUNK.test(line)) {
      if (entry.hunks > 0) {
        entry.before.push('...\n');
        entry.after.push('...\n');
      }
      entry.hunks++;
    } else if (line === NO_NEWLINE) {
      // The previous line has no newline at the end of its file: strip the one added here.
      if (last !== 'after') chopNewline(entry.before);
      if (last !== 'before') chopNewline(entry.after);
    } else if (entry.hunks > 0 && line.startsWith('-')) {
      entry.before.push(`${line.slice(1)}\n`);
      last = 'before';
    } else if (entry.hunks > 0 && line.startsWith('+')) {
      entry.after.push(`${line.slice(1)}\n`);
      last = 'after';
    } else if (entry.hunks > 0 && (line.startsWith(' ') || line === '')) {
      entry.before.push(`${line.slice(1)}\n`);
      entry.after.push(`${line.slice(1)}\n`);
      last = 'both';
    }
  }
  finish();
  return entries;
}

/**
 * Ansible prints a diff of attributes (file mode, state) as the diff of their
 * JSON. When the hunks hold both documents whole, they are mappings again, so
 * each field becomes its own change as with structured results.
 */
function asMappings(before: string, after: string): { before: unknown; after: unknown } {
  if (before.trimStart().startsWith('{') && after.trimStart().startsWith('{')) {
    try {
      const mappings = { before: JSON.parse(before) as unknown, after: JSON.parse(after) as unknown };
      if (isRecord(mappings.before) && isRecord(mappings.after)) return mappings;
    } catch {
      // partial documents (a long mapping with hunks apart): keep the text
    }
  }
  return { before, after };
}


/** `before: /etc/motd` -> `/etc/motd`; a bare `before` has no file name. */
function header(text: string, side: 'before' | 'after'): string | undefined {
  const trimmed = text.trim();
  if (trimmed === side) return undefined;
  return trimmed.startsWith(`${side}: `) ? trimmed.slice(side.length + 2) : trimmed;
}

function chopNewline(lines: string[]): void {
  const index = lines.length - 1;
  if (index >= 0 && lines[index].endsWith('\n')) lines[index] = lines[index].slice(0, -1);
}
