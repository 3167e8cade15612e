// What the CLI needs from the metrics: the flags, their validation, and one
// call after the report is printed. The writers (and everything they import)
// load only when a metrics flag was given, so `gitdiff --version` and runs
// without metrics do not pay for them.
import type { GitdiffError } from '../errors.js';
import type { ExportIo, RunOutcome } from './export.js';
import type { MetricsOptions } from './options.js';

export { addMetricsOptions, metricsOptionsFrom, type MetricsOptions } from './options.js';
export type { RunOutcome } from './export.js';

/** Exports one run's metrics to every destination asked for; returns the failures (none: all written). */
export async function exportRunMetrics(options: MetricsOptions, outcome: RunOutcome, io: ExportIo): Promise<GitdiffError[]> {
  const { exportMetrics } = await import('./export.js');
  return exportMetrics(outcome, options, io);
}
