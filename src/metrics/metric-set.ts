// Report -> metric set: the numbers Prometheus alerts on, as plain data.
// Pure functions only; the writers (textfile, Pushgateway) and `gitdiff
// serve`'s /metrics turn the same families into bytes. All gauges: each value
// describes the last run, and none of them is a counter a restart would reset.
import { STATUSES, couldTell, hasDivergence, isDrift, type Item, type Report, type Status } from '../report.js';

export type Labels = Record<string, string>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge';
  samples: Sample[];
}

export const METRIC = {
  diverged: 'gitdiff_diverged',
  objects: 'gitdiff_objects',
  runSuccess: 'gitdiff_run_success',
  lastRun: 'gitdiff_last_run_timestamp_seconds',
  lastSuccess: 'gitdiff_last_success_timestamp_seconds',
  duration: 'gitdiff_run_duration_seconds',
  objectDiverged: 'gitdiff_object_diverged',
} as const;

const HELP: Record<string, string> = {
  [METRIC.diverged]: '1 when the last completed run found a divergence, 0 when it found everything in sync.',
  [METRIC.objects]: 'Items of the last completed run, by status.',
  [METRIC.runSuccess]: '1 when the last run could tell (exit 0 or 1), 0 when it could not (exit 2).',
  [METRIC.lastRun]: 'Unix time when the last run ended, whatever its outcome.',
  [METRIC.lastSuccess]: 'Unix time when the last run that could tell ended.',
  [METRIC.duration]: 'How long the last run took, in seconds.',
  [METRIC.objectDiverged]: '1 for each item the last completed run found diverged, missing or extra (--metrics-per-object).',
};

/** Written by every run, failed or not. */
export const RUN_METRICS: readonly string[] = [METRIC.runSuccess, METRIC.lastRun, METRIC.duration];
/**
 * The verdict of the last run that could tell. A failed run must not touch
 * them: "could not look" is not "in sync" (terradiff's gauge fell to "no diff"
 * whenever `terraform init` failed, silencing the alert).
 */
export const VERDICT_METRICS: readonly string[] = [METRIC.diverged, METRIC.objects, METRIC.lastSuccess, METRIC.objectDiverged];

/** Metric and label names Prometheus accepts. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The labels that identify one check: source, target and the user's constant labels. */
export function groupLabels(source: string, target: string, extra: Labels = {}): Labels {
  return { source, target, ...extra };
}

/** `in-sync` -> `in_sync`: label values follow the metric naming style. */
function statusLabel(status: Status): string {
  return status.replace(/-/g, '_');
}

function family(name: string, samples: Sample[]): MetricFamily {
  return { name, help: HELP[name], type: 'gauge', samples };
}

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** What one run ended with, as the metrics see it. */
export interface RunTimes {
  /** When the run ended (ms since the epoch). */
  endedAt: number;
  durationMs: number;
}

/** The failure metrics alone: what a run that could not tell is allowed to change. */
export function failureMetrics(labels: Labels, times: RunTimes): MetricFamily[] {
  return [
    family(METRIC.runSuccess, [{ labels, value: 0 }]),
    family(METRIC.lastRun, [{ labels, value: seconds(times.endedAt) }]),
    family(METRIC.duration, [{ labels, value: seconds(times.durationMs) }]),
  ];
}

/** The whole group for a run that could tell: it replaces everything the previous run left. */
export function successMetrics(report: Report, labels: Labels, times: RunTimes, perObject: boolean): MetricFamily[] {
  const counts = new Map<Status, number>(STATUSES.map((status) => [status, 0]));
  for (const item of report.items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  const families = [
    family(METRIC.diverged, [{ labels, value: hasDivergence(report) ? 1 : 0 }]),
    family(
      METRIC.objects,
      STATUSES.map((status) => ({ labels: { ...labels, status: statusLabel(status) }, value: counts.get(status) ?? 0 })),
    ),
    family(METRIC.runSuccess, [{ labels, value: 1 }]),
    family(METRIC.lastRun, [{ labels, value: seconds(times.endedAt) }]),
    family(METRIC.lastSuccess, [{ labels, value: seconds(times.endedAt) }]),
    family(METRIC.duration, [{ labels, value: seconds(times.durationMs) }]),
  ];
  if (perObject) families.push(family(METRIC.objectDiverged, objectSamples(report.items, labels)));
  return families;
}

/** True when the report is a verdict the metrics may publish (exit 0 or 1). */
export function isSuccess(report: Report | undefined): report is Report {
  return report !== undefined && couldTell(report);
}

/**
 * One sample per divergent item, labelled with the item's identity (its `ref`:
 * apiVersion/kind/namespace/name, address, host/task). Only identities become
 * labels, never a compared value, so nothing sensitive can reach Prometheus.
 * Two items with the same identity (a task name repeated on one host) would be
 * duplicate series, which makes node_exporter reject the whole file: they merge.
 */
export function objectSamples(items: readonly Item[], labels: Labels): Sample[] {
  const samples = new Map<string, Sample>();
  for (const item of items) {
    if (!isDrift(item.status)) continue;
    const objectLabels: Labels = { ...labels };
    for (const [key, value] of Object.entries(item.ref)) {
      if (value === undefined || value === '') continue;
      objectLabels[refLabelName(key, labels)] = value;
    }
    samples.set(JSON.stringify(Object.entries(objectLabels).sort()), { labels: objectLabels, value: 1 });
  }
  return [...samples.values()];
}

/** `apiVersion` -> `api_version`; a name the check's own labels already use gets an `object_` prefix. */
export function refLabelName(key: string, taken: Labels): string {
  let name = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z_]/.test(name)) name = `_${name}`;
  if (name.startsWith('__')) name = `object${name}`;
  return name in taken || name === 'status' ? `object_${name}` : name;
}

/** True when every label of `group` is on the sample with the same value. */
export function inGroup(sample: Sample, group: Labels): boolean {
  return Object.entries(group).every(([name, value]) => (sample.labels[name] ?? '') === value);
}

/**
 * The verdict a failed run keeps: the previous run's VERDICT_METRICS samples of
 * this group, unchanged. Everything else in `previous` is dropped.
 */
export function carriedVerdict(previous: readonly MetricFamily[], group: Labels): MetricFamily[] {
  return previous
    .filter((previousFamily) => VERDICT_METRICS.includes(previousFamily.name))
    .map((previousFamily) => family(previousFamily.name, previousFamily.samples.filter((sample) => inGroup(sample, group))))
    .filter((carried) => carried.samples.length > 0);
}

/** Families in a stable order (the order of HELP), merging same-named families. */
export function orderFamilies(families: readonly MetricFamily[]): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const each of families) {
    const existing = byName.get(each.name);
    byName.set(each.name, existing ? { ...existing, samples: [...existing.samples, ...each.samples] } : each);
  }
  return Object.keys(HELP).flatMap((name) => (byName.has(name) ? [byName.get(name)!] : []));
}
