// A check's `command` is a gitdiff command line without the `gitdiff`:
// `[kube, manifests/, --live-from, snap.yaml]`. It is parsed by the very
// commander definition the CLI uses for that subcommand, then completed and
// validated by the source's own options(), so a check means exactly what the
// same command line means, flags, defaults and refusals all, from the config load on.
import { Command, CommanderError } from 'commander';
import { GitdiffError } from '../errors.js';
import { usageError } from '../usage-errors.js';
import { addMetricsOptions, parseMetricLabels } from '../metrics/options.js';
import type { Labels } from '../metrics/metric-set.js';
import { sources } from '../sources/index.js';
import type { AnySource } from '../sources/types.js';

export interface CheckCommand {
  source: AnySource;
  /** What the source's options() made of the command: what its run() takes. */
  options: unknown;
  /** --metrics-label pairs: extra labels on this check's metrics. */
  labels: Labels;
  /** --metrics-per-object: also gitdiff_object_diverged for this check. */
  perObject: boolean;
}

/**
 * Metrics flags that say where a one-off run sends its metrics, and its target
 * label: under serve, /metrics is the destination and the check's name the target.
 */
const DESTINATION_FLAGS: ReadonlyArray<[option: string, flag: string]> = [
  ['metricsTextfile', '--metrics-textfile'],
  ['pushgateway', '--pushgateway'],
  ['metricsJob', '--metrics-job'],
  ['metricsTarget', '--target'],
];

/** Where a check's command runs: relative paths start at `cwd` (the config file's folder). */
export interface CheckPlace {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Throws a GitdiffError naming `where` (the check) for anything the CLI would refuse, and for what serve cannot do. */
export function parseCheckCommand(command: readonly string[], sources: readonly AnySource[], where: string, place: CheckPlace): CheckCommand {
  const [name, ...rest] = command;
  const source = sources.find((each) => each.name === name);
  if (!source) {
    throw new GitdiffError(`${where}: command: "${name}" is not a gitdiff subcommand`, {
      hint: `start the command with one of: ${sources.map((each) => each.name).join(', ')}`,
    });
  }
  if (rest.includes('-')) {
    throw new GitdiffError(`${where}: command: "-" reads standard input, which a check under serve does not have`, {
      hint: 'name a file instead',
    });
  }
  const parser = new Command(source.name).exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} }).helpOption(false);
  source.define(parser);
  addMetricsOptions(parser);
  try {
    parser.parse([...rest], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    throw new GitdiffError(`${where}: command: ${usageError(error, parser).message}`, {
      hint: `a check takes what \`gitdiff ${source.name}\` takes (see gitdiff ${source.name} --help); output, color and logging are serve's own`,
    });
  }
  const options = parser.opts();
  for (const [option, flag] of DESTINATION_FLAGS) {
    if (options[option] === undefined) continue;
    const shown = option === 'metricsTarget' ? parser.options.find((each) => each.attributeName() === 'metricsTarget')?.long ?? flag : flag;
    throw new GitdiffError(`${where}: command: ${shown} does not apply under serve`, {
      hint: option === 'metricsTarget'
        ? "the check's name is its target label"
        : 'serve exports every check on its own /metrics: let Prometheus scrape it',
    });
  }
  // A check is already run again on every change (watched) or on its interval: a run that waits would hold its slot.
  if (options.wait !== undefined) {
    throw new GitdiffError(`${where}: command: --wait does not apply under serve`, { hint: 'serve runs a watched check again on every change: drop --wait' });
  }
  const labels = namingTheCheck(where, () => parseMetricLabels((options.metricsLabel as string[] | undefined) ?? []));
  const sourceOptions = namingTheCheck(where, () => source.options({ args: parser.args, flags: options, cwd: place.cwd, env: place.env }));
  return { source, options: sourceOptions, labels, perObject: Boolean(options.metricsPerObject) };
}

/** `validate()`'s result; its GitdiffError, if it throws one, as an error naming the check's command. */
function namingTheCheck<T>(where: string, validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof GitdiffError)) throw error;
    throw new GitdiffError(`${where}: command: ${error.message}`, { hint: error.hint });
  }
}

/**
 * The command as the page and the API show it: each source masks the values
 * that may hold secrets by its own parser's rules (`--var db_password=***`;
 * ansible's extra vars in every spelling argparse accepts), since a status
 * page is read by more people than the config file.
 */
export function shownCommand(command: readonly string[], sourceList: readonly AnySource[] = sources): string[] {
  const [name, ...rest] = command;
  const source = sourceList.find((each) => each.name === name);
  return [name, ...(source?.maskArguments?.(rest) ?? rest)];
}

/** A command line a person can read and paste: arguments with spaces or shell characters single-quoted. */
export function commandLine(command: readonly string[]): string {
  return ['gitdiff', ...command].map((argument) => (/^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`)).join(' ');
}
