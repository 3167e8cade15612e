// /metrics: docs/metrics.md's metric set for every check (target = the check's
// name), computed on each scrape from the checks' last runs with the same
// functions the textfile and Pushgateway exports use, followed by prom-client's
// registry: process and Node.js metrics, a run-duration histogram per check,
// and whether the last config reload worked.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { renderExposition } from '../metrics/exposition.js';
import {
  carriedVerdict, failureMetrics, groupLabels, orderFamilies, successMetrics, type MetricFamily,
} from '../metrics/metric-set.js';
import type { Check } from './checks-file.js';
import type { CheckStatus, RunRecord } from './state.js';
import type { DeliveryOutcome } from './webhook/sender.js';
import type { Shard } from './shard.js';

const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Run durations span a snapshot read (milliseconds) to a large terraform plan (minutes). */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

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

export class ServeMetrics {
  private readonly registry = new Registry();
  private readonly runDuration = new Histogram({
    name: 'gitdiff_check_duration_seconds',
    help: 'How long the runs of each check took, in seconds, whatever their outcome.',
    labelNames: ['source', 'target'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly reloadSuccess = new Gauge({
    name: 'gitdiff_serve_config_last_reload_successful',
    help: '1 when the last config load (at start or on SIGHUP) was accepted, 0 when it was refused and the previous config kept.',
    registers: [this.registry],
  });
  private readonly reloadTime = new Gauge({
    name: 'gitdiff_serve_config_last_reload_success_timestamp_seconds',
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

  /** A check that left the config leaves /metrics too. */
  forget(check: Check): void {
    this.runDuration.remove({ source: check.source.name, target: check.name });
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

  async exposition(statuses: Iterable<CheckStatus>): Promise<string> {
    return checksExposition(statuses) + (await this.registry.metrics());
  }
}
