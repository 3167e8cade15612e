// serve's own drift metrics on /metrics: the oldest drift, converging, events
// by kind and convergence times, beside an unchanged shared metric set.
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/metrics/exposition.js';
import { sources } from '../../src/sources/index.js';
import { parseServeConfig } from '../../src/serve/checks-file.js';
import { emptyTracked, type DriftEvent, type TrackedCheck } from '../../src/serve/drift/events.js';
import { track } from '../../src/serve/drift/track.js';
import { checksExposition, ServeMetrics, SERVE_METRIC } from '../../src/serve/metrics.js';
import { newStatus, recordRun, runRecord, type CheckStatus } from '../../src/serve/state.js';
import type { Report } from '../../src/report.js';
import { itWith } from '../support/binaries.js';
import { expectPromtoolAccepts, INSTALL, valueOf } from '../support/prometheus.js';
import { divergedReport, inSyncReport } from '../support/sample-reports.js';

const itPromtool = itWith(['promtool'], INSTALL);
const MINUTE = 60_000;
const [web, infra, fresh] = parseServeConfig(`checks:
  - {name: web, command: [kube, m], converge-within: 5m}
  - {name: infra, command: [terraform, infra]}
  - {name: fresh, command: [kube, n]}
`, '/srv/gitdiff.yaml', sources, {}).checks;

/** Runs `reports` on a check, a minute apart from t = 1000 s: its status, drift state and every event. */
function runs(check: typeof web, reports: Report[]): { status: CheckStatus; tracked: TrackedCheck; events: DriftEvent[] } {
  let status = newStatus(check);
  let tracked = emptyTracked();
  const events: DriftEvent[] = [];
  reports.forEach((report, index) => {
    const at = 1_000_000 + index * MINUTE;
    status = recordRun(status, runRecord(at - 1000, at, { report }));
    const result = track(tracked, report, { check: check.name, at, convergeWithinMs: check.convergeWithinMs });
    tracked = result.state;
    events.push(...result.events);
  });
  return { status, tracked, events };
}

async function scrape() {
  // web: a commit whose drift converged in a minute, then a second commit still converging.
  const converging = runs(web, [inSyncReport({ revision: 'a' }), divergedReport({ revision: 'b' }), inSyncReport({ revision: 'b' }), divergedReport({ revision: 'c' })]);
  // infra: drift with no revision, first seen at the first run, still there.
  const diverged = runs(infra, [divergedReport({ source: 'terraform' }), divergedReport({ source: 'terraform' })]);
  const metrics = new ServeMetrics();
  metrics.observeEvents(web, converging.events);
  metrics.observeEvents(infra, diverged.events);
  const states = new Map([['web', converging.tracked], ['infra', diverged.tracked]]);
  const statuses = [converging.status, diverged.status, newStatus(fresh)];
  const body = await metrics.exposition(statuses, (name) => states.get(name) ?? emptyTracked());
  return { body, families: parseExposition(body), statuses };
}

describe("serve's drift metrics", () => {
  it('the oldest drift is a timestamp of diverged drift only, absent when there is none; converging is 0 or 1', async () => {
    const { families } = await scrape();
    const web = { source: 'kube', target: 'web' };
    const infra = { source: 'terraform', target: 'infra' };
    expect(valueOf(families, SERVE_METRIC.oldestDrift, infra)).toBe(1000);
    expect(valueOf(families, SERVE_METRIC.oldestDrift, web)).toBeUndefined();
    expect([valueOf(families, SERVE_METRIC.converging, web), valueOf(families, SERVE_METRIC.converging, infra)]).toEqual([1, 0]);
    // Nothing before a check's first run, as with the shared metric set.
    expect(valueOf(families, SERVE_METRIC.converging, { target: 'fresh' })).toBeUndefined();
  });

  it('counts every event kind, zeros included, and observes each convergence time', async () => {
    const { families } = await scrape();
    const count = (target: string, event: string) => valueOf(families, SERVE_METRIC.driftEvents, { target, event });
    expect(['appeared', 'changed', 'resolved', 'committed', 'converged', 'diverged'].map((event) => count('web', event))).toEqual([4, 0, 2, 2, 1, 0]);
    expect(['appeared', 'diverged', 'committed'].map((event) => count('infra', event))).toEqual([2, 1, 0]);
    // A check with no event yet is counted from 0, so a rule's increase() sees its first one.
    expect(count('fresh', 'appeared')).toBe(0);
    const bucket = (le: string) => valueOf(families, `${SERVE_METRIC.convergence}_bucket`, { target: 'web', le });
    expect([bucket('30'), bucket('60'), valueOf(families, `${SERVE_METRIC.convergence}_sum`, { target: 'web' })]).toEqual([0, 1, 60]);
    expect(valueOf(families, `${SERVE_METRIC.convergence}_count`, { target: 'fresh' })).toBe(0);
  });

  it('leaves the shared metric set as it is: a converging check is still gitdiff_diverged 1', async () => {
    const { body, statuses } = await scrape();
    expect(body.startsWith(checksExposition(statuses))).toBe(true);
    expect(valueOf(parseExposition(body), 'gitdiff_diverged', { target: 'web' })).toBe(1);
  });

  itPromtool('passes promtool check metrics', async () => {
    expectPromtoolAccepts((await scrape()).body);
  });

  it('a check removed from the config leaves the drift metrics too', async () => {
    const metrics = new ServeMetrics();
    const { status, tracked, events } = runs(web, [inSyncReport({ revision: 'a' }), divergedReport({ revision: 'b' })]);
    metrics.observeEvents(web, events);
    metrics.forget(web);
    const body = await metrics.exposition([], () => tracked);
    expect(body).not.toContain('target="web"');
    expect(status.runs).toBe(2);
  });
});
