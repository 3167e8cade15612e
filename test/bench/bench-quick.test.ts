// The benchmark suite's CI configuration: `npm run bench -- --quick` on tiny
// inputs, so the bench never rots. It checks that every scenario runs and
// judges its targets, never the timings themselves (a busy CI machine is slow).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inCI } from '../support/binaries.js';
import { scenarios } from '../../bench/scenarios/index.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe('npm run bench -- --quick', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-bench-test-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('runs every scenario and writes the report with machine, tables and notes', () => {
    const out = path.join(scratch, 'benchmarks.md');
    const run = spawnSync('npm', ['run', '--silent', 'bench', '--', '--quick', '--out', out], { cwd: repoRoot, encoding: 'utf8', timeout: 540_000 });
    expect(run.stderr).not.toMatch(/FAILED/);
    expect(run.status, run.stderr).toBe(0);
    if (inCI) expect(run.stderr, 'CI must have every binary the bench uses').not.toMatch(/SKIPPING/);

    const report = readFileSync(out, 'utf8');
    expect(report).toMatch(/^# Benchmarks/);
    expect(report).toContain('npm run bench -- --quick');
    expect(report).toMatch(/Machine: \d+ cores .*Node\.js v\d+/);
    for (const scenario of scenarios) expect(report).toContain(`### ${scenario.title}`);
    // Every target is judged: "yes", or "NO:" with a reason.
    const targetRows = report.split('## Measurements')[0].split('\n').filter((line) => /^\| (?!Scenario|---)/.test(line));
    expect(targetRows.length).toBeGreaterThanOrEqual(scenarios.length);
    for (const row of targetRows) expect(row).toMatch(/\| (yes|NO: .+) \|$/);
    // The terminal table went to stdout.
    expect(run.stdout).toMatch(/Scenario\s+Subject\s+Wall/);
  }, 600_000);
});
