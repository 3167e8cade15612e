// The human format. Direction follows kubectl diff: the live value is `-`
// (red), Git's declared value is `+` (green). In-sync items are listed only
// with -v. Everything here formats what the Report says; nothing is compared.
import { structuredPatch } from 'diff';
import { DEFAULT_SCHEMA, dump, Type } from 'js-yaml';
import type { ChalkInstance } from 'chalk';
import { summarize, SENSITIVE, type Change, type Item, type Report } from '../report.js';
import type { Renderer, RenderOptions } from './types.js';
import { collapseUnchecked, declaredAt, statusPhrase, summaryLine } from './wording.js';
import { visibleText } from '../visible-text.js';
import { errorText } from '../errors.js';

/** Values as YAML; an integer beyond 2^53 (a BigInt, see exact-integers.ts) as its digits, where js-yaml would throw. */
const VALUE_SCHEMA = DEFAULT_SCHEMA.extend({
  implicit: [new Type('tag:gitdiff,2026:big-integer', {
    kind: 'scalar',
    resolve: () => false,
    predicate: (value: unknown) => typeof value === 'bigint',
    represent: (value: object) => String(value),
  })],
});

const MARK: Record<Item['status'], string> = {
  'in-sync': '=',
  diverged: '~',
  missing: '+',
  extra: '-',
  unchecked: '?',
  error: '!',
};

export const renderText: Renderer = (report: Report, options: RenderOptions) => {
  const { chalk } = options;
  const out: string[] = [];
  let group: string | undefined;
  const shown = report.items.filter((item) => item.status !== 'in-sync' || options.verbose);
  for (const entry of options.verbose ? shown.map((item) => ({ item })) : collapseUnchecked(shown, report.errors.length)) {
    if ('more' in entry) {
      out.push(statusColor('unchecked', chalk)(`${MARK.unchecked} ... and ${entry.more} more ${report.noun ?? 'item'}s: ${errorText(statusPhrase(entry.example))} (-v lists them)`));
      continue;
    }
    const { item } = entry;
    if (item.group !== undefined && item.group !== group) {
      if (out.length > 0) out.push('');
      out.push(chalk.bold.underline(item.group));
      group = item.group;
    }
    out.push(...itemLines(item, chalk, options.verbose));
  }
  for (const error of report.errors) {
    out.push(chalk.red.bold(`! error: ${errorText(error.message)}`));
    if (error.hint) out.push(`    hint: ${errorText(error.hint)}`);
  }
  for (const note of report.notes) out.push(chalk.dim(`note: ${visibleText(note)}`));
  if (out.length > 0) out.push('');
  if (report.headline) out.push(visibleText(report.headline));
  out.push(summaryLine(summarize(report), report.durationMs, chalk, report.noun));
  return out.join('\n') + '\n';
};

function itemLines(item: Item, chalk: ChalkInstance, verbose: boolean): string[] {
  const lines: string[] = [];
  const at = declaredAt(item);
  const where = at ? chalk.dim(` (${at})`) : '';
  const color = statusColor(item.status, chalk);
  lines.push(color.bold(`${item.symbol ?? MARK[item.status]} ${item.title}`) + where + statusNote(item, chalk));
  for (const [key, value] of Object.entries(item.details ?? {})) lines.push(chalk.dim(`    ${visibleText(key)}: ${visibleText(value)}`));
  if (item.status === 'error' && item.hint) lines.push(`    hint: ${errorText(item.hint)}`);
  for (const change of item.changes) lines.push(...changeLines(change, chalk));
  if (verbose) for (const change of item.ignored ?? []) lines.push(chalk.dim(`    ignored: ${change.path}${change.note ? ` (${visibleText(change.note)})` : ''}`));
  if (verbose || item.status !== 'in-sync') for (const note of item.notes ?? []) lines.push(chalk.dim(`    note: ${note}`));
  return lines;
}

function statusNote(item: Item, chalk: ChalkInstance): string {
  // The phrase carries a source's words (an error, a reason): made visible here whatever the source did.
  return item.status === 'diverged' ? '' : statusColor(item.status, chalk)(`: ${errorText(statusPhrase(item))}`);
}

function statusColor(status: Item['status'], chalk: ChalkInstance): ChalkInstance {
  switch (status) {
    case 'diverged': return chalk.yellow;
    case 'missing': return chalk.green;
    case 'extra': return chalk.red;
    case 'error': return chalk.red;
    case 'unchecked': return chalk.yellow;
    default: return chalk.dim;
  }
}

export function changeLines(change: Change, chalk: ChalkInstance): string[] {
  // Who and when come from the live object's managedFields, the note may quote a rule: text from outside.
  const who = change.manager ? ` (changed by ${visibleText(change.manager)}${change.time ? ` at ${visibleText(formatTime(change.time))}` : ''})` : '';
  const note = change.note ? chalk.dim(` (${visibleText(change.note)})`) : '';
  const lines = [chalk.cyan(`    ${change.path}:`) + chalk.dim(who) + note];
  if (change.sensitive) {
    // The source masked what is secret; a side that is a plain word stays as it is (`(known after apply)`
    // beside a masked value), anything with structure reads as masked whole.
    const side = (value: unknown) => (typeof value === 'string' && !value.includes('\n') ? value : SENSITIVE);
    if (change.live !== undefined) lines.push(chalk.red(`-     ${side(change.live)}`));
    if (change.declared !== undefined) lines.push(chalk.green(`+     ${side(change.declared)}`));
    if (change.live === undefined) lines.push(chalk.dim('      (absent from the live side)'));
    if (change.declared === undefined) lines.push(chalk.dim('      (not declared)'));
    return lines;
  }
  if (typeof change.live === 'string' && typeof change.declared === 'string' && (change.live.includes('\n') || change.declared.includes('\n'))) {
    return lines.concat(textDiffLines(change.live, change.declared, chalk));
  }
  if (change.live === undefined) lines.push(chalk.dim('      (absent from the live side)'));
  else lines.push(...valueLines(change.live).map((line) => chalk.red(`-     ${line}`)));
  if (change.declared === undefined) lines.push(chalk.dim('      (not declared)'));
  else lines.push(...valueLines(change.declared).map((line) => chalk.green(`+     ${line}`)));
  return lines;
}

/**
 * The most lines a text diff may add and remove. Myers' diff costs about the
 * square of that when every line differs (100 KB with changed line endings
 * took 40 s, on every serve page view); past it a diff is unreadable anyway.
 */
const MAX_DIFF_EDITS = 500;

/** A multi-line value (a config file in a ConfigMap) is shown as a unified diff with context, not whole. */
function textDiffLines(live: string, declared: string, chalk: ChalkInstance): string[] {
  const patch = structuredPatch('live', 'declared', live, declared, '', '', { context: 3, maxEditLength: MAX_DIFF_EDITS });
  if (!patch) return [chalk.dim(`      (${tooManyDifferences(live, declared)}: too many to show as a diff)`)];
  const lines: string[] = [];
  for (const hunk of patch.hunks) {
    lines.push(chalk.cyan(`      @@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`));
    for (const line of hunk.lines) {
      // The lines of a value are printed as they are, but for control characters (a live value is the server's to choose).
      const text = visibleText(line.slice(1), { tabs: true });
      if (line.startsWith('-')) lines.push(chalk.red(`-     ${text}`));
      else if (line.startsWith('+')) lines.push(chalk.green(`+     ${text}`));
      else if (line.startsWith('\\')) lines.push(chalk.dim(`      ${line}`));
      else lines.push(`      ${text}`);
    }
  }
  return lines;
}

/** What differs between two texts too different to diff, counted in linear time. */
function tooManyDifferences(live: string, declared: string): string {
  if (live.replace(/\r\n/g, '\n') === declared.replace(/\r\n/g, '\n')) {
    return `only the line endings differ (${live.includes('\r\n') ? 'CRLF' : 'LF'} live, ${declared.includes('\r\n') ? 'CRLF' : 'LF'} in Git)`;
  }
  // Lines of each side that the other lacks, as multisets: how much of the file a diff would show.
  const unmatched = new Map<string, number>();
  for (const line of linesOf(live)) unmatched.set(line, (unmatched.get(line) ?? 0) + 1);
  let onlyDeclared = 0;
  for (const line of linesOf(declared)) {
    const count = unmatched.get(line) ?? 0;
    if (count > 0) unmatched.set(line, count - 1);
    else onlyDeclared++;
  }
  const onlyLive = [...unmatched.values()].reduce((sum, count) => sum + count, 0);
  return `${Math.max(onlyLive, onlyDeclared)} lines differ`;
}

/** The lines of a text; a final newline ends the last line, it does not start another. */
function linesOf(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** Scalars print as YAML would write them (so "4" and 4 look different); structures as indented YAML. */
function valueLines(value: unknown): string[] {
  if (value === null) return ['null'];
  const text = dump(value, { schema: VALUE_SCHEMA, lineWidth: -1, noRefs: true, sortKeys: false }).replace(/\n$/, '');
  return text.split('\n');
}

function formatTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}
