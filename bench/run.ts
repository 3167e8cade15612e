// npm run bench [-- --quick] [--only ID,ID] [--out FILE]
// Generates its inputs, runs every scenario (warm-up, then several runs),
// prints a table of medians and min–max, and rewrites docs/benchmarks.md.
// --quick is the CI configuration: tiny inputs, one run; it fails only on errors.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './measure.js';
import { markdownReport, terminalReport, type BenchRun, type Machine } from './report.js';
import type { BenchContext, Scenario, ScenarioResult } from './scenario.js';
import { scenarios } from './scenarios/index.js';

interface BenchArgs {
  quick: boolean;
  only?: string[];
  out: string;
}

function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { quick: false, out: path.join(repoRoot, 'docs/benchmarks.md') };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    if (flag === '--quick') args.quick = true;
    else if (flag === '--only') args.only = (argv[++index] ?? '').split(',');
    else if (flag === '--out') args.out = path.resolve(argv[++index] ?? '');
    else throw new Error(`bench: unknown argument ${flag} (expected --quick, --only ID,ID, --out FILE)`);
  }
  return args;
}

function toolVersion(command: string, args: string[], pick: (output: string) => string | undefined): string {
  try {
    return pick(execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

function machine(): Machine {
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    tools: {
      kubectl: toolVersion('kubectl', ['version', '--client', '-o', 'json'], (output) => JSON.parse(output).clientVersion?.gitVersion),
      terraform: toolVersion('terraform', ['version', '-json'], (output) => JSON.parse(output).terraform_version),
      'ansible-playbook': toolVersion('ansible-playbook', ['--version'], (output) => /core ([\d.]+)/.exec(output)?.[1]),
    },
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const chosen: Scenario[] = args.only ? scenarios.filter((scenario) => args.only!.includes(scenario.id)) : scenarios;
  if (chosen.length === 0) throw new Error(`bench: no scenario named ${args.only?.join(',')} (known: ${scenarios.map((scenario) => scenario.id).join(', ')})`);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-bench-'));
  const shared = process.env.GITDIFF_SHARED_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures');
  const context: BenchContext = {
    quick: args.quick,
    plan: args.quick ? { warmups: 0, repeats: 1 } : { warmups: 1, repeats: 5 },
    workDir,
    sharedFixtures: existsSync(shared) ? shared : undefined,
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  };
  if (!context.sharedFixtures) context.log(`${shared} is absent: inputs are built from the project's own fixtures instead`);
  const started = performance.now();
  const results: BenchRun['results'] = [];
  let failed = false;
  try {
    for (const scenario of chosen) {
      context.log(`${scenario.title}...`);
      const scenarioStart = performance.now();
      let result: ScenarioResult;
      try {
        result = await scenario.run(context);
      } catch (error) {
        failed = true;
        process.stderr.write(`bench: ${scenario.title} FAILED: ${(error as Error).stack ?? error}\n`);
        continue;
      }
      if (result.skipped) process.stderr.write(`\n*** bench: SKIPPING ${scenario.title}: ${result.skipped} ***\n\n`);
      context.log(`${scenario.title} done in ${((performance.now() - scenarioStart) / 1000).toFixed(1)} s`);
      results.push({ scenario, result });
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const run: BenchRun = {
    date: new Date().toISOString().slice(0, 10),
    command: `npm run bench${args.quick ? ' -- --quick' : ''}`,
    quick: args.quick,
    machine: machine(),
    durationS: (performance.now() - started) / 1000,
    results,
  };
  process.stdout.write(terminalReport(run));
  if (failed) {
    process.stderr.write(`bench: a scenario failed; ${path.relative(process.cwd(), args.out)} left as it was\n`);
    return 1;
  }
  writeFileSync(args.out, markdownReport(run));
  context.log(`wrote ${path.relative(process.cwd(), args.out) || args.out}`);
  return 0;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 2;
});
