// The commander program: global flags, the subcommand registry, and the one
// place where a run becomes output and an exit status. Business logic lives in
// the sources; this file only wires flags to a Source and a Report to stdout.
import { readFileSync } from 'node:fs';
import type { Io } from './io.js';
import { Command, CommanderError, Option } from 'commander';
import { sources } from './sources/index.js';
import type { AnySource, RunContext, WatchedRun } from './sources/types.js';
import { runUntilInSync } from './sources/wait-for-sync.js';
import { runLifecycle, signalExitStatus } from './sources/run-lifecycle.js';
import { exitCode, EXIT_ERROR, type Report } from './report.js';
import { renderers } from './render/index.js';
import { chalkFor, decideColorLevel } from './color.js';
import { outputOptions, writeReport } from './output.js';
import { errorText, GitdiffError, messageOf } from './errors.js';
import { defineServe } from './serve/command.js';
import { defineCompletion } from './completion/index.js';
import { usageErrorsInGitdiffWords } from './usage-errors.js';
import { parseDuration } from './duration.js';
import { addMetricsOptions, exportRunMetrics, metricsOptionsFrom, type MetricsOptions, type RunOutcome } from './metrics/index.js';


function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Options every subcommand takes, added by the CLI layer so they mean the same everywhere. */
function addCommonOptions(command: Command, source: AnySource): void {
  command
    .addOption(new Option('-o, --output <format>', 'output format').choices(Object.keys(renderers)).default('text'))
    .addOption(new Option('--timeout <duration>', 'give up on the whole run after DURATION (5m, 1h; 0 for none): exit 2').default(source.defaultTimeout ?? '0'))
    .option('--no-color', 'no colors (also NO_COLOR=1; FORCE_COLOR=1 forces color when not a terminal)')
    .option('-v, --verbose', 'also list what is in sync, and stream tool output')
    .option('--debug', 'log requests and commands, and show stack traces, on stderr')
    .option('-q, --quiet', 'print no report: the exit status says it (errors still go to stderr)')
    .addOption(new Option('--summary', 'print only the summary line').conflicts('quiet'))
    .option('--no-error-on-diff', 'exit 0 when something diverged (errors still exit 2), for jobs that report drift as metrics');
  addMetricsOptions(command);
}

export async function main(argv: string[], io: Io): Promise<number> {
  let status = EXIT_ERROR;
  let debug = argv.includes('--debug');
  const program = new Command('gitdiff')
    .description('Compare what Git declares with what is live.')
    .version(version(), '-V, --version')
    .addHelpText('after', '\nExit status: 0 in sync, 1 diverged, 2 could not tell.\nExample: gitdiff kube ./manifests --context prod')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
    });

  for (const source of sources) {
    const command = program.command(source.name).description(source.summary).exitOverride();
    source.define(command);
    addCommonOptions(command, source);
    command.action(async (...actionArgs: unknown[]) => {
      const self = actionArgs[actionArgs.length - 1] as Command;
      const flags = self.opts();
      debug = Boolean(flags.debug);
      status = await runSource(source, self.args, flags, io);
    });
  }

  // Not a Source: it runs the sources' checks on a schedule (src/serve/).
  defineServe(program.command('serve').exitOverride(), io, (code) => (status = code));
  defineCompletion(program.command('completion').exitOverride(), io, (code) => (status = code));

  usageErrorsInGitdiffWords(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exitCode 0 (usage errors arrive as GitdiffErrors: usage-errors.ts).
      return error.exitCode === 0 ? 0 : EXIT_ERROR;
    }
    printError(error, io, debug);
    return EXIT_ERROR;
  }
  return status;
}

async function runSource(source: AnySource, args: string[], flags: Record<string, unknown>, io: Io): Promise<number> {
  const debug = Boolean(flags.debug);
  const verbose = Boolean(flags.verbose);
  // Two reasons to stop: a signal (exit 130/143, nothing more to do) and the run's deadline
  // (exit 2, the report of what was checked still printed and exported).
  const interrupt = new AbortController();
  let signalExit: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    signalExit = signalExitStatus(signal);
    interrupt.abort(new GitdiffError(`interrupted by ${signal}`));
  };
  // `on`, not `once`: a child-process cleanup hook (execa's) re-raises a signal that has no listener left, killing us before cleanup.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const stderrIsTTY = Boolean(io.stderr.isTTY);
  const context: Omit<RunContext, 'signal'> = {
    verbose,
    debug,
    log: debug ? (line) => io.stderr.write(`debug: ${errorText(line)}\n`) : () => {},
    notice: (line) => io.stderr.write(`gitdiff: note: ${errorText(line)}\n`),
    progress: stderrIsTTY || verbose ? (line) => io.stderr.write(`${line}\n`) : () => {},
    stdin: io.stdin,
    cwd: io.cwd,
    env: io.env,
  };
  // Metrics are exported even after the deadline, but not past a signal.
  const exportContext = { ...context, signal: interrupt.signal };

  const startedAt = Date.now();
  let metrics: MetricsOptions | undefined;
  try {
    const output = outputOptions(flags);
    metrics = metricsOptionsFrom(flags, io.cwd, io.env);
    const timeout = String(flags.timeout ?? '0');
    const deadlineMs = parseDuration(timeout, '--timeout');
    const waitMs = flags.wait === undefined ? undefined : parseDuration(String(flags.wait), '--wait');
    const options = source.options({ args, flags, cwd: io.cwd, env: io.env });
    // --wait: a session that watches what the command compares (wait-for-sync.ts).
    const session = waitMs === undefined ? undefined : watchFor(source, options, context);
    // Signals are handled from here on; tests that interrupt a run wait for this line.
    context.log(`gitdiff ${version()} (node ${process.version}, pid ${process.pid}): ${source.name} started`);
    const runOnce = () => runLifecycle(source, options, {
      context,
      session,
      interrupt: interrupt.signal,
      deadlineMs,
      deadlineReason: () => new GitdiffError(`gave up after --timeout ${timeout}: the run took too long`, {
        hint: 'raise --timeout (0 for no limit); --debug shows what was slow',
      }),
      abandonOnAbort: false,
      // A read of '-' would otherwise wait for stdin to close whatever happens: end it with the run.
      onAbort: () => (io.stdin as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.(),
    });
    const run = session ? await runUntilInSync(session, runOnce, { waitMs: waitMs!, interrupt: interrupt.signal, progress: context.progress }) : await runOnce();
    if (signalExit !== undefined) return signalExit;
    // Past the deadline, whatever failed (a killed plan, a destroyed stdin) failed because of it: the lifecycle says that.
    if ('error' in run) throw run.error;
    const { report } = run;
    const chalk = chalkFor(decideColorLevel(flags.color as boolean | undefined, io.env, Boolean(io.stdout.isTTY)));
    await writeReport(report, output, chalk, io);
    writeErrorLines(report, io);
    const exported = await exportMetrics(metrics, { source: source.name, report, startedAt }, exportContext, io);
    if (signalExit !== undefined) return signalExit;
    return exported ? exitCode(report, { errorOnDiff: flags.errorOnDiff !== false }) : EXIT_ERROR;
  } catch (error) {
    if (signalExit !== undefined) return signalExit;
    printError(error, io, debug);
    // A run that could not tell is exported too (gitdiff_run_success 0), or a broken job would look healthy.
    await exportMetrics(metrics, { source: source.name, startedAt }, exportContext, io);
    return EXIT_ERROR;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** The command's watch session for --wait; a command its source cannot watch is refused (the source's options() names why first). */
function watchFor(source: AnySource, options: unknown, context: Omit<RunContext, 'signal'>): WatchedRun {
  const session = source.watch?.(options, { cwd: context.cwd, env: context.env, log: context.log });
  if (!session) throw new GitdiffError(`--wait: gitdiff ${source.name} cannot watch what this command compares`, { hint: 'drop --wait' });
  return session;
}

/**
 * Item errors are in the report; repeat them on stderr so a CI log that keeps
 * only stderr still says why. One line per distinct cause: an unreachable
 * server must not print a thousand identical lines.
 */
function writeErrorLines(report: Report, io: Io): void {
  const byMessage = new Map<string, { first: string; count: number; hint?: string }>();
  for (const item of report.items) {
    if (item.status !== 'error') continue;
    const message = item.error ?? 'could not be checked';
    const seen = byMessage.get(message);
    if (seen) seen.count++;
    else byMessage.set(message, { first: item.title, count: 1, hint: item.hint });
  }
  for (const [message, { first, count, hint }] of byMessage) {
    const which = count === 1 ? first : `${first} and ${count - 1} more`;
    io.stderr.write(`gitdiff: error: ${errorText(`${which}: ${message}`)}\n`);
    if (hint) io.stderr.write(`  hint: ${errorText(hint)}\n`);
  }
  for (const error of report.errors) {
    io.stderr.write(`gitdiff: error: ${errorText(error.message)}\n`);
    if (error.hint) io.stderr.write(`  hint: ${errorText(error.hint)}\n`);
  }
}

/** Exports the run's metrics when a metrics flag was given, after the report; false when an export failed (printed). */
async function exportMetrics(metrics: MetricsOptions | undefined, outcome: Omit<RunOutcome, 'endedAt'>, context: Pick<RunContext, 'signal' | 'log' | 'debug'>, io: Io): Promise<boolean> {
  if (!metrics) return true;
  const failures = await exportRunMetrics(metrics, { ...outcome, endedAt: Date.now() }, { signal: context.signal, log: context.log });
  for (const failure of failures) printError(failure, io, context.debug);
  return failures.length === 0;
}

function printError(error: unknown, io: Io, debug: boolean): void {
  io.stderr.write(`gitdiff: error: ${errorText(messageOf(error))}\n`);
  if (error instanceof GitdiffError && error.hint) io.stderr.write(`  hint: ${errorText(error.hint)}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
}
