// The Pushgateway writer against a real Pushgateway (no persistence), and
// against a local server that misbehaves (hangs, fails once) for timeouts and retries.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportMetrics, type RunOutcome } from '../../src/metrics/export.js';
import type { MetricsOptions, PushgatewayEndpoint } from '../../src/metrics/options.js';
import { groupingPath } from '../../src/metrics/pushgateway.js';
import type { Report } from '../../src/report.js';
import { itWith } from '../support/binaries.js';
import {
  freePort, INSTALL, PUSHGATEWAY_PASSWORD, PUSHGATEWAY_USER, scrape, startPushgateway, valueOf, type Component,
} from '../support/prometheus.js';
import { divergedReport, failedReport, inSyncReport } from '../support/sample-reports.js';

describe('groupingPath', () => {
  it.each([
    ['plain values', 'gitdiff', { source: 'kube', target: 'prod-eu_1.a~b' }, '/metrics/job/gitdiff/source/kube/target/prod-eu_1.a~b'],
    ['a slash (a terraform directory)', 'gitdiff', { source: 'terraform', target: 'infra/prod' }, '/metrics/job/gitdiff/source/terraform/target@base64/aW5mcmEvcHJvZA'],
    ['an empty value', 'gitdiff', { source: 'kube', target: '' }, '/metrics/job/gitdiff/source/kube/target@base64/='],
    ['a dot (the URL parser would drop the segment)', 'gitdiff', { target: '.' }, '/metrics/job/gitdiff/target@base64/Lg'],
    ['two dots', 'gitdiff', { target: '..' }, '/metrics/job/gitdiff/target@base64/Li4'],
    ['a space and unicode', 'drift job', { target: 'prod été' }, '/metrics/job@base64/ZHJpZnQgam9i/target@base64/cHJvZCDDqXTDqQ'],
  ])('%s', (_name, job, grouping, expected) => {
    expect(groupingPath(job, grouping)).toBe(expected);
  });
});

const itPushgateway = itWith(['prometheus-pushgateway'], INSTALL);
let pushgateway: Component | undefined;
let securedPushgateway: Component | undefined;
let webConfigDirectory: string;

beforeAll(async () => {
  webConfigDirectory = mkdtempSync(path.join(tmpdir(), 'gitdiff-pushgateway-'));
  if (itPushgateway === it) {
    [pushgateway, securedPushgateway] = await Promise.all([startPushgateway(), startPushgateway({ basicAuthIn: webConfigDirectory })]);
  }
});
afterAll(async () => {
  await Promise.all([pushgateway?.stop(), securedPushgateway?.stop()]);
  rmSync(webConfigDirectory, { recursive: true, force: true });
});

function endpoint(url: string, username?: string, password?: string): PushgatewayEndpoint {
  return { url: new URL(url), username, password };
}

function options(url: string, overrides: Partial<MetricsOptions> = {}): MetricsOptions {
  return { pushgateway: endpoint(url), job: 'gitdiff', labels: {}, perObject: false, ...overrides };
}

function outcome(report: Report | undefined, endedAt: number): RunOutcome {
  return { source: report?.source ?? 'terraform', report, startedAt: endedAt - 1000, endedAt };
}

const group = { job: 'gitdiff', source: 'terraform', target: 'infra/prod' };
const terraform = { source: 'terraform', target: 'infra/prod' };

describe('pushing to a real Pushgateway', () => {
  itPushgateway('holds a divergence; a second run replaces the whole group; a failed run keeps the verdict and last success', async () => {
    const perObject = options(pushgateway!.url, { perObject: true });
    expect(await exportMetrics(outcome(divergedReport(terraform), 1_700_000_000_000), perObject)).toEqual([]);
    let families = await scrape(pushgateway!);
    expect(valueOf(families, 'gitdiff_diverged', group)).toBe(1);
    expect(valueOf(families, 'gitdiff_object_diverged', { ...group, name: 'redis' })).toBe(1);
    expect(valueOf(families, 'push_failure_time_seconds', group)).toBe(0);

    expect(await exportMetrics(outcome(inSyncReport(terraform), 1_700_000_600_000), perObject)).toEqual([]);
    families = await scrape(pushgateway!);
    expect(valueOf(families, 'gitdiff_diverged', group)).toBe(0);
    expect(valueOf(families, 'gitdiff_object_diverged', { ...group, name: 'redis' }), 'PUT dropped the fixed object').toBeUndefined();

    expect(await exportMetrics(outcome(divergedReport(terraform), 1_700_001_200_000), perObject)).toEqual([]);
    expect(await exportMetrics(outcome(failedReport(terraform), 1_700_001_800_000), perObject)).toEqual([]);
    families = await scrape(pushgateway!);
    expect(valueOf(families, 'gitdiff_run_success', group)).toBe(0);
    expect(valueOf(families, 'gitdiff_diverged', group)).toBe(1);
    expect(valueOf(families, 'gitdiff_objects', { ...group, status: 'missing' })).toBe(1);
    expect(valueOf(families, 'gitdiff_object_diverged', { ...group, name: 'queue' })).toBe(1);
    expect(valueOf(families, 'gitdiff_last_success_timestamp_seconds', group)).toBe(1_700_001_200);
    expect(valueOf(families, 'gitdiff_last_run_timestamp_seconds', group)).toBe(1_700_001_800);
  });

  itPushgateway('keeps groups apart by target, job and extra labels, empty values included', async () => {
    const cases: [Partial<MetricsOptions>, Report, Record<string, string>][] = [
      [{ job: 'drift' }, divergedReport({ target: 'a/b' }), { job: 'drift', source: 'kube', target: 'a/b' }],
      [{ job: 'drift', labels: { env: 'prod', region: '' } }, inSyncReport({ target: 'a/b' }), { job: 'drift', target: 'a/b', env: 'prod' }],
      [{ target: '' }, divergedReport(), { job: 'gitdiff', source: 'kube', target: '' }],
    ];
    for (const [overrides, input] of cases) expect(await exportMetrics(outcome(input, Date.now()), options(pushgateway!.url, overrides))).toEqual([]);
    const families = await scrape(pushgateway!);
    const diverged = families.find((each) => each.name === 'gitdiff_diverged')!.samples;
    expect(diverged.filter((each) => each.labels.job === 'drift').map((each) => [each.labels.env ?? '', each.value]).sort()).toEqual([['', 1], ['prod', 0]]);
    expect(valueOf(families, 'gitdiff_diverged', cases[2][2])).toBe(1);
  });

  itPushgateway('pushes with basic auth from the URL or the environment; a wrong password fails without echoing it', async () => {
    const url = new URL(securedPushgateway!.url);
    const withAuth = (username?: string, password?: string) => ({ ...options(url.href), pushgateway: endpoint(url.href, username, password) });
    expect(await exportMetrics(outcome(divergedReport(), Date.now()), withAuth(PUSHGATEWAY_USER, PUSHGATEWAY_PASSWORD))).toEqual([]);
    expect(valueOf(await scrape(securedPushgateway!), 'gitdiff_diverged', { source: 'kube', target: 'prod' })).toBe(1);

    const [failure] = await exportMetrics(outcome(inSyncReport(), Date.now()), withAuth(PUSHGATEWAY_USER, 'wrong-password-9f3'));
    expect(failure.message).toBe(`Pushgateway ${url.href}: PUT /metrics/job/gitdiff/source/kube/target/prod failed: HTTP 401: Unauthorized`);
    expect(failure.hint).toContain('check the credentials');
    expect(JSON.stringify([failure.message, failure.hint])).not.toContain('wrong-password-9f3');
  });
});

describe('a Pushgateway that is down, slow or failing', () => {
  it('down: one error naming the server without its credentials, after one retry', async () => {
    const port = await freePort();
    const down = { ...options(`http://127.0.0.1:${port}`), pushgateway: endpoint(`http://127.0.0.1:${port}`, 'alice', 'hunter2') };
    const [failure] = await exportMetrics(outcome(inSyncReport(), Date.now()), down);
    expect(failure.message).toBe(`Pushgateway http://127.0.0.1:${port}/: PUT /metrics/job/gitdiff/source/kube/target/prod failed: connection refused`);
    expect(failure.message).not.toMatch(/alice|hunter2/);
  });

  it('hangs: gives up after the timeout, tried twice; fails once with 503: the retry succeeds', async () => {
    const requests: string[] = [];
    let mode: 'hang' | 'flaky' = 'hang';
    const server = http.createServer((request, response) => {
      requests.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
      request.resume();
      if (mode === 'hang') return; // never answers
      response.statusCode = requests.length === 1 ? 503 : 200;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/prefix/`;
    try {
      const [failure] = await exportMetrics(outcome(failedReport(), Date.now()), options(url), { timeoutMs: 300 });
      expect(failure.message).toMatch(/POST \/prefix\/metrics\/job\/gitdiff\/source\/kube\/target\/prod failed: no answer within 0.3 s$/);
      expect(requests).toHaveLength(2);

      requests.length = 0;
      mode = 'flaky';
      const authenticated = { ...options(url), pushgateway: endpoint(url, 'bob', 'pw') };
      expect(await exportMetrics(outcome(inSyncReport(), Date.now()), authenticated, { timeoutMs: 300 })).toEqual([]);
      const basic = `Basic ${Buffer.from('bob:pw').toString('base64')}`;
      expect(requests).toEqual([1, 2].map(() => `PUT /prefix/metrics/job/gitdiff/source/kube/target/prod ${basic}`));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
