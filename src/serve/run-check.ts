// One run of one check: the source's own run(), in this process, with the
// RunContext the CLI would give it (minus stdin and terminal progress), a
// timeout, and a signal the server can abort (shutdown, a changed config).
import { setMaxListeners } from 'node:events';
import { Readable } from 'node:stream';
import { GitdiffError, messageOf } from '../errors.js';
import type { RunContext } from '../sources/types.js';
import { setLongTimeout } from '../timers.js';
import type { Check } from './config.js';
import { runRecord, type RunRecord } from './state.js';

export interface CheckRunIo {
  /** The config file's folder: relative paths in commands start there. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --debug: the source's debug lines, prefixed with the check's name. */
  debugLog?: (line: string) => void;
  /** Aborts the run from outside (shutdown, reload); its reason becomes the run's error. */
  signal: AbortSignal;
}

export async function runCheck(check: Check, io: CheckRunIo): Promise<RunRecord> {
  const controller = new AbortController();
  // Every request in flight listens to it (a large kube check: more than Node's 10 before it warns).
  setMaxListeners(100, controller.signal);
  const timer = setLongTimeout(() => {
    controller.abort(new GitdiffError(`timed out after ${formatMs(check.timeoutMs)}`, {
      hint: 'raise the check\'s timeout in the config, or find what is slow with `gitdiff serve --debug`',
    }));
  }, check.timeoutMs);
  const onAbort = () => controller.abort(io.signal.reason);
  io.signal.addEventListener('abort', onAbort, { once: true });
  if (io.signal.aborted) onAbort();

  const debugLine = io.debugLog ? (line: string) => io.debugLog!(`${check.name}: ${line}`) : () => {};
  const context: RunContext = {
    verbose: false,
    debug: io.debugLog !== undefined,
    log: debugLine,
    // The page and /api/checks show what was set aside; the note reaches the server's log with --debug.
    notice: debugLine,
    progress: () => {},
    // Commands that read stdin are refused by the config; an empty stream keeps a mistake from hanging.
    stdin: Readable.from([]),
    signal: controller.signal,
    cwd: io.cwd,
    env: io.env,
  };
  // A run ends when its source returns or when it is aborted, whichever comes first: a source that
  // never settles (a tool whose grandchild holds its output open) must not hold the check's slot for
  // ever. Its late result, if any, is dropped.
  const abandoned = new Promise<never>((_resolve, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  const startedAt = Date.now();
  try {
    const report = await Promise.race([check.source.run(check.args, check.options, context), abandoned]);
    if (controller.signal.aborted) return runRecord(startedAt, Date.now(), { error: errorOf(controller.signal.reason) });
    return runRecord(startedAt, Date.now(), { report });
  } catch (error) {
    // When the run was aborted, the reason (timeout, shutdown) says more than the error it caused.
    return runRecord(startedAt, Date.now(), { error: errorOf(controller.signal.aborted ? controller.signal.reason : error) });
  } finally {
    timer.cancel();
    io.signal.removeEventListener('abort', onAbort);
  }
}

function errorOf(error: unknown): { message: string; hint?: string } {
  const message = messageOf(error);
  return error instanceof GitdiffError && error.hint ? { message, hint: error.hint } : { message };
}

/** 600000 -> `10m`, 90000 -> `1m 30s`, 1500 -> `1.5s`. */
export function formatMs(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const parts = [hours && `${hours}h`, minutes && `${minutes}m`, seconds && `${Number(seconds.toFixed(1))}s`].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '0s';
}
