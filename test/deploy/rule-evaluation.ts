// The alerts the shipped rules really produce for given series, evaluated by
// promtool rather than rebuilt by hand: a `promtool test rules` file that
// expects no alert at all makes promtool print every alert it got, labels and
// annotations rendered by Prometheus's own templating. Those are what
// Prometheus would send to Alertmanager.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump, load } from 'js-yaml';
import { escapeLabelValue } from '../../src/metrics/exposition.js';
import type { Labels, MetricFamily } from '../../src/metrics/metric-set.js';

export interface FiredAlert {
  labels: Labels;
  annotations: Labels;
}

interface RuleFile {
  groups: { rules: { alert?: string }[] }[];
}

/** `name{a="b",...}` as promtool's input_series reads it (the exposition's escaping). */
function seriesSelector(name: string, labels: Labels): string {
  const pairs = Object.entries(labels).map(([label, value]) => `${label}="${escapeLabelValue(value)}"`);
  return `${name}{${pairs.join(',')}}`;
}

/**
 * Go's strconv.Quote body (promtool prints label sets with it) as a string. JSON
 * reads the same escapes for what gitdiff's names hold; anything else fails loudly.
 */
function unquote(quoted: string): string {
  return JSON.parse(`"${quoted}"`) as string;
}

/** `{a="b", c="d"}` as printed by promtool. */
function parseLabelSet(text: string): Labels {
  const labels: Labels = {};
  for (const match of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]] = unquote(match[2]);
  return labels;
}

/** The names of the alerts a rule file defines (its recording rules left out). */
export function alertNamesOf(rulesFile: string): string[] {
  return (load(readFileSync(rulesFile, 'utf8')) as RuleFile).groups
    .flatMap((group) => group.rules.map((rule) => rule.alert))
    .filter((name): name is string => name !== undefined);
}

/**
 * Every alert of `rulesFile` firing `at` (a promtool duration, say `61m`) when
 * each sample of `families` has held its value since time 0, with `scrapeLabels`
 * added as a scrape adds job and instance.
 */
export function alertsFiredBy(rulesFile: string, families: readonly MetricFamily[], scrapeLabels: Labels, at: string): FiredAlert[] {
  const alertNames = alertNamesOf(rulesFile);
  const inputSeries = families.flatMap((family) => family.samples.map((sample) => ({
    series: seriesSelector(family.name, { ...sample.labels, ...scrapeLabels }),
    values: `${sample.value}x100`,
  })));
  const unitTest = {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: inputSeries,
      alert_rule_test: alertNames.map((alertname) => ({ eval_time: at, alertname, exp_alerts: [] })),
    }],
  };
  const scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-rule-evaluation-'));
  try {
    copyFileSync(rulesFile, path.join(scratch, 'rules.yaml'));
    writeFileSync(path.join(scratch, 'test.yaml'), dump(unitTest));
    const result = spawnSync('promtool', ['test', 'rules', 'test.yaml'], { cwd: scratch, encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    const fired = [...output.matchAll(/^\s*Labels:(\{.*\})\n\s*Annotations:(\{.*\})/gm)]
      .map((match) => ({ labels: parseLabelSet(match[1]), annotations: parseLabelSet(match[2]) }));
    // promtool passes only when nothing fired; anything else it says is a broken unit test.
    if (fired.length === 0 && result.status !== 0) throw new Error(`promtool test rules failed:\n${output}`);
    return fired;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
