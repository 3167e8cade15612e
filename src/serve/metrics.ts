// /metrics: docs/metrics.md's metric set for every check (target = the check's
// name), computed on each scrape from the checks' last runs with the same
// functions the textfile and Pushgateway exports use, followed by prom-client's
// registry: process and Node.js metrics, a run-duration histogram per check,
// and whether the last config reload worked. Then serve's drift metrics, which
// only serve has (it remembers drift between runs): the oldest current drift,
// whether a check is converging, drift events by kind, and how long commits
// took to converge (docs/metrics.md "gitdiff serve's own metrics").
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { renderExposition } from '../metrics/exposition.js';
import {
  carriedVerdict, failureMetrics, groupLabels, orderFamilies, successMetrics, type MetricFamily,
} from '../metrics/metric-set.js';
import type { Check } from './checks-file.js';
import { driftPhase } from './drift/converge.js';
import type { DriftEvent, DriftEventKind, TrackedCheck } from './drift/events.js';
import type { CheckStatus, RunRecord } from './state.js';
import type { DeliveryOutcome } from './webhook/sender.js';
import type { Shard } from './shard.js';

const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Run durations span a snapshot read (milliseconds) to a large terraform plan (minutes). */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** Convergence spans a controller's next sync (seconds) to a rollout held for a day. */
const CONVERGENCE_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600, 86400];

/** serve's own metric names, beside the shared set (METRIC in src/metrics/metric-set.ts). */
export const SERVE_METRIC = {
  checkDuration: 'gitdiff_check_duration_seconds',
  oldestDrift: 'gitdiff_drift_oldest_first_seen_timestamp_seconds',
  converging: 'gitdiff_check_converging',
  driftEvents: 'gitdiff_drift_events_total',
  convergence: 'gitdiff_convergence_duration_seconds',
  reloadSuccess: 'gitdiff_serve_config_last_reload_successful',
  reloadTime: 'gitdiff_serve_config_last_reload_success_timestamp_seconds',
} as const;

const EVENT_KINDS: readonly DriftEventKind[] = ['appeared', 'changed', 'resolved', 'committed', 'converged', 'diverged'];

function labelsOf(check: Check) {
  return groupLabels(check.source.name, check.name, check.labels);
}

function timesOf(run: RunRecord) {
  return { endedAt: run.endedAt, durationMs: run.durationMs };
}

/**
 * One check's families. A run that could not tell publishes only its failure
 * metrics and keeps the verdict of the last run that could (the rule of
 * docs/metrics.md); nothing at all before the first run ends.
 */
export function checkFamilies(status: CheckStatus): MetricFamily[] {
  const { lastRun, lastSuccess, check } = status;
  if (!lastRun) return [];
  const labels = labelsOf(check);
  if (lastRun.verdict !== 'error') return successMetrics(lastRun.report!, labels, timesOf(lastRun), check.perObject);
  const carried = lastSuccess ? carriedVerdict(successMetrics(lastSuccess.report!, labels, timesOf(lastSuccess), check.perObject), labels) : [];
  return [...carried, ...failureMetrics(labels, timesOf(lastRun))];
}

export function checksExposition(statuses: Iterable<CheckStatus>): string {
  return renderExposition(orderFamilies([...statuses].flatMap(checkFamilies)));
}

/**
 * The drift gauges, from what the drift keeper remembers: like the verdict, a
 * run that could not tell changes neither. The oldest drift counts diverged
 * items only (converging ones have their grace period), and is absent, not 0,
 * when there is none: `time() - 0` would be a 56-year-old drift to every rule.
 */
export function driftFamilies(checks: Iterable<{ status: CheckStatus; tracked: TrackedCheck }>): MetricFamily[] {
  const oldest: MetricFamily = {
    name: SERVE_METRIC.oldestDrift, type: 'gauge', samples: [],
    help: 'Unix time when the oldest item of the check that differs from Git (diverged, not converging) was first seen; absent when none does.',
  };
  const converging: MetricFamily = {
    name: SERVE_METRIC.converging, type: 'gauge', samples: [],
    help: '1 when all the check differs by came with a commit still within its converge-within, else 0.',
  };
  for (const { status, tracked } of checks) {
    if (!status.lastRun) continue;
    const labels = { source: status.check.source.name, target: status.check.name };
    const firstSeen = [...tracked.items.values()].filter((item) => item.phase === 'diverged').map((item) => item.firstSeen);
    if (firstSeen.length > 0) oldest.samples.push({ labels, value: Math.min(...firstSeen) / 1000 });
    converging.samples.push({ labels, value: driftPhase(tracked.items) === 'converging' ? 1 : 0 });
  }
  return [oldest, converging];
}

export class ServeMetrics {
  private readonly registry = new Registry();
  private readonly runDuration = new Histogram({
    name: SERVE_METRIC.checkDuration,
    help: 'How long the runs of each check took, in seconds, whatever their outcome.',
    labelNames: ['source', 'target'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  /** Names of the checks whose drift counters exist (at 0 at least); a name is unique in the config. */
  private readonly counted = new Set<string>();
  private readonly driftEvents = new Counter({
    name: SERVE_METRIC.driftEvents,
    help: 'Drift events of each check since serve started, by kind: appeared, changed, resolved, committed, converged, diverged.',
    labelNames: ['source', 'target', 'event'],
    registers: [this.registry],
  });
  private readonly convergence = new Histogram({
    name: SERVE_METRIC.convergence,
    help: 'How long each commit took to converge, in seconds: from the run that first saw the new revision to the first run that found no drift.',
    labelNames: ['source', 'target'],
    buckets: CONVERGENCE_BUCKETS,
    registers: [this.registry],
  });
  private readonly reloadSuccess = new Gauge({
    name: SERVE_METRIC.reloadSuccess,
    help: '1 when the last config load (at start or on SIGHUP) was accepted, 0 when it was refused and the previous config kept.',
    registers: [this.registry],
  });
  private readonly reloadTime = new Gauge({
    name: SERVE_METRIC.reloadTime,
    help: 'Unix time of the last accepted config load.',
    registers: [this.registry],
  });

  private readonly webhookDeliveries = new Counter({
    name: 'gitdiff_webhook_deliveries_total',
    help: "Webhook deliveries of each check's drift events, by outcome: delivered, failed (after its retries) or dropped (the check's queue was full).",
    labelNames: ['target', 'outcome'],
    registers: [this.registry],
  });

  private readonly shardInfo = new Gauge({
    name: 'gitdiff_serve_shard_info',
    help: 'With --shard: 1, labelled with this replica\'s shard index and the number of shards.',
    labelNames: ['index', 'count'],
    registers: [this.registry],
  });
  private readonly shardSkipped = new Gauge({
    name: 'gitdiff_serve_shard_skipped_checks',
    help: 'With --shard: the checks of the file this replica leaves to the other replicas.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters, which `promtool check metrics` rejects; their per-type
    // siblings (nodejs_active_handles{type=...} and so on) carry the same numbers.
    for (const name of LINT_FAILING_DEFAULTS) this.registry.removeSingleMetric(name);
  }

  readonly contentType = this.registry.contentType;

  observeRun(check: Check, run: RunRecord): void {
    this.runDuration.observe({ source: check.source.name, target: check.name }, run.durationMs / 1000);
  }

  /** A check's drift events, as the drift keeper stored them. */
  observeEvents(check: Check, events: readonly DriftEvent[]): void {
    const labels = { source: check.source.name, target: check.name };
    this.startCounting(check);
    for (const event of events) {
      this.driftEvents.inc({ ...labels, event: event.kind });
      if (event.kind === 'converged') this.convergence.observe(labels, (event.convergedInMs ?? 0) / 1000);
    }
  }

  /** A check that left the config leaves /metrics too. */
  forget(check: Check): void {
    const labels = { source: check.source.name, target: check.name };
    this.runDuration.remove(labels);
    this.convergence.remove(labels);
    for (const event of EVENT_KINDS) this.driftEvents.remove({ ...labels, event });
    this.counted.delete(check.name);
  }

  webhookDelivery(check: string, outcome: DeliveryOutcome): void {
    this.webhookDeliveries.inc({ target: check, outcome });
  }

  shardLoaded(shard: Shard, skipped: number): void {
    this.shardInfo.set({ index: String(shard.index), count: String(shard.count) }, 1);
    this.shardSkipped.set(skipped);
  }

  configLoaded(accepted: boolean, at: number): void {
    this.reloadSuccess.set(accepted ? 1 : 0);
    if (accepted) this.reloadTime.set(Math.round(at) / 1000);
  }

  /**
   * The metric set, serve's drift gauges (when `trackedOf` tells each check's drift state), then the registry.
   * Every check's counters exist from its first scrape at 0, so increase() sees its first event.
   */
  async exposition(statuses: Iterable<CheckStatus>, trackedOf?: (check: string) => TrackedCheck): Promise<string> {
    const list = [...statuses];
    for (const status of list) this.startCounting(status.check);
    const drift = trackedOf ? renderExposition(driftFamilies(list.map((status) => ({ status, tracked: trackedOf(status.check.name) })))) : '';
    return checksExposition(list) + drift + (await this.registry.metrics());
  }

  /** Once per check (zero() would reset a histogram that has observations). */
  private startCounting(check: Check): void {
    if (this.counted.has(check.name)) return;
    this.counted.add(check.name);
    const labels = { source: check.source.name, target: check.name };
    for (const event of EVENT_KINDS) this.driftEvents.inc({ ...labels, event }, 0);
    this.convergence.zero(labels);
  }
}
