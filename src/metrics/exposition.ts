// The Prometheus text exposition format (version 0.0.4), both ways: render a
// metric set for node_exporter and the Pushgateway, and read back a textfile
// gitdiff wrote earlier (a failed run carries the previous verdict forward).
// https://prometheus.io/docs/instrumenting/exposition_formats/
// Never a timestamp on a sample: node_exporter skips a whole textfile that has
// one, and the Pushgateway rejects the push.
import type { Labels, MetricFamily, Sample } from './metric-set.js';

/** Label values escape backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and newline. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** HELP and TYPE for every family, then its samples; families without samples are left out. */
export function renderExposition(families: readonly MetricFamily[]): string {
  let text = '';
  for (const each of families) {
    if (each.samples.length === 0) continue;
    text += `# HELP ${each.name} ${escapeHelp(each.help)}\n# TYPE ${each.name} ${each.type}\n`;
    for (const sample of each.samples) text += `${each.name}${formatLabels(sample.labels)} ${formatValue(sample.value)}\n`;
  }
  return text;
}

const SAMPLE_START = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/;

/**
 * Reads the samples of an exposition, grouped into families by metric name
 * (comments, HELP and TYPE are skipped: gitdiff knows its own). Lines it cannot
 * read are skipped too: the file may hold anything, and only gitdiff's own
 * families matter.
 */
export function parseExposition(text: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  const familyOf = (name: string) => {
    let each = families.get(name);
    if (!each) families.set(name, (each = { name, help: '', type: 'gauge', samples: [] }));
    return each;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const parsed = parseSampleLine(line);
    if (parsed) familyOf(parsed.name).samples.push(parsed.sample);
  }
  return [...families.values()];
}

function parseSampleLine(line: string): { name: string; sample: Sample } | undefined {
  const start = SAMPLE_START.exec(line);
  if (!start) return undefined;
  let index = start[1].length;
  let labels: Labels = {};
  if (line[index] === '{') {
    const parsed = parseLabels(line, index + 1);
    if (!parsed) return undefined;
    labels = parsed.labels;
    index = parsed.end;
  }
  const fields = line.slice(index).trim().split(/\s+/);
  const value = parseValue(fields[0]);
  if (value === undefined) return undefined;
  return { name: start[1], sample: { labels, value } };
}

function parseValue(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}

/** Parses `name="value",...}` from `start`; returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Labels; end: number } | undefined {
  const labels: Labels = {};
  let index = start;
  for (;;) {
    while (line[index] === ' ' || line[index] === ',') index++;
    if (line[index] === '}') return { labels, end: index + 1 };
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(index));
    if (!name) return undefined;
    index += name[0].length;
    while (line[index] === ' ') index++;
    if (line[index] !== '=' || line[index + 1] !== '"') return undefined;
    index += 2;
    let value = '';
    for (;;) {
      const char = line[index];
      if (char === undefined) return undefined;
      index++;
      if (char === '"') break;
      if (char === '\\') {
        const escaped = line[index++];
        value += escaped === 'n' ? '\n' : escaped ?? '';
      } else {
        value += char;
      }
    }
    labels[name[0]] = value;
  }
}
