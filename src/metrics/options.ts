// The metrics flags every subcommand takes, and their validation. This module
// is imported by the CLI at start-up, so it stays light: the writers are
// imported only when a metrics flag is given (see ./index.ts).
import path from 'node:path';
import { Option, type Command } from 'commander';
import { GitdiffError } from '../errors.js';
import { LABEL_NAME, type Labels } from './metric-set.js';
import { repeatable } from '../options.js';

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

/** Masks the userinfo of a URL-like string, for messages about a URL that did not parse. */
export function withoutUserinfo(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

function parsePushgateway(text: string, env: NodeJS.ProcessEnv): PushgatewayEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new GitdiffError(`--pushgateway ${withoutUserinfo(text)}: not a URL`, { hint: 'give the base URL, e.g. http://pushgateway:9091' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GitdiffError(`--pushgateway: ${url.protocol} is not supported`, { hint: 'use an http:// or https:// URL' });
  }
  const username = url.username ? decodeURIComponent(url.username) : env.GITDIFF_PUSHGATEWAY_USERNAME;
  const password = url.username || url.password ? decodeURIComponent(url.password) : env.GITDIFF_PUSHGATEWAY_PASSWORD;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return { url, username: username || undefined, password: username ? password ?? '' : undefined };
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
  return {
    textfile: textfile === undefined ? undefined : path.resolve(cwd, textfile),
    pushgateway: pushgateway === undefined ? undefined : parsePushgateway(pushgateway, env),
    job: job ?? 'gitdiff',
    target,
    labels: parseMetricLabels(labelPairs),
    perObject,
  };
}
