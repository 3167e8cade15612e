// A compact report to post as a pull-request comment or a GitHub step summary:
// the verdict, a table of counts, then one collapsed diff per changed item
// (live `-`, declared `+`, as in the terminal) and a line for every other item
// that needs a look. GitHub refuses comments over 65,536 characters, so the
// diffs stop at a budget and the rest are counted instead of shown.
import { summarize, STATUSES, type Item, type Report, type Status, type Summary } from '../report.js';
import type { Renderer, RenderOptions } from './types.js';
import { declaredAt, statusPhrase } from './wording.js';
import { changeTextLines, plainSummaryLine } from './plain.js';

const DIFF_BUDGET = 60_000;

const COUNT_OF: Record<Status, keyof Summary> = {
  diverged: 'diverged',
  missing: 'missing',
  extra: 'extra',
  unchecked: 'unchecked',
  error: 'errors',
  'in-sync': 'inSync',
};

export const renderMarkdown: Renderer = (report: Report, options: RenderOptions) => {
  const summary = summarize(report);
  const out = [`### gitdiff ${report.source}: ${escapeMarkdown(plainSummaryLine(report))}`, ''];
  if (report.headline) out.push(escapeMarkdown(report.headline), '');
  out.push(`Target: ${code(report.target)}`, '', '| status | count |', '| --- | ---: |');
  // Problems first, in the order a reader acts on them; in sync last, always shown.
  const order: Status[] = ['error', ...STATUSES.filter((status) => status !== 'error' && status !== 'in-sync'), 'in-sync'];
  for (const status of order) {
    const count = summary[COUNT_OF[status]];
    if (count > 0 || status === 'in-sync') out.push(`| ${status === 'in-sync' ? 'in sync' : status} | ${count} |`);
  }
  out.push('');

  let used = out.join('\n').length;
  let notShown = 0;
  for (const item of report.items) {
    if (item.status === 'in-sync' || item.changes.length === 0) continue;
    const block = diffBlock(item);
    if (used + block.length > DIFF_BUDGET) {
      notShown++;
      continue;
    }
    used += block.length;
    out.push(block);
  }
  if (notShown > 0) out.push(`_${notShown} more changed ${notShown === 1 ? 'item is' : 'items are'} not shown here (size limit): see the job log._`, '');

  const others = report.items.filter((item) => item.status !== 'in-sync' && item.changes.length === 0).map(itemLine);
  const runErrors = report.errors.map((error) => `- **run error**: ${escapeMarkdown(error.message)}${error.hint ? ` (hint: ${escapeMarkdown(error.hint)})` : ''}`);
  if (others.length + runErrors.length > 0) out.push(...runErrors, ...others, '');
  for (const note of report.notes) out.push(`> ${escapeMarkdown(note)}`, '');
  if (options.verbose) {
    const inSync = report.items.filter((item) => item.status === 'in-sync').map((item) => `- ${code(item.title)}`);
    if (inSync.length > 0) out.push(`<details><summary>${inSync.length} in sync</summary>`, '', ...inSync, '', '</details>', '');
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
};

function diffBlock(item: Item): string {
  const where = declaredAt(item);
  const body = changeTextLines(item).join('\n');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  const heading = `<code>${escapeHtml(item.title)}</code> ${escapeHtml(statusPhrase(item))}${where ? ` (${escapeHtml(where)})` : ''}`;
  return [`<details><summary>${heading}</summary>`, '', `${fence}diff`, body, fence, '', '</details>', ''].join('\n');
}

function itemLine(item: Item): string {
  const where = declaredAt(item);
  const hint = item.status === 'error' && item.hint ? ` (hint: ${escapeMarkdown(item.hint)})` : '';
  return `- **${item.status}** ${code(item.title)}${where ? ` (${escapeMarkdown(where)})` : ''}: ${escapeMarkdown(statusPhrase(item))}${hint}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}

/** An inline code span that survives backticks in the text (CommonMark: a longer delimiter, padded). */
function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const ticks = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** Inline text: one line, with the characters Markdown and HTML would act on backslash-escaped. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~&]/g, '\\$&');
}

function escapeHtml(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
