// The machine format, documented in docs/json.md. Field order is stable:
// source, target, summary, items (identity first), errors, notes, durationMs.
import { summarize, type Change, type Item, type Report } from '../report.js';
import type { Renderer } from './types.js';

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
  return {
    // Identity fields are always present (null when they do not apply, as a cluster-scoped object's namespace).
    ...Object.fromEntries(Object.entries(item.ref).map(([key, value]) => [key, value ?? null])),
    file: item.file,
    line: item.line,
    status: item.status,
    ...(item.details ? { details: item.details } : {}),
    changes: item.changes.map(changeJson),
    ...(item.ignored?.length ? { ignored: item.ignored.map(changeJson) } : {}),
    error: item.error,
    hint: item.hint,
    ...(item.notes?.length ? { notes: item.notes } : {}),
  };
}

/** The report as the JSON value `-o json` prints (also embedded by `gitdiff serve`'s /api/checks). */
export function reportJson(report: Report): Record<string, unknown> {
  return {
    source: report.source,
    target: report.target,
    summary: summarize(report),
    ...(report.headline ? { headline: report.headline } : {}),
    items: report.items.map(itemJson),
    errors: report.errors,
    notes: report.notes,
    durationMs: Math.round(report.durationMs),
  };
}

export const renderJson: Renderer = (report: Report) => JSON.stringify(reportJson(report), null, 2) + '\n';
