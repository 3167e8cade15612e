import { describe, expect, it } from 'vitest';
import { escapeLabelValue, parseExposition, renderExposition } from '../../src/metrics/exposition.js';
import { groupLabels, successMetrics, type MetricFamily } from '../../src/metrics/metric-set.js';
import { itWith } from '../support/binaries.js';
import { expectPromtoolAccepts, INSTALL } from '../support/prometheus.js';
import { divergedReport, kubeItem, reportOf } from '../support/sample-reports.js';

const awkwardValues = [
  ['a backslash', 'C:\\infra\\prod'],
  ['a double quote', 'say "hi"'],
  ['a newline', 'line one\nline two'],
  ['a backslash before n', 'not\\na newline'],
  ['braces and commas', 'a},b="c"'],
  ['a slash (terraform directory)', 'infra/prod'],
  ['unicode', 'prod-\u00e9t\u00e9-\u2603'],
  ['an empty value', ''],
];

describe('escapeLabelValue', () => {
  it.each([
    ['back\\slash', 'back\\\\slash'],
    ['"quoted"', '\\"quoted\\"'],
    ['two\nlines', 'two\\nlines'],
    ['plain', 'plain'],
  ])('%j -> %j', (value, escaped) => {
    expect(escapeLabelValue(value)).toBe(escaped);
  });
});

function onePerValue(): MetricFamily[] {
  return [{
    name: 'gitdiff_diverged', help: 'help with a \\ backslash\nand a newline', type: 'gauge',
    samples: awkwardValues.map(([, value]) => ({ labels: { source: 'terraform', target: value }, value: 1 })),
  }];
}

describe('renderExposition and parseExposition', () => {
  it.each(awkwardValues)('a label value with %s survives the round trip', (_name, value) => {
    const families = [{ name: 'gitdiff_diverged', help: 'h', type: 'gauge' as const, samples: [{ labels: { source: 'kube', target: value }, value: 1 }] }];
    expect(parseExposition(renderExposition(families))[0].samples).toEqual([{ labels: { source: 'kube', target: value }, value: 1 }]);
  });

  it('writes HELP and TYPE once per family, no timestamps, and leaves out families without samples', () => {
    const text = renderExposition([
      ...successMetrics(divergedReport(), groupLabels('kube', 'prod'), { endedAt: 1_700_000_000_000, durationMs: 5 }, false),
      { name: 'gitdiff_object_diverged', help: 'h', type: 'gauge', samples: [] },
    ]);
    expect(text.match(/^# HELP /gm)).toHaveLength(6);
    expect(text.match(/^# TYPE \S+ gauge$/gm)).toHaveLength(6);
    expect(text).not.toContain('gitdiff_object_diverged');
    for (const line of text.split('\n').filter((each) => each && !each.startsWith('#'))) {
      expect(line, 'one value, no timestamp').toMatch(/^[a-z_]+\{[^]*\} [0-9.]+$/);
    }
  });

  it.each([
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
    [0.001, '0.001'],
    [1_700_000_000.25, '1700000000.25'],
  ])('formats %d as %s and reads it back', (value, text) => {
    const rendered = renderExposition([{ name: 'x', help: 'h', type: 'gauge', samples: [{ labels: {}, value }] }]);
    expect(rendered).toContain(`\nx ${text}\n`);
    expect(parseExposition(rendered)[0].samples[0].value).toBe(value);
  });

  it('reads what it can of a file it did not write, skipping lines that are not samples', () => {
    const families = parseExposition([
      '# a comment', 'garbage {{', 'other_metric{a="1"} 2 1700000000000', 'gitdiff_diverged{source="kube",target="x"} 1',
      'broken{a="unterminated} 1', 'novalue{a="1"}', '',
    ].join('\n'));
    expect(families.map((each) => [each.name, each.samples])).toEqual([
      ['other_metric', [{ labels: { a: '1' }, value: 2 }]],
      ['gitdiff_diverged', [{ labels: { source: 'kube', target: 'x' }, value: 1 }]],
    ]);
  });

  itWith(['promtool'], INSTALL)('promtool accepts the exposition, awkward label values and all', () => {
    expectPromtoolAccepts(renderExposition(onePerValue()));
    const items = awkwardValues.map(([, value], index) => kubeItem('ConfigMap', value, value || 'empty', { status: 'diverged', changes: [{ path: 'data.k', declared: 'a', live: 'b' }] }));
    expectPromtoolAccepts(renderExposition(successMetrics(reportOf(items), groupLabels('kube', 'a"b\\c\nd', { env: 'prod' }), { endedAt: Date.now(), durationMs: 1 }, true)));
  });
});
