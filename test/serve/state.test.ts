// How runs fold into a check's status, and what /metrics says about it.
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/metrics/exposition.js';
import type { Report } from '../../src/report.js';
import { sources } from '../../src/sources/index.js';
import { parseServeConfig } from '../../src/serve/checks-file.js';
import { checkFamilies, checksExposition } from '../../src/serve/metrics.js';
import { carryStatuses, newStatus, recordRun, runRecord, verdictOf, type CheckStatus } from '../../src/serve/state.js';
import { itWith } from '../support/binaries.js';
import { expire } from '../../src/serve/drift/converge.js';
import { emptyTracked } from '../../src/serve/drift/events.js';
import { track } from '../../src/serve/drift/track.js';
import { divergedReport, failedReport, inSyncReport } from '../support/sample-reports.js';
import { expectPromtoolAccepts, INSTALL, valueOf } from '../support/prometheus.js';

const parse = (text: string) => parseServeConfig(text, '/srv/gitdiff.yaml', sources, {}).checks;
const [example, infra] = parse(`checks:
  - {name: example, command: [kube, m, --metrics-per-object, --metrics-label, env=prod]}
  - {name: infra, command: [terraform, infra]}
`);

type Outcome = 'in-sync' | 'diverged' | 'partial' | 'threw';
const reports: Record<Exclude<Outcome, 'threw'>, () => Report> = { 'in-sync': inSyncReport, diverged: divergedReport, partial: failedReport };

/** Runs `outcomes` in order, one a minute from t = 1000 s; each ends 2 s after it starts. */
function history(outcomes: Outcome[], status: CheckStatus = newStatus(example)): CheckStatus {
  return outcomes.reduce((current, outcome, index) => {
    const startedAt = 1_000_000 + index * 60_000;
    const result = outcome === 'threw' ? { error: { message: 'no such file' } } : { report: reports[outcome]() };
    return recordRun(current, runRecord(startedAt, startedAt + 2000, result));
  }, status);
}

describe('recordRun', () => {
  it.each<[string, Outcome[], string, number | undefined, number | undefined]>([
    ['nothing yet', [], 'pending', undefined, undefined],
    ['in sync', ['in-sync'], 'in-sync', undefined, 1_002_000],
    ['a divergence starts when first seen', ['in-sync', 'diverged'], 'diverged', 1_062_000, 1_062_000],
    ['and lasts while it is seen again', ['diverged', 'diverged', 'diverged'], 'diverged', 1_002_000, 1_122_000],
    ['a run that threw neither ends nor restarts it', ['diverged', 'threw', 'diverged'], 'diverged', 1_002_000, 1_122_000],
    ['a partial report neither', ['diverged', 'partial'], 'error', 1_002_000, 1_002_000],
    ['an in-sync run ends it', ['diverged', 'threw', 'in-sync'], 'in-sync', undefined, 1_122_000],
    ['failure first: no success yet', ['threw'], 'error', undefined, undefined],
  ])('%s', (_case, outcomes, verdict, divergedSince, lastSuccessAt) => {
    const status = history(outcomes);
    expect(verdictOf(status)).toBe(verdict);
    expect(status.divergedSince).toBe(divergedSince);
    expect(status.lastSuccess?.endedAt).toBe(lastSuccessAt);
    expect(status.runs).toBe(outcomes.length);
  });

  it('shows `converging` while all drift came with a commit within converge-within; the run stays diverged, exit 1', () => {
    const settings = { check: 'example', convergeWithinMs: 300_000 };
    const before = track(emptyTracked(), inSyncReport({ revision: 'a' }), { ...settings, at: 1_000_000 }).state;
    const converging = track(before, divergedReport({ revision: 'b' }), { ...settings, at: 1_062_000 }).state;
    const status = history(['in-sync', 'diverged']);
    expect([verdictOf(status, converging), status.lastRun!.verdict, status.lastRun!.exitCode]).toEqual(['converging', 'diverged', 1]);
    expect(verdictOf(status, expire(converging, { ...settings, at: 1_362_000 }).state)).toBe('diverged');
    // Drift with no commit, a failed run, and no drift state at all are what the run says.
    expect(verdictOf(status, track(before, divergedReport({ revision: 'a' }), { ...settings, at: 1_062_000 }).state)).toBe('diverged');
    expect(verdictOf(history(['in-sync', 'diverged', 'threw']), converging)).toBe('error');
    expect(verdictOf(status)).toBe('diverged');
  });

  it('gives each run the exit status the same command line would have', () => {
    expect(['in-sync', 'diverged', 'partial', 'threw'].map((outcome) => history([outcome as Outcome]).lastRun!.exitCode)).toEqual([0, 1, 2, 2]);
  });
});

describe('carryStatuses', () => {
  it('keeps the history of a check whose command is unchanged, and starts changed and new ones afresh', () => {
    const before = new Map([['example', history(['diverged'])], ['infra', history(['in-sync'], newStatus(infra))]]);
    const [sameCommandNewInterval, changed, added] = parse(`checks:
  - {name: example, command: [kube, m, --metrics-per-object, --metrics-label, env=prod], interval: 1m}
  - {name: infra, command: [terraform, infra, --refresh-only]}
  - {name: added, command: [kube, n]}
`);
    const after = carryStatuses(before, [sameCommandNewInterval, changed, added]);
    expect(after.get('example')).toMatchObject({ runs: 1, divergedSince: 1_002_000, check: { intervalMs: 60_000 } });
    expect(after.get('infra')).toEqual(newStatus(changed));
    expect(after.get('added')).toEqual(newStatus(added));
  });
});

describe('checkFamilies', () => {
  const labels = { source: 'kube', target: 'example', env: 'prod' };

  it('publishes nothing before the first run ends', () => {
    expect(checkFamilies(newStatus(example))).toEqual([]);
  });

  it('publishes the whole metric set of a run that could tell, with the per-object series asked for', () => {
    const families = checkFamilies(history(['diverged']));
    expect(valueOf(families, 'gitdiff_diverged', labels)).toBe(1);
    expect(valueOf(families, 'gitdiff_objects', { ...labels, status: 'missing' })).toBe(1);
    expect(valueOf(families, 'gitdiff_object_diverged', { ...labels, name: 'redis' })).toBe(1);
    expect(valueOf(families, 'gitdiff_last_success_timestamp_seconds', labels)).toBe(1002);
  });

  it('keeps the verdict of the last run that could tell while runs fail', () => {
    const families = checkFamilies(history(['diverged', 'partial', 'threw']));
    expect(valueOf(families, 'gitdiff_run_success', labels)).toBe(0);
    expect(valueOf(families, 'gitdiff_last_run_timestamp_seconds', labels)).toBe(1122);
    expect(valueOf(families, 'gitdiff_diverged', labels)).toBe(1);
    expect(valueOf(families, 'gitdiff_objects', { ...labels, status: 'error' })).toBe(0);
    expect(valueOf(families, 'gitdiff_object_diverged', { ...labels, name: 'queue' })).toBe(1);
    expect(valueOf(families, 'gitdiff_last_success_timestamp_seconds', labels)).toBe(1002);
  });

  it('publishes only the failure metrics of a check that never could tell', () => {
    const families = checkFamilies(history(['threw']));
    expect(families.map((family) => family.name)).toEqual(['gitdiff_run_success', 'gitdiff_last_run_timestamp_seconds', 'gitdiff_run_duration_seconds']);
  });

  itWith(['promtool'], INSTALL)('writes one exposition for every check that promtool accepts', () => {
    const text = checksExposition([history(['diverged', 'threw']), history(['in-sync'], newStatus(infra)), newStatus(example)]);
    expectPromtoolAccepts(text);
    const families = parseExposition(text);
    expect(valueOf(families, 'gitdiff_diverged', { target: 'infra' })).toBe(0);
    expect(valueOf(families, 'gitdiff_diverged', { target: 'example' })).toBe(1);
  });
});
