// The checks file (gitdiff-serve.yaml): the checks `gitdiff serve` runs. Validated strictly, all of it
// before anything runs: at start a bad file exits 2, on SIGHUP it is refused and
// the running config kept, so a typo never silently drops a check.
//
//   concurrency: 2                # checks running at once (default 2)
//   checks:
//     - name: example             # the `target` label, unique
//       command: [kube, fixtures/example/manifests, --live-from, fixtures/example/live.yaml]
//       interval: 5m              # default 5m (a watched check: unused)
//       timeout: 10m              # default 10m
//       watch: false              # poll on the interval even where the source can watch (default true)
//       resync: 24h               # a watched check's full re-read of the live side (default: the cache's)
//       webhook: { url: https://hooks.example.com/gitdiff }   # optional: webhook/target.ts
//       converge-within: 5m       # a commit's grace period (docs/serve.md "Convergence"); 0: off
//
// Relative paths in a command are relative to the config file's folder, as if
// the command line were run there.
import path from 'node:path';
import { load } from 'js-yaml';
import { GitdiffError, messageOf } from '../errors.js';
import { readTextFile } from '../files.js';
import { parseDuration } from '../duration.js';
import { yamlErrorText, yamlSyntaxProblem } from '../yaml-syntax.js';
import type { AnySource } from '../sources/types.js';
import { parseCheckCommand, type CheckCommand, type CheckPlace } from './check-command.js';
import { isRecord } from '../record.js';
import { parseWebhook, type WebhookTarget } from './webhook/target.js';

export interface Check extends CheckCommand {
  /** The check's name: its `target` metric label and its heading on the page. */
  name: string;
  /** The command as written in the file (without `gitdiff`). */
  command: string[];
  interval: string;
  intervalMs: number;
  timeoutMs: number;
  /** `watch: false`: run on the interval even where the source could keep the check current. */
  watch?: false;
  /** `resync:` as written, and in ms: how often a watched check's live side is read again in full. */
  resync?: string;
  resyncMs?: number;
  /** Where its drift events are POSTed, when it has a `webhook:`. */
  webhook?: WebhookTarget;
  /** How long the live side has to match a new commit before what differs is drift; 0: no grace. */
  convergeWithin: string;
  convergeWithinMs: number;
}

export interface ServeConfig {
  /** The config file, absolute. */
  file: string;
  /** The folder relative paths in commands are resolved from. */
  dir: string;
  concurrency: number;
  checks: Check[];
}

export const DEFAULT_INTERVAL = '5m';
export const DEFAULT_TIMEOUT = '10m';
export const DEFAULT_CONVERGE_WITHIN = '5m';
export const DEFAULT_CONCURRENCY = 2;
const MAX_CONCURRENCY = 64;
const MIN_DURATION_MS = 1000;
const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const TOP_KEYS = ['concurrency', 'checks'];
const CHECK_KEYS = ['name', 'command', 'interval', 'timeout', 'watch', 'resync', 'converge-within', 'webhook'];
const DURATION_HINT = 'e.g. 30s, 5m, 1h';

type Mapping = Record<string, unknown>;


/**
 * Reads and validates the file, each check's command by its source's own
 * options() (with `env`, the environment its runs get); every problem is a
 * GitdiffError naming the file and the field.
 */
export function loadServeConfig(file: string, sources: readonly AnySource[], env: NodeJS.ProcessEnv): ServeConfig {
  const text = readTextFile(file, 'config', 'give the checks to run with --config FILE (see docs/serve.md)');
  return parseServeConfig(text, file, sources, env);
}

/** The pure half of loadServeConfig: YAML text in, a validated config out. */
export function parseServeConfig(text: string, file: string, sources: readonly AnySource[], env: NodeJS.ProcessEnv): ServeConfig {
  const shown = path.basename(file);
  const dir = path.dirname(file);
  let document: unknown;
  try {
    document = load(text, { filename: shown });
  } catch (error) {
    const problem = yamlSyntaxProblem(error);
    if (!problem) throw error;
    throw new GitdiffError(`config ${file}: ${yamlErrorText(problem)}`, { hint: 'fix the YAML syntax' });
  }
  const fail = (where: string, message: string, hint?: string) => new GitdiffError(`config ${file}: ${where}${message}`, { hint });
  if (!isRecord(document)) throw fail('', 'expected a mapping with a `checks` list', 'see docs/serve.md for an example');
  rejectUnknownKeys(document, TOP_KEYS, (message, hint) => fail('', message, hint));

  const concurrency = document.concurrency ?? DEFAULT_CONCURRENCY;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw fail('concurrency: ', `expected a whole number from 1 to ${MAX_CONCURRENCY}, got ${JSON.stringify(concurrency)}`);
  }
  const checks = document.checks;
  if (!Array.isArray(checks) || checks.length === 0) throw fail('checks: ', 'expected a non-empty list of checks', 'see docs/serve.md for an example');

  const seen = new Set<string>();
  const parsed = checks.map((entry, index) => {
    const check = parseCheck(entry, `checks[${index}]`, { file, fail, sources, place: { cwd: dir, env } });
    if (seen.has(check.name)) throw fail(`checks[${index}]: name: `, `"${check.name}" is used by an earlier check`, 'each name is a target label: make them unique');
    seen.add(check.name);
    return check;
  });
  return { file, dir, concurrency, checks: parsed };
}

type Fail = (where: string, message: string, hint?: string) => GitdiffError;

interface CheckSetting {
  file: string;
  fail: Fail;
  sources: readonly AnySource[];
  place: CheckPlace;
}

function parseCheck(entry: unknown, at: string, { file, fail, sources, place }: CheckSetting): Check {
  if (!isRecord(entry)) throw fail(`${at}: `, 'expected a mapping with name, command and interval');
  const name = entry.name;
  if (typeof name !== 'string' || !CHECK_NAME.test(name)) {
    throw fail(`${at}: name: `, name === undefined ? 'missing' : `${JSON.stringify(name)} is not a valid check name`,
      'a name is 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  const where = `${at} (${name})`;
  rejectUnknownKeys(entry, CHECK_KEYS, (message, hint) => fail(`${where}: `, message, hint));
  const command = entry.command;
  if (!Array.isArray(command) || command.length === 0) {
    throw fail(`${where}: command: `, command === undefined ? 'missing' : 'expected a list', 'e.g. command: [kube, manifests/, --context, prod]');
  }
  command.forEach((argument, index) => {
    if (typeof argument !== 'string') {
      throw fail(`${where}: command[${index}]: `, `expected a string, got ${JSON.stringify(argument)}`, 'quote it, so YAML keeps it as written');
    }
  });
  const interval = durationField(entry, 'interval', DEFAULT_INTERVAL, `${where}: `, fail);
  const timeout = durationField(entry, 'timeout', DEFAULT_TIMEOUT, `${where}: `, fail);
  const watch = entry.watch ?? true;
  if (typeof watch !== 'boolean') throw fail(`${where}: watch: `, `expected true or false, got ${JSON.stringify(watch)}`, 'watch: false runs the check on its interval');
  const parsed = parseCheckCommand(command as string[], sources, `config ${file}: ${where}`, place);
  const resync = entry.resync === undefined ? undefined : durationField(entry, 'resync', '', `${where}: `, fail);
  if (resync && !(watch && canWatch(parsed, place))) {
    throw fail(`${where}: resync: `, watch ? `this check cannot be watched, so it has no cache to resync` : 'does not apply with watch: false',
      watch ? 'only a kube check against a cluster is watched (not --live-from, --server-side or stdin): drop resync' : 'drop resync, or watch: false');
  }
  const webhook = entry.webhook === undefined ? undefined : parseWebhook(entry.webhook, {
    where: `${where}: `, fail, env: place.env, duration: (mapping, key, fallback, at) => durationField(mapping, key, fallback, at, fail),
  });
  const convergeWithin = durationField(entry, 'converge-within', DEFAULT_CONVERGE_WITHIN, `${where}: `, fail, { zeroMeansOff: true });
  return {
    name,
    command: command as string[],
    ...parsed,
    interval: interval.text,
    intervalMs: interval.ms,
    timeoutMs: timeout.ms,
    ...(watch ? {} : { watch: false as const }),
    ...(resync ? { resync: resync.text, resyncMs: resync.ms } : {}),
    ...(webhook ? { webhook } : {}),
    convergeWithin: convergeWithin.text,
    convergeWithinMs: convergeWithin.ms,
  };
}

/** Whether the check's source would keep it current: a session is asked for (cheap until its first run) and closed at once. */
function canWatch({ source, options }: CheckCommand, place: CheckPlace): boolean {
  const session = source.watch?.(options, { cwd: place.cwd, env: place.env, log: () => {} });
  session?.close();
  return session !== undefined;
}

/** A duration field; with zeroMeansOff, 0 (with or without a unit: nothing to misread) turns the feature off. */
function durationField(entry: Mapping, key: string, fallback: string, where: string, fail: Fail, { zeroMeansOff = false } = {}): { text: string; ms: number } {
  const value = entry[key] ?? fallback;
  const hint = zeroMeansOff ? `${DURATION_HINT}, or 0 to turn it off` : DURATION_HINT;
  if (zeroMeansOff && (value === 0 || value === '0')) return { text: '0', ms: 0 };
  // A bare number is refused rather than guessed: "interval: 5" reads as minutes to some and seconds to others.
  if (typeof value !== 'string') throw fail(`${where}${key}: `, `expected a duration with a unit, got ${JSON.stringify(value)}`, hint);
  let ms: number;
  try {
    ms = parseDuration(value, key);
  } catch (error) {
    throw fail(where, messageOf(error), hint);
  }
  if (/^\d+(\.\d+)?$/.test(value.trim())) throw fail(`${where}${key}: `, `"${value}" has no unit`, hint);
  if (zeroMeansOff && ms === 0) return { text: value, ms };
  if (ms < MIN_DURATION_MS) throw fail(`${where}${key}: `, `"${value}" is shorter than 1s`, zeroMeansOff ? hint : undefined);
  return { text: value, ms };
}

function rejectUnknownKeys(mapping: Mapping, known: readonly string[], fail: (message: string, hint?: string) => GitdiffError): void {
  const unknown = Object.keys(mapping).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw fail(`unknown field ${unknown.map((key) => JSON.stringify(key)).join(', ')}`, `known fields: ${known.join(', ')}`);
}
