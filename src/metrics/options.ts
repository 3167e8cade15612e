// The metrics flags every subcommand takes, and their validation. This module
// is imported by the CLI at start-up, so it stays light: the writers are
// imported only when a metrics flag is given (see ./index.ts).
import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { GitdiffError } from '../errors.js';
import { LABEL_NAME, type Labels } from './metric-set.js';
import { repeatable } from '../options.js';
import { maskUserinfo, splitUserinfo } from '../url-credentials.js';

export interface PushgatewayEndpoint {
  /** The base URL without credentials: safe to print. */
  url: URL;
  username?: string;
  password?: string;
}

export interface MetricsOptions {
  /** Absolute path of the .prom file for node_exporter's textfile collector. */
  textfile?: string;
  pushgateway?: PushgatewayEndpoint;
  /** The Pushgateway job. */
  job: string;
  /** The `target` label when given; otherwise the report's own target. */
  target?: string;
  /** --metrics-label K=V, in the order given. */
  labels: Labels;
  perObject: boolean;
}

/**
 * Stores `--target` (or `--metrics-target`) under `metricsTarget`, so it never
 * mixes with a source's own `--target` (terraform passes `--target ADDR` to plan).
 */
class MetricsTargetOption extends Option {
  override attributeName(): string {
    return 'metricsTarget';
  }
}


export function addMetricsOptions(command: Command): void {
  // terraform's `--target ADDR` is terraform's own; the label flag then takes its long name.
  const targetFlag = command.options.some((option) => option.long === '--target') ? '--metrics-target' : '--target';
  command
    .option('--metrics-textfile <path>', "write metrics for node_exporter's textfile collector (PATH must end in .prom)")
    .option('--pushgateway <url>', 'push metrics to a Pushgateway (credentials: URL userinfo or GITDIFF_PUSHGATEWAY_USERNAME/_PASSWORD)')
    .option('--metrics-job <name>', 'Pushgateway job (default: gitdiff)')
    .addOption(new MetricsTargetOption(`${targetFlag} <name>`, 'the `target` metric label (default: what was compared)'))
    .option('--metrics-label <name=value>', 'extra constant metric label (repeatable)', repeatable)
    .option('--metrics-per-object', 'also export gitdiff_object_diverged for each item not in sync (high cardinality)');
}

/** Labels gitdiff sets itself, or that Prometheus and the Pushgateway own. */
const RESERVED_LABELS = new Set(['source', 'target', 'status', 'job', 'instance', 'le', 'quantile']);

function parsePushgateway(text: string, env: NodeJS.ProcessEnv): PushgatewayEndpoint {
  const split = splitUserinfo(text);
  let url: URL;
  try {
    url = new URL(split.bare);
  } catch {
    throw new GitdiffError(`--pushgateway ${maskUserinfo(text)}: not a URL`, { hint: 'give the base URL, e.g. http://pushgateway:9091' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GitdiffError(`--pushgateway: ${url.protocol} is not supported`, { hint: 'use an http:// or https:// URL' });
  }
  const inUrl = split.username !== undefined || split.password !== undefined;
  const username = inUrl ? split.username : env.GITDIFF_PUSHGATEWAY_USERNAME;
  const password = inUrl ? split.password : env.GITDIFF_PUSHGATEWAY_PASSWORD;
  url.search = '';
  url.hash = '';
  return { url, username: username || undefined, password: username ? password ?? '' : undefined };
}

/** What a path that is not a regular file is, in words. */
function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isDirectory()) return 'a directory';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a file';
}

export function notRegularTextfile(file: string, info: Stats): GitdiffError {
  return new GitdiffError(`metrics textfile ${file}: not a regular file (${kindOf(info)})`, {
    hint: 'give the path of a .prom file in the collector\'s directory; gitdiff replaces that file on each run',
  });
}

/**
 * Refuses a textfile path that holds something other than a regular file, before
 * the run: opening a FIFO waits for a reader for ever (SIGTERM and --timeout
 * included), and node_exporter reads only files. An absent path is fine.
 */
function requireRegularOrAbsent(file: string): void {
  let info: Stats;
  try {
    info = statSync(file);
  } catch {
    return; // absent, or unreachable: the write says what is wrong
  }
  if (!info.isFile()) throw notRegularTextfile(file, info);
}

/** `--metrics-label` pairs, validated (also for the checks of `gitdiff serve`). */
export function parseMetricLabels(pairs: string[]): Labels {
  const labels: Labels = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    if (equals < 0 || !LABEL_NAME.test(name) || name.startsWith('__')) {
      throw new GitdiffError(`--metrics-label ${pair}: expected NAME=VALUE with a Prometheus label name`, {
        hint: 'a label name is letters, digits and _, not starting with a digit or __ (e.g. --metrics-label env=prod)',
      });
    }
    if (RESERVED_LABELS.has(name)) {
      throw new GitdiffError(`--metrics-label ${name}: gitdiff or Prometheus sets this label itself`, {
        hint: name === 'target' ? 'use --target NAME' : name === 'job' ? 'use --metrics-job NAME' : 'choose another label name',
      });
    }
    labels[name] = pair.slice(equals + 1);
  }
  return labels;
}

/**
 * The metrics options of a run, validated before anything runs, or undefined
 * when no export was asked for. Throws a GitdiffError for bad flags.
 */
export function metricsOptionsFrom(options: Record<string, unknown>, cwd: string, env: NodeJS.ProcessEnv): MetricsOptions | undefined {
  const textfile = options.metricsTextfile as string | undefined;
  const pushgateway = options.pushgateway as string | undefined;
  const labelPairs = (options.metricsLabel as string[] | undefined) ?? [];
  const job = options.metricsJob as string | undefined;
  const target = options.metricsTarget as string | undefined;
  const perObject = Boolean(options.metricsPerObject);

  if (textfile === undefined && pushgateway === undefined) {
    const stray = [job !== undefined && '--metrics-job', target !== undefined && '--target', labelPairs.length > 0 && '--metrics-label', perObject && '--metrics-per-object'].filter(Boolean);
    if (stray.length > 0) {
      throw new GitdiffError(`${stray.join(', ')} given, but no metrics destination`, { hint: 'add --metrics-textfile PATH.prom or --pushgateway URL' });
    }
    return undefined;
  }
  if (textfile !== undefined && !textfile.endsWith('.prom')) {
    throw new GitdiffError(`--metrics-textfile ${textfile}: the file name must end in .prom`, {
      hint: "node_exporter's textfile collector reads only *.prom files",
    });
  }
  if (job !== undefined && job.trim() === '') throw new GitdiffError('--metrics-job: the job name is empty');
  const textfilePath = textfile === undefined ? undefined : path.resolve(cwd, textfile);
  if (textfilePath !== undefined) requireRegularOrAbsent(textfilePath);
  return {
    textfile: textfilePath,
    pushgateway: pushgateway === undefined ? undefined : parsePushgateway(pushgateway, env),
    job: job ?? 'gitdiff',
    target,
    labels: parseMetricLabels(labelPairs),
    perObject,
  };
}
