// The bench's output: a plain table for the terminal and docs/benchmarks.md.
// Only formats what the scenarios measured and judged; computes nothing.
import type { Stats } from './measure.js';
import type { Row, ScenarioResult, Scenario, Target } from './scenario.js';

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  os: string;
  tools: Record<string, string>;
}

export interface BenchRun {
  date: string;
  command: string;
  quick: boolean;
  machine: Machine;
  durationS: number;
  results: { scenario: Scenario; result: ScenarioResult }[];
}

function milliseconds(value: Stats | undefined): string {
  if (!value) return '';
  const format = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
  return value.samples > 1 ? `${format(value.median)} (${format(value.min)}–${format(value.max)})` : format(value.median);
}

function megabytes(value: Stats | undefined): string {
  if (!value) return '';
  return value.samples > 1 && value.max - value.min >= 1 ? `${value.median.toFixed(0)} MB (${value.min.toFixed(0)}–${value.max.toFixed(0)})` : `${value.median.toFixed(0)} MB`;
}

const ROW_COLUMNS = ['Scenario', 'Subject', 'Wall, median (min–max)', 'CPU', 'Peak RSS', 'Requests', 'Note'];

function rowCells(row: Row): string[] {
  return [row.scenario, row.subject, milliseconds(row.wallMs), milliseconds(row.cpuMs), megabytes(row.peakRssMb), row.requests === undefined ? '' : String(row.requests), row.note ?? ''];
}

const TARGET_COLUMNS = ['Scenario', 'Target', 'Measured', 'Met'];

function targetCells(target: Target): string[] {
  return [target.scenario, target.target, target.measured, target.met ? 'yes' : `NO: ${target.why ?? 'see notes'}`];
}

function allRows(run: BenchRun): Row[] {
  return run.results.flatMap(({ result }) => result.rows);
}

function allTargets(run: BenchRun): Target[] {
  return run.results.flatMap(({ result }) => result.targets);
}

function skipped(run: BenchRun): string[] {
  return run.results.filter(({ result }) => result.skipped).map(({ scenario, result }) => `${scenario.title}: SKIPPED, ${result.skipped}`);
}

function plainTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function terminalReport(run: BenchRun): string {
  return [
    plainTable(ROW_COLUMNS, allRows(run).map(rowCells)),
    '',
    plainTable(TARGET_COLUMNS, allTargets(run).map(targetCells)),
    ...skipped(run).map((line) => `\n*** ${line} ***`),
    '',
  ].join('\n');
}

function markdownTable(header: string[], rows: string[][]): string {
  const escape = (cell: string): string => cell.replaceAll('|', '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`)].join('\n');
}

export function markdownReport(run: BenchRun): string {
  const { machine } = run;
  const targets = allTargets(run);
  const unmet = targets.filter((target) => !target.met);
  return [
    '# Benchmarks',
    '',
    `Written by \`${run.command}\` on ${run.date}${run.quick ? ' (quick configuration: tiny inputs, one run; timings mean nothing)' : ''}; the whole suite took ${run.durationS.toFixed(0)} s. Re-run it to refresh this page: every number below comes from that one run, and comparisons were measured side by side in it (each round runs every contender once, in turn).`,
    '',
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb.toFixed(0)} GB memory, ${machine.os}, Node.js ${machine.node}; ${Object.entries(machine.tools).map(([tool, version]) => `${tool} ${version}`).join(', ')}.`,
    '',
    `Wall and CPU are medians over the measured runs (after a warm-up), with min–max; peak RSS is the largest resident set of the process tree (getrusage, through bench/rusage.py). Requests are what the API server received in one run.`,
    '',
    '## Targets',
    '',
    unmet.length === 0 ? 'Every target is met.' : `${unmet.length} of ${targets.length} targets ${unmet.length === 1 ? 'is' : 'are'} not met; ${unmet.length === 1 ? 'it says' : 'each says'} why.`,
    '',
    markdownTable(TARGET_COLUMNS, targets.map(targetCells)),
    '',
    '## Measurements',
    '',
    markdownTable(ROW_COLUMNS, allRows(run).map(rowCells)),
    '',
    '## How each scenario is built',
    '',
    ...run.results.flatMap(({ scenario, result }) => [
      `### ${scenario.title}`,
      '',
      ...(result.skipped ? [`**Skipped:** ${result.skipped}.`, ''] : []),
      ...result.notes.flatMap((note) => [note, '']),
    ]),
  ].join('\n');
}
