// How the bench measures: a command as a whole process (wall, CPU, peak RSS
// through bench/rusage.py), or a function in this process (wall only); each
// repeated after warm-ups, summarized as median and min–max.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout: found upward from this file, which runs compiled (dist-bench/bench/) or as source (tests). */
export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(start: string): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'bench/rusage.py'))) return dir;
  }
  throw new Error(`bench: no checkout with bench/rusage.py above ${start}`);
}
const rusageScript = path.join(repoRoot, 'bench/rusage.py');

export interface Measurement {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes written to the command's stdin (else stdin is empty). */
  input?: string | Buffer;
  /** Exit codes that mean the command did its job (gitdiff exits 1 on drift); others throw. */
  okExitCodes?: number[];
  /** Called just before each run (to reset a counter). */
  before?: () => void;
  /** Called after each run, before the next starts (to collect what the command wrote or caused). */
  after?: () => void;
}

/** Runs `command` once, measured. Asynchronous, so a test API server in this process keeps answering. */
export async function measureCommand(command: string, args: string[], options: CommandOptions = {}): Promise<Measurement> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-bench-rusage-'));
  const resultFile = path.join(scratch, 'rusage.json');
  try {
    options.before?.();
    const child = spawn('python3', [rusageScript, resultFile, '--', command, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => {}); // a command that does not read its stdin closes it early
    child.stdin.end(options.input ?? '');
    const status = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code ?? -1));
    });
    if (status !== 0) throw new Error(`bench: python3 ${rusageScript} failed (${status}): ${Buffer.concat(stderr).toString().slice(0, 500)}`);
    const usage = JSON.parse(readFileSync(resultFile, 'utf8')) as Omit<Measurement, 'stdout' | 'stderr'>;
    const measurement = { ...usage, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
    const ok = options.okExitCodes ?? [0];
    if (!ok.includes(measurement.exitCode)) {
      throw new Error(`bench: ${path.basename(command)} ${args.join(' ').slice(0, 200)} exited ${measurement.exitCode}: ${measurement.stderr.trim().slice(0, 500)}`);
    }
    options.after?.();
    return measurement;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  samples: number;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], samples: sorted.length };
}

export interface Repeated {
  wallMs: Stats;
  cpuMs: Stats;
  peakRssMb: Stats;
  /** The last run, for its output and exit code. */
  last: Measurement;
  /** Every measured run, in round order (compareCommands: run N of each command shared round N). */
  runs: Measurement[];
}

export interface RepeatPlan {
  warmups: number;
  repeats: number;
}

/**
 * Several commands measured side by side: each round runs every command once,
 * in turn, so a slow moment of the machine falls on all of them alike.
 */
export async function compareCommands(plan: RepeatPlan, commands: { command: string; args: string[]; options?: CommandOptions }[]): Promise<Repeated[]> {
  const runs: Measurement[][] = commands.map(() => []);
  for (let round = 0; round < plan.warmups + plan.repeats; round++) {
    for (const [index, { command, args, options }] of commands.entries()) {
      const measurement = await measureCommand(command, args, options);
      if (round >= plan.warmups) runs[index].push(measurement);
    }
  }
  return runs.map(summarize);
}

function summarize(runs: Measurement[]): Repeated {
  return {
    wallMs: stats(runs.map((run) => run.wallMs)),
    cpuMs: stats(runs.map((run) => run.cpuMs)),
    peakRssMb: stats(runs.map((run) => run.peakRssMb)),
    last: runs[runs.length - 1],
    runs,
  };
}

/** Side by side in this process, alternating, as compareCommands does for processes. */
export async function compareFunctions(plan: RepeatPlan, runs: (() => unknown)[]): Promise<Stats[]> {
  const times: number[][] = runs.map(() => []);
  for (let round = 0; round < plan.warmups + plan.repeats; round++) {
    for (const [index, run] of runs.entries()) {
      const start = performance.now();
      await run();
      if (round >= plan.warmups) times[index].push(performance.now() - start);
    }
  }
  return times.map(stats);
}
