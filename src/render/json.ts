// The machine format, documented in docs/json.md, its contract the JSON Schema
// docs/report.schema.json (closed: a new field goes into both, or the tests fail).
// Field order is stable: source, target, summary, headline, revision, items (identity
// first), errors, notes, durationMs.
import { summarize, type Change, type Item, type Report } from '../report.js';
import type { Renderer } from './types.js';
import { jsonText } from '../exact-integers.js';

function changeJson(change: Change): Record<string, unknown> {
  return {
    path: change.path,
    declared: change.declared,
    live: change.live,
    ...(change.sensitive ? { sensitive: true } : {}),
    ...(change.manager ? { manager: change.manager } : {}),
    ...(change.time ? { time: change.time } : {}),
    ...(change.note ? { note: change.note } : {}),
  };
}

function itemJson(item: Item): Record<string, unknown> {
  // Built key by key rather than from spreads: the same keys in the same order, but the spread
  // form's temporary objects outlived the young generation on a 20,000-item report (30 MB more RSS).
  const json: Record<string, unknown> = {};
  // Identity fields are always present (null when they do not apply, as a cluster-scoped object's namespace).
  for (const [key, value] of Object.entries(item.ref)) json[key] = value ?? null;
  json.file = item.file;
  json.line = item.line;
  json.status = item.status;
  if (item.details) json.details = item.details;
  json.changes = item.changes.map(changeJson);
  if (item.ignored?.length) json.ignored = item.ignored.map(changeJson);
  // docs/json.md's `error` has always carried a missing or unchecked item's reason too, and the
  // shape only grows: it still does (an item has a reason or an error, never both).
  json.error = item.error ?? item.reason;
  json.hint = item.hint;
  if (item.notes?.length) json.notes = item.notes;
  return json;
}

/** The report as the JSON value `-o json` prints (also embedded by `gitdiff serve`'s /api/checks). */
export function reportJson(report: Report): Record<string, unknown> {
  return envelope(report, report.items.map(itemJson));
}

function envelope(report: Report, items: unknown): Record<string, unknown> {
  return {
    source: report.source,
    target: report.target,
    summary: summarize(report),
    ...(report.headline ? { headline: report.headline } : {}),
    ...(report.revision ? { revision: report.revision } : {}),
    items,
    errors: report.errors,
    notes: report.notes,
    durationMs: Math.round(report.durationMs),
  };
}

/** JSON.stringify's two-space layout of `value`, as it reads nested `depth` levels down. */
function nested(value: unknown, depth: number): string {
  return jsonText(value, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

/**
 * The text of `JSON.stringify(reportJson(report), null, 2)`, an item at a time:
 * a plan of 20,000 resources is never one object tree and one string in memory
 * (on a 98 MB plan with 24,000 resources, the whole value and its text took
 * the peak RSS from 318 MB, the text output's, to 366 MB; in pieces, 315 MB).
 */
export function* renderJsonChunks(report: Report): Generator<string> {
  const fields = Object.entries(envelope(report, report.items)).filter(([, value]) => value !== undefined);
  yield '{\n';
  for (const [index, [key, value]] of fields.entries()) {
    yield `  ${JSON.stringify(key)}: `;
    if (key === 'items' && report.items.length > 0) {
      yield '[\n';
      for (const [at, item] of report.items.entries()) yield `    ${nested(itemJson(item), 2)}${at < report.items.length - 1 ? ',' : ''}\n`;
      yield '  ]';
    } else {
      yield nested(key === 'items' ? [] : value, 1);
    }
    yield index < fields.length - 1 ? ',\n' : '\n';
  }
  yield '}\n';
}

export const renderJson: Renderer = (report: Report) => [...renderJsonChunks(report)].join('');
