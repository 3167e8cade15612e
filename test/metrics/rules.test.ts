// The shipped alerting rules: valid for Prometheus, proven to fire by
// promtool's unit tests, and written against metrics gitdiff really exports
// (kubediff's documented alert used a metric that no longer existed).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { METRIC } from '../../src/metrics/metric-set.js';
import { SERVE_METRIC } from '../../src/serve/metrics.js';
import { itWith } from '../support/binaries.js';
import { repoRoot } from '../support/run-cli.js';
import { INSTALL } from '../support/prometheus.js';

const rulesDirectory = path.join(repoRoot, 'docs/prometheus');
const rulesFile = path.join(rulesDirectory, 'gitdiff-rules.yaml');
const testsFile = path.join(rulesDirectory, 'gitdiff-rules.test.yaml');
const itPromtool = itWith(['promtool'], INSTALL);

function promtool(args: string[], cwd = rulesDirectory) {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface RuleFile {
  groups: { rules: { alert: string; expr: string }[] }[];
}

describe('docs/prometheus/gitdiff-rules.yaml', () => {
  itPromtool('passes promtool check rules', () => {
    const result = promtool(['check', 'rules', rulesFile]);
    expect(result.output).toContain('SUCCESS: 7 rules found');
    expect(result.status).toBe(0);
  });

  itPromtool('fires as its promtool unit tests say (a lasting diff, each item that differs, failing runs, no recent success)', () => {
    const result = promtool(['test', 'rules', testsFile]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  // (a loop, not it.each: itWith's stand-in for a missing binary has no .each)
  for (const [what, written, mutated] of [
    ['a rule that would fire late', 'expr: gitdiff_diverged == 1\n        for: 1h', 'expr: gitdiff_diverged == 1\n        for: 2h'],
    ['new drift that counts converging drift', ' unless on (source, target) gitdiff_check_converging == 1', ''],
    ['an oldest-drift rule that waits an hour more', '> 3600\n', '> 7200\n'],
  ]) itPromtool(`the unit tests catch ${what}`, () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-rules-'));
    try {
      copyFileSync(testsFile, path.join(scratch, 'gitdiff-rules.test.yaml'));
      const rules = readFileSync(rulesFile, 'utf8');
      expect(rules).toContain(written);
      writeFileSync(path.join(scratch, 'gitdiff-rules.yaml'), rules.replace(written, mutated));
      const result = promtool(['test', 'rules', 'gitdiff-rules.test.yaml'], scratch);
      expect(result.output).toContain('FAILED');
      expect(result.status).not.toBe(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('uses only metrics gitdiff exports, and covers drift, the items that differ, failures, staleness, new and old drift', () => {
    const rules = (load(readFileSync(rulesFile, 'utf8')) as RuleFile).groups.flatMap((group) => group.rules);
    const exported = new Set<string>([...Object.values(METRIC), ...Object.values(SERVE_METRIC)]);
    for (const rule of rules) {
      for (const name of rule.expr.match(/\bgitdiff_[a-z_]+/g) ?? []) expect(exported, `${rule.alert} uses ${name}`).toContain(name);
    }
    expect(rules.map((rule) => rule.alert)).toEqual(['GitdiffDriftPersists', 'GitdiffObjectDiverged', 'GitdiffRunsFailing', 'GitdiffNoRecentSuccess', 'GitdiffNeverSucceeded', 'GitdiffNewDrift', 'GitdiffDriftOlderThanAnHour']);
  });
});
