// The words every format shares: what a status means, where an item is
// declared, the summary line. Text, JUnit, GitHub, Markdown and serve's page
// all say the same thing in the same words; only the markup around them differs.
import type { ChalkInstance } from 'chalk';
import type { Item, Summary } from '../report.js';
import { visibleText } from '../visible-text.js';

/** What an item's status means, in words, with its reason. */
export function statusPhrase(item: Item): string {
  switch (item.status) {
    case 'missing': return `missing${item.reason ? ` (${item.reason})` : ' from the live side'}`;
    case 'extra': return `not declared${item.reason ? ` (${item.reason})` : ''}`;
    case 'error': return `error: ${item.error ?? 'could not be checked'}`;
    case 'unchecked': return `unchecked${item.reason ? ` (${item.reason})` : ''}`;
    case 'in-sync': return 'in sync';
    case 'diverged': return 'diverged';
  }
}

/** Where an item is declared: `manifests/redis.yaml:8`, or undefined. */
export function declaredAt(item: Item): string | undefined {
  if (!item.file) return undefined;
  const file = visibleText(item.file);
  return item.line ? `${file}:${item.line}` : file;
}

/** The changed paths for a one-line message, at most `limit` of them. */
export function changedPaths(item: Item, limit = 5): string {
  const paths = [...new Set(item.changes.map((change) => change.path))];
  if (paths.length <= limit) return paths.join(', ');
  return `${paths.slice(0, limit).join(', ')} and ${paths.length - limit} more`;
}

/**
 * `1 diverged, 3 in sync (4 objects, 0.2 s); 2 differences ignored`. Items are
 * counted inside the parentheses; ignored differences are fields, not items,
 * so they come after, named as differences (read as objects, `3 diverged,
 * 6 in sync, 1 ignored (9 objects)` seemed to count 10).
 */
export function summaryLine(summary: Summary, durationMs: number, chalk: ChalkInstance, noun = 'object'): string {
  const parts: string[] = [];
  if (summary.diverged) parts.push(chalk.yellow(`${summary.diverged} diverged`));
  if (summary.missing) parts.push(chalk.green(`${summary.missing} missing`));
  if (summary.extra) parts.push(chalk.red(`${summary.extra} extra`));
  if (summary.unchecked) parts.push(chalk.yellow(`${summary.unchecked} unchecked`));
  if (summary.errors) parts.push(chalk.red(`${summary.errors} ${summary.errors === 1 ? 'error' : 'errors'}`));
  parts.push(`${summary.inSync} in sync`);
  const items = `${summary.total} ${summary.total === 1 ? noun : `${noun}s`}`;
  const ignored = summary.ignored ? chalk.dim(`; ${summary.ignored} ${summary.ignored === 1 ? 'difference' : 'differences'} ignored`) : '';
  return `${parts.join(', ')} (${items}, ${(durationMs / 1000).toFixed(1)} s)${ignored}`;
}

/** Consecutive unchecked items with one reason, past this many, are shown as the first few and a count. */
const COLLAPSE_RUN = 5;
const SHOWN_OF_RUN = 3;

/** An item to show on its own, or the rest of a run of unchecked items that share one reason. */
export type ShownEntry = { item: Item } | { more: number; example: Item };

/**
 * The items as text-like formats list them. When a run-level error explains
 * why items went unchecked (the server was not reached), a run of more than 5
 * consecutive unchecked items with the same reason is its first 3 and one "and
 * N more" entry: 1,000 objects not checked for one cause are 4 lines, not 1,000.
 * Nothing is dropped: the count is there, JSON and -v list every item. Items
 * under a heading (an ansible host's tasks) are always listed one by one: each
 * unchecked task is its own thing to look at (docs/ansible.md).
 */
export function collapseUnchecked(items: readonly Item[], runErrors: number): ShownEntry[] {
  if (runErrors === 0) return items.map((item) => ({ item }));
  const entries: ShownEntry[] = [];
  let index = 0;
  while (index < items.length) {
    const item = items[index];
    let end = index + 1;
    if (item.status === 'unchecked' && item.group === undefined) {
      while (end < items.length && items[end].status === 'unchecked' && items[end].group === undefined && items[end].reason === item.reason) end++;
    }
    const run = end - index;
    if (run > COLLAPSE_RUN) {
      for (let shown = index; shown < index + SHOWN_OF_RUN; shown++) entries.push({ item: items[shown] });
      entries.push({ more: run - SHOWN_OF_RUN, example: item });
    } else {
      for (let shown = index; shown < end; shown++) entries.push({ item: items[shown] });
    }
    index = end;
  }
  return entries;
}
