// The textfile writer on its own: atomic replacement, file mode, temp files,
// and the failure rule (a run that could not tell keeps the previous verdict).
// Every file written here goes through `promtool check metrics`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportMetrics, type RunOutcome } from '../../src/metrics/export.js';
import { parseExposition } from '../../src/metrics/exposition.js';
import type { MetricsOptions } from '../../src/metrics/options.js';
import type { Report } from '../../src/report.js';
import { itWith } from '../support/binaries.js';
import { expectPromtoolAccepts, INSTALL, valueOf } from '../support/prometheus.js';
import { divergedReport, failedReport, inSyncReport } from '../support/sample-reports.js';

const itPromtool = itWith(['promtool'], INSTALL);
let directory: string;
let file: string;

beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'gitdiff-textfile-'));
  file = path.join(directory, 'gitdiff.prom');
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function options(overrides: Partial<MetricsOptions> = {}): MetricsOptions {
  return { textfile: file, job: 'gitdiff', labels: {}, perObject: false, ...overrides };
}

function outcome(report: Report | undefined, endedAt: number): RunOutcome {
  return { source: 'kube', report, startedAt: endedAt - 2000, endedAt };
}

/** Exports, expects no failure, checks the file with promtool, and returns what it holds. */
async function exportAndRead(report: Report | undefined, endedAt: number, overrides: Partial<MetricsOptions> = {}) {
  expect(await exportMetrics(outcome(report, endedAt), options(overrides))).toEqual([]);
  const text = readFileSync(file, 'utf8');
  expectPromtoolAccepts(text);
  return parseExposition(text);
}

const prod = { source: 'kube', target: 'prod' };

describe('the textfile', () => {
  itPromtool('holds the verdict of a run that could tell, mode 0644 whatever the umask, no temp file beside it', async () => {
    const umask = process.umask(0o077);
    try {
      const families = await exportAndRead(divergedReport(), 1_700_000_000_000);
      expect(valueOf(families, 'gitdiff_diverged', prod)).toBe(1);
      expect(valueOf(families, 'gitdiff_objects', { ...prod, status: 'missing' })).toBe(1);
      expect(valueOf(families, 'gitdiff_run_success', prod)).toBe(1);
      expect(valueOf(families, 'gitdiff_last_success_timestamp_seconds', prod)).toBe(1_700_000_000);
      expect(valueOf(families, 'gitdiff_run_duration_seconds', prod)).toBe(1.234);
    } finally {
      process.umask(umask);
    }
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(readdirSync(directory)).toEqual(['gitdiff.prom']);
  });

  itPromtool('after a failed run, keeps the last verdict and last success, and says the run failed', async () => {
    await exportAndRead(divergedReport(), 1_700_000_000_000, { perObject: true });
    const families = await exportAndRead(failedReport(), 1_700_000_600_000, { perObject: true });
    expect(valueOf(families, 'gitdiff_run_success', prod)).toBe(0);
    expect(valueOf(families, 'gitdiff_diverged', prod)).toBe(1);
    expect(valueOf(families, 'gitdiff_objects', { ...prod, status: 'missing' })).toBe(1);
    expect(valueOf(families, 'gitdiff_objects', { ...prod, status: 'error' })).toBe(0);
    expect(valueOf(families, 'gitdiff_last_success_timestamp_seconds', prod)).toBe(1_700_000_000);
    expect(valueOf(families, 'gitdiff_last_run_timestamp_seconds', prod)).toBe(1_700_000_600);
    expect(valueOf(families, 'gitdiff_object_diverged', { ...prod, name: 'queue' })).toBe(1);
    expect(valueOf(families, 'gitdiff_object_diverged', { ...prod, name: 'web' }), "the failed run's partial findings are not published").toBeUndefined();
  });

  itPromtool('after an in-sync run, a failed run still never says 0 was diverged by it: the 0 is the earlier verdict', async () => {
    await exportAndRead(inSyncReport(), 1_700_000_000_000);
    const families = await exportAndRead(failedReport(), 1_700_000_600_000);
    expect(valueOf(families, 'gitdiff_diverged', prod)).toBe(0);
    expect(valueOf(families, 'gitdiff_last_success_timestamp_seconds', prod)).toBe(1_700_000_000);
  });

  itPromtool('a first run that fails publishes the failure only: no verdict, no last success', async () => {
    const families = await exportAndRead(failedReport(), 1_700_000_000_000);
    expect(families.map((each) => each.name)).toEqual(['gitdiff_run_success', 'gitdiff_last_run_timestamp_seconds', 'gitdiff_run_duration_seconds']);
  });

  itPromtool('a failed run does not carry values of another target or other labels', async () => {
    await exportAndRead(divergedReport({ target: 'staging' }), 1_700_000_000_000);
    const families = await exportAndRead(failedReport(), 1_700_000_600_000, { labels: { env: 'prod' } });
    expect(valueOf(families, 'gitdiff_diverged')).toBeUndefined();
    expect(valueOf(families, 'gitdiff_run_success', { ...prod, env: 'prod' })).toBe(0);
  });

  itPromtool('a run that failed before naming its target marks the check this file is about as failed', async () => {
    await exportAndRead(divergedReport(), 1_700_000_000_000);
    const families = await exportAndRead(undefined, 1_700_000_600_000);
    expect(valueOf(families, 'gitdiff_run_success', prod)).toBe(0);
    expect(valueOf(families, 'gitdiff_diverged', prod)).toBe(1);
    expect(valueOf(families, 'gitdiff_run_duration_seconds', prod)).toBe(2);
  });

  itPromtool('with no file yet and no target, the failure is still exported (target="")', async () => {
    const families = await exportAndRead(undefined, 1_700_000_000_000);
    expect(valueOf(families, 'gitdiff_run_success', { source: 'kube', target: '' })).toBe(0);
  });

  itPromtool('--target and --metrics-label set the labels', async () => {
    const families = await exportAndRead(inSyncReport(), 1_700_000_000_000, { target: 'cluster-a', labels: { env: 'prod', team: 'platform' } });
    expect(valueOf(families, 'gitdiff_diverged', { source: 'kube', target: 'cluster-a', env: 'prod', team: 'platform' })).toBe(0);
  });
});

describe('textfile write failures', () => {
  it.each([
    ['a directory that does not exist', () => path.join(directory, 'absent/gitdiff.prom'), 'cannot write: the directory does not exist'],
    ['a path through a file', () => { writeFileSync(path.join(directory, 'plain'), ''); return path.join(directory, 'plain/gitdiff.prom'); }, 'cannot write: a part of the path is not a directory'],
    ['a directory where the file should be', () => { mkdirSync(path.join(directory, 'taken.prom')); return path.join(directory, 'taken.prom'); }, 'cannot write: it is a directory'],
  ])('%s: one error naming the file, and no temp file left', async (_name, makePath, reason) => {
    const target = makePath();
    const failures = await exportMetrics(outcome(inSyncReport(), Date.now()), options({ textfile: target }));
    expect(failures.map((each) => each.message)).toEqual([`metrics textfile ${target}: ${reason}`]);
    const leftovers = readdirSync(directory, { recursive: true }).filter((name) => String(name).endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  itPromtool('removes a temp file a killed gitdiff left behind, and not one another live gitdiff is writing', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const abandoned = `.gitdiff.prom.${deadPid}.0123abcd.tmp`;
    const inProgress = `.gitdiff.prom.${process.ppid}.89abcdef.tmp`;
    const unrelated = `.other.prom.${deadPid}.0123abcd.tmp`;
    for (const name of [abandoned, inProgress, unrelated]) writeFileSync(path.join(directory, name), 'partial');
    await exportAndRead(inSyncReport(), Date.now());
    expect(readdirSync(directory).sort()).toEqual([inProgress, unrelated, 'gitdiff.prom'].sort());
  });
});
