// What serve knows about each check: its runs, as plain data, and the pure
// rules that fold a finished run into it. The page, the JSON API and /metrics
// all read this; only the runner writes it.
import { couldTell, exitCode, hasDivergence, type Report, type ReportError } from '../report.js';
import type { Check } from './checks-file.js';
import { driftPhase } from './drift/converge.js';
import type { TrackedCheck } from './drift/events.js';

/**
 * A check's verdict, the one a person sees: `pending` until the first run ends, `error` when the last run could not tell,
 * `converging` when all it found differing came with a commit still within its converge-within (docs/serve.md "Convergence").
 */
export type CheckVerdict = 'pending' | 'in-sync' | 'converging' | 'diverged' | 'error';

export interface RunRecord {
  /** Wall-clock times, ms since the epoch. */
  startedAt: number;
  endedAt: number;
  durationMs: number;
  /** What the run returned: possibly partial (items with errors). Absent when the run threw. */
  report?: Report;
  /** Why the run could not produce a report (bad input, a timeout). */
  error?: ReportError;
  /** What the run's report says alone: whether a difference is converging is the drift tracker's to say (verdictOf). */
  verdict: Exclude<CheckVerdict, 'pending' | 'converging'>;
  /** The exit status the same command line would have had. */
  exitCode: number;
}

export interface CheckStatus {
  check: Check;
  lastRun?: RunRecord;
  /** The last run that could tell (in sync or diverged): the verdict the metrics keep while runs fail. */
  lastSuccess?: RunRecord;
  /** When the current divergence was first seen (the end of the first run that found it); cleared by an in-sync run. */
  divergedSince?: number;
  /** Set while a run is in flight. */
  runningSince?: number;
  runs: number;
}

export function newStatus(check: Check): CheckStatus {
  return { check, runs: 0 };
}

/** A finished run, as a record: the verdict from the report, or `error` when it threw. */
export function runRecord(startedAt: number, endedAt: number, outcome: { report: Report } | { error: ReportError }): RunRecord {
  if ('error' in outcome) {
    return { startedAt, endedAt, durationMs: endedAt - startedAt, error: outcome.error, verdict: 'error', exitCode: 2 };
  }
  const { report } = outcome;
  const verdict = !couldTell(report) ? 'error' : hasDivergence(report) ? 'diverged' : 'in-sync';
  return { startedAt, endedAt, durationMs: report.durationMs, report, verdict, exitCode: exitCode(report) };
}

/**
 * Folds a finished run into the status. A run that could not tell changes
 * neither the last success nor the divergence clock: "could not look" is not
 * "in sync", so a broken run must not make a long drift look new.
 */
export function recordRun(status: CheckStatus, run: RunRecord): CheckStatus {
  const next: CheckStatus = { ...status, lastRun: run, runningSince: undefined, runs: status.runs + 1 };
  if (run.verdict === 'error') return next;
  next.lastSuccess = run;
  next.divergedSince = run.verdict === 'diverged' ? status.divergedSince ?? run.endedAt : undefined;
  return next;
}

/**
 * The verdict shown: the last run's, except that a divergence made only of
 * converging drift (`tracked`, the drift keeper's state) is `converging`. The
 * run's exit code stays 1: the states do differ.
 */
export function verdictOf(status: CheckStatus, tracked?: TrackedCheck): CheckVerdict {
  const verdict = status.lastRun?.verdict ?? 'pending';
  return verdict === 'diverged' && tracked !== undefined && driftPhase(tracked.items) === 'converging' ? 'converging' : verdict;
}

/**
 * The statuses after a config change: a check whose command is unchanged keeps
 * its history (a new interval or timeout does not make its verdict wrong); a
 * new or changed check starts afresh, since the old verdict was about another command.
 */
export function carryStatuses(previous: ReadonlyMap<string, CheckStatus>, checks: readonly Check[]): Map<string, CheckStatus> {
  const next = new Map<string, CheckStatus>();
  for (const check of checks) {
    const old = previous.get(check.name);
    next.set(check.name, old && sameCommand(old.check, check) ? { ...old, check } : newStatus(check));
  }
  return next;
}

export function sameCommand(a: Check, b: Check): boolean {
  return a.command.length === b.command.length && a.command.every((argument, index) => argument === b.command[index]);
}
