import { describe, expect, it } from 'vitest';
import { renderExposition } from '../../src/metrics/exposition.js';
import {
  carriedVerdict, failureMetrics, groupLabels, objectSamples, refLabelName, successMetrics,
  type MetricFamily,
} from '../../src/metrics/metric-set.js';
import type { Item, Report, Status } from '../../src/report.js';
import { cacheDeployment, divergedReport, inSyncReport, reportOf } from '../support/sample-reports.js';

const labels = groupLabels('kube', 'prod');
const times = { endedAt: 1_700_000_000_250, durationMs: 1234 };

function sample(families: MetricFamily[], name: string, extra: Record<string, string> = {}): number | undefined {
  const want = { ...labels, ...extra };
  return families.find((each) => each.name === name)?.samples.find((each) => JSON.stringify(each.labels) === JSON.stringify(want))?.value;
}

describe('successMetrics', () => {
  it.each<[string, Report, number, Partial<Record<string, number>>]>([
    ['in sync', inSyncReport(), 0, { in_sync: 2, diverged: 0, missing: 0 }],
    ['diverged and missing', divergedReport(), 1, { in_sync: 1, diverged: 1, missing: 1 }],
    ['an orphan (extra)', reportOf([cacheDeployment('extra', 'old')]), 1, { extra: 1, in_sync: 0 }],
    ['unchecked only (ansible without check mode support)', reportOf([cacheDeployment('unchecked', 'cmd')]), 0, { unchecked: 1 }],
    ['nothing declared', reportOf([]), 0, { in_sync: 0, diverged: 0 }],
  ])('%s: gitdiff_diverged %d and the counts by status', (_name, input, diverged, counts) => {
    const families = successMetrics(input, labels, times, false);
    expect(sample(families, 'gitdiff_diverged')).toBe(diverged);
    for (const [status, count] of Object.entries(counts)) expect(sample(families, 'gitdiff_objects', { status })).toBe(count);
    expect(sample(families, 'gitdiff_run_success')).toBe(1);
  });

  it('exports every status, zeros included, so a series never vanishes between runs', () => {
    const objects = successMetrics(inSyncReport(), labels, times, false).find((each) => each.name === 'gitdiff_objects')!;
    expect(objects.samples.map((each) => each.labels.status)).toEqual(['in_sync', 'diverged', 'missing', 'extra', 'unchecked', 'error']);
  });

  it('stamps the last run and the last success with the end of the run, in seconds, and the duration in seconds', () => {
    const families = successMetrics(inSyncReport(), labels, times, false);
    expect(sample(families, 'gitdiff_last_run_timestamp_seconds')).toBe(1_700_000_000.25);
    expect(sample(families, 'gitdiff_last_success_timestamp_seconds')).toBe(1_700_000_000.25);
    expect(sample(families, 'gitdiff_run_duration_seconds')).toBe(1.234);
  });

  it('leaves per-object series out unless asked for', () => {
    expect(successMetrics(divergedReport(), labels, times, false).map((each) => each.name)).not.toContain('gitdiff_object_diverged');
    const perObject = successMetrics(divergedReport(), labels, times, true).find((each) => each.name === 'gitdiff_object_diverged')!;
    expect(perObject.samples.map((each) => each.labels.name).sort()).toEqual(['queue', 'redis']);
  });

  it('never puts a compared value into a label or anywhere else in the exposition', () => {
    const secretItem = cacheDeployment('diverged', 'creds', {
      changes: [{ path: 'data.password', declared: 'hunter2-declared', live: 'hunter2-live', sensitive: true }],
      error: 'x', details: { value: 'hunter2-detail' }, notes: ['hunter2-note'],
    });
    const text = renderExposition(successMetrics(reportOf([secretItem]), labels, times, true));
    expect(text).toContain('name="creds"');
    expect(text).not.toMatch(/hunter2/);
  });
});

describe('failureMetrics', () => {
  it('says only that the run failed, when, and how long it took', () => {
    const families = failureMetrics(labels, times);
    expect(families.map((each) => each.name)).toEqual(['gitdiff_run_success', 'gitdiff_last_run_timestamp_seconds', 'gitdiff_run_duration_seconds']);
    expect(sample(families, 'gitdiff_run_success')).toBe(0);
  });
});

describe('objectSamples', () => {
  const item = (status: Status, ref: Item['ref']): Item => ({ ref, title: 't', status, changes: [] });
  it.each<[string, Item, Record<string, string> | undefined]>([
    ['a namespaced object', item('diverged', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'cache', name: 'redis' }),
      { api_version: 'apps/v1', kind: 'Deployment', namespace: 'cache', name: 'redis' }],
    ['a cluster-scoped object (no namespace label)', item('missing', { apiVersion: 'v1', kind: 'Namespace', namespace: undefined, name: 'cache' }),
      { api_version: 'v1', kind: 'Namespace', name: 'cache' }],
    ['a terraform resource', item('diverged', { address: 'module.net.aws_vpc.main["eu/west"]' }), { address: 'module.net.aws_vpc.main["eu/west"]' }],
    ['an ansible task', item('diverged', { host: 'web-01', task: 'copy "motd"\nfile' }), { host: 'web-01', task: 'copy "motd"\nfile' }],
    ['an orphan', item('extra', { kind: 'ConfigMap', name: 'old' }), { kind: 'ConfigMap', name: 'old' }],
    ['an identity field named like a check label', item('diverged', { target: 'x', status: 'y' }), { object_target: 'x', object_status: 'y' }],
    ['an item in sync', item('in-sync', { name: 'ok' }), undefined],
    ['an item that could not be checked', item('error', { name: 'broken' }), undefined],
    ['an unchecked task', item('unchecked', { task: 'shell' }), undefined],
  ])('%s', (_name, input, expected) => {
    const samples = objectSamples([input], labels);
    expect(samples).toEqual(expected === undefined ? [] : [{ labels: { ...labels, ...expected }, value: 1 }]);
  });

  it('merges items with the same identity into one series (duplicates make node_exporter drop the file)', () => {
    const twice = [1, 2].map(() => item('diverged', { host: 'web-01', task: 'restart' }));
    expect(objectSamples(twice, labels)).toHaveLength(1);
  });
});

describe('refLabelName', () => {
  it.each([
    ['apiVersion', 'api_version'],
    ['kind', 'kind'],
    ['task', 'task'],
    ['source', 'object_source'],
    ['env', 'object_env'],
    ['with-dash', 'with_dash'],
    ['1st', '_1st'],
    ['__name', 'object__name'],
  ])('%s -> %s', (key, name) => {
    expect(refLabelName(key, { ...labels, env: 'prod' })).toBe(name);
  });
});

describe('carriedVerdict', () => {
  it('keeps the verdict of the same group only, and never the run metrics', () => {
    const other = groupLabels('kube', 'staging');
    const previous = [
      ...successMetrics(divergedReport(), labels, times, true),
      ...successMetrics(inSyncReport(), other, times, false),
    ];
    const carried = carriedVerdict(previous, labels);
    expect(carried.map((each) => each.name)).toEqual([
      'gitdiff_diverged', 'gitdiff_objects', 'gitdiff_last_success_timestamp_seconds', 'gitdiff_object_diverged',
    ]);
    expect(carried.flatMap((each) => each.samples).every((each) => each.labels.target === 'prod')).toBe(true);
    expect(sample(carried, 'gitdiff_diverged')).toBe(1);
  });
});
