// One run's export: the metric set for the run's outcome, written to the
// textfile and/or pushed to the Pushgateway. The failure rule lives here: a run
// that could not tell changes only run_success, last_run and duration; the
// verdict of the last run that could tell (diverged, objects, last success,
// per-object series) stays as it was.
import type { Report } from '../report.js';
import { GitdiffError } from '../errors.js';
import { renderExposition, parseExposition } from './exposition.js';
import {
  carriedVerdict, failureMetrics, groupLabels, isSuccess, orderFamilies, successMetrics,
  type Labels, type MetricFamily, type RunTimes,
} from './metric-set.js';
import type { MetricsOptions } from './options.js';
import { push } from './pushgateway.js';
import { readTextfile, writeTextfileAtomically } from './textfile.js';

/** What a run ended with: a report, or (when the source threw) only which source it was. */
export interface RunOutcome {
  source: string;
  /** Undefined when the run failed before it produced a report. */
  report?: Report;
  /** Wall-clock start and end, ms since the epoch. */
  startedAt: number;
  endedAt: number;
}

export interface ExportIo {
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Pushgateway request timeout (tests shorten it). */
  timeoutMs?: number;
}

function timesOf(outcome: RunOutcome): RunTimes {
  return { endedAt: outcome.endedAt, durationMs: outcome.report?.durationMs ?? outcome.endedAt - outcome.startedAt };
}

/** The `target` label: --target, else what the source named; undefined when the run failed before naming it. */
function targetOf(outcome: RunOutcome, options: MetricsOptions): string | undefined {
  return options.target ?? outcome.report?.target;
}

/**
 * The whole textfile for this run. A failed run keeps the verdict carried in
 * the previous file for the same labels. When the run failed before it named
 * its target, the file itself says which target it is about (one file per check).
 */
export function textfileFamilies(outcome: RunOutcome, options: MetricsOptions, previousText: string | undefined): MetricFamily[] {
  const times = timesOf(outcome);
  const target = targetOf(outcome, options);
  if (isSuccess(outcome.report)) {
    return successMetrics(outcome.report, groupLabels(outcome.source, target!, options.labels), times, options.perObject);
  }
  const previous = previousText === undefined ? [] : parseExposition(previousText);
  const withoutTarget: Labels = { source: outcome.source, ...options.labels };
  const carried = carriedVerdict(previous, target === undefined ? withoutTarget : groupLabels(outcome.source, target, options.labels));
  const targets = target !== undefined ? [target] : previousTargets(carried);
  const failures = (targets.length > 0 ? targets : ['']).flatMap((each) => failureMetrics(groupLabels(outcome.source, each, options.labels), times));
  return orderFamilies([...carried, ...failures]);
}

function previousTargets(families: readonly MetricFamily[]): string[] {
  return [...new Set(families.flatMap((each) => each.samples.map((sample) => sample.labels.target ?? '')))];
}

export function writeTextfile(file: string, outcome: RunOutcome, options: MetricsOptions): void {
  const previousText = isSuccess(outcome.report) ? undefined : readTextfile(file);
  writeTextfileAtomically(file, renderExposition(textfileFamilies(outcome, options, previousText)));
}

/** A run that could tell replaces its whole group (PUT); a failed one adds its failure metrics only (POST). */
export async function pushMetrics(outcome: RunOutcome, options: MetricsOptions, io: ExportIo): Promise<void> {
  const endpoint = options.pushgateway!;
  const target = targetOf(outcome, options);
  if (target === undefined) {
    throw new GitdiffError(`Pushgateway ${endpoint.url.href}: nothing pushed: the run failed before it named its target`, {
      hint: 'give --target NAME so failed runs are pushed to the same group as the successful ones',
    });
  }
  const grouping = groupLabels(outcome.source, target, options.labels);
  const success = isSuccess(outcome.report);
  const families = success
    ? successMetrics(outcome.report!, grouping, timesOf(outcome), options.perObject)
    : failureMetrics(grouping, timesOf(outcome));
  await push({
    endpoint, job: options.job, grouping, method: success ? 'PUT' : 'POST', body: renderExposition(families),
    signal: io.signal, log: io.log, timeoutMs: io.timeoutMs,
  });
}

/** Exports to every destination asked for, even when one fails; returns the failures. */
export async function exportMetrics(outcome: RunOutcome, options: MetricsOptions, io: ExportIo = {}): Promise<GitdiffError[]> {
  const failures: GitdiffError[] = [];
  const attempt = async (write: () => void | Promise<void>) => {
    try {
      await write();
    } catch (error) {
      failures.push(error instanceof GitdiffError ? error : new GitdiffError(`metrics export failed: ${(error as Error).message}`, { cause: error }));
    }
  };
  if (options.textfile) await attempt(() => writeTextfile(options.textfile!, outcome, options));
  if (options.pushgateway) await attempt(() => pushMetrics(outcome, options, io));
  return failures;
}
