// What the page and /api/checks show, as one value taken at request time, and
// its JSON form. Each check's report is the shared report model, exactly as
// `gitdiff SOURCE -o json` prints it (docs/json.md). The JSON Schema of the whole
// body is docs/report.schema.json#/$defs/apiChecks: a new field goes there too.
import type { ReportError } from '../report.js';
import { jsonText } from '../exact-integers.js';
import { reportJson } from '../render/json.js';
import { shownCommand } from './check-command.js';
import type { StoredEvent, TrackedCheck } from './drift/events.js';
import type { HistoryPage } from './history/store.js';
import { verdictOf, type CheckStatus, type RunRecord } from './state.js';
import type { CheckMode } from './watched-checks.js';

export interface CheckView {
  status: CheckStatus;
  /** When the check runs next (ms since the epoch); undefined while it runs or waits for a free slot. */
  nextRunAt?: number;
  /** Due, waiting for one of the `concurrency` slots. */
  queued: boolean;
  /** How the check is run: `watch`, at start and on every change; `interval`, on its interval. */
  mode: CheckMode;
  /** What is remembered of its drift: each item not in sync, since when (src/serve/drift/events.ts). */
  tracked: TrackedCheck;
  /** Its latest drift events, newest first, and whether history survives a restart (--state-dir). */
  history: { kept: boolean; recent: StoredEvent[] };
}

export interface ServeView {
  now: number;
  startedAt: number;
  ready: boolean;
  shuttingDown: boolean;
  config: {
    file: string;
    loadedAt: number;
    /** The last reload was refused: why (the running config is the previous one). */
    error?: ReportError & { at: number };
  };
  /** With --shard or --shard-from-hostname: this replica's share, and how many of the file's checks it leaves to the others. */
  shard?: { index: number; count: number; skipped: number };
  checks: CheckView[];
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

function runJson(run: RunRecord | undefined): Record<string, unknown> | null {
  if (!run) return null;
  return {
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    durationSeconds: Math.round(run.durationMs) / 1000,
    verdict: run.verdict,
    exitCode: run.exitCode,
    error: run.error ?? null,
  };
}

/** Each item not in sync, since when (survives restarts with --state-dir), oldest first: what the page's ages and alerts read. */
function driftJson(tracked: TrackedCheck): Record<string, unknown>[] {
  return [...tracked.items.values()]
    .sort((a, b) => a.firstSeen - b.firstSeen || a.title.localeCompare(b.title))
    .map((item) => ({ key: item.key, title: item.title, status: item.status, firstSeen: iso(item.firstSeen), lastChanged: iso(item.lastChanged), phase: item.phase }));
}

/** A stored event as /api/checks/NAME/history gives it: times as RFC 3339. */
export function eventJson({ at, ...event }: StoredEvent): Record<string, unknown> {
  const { id, check, kind, ...rest } = event;
  return { id, check, kind, at: iso(at), ...rest };
}

/** The body of /api/checks/NAME/history (docs/report.schema.json#/$defs/apiHistory). */
export function historyJson(check: string, kept: boolean, page: HistoryPage): string {
  return jsonText({ check, kept, events: page.events.map(eventJson), next: page.next ?? null }, 2) + '\n';
}

export function checkJson({ status, nextRunAt, queued, mode, tracked, history }: CheckView): Record<string, unknown> {
  const { check, lastRun, lastSuccess } = status;
  return {
    name: check.name,
    source: check.source.name,
    command: shownCommand(check.command),
    mode,
    interval: check.interval,
    intervalSeconds: check.intervalMs / 1000,
    timeoutSeconds: check.timeoutMs / 1000,
    verdict: verdictOf(status, tracked),
    running: status.runningSince !== undefined,
    runningSince: iso(status.runningSince),
    queued,
    nextRunAt: iso(nextRunAt),
    runs: status.runs,
    lastRun: runJson(lastRun),
    lastSuccess: runJson(lastSuccess),
    divergedSince: iso(status.divergedSince),
    report: lastRun?.report ? reportJson(lastRun.report) : null,
    // Where its events go, as it may be shown: credentials in the URL masked, headers never.
    webhook: check.webhook ? { url: check.webhook.shownUrl, events: check.webhook.events } : null,
    drift: driftJson(tracked),
    history: { kept: history.kept },
  };
}

export function apiJson(view: ServeView): string {
  const body = {
    ready: view.ready,
    shuttingDown: view.shuttingDown,
    startedAt: iso(view.startedAt),
    config: {
      file: view.config.file,
      loadedAt: iso(view.config.loadedAt),
      error: view.config.error ? { message: view.config.error.message, hint: view.config.error.hint ?? null, at: iso(view.config.error.at) } : null,
    },
    shard: view.shard ?? null,
    checks: view.checks.map(checkJson),
  };
  return jsonText(body, 2) + '\n';
}
