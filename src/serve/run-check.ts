// One run of one check: the source's own run(), in this process, through the
// run lifecycle the CLI uses, with the RunContext the CLI would give it (minus
// stdin and terminal progress), the check's timeout, and a signal the server
// can abort (shutdown, a changed config).
import { Readable } from 'node:stream';
import { formatMs } from '../duration.js';
import { GitdiffError, messageOf } from '../errors.js';
import { runLifecycle } from '../sources/run-lifecycle.js';
import type { Check } from './checks-file.js';
import type { WatchedRun } from '../sources/types.js';
import { runRecord, type RunRecord } from './state.js';

export interface CheckRunIo {
  /** The config file's folder: relative paths in commands start there. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --debug: the source's debug lines, prefixed with the check's name. */
  debugLog?: (line: string) => void;
  /** Aborts the run from outside (shutdown, reload); its reason becomes the run's error. */
  signal: AbortSignal;
  /** The check's watch session (watched-checks.ts): the run compares what it holds, not a fresh read. */
  session?: WatchedRun;
}

export async function runCheck(check: Check, io: CheckRunIo): Promise<RunRecord> {
  const debugLine = io.debugLog ? (line: string) => io.debugLog!(`${check.name}: ${line}`) : () => {};
  const run = await runLifecycle(check.source, check.options, {
    context: {
      verbose: false,
      debug: io.debugLog !== undefined,
      log: debugLine,
      // The page and /api/checks show what was set aside; the note reaches the server's log with --debug.
      notice: debugLine,
      progress: () => {},
      // Commands that read stdin are refused by the config; an empty stream keeps a mistake from hanging.
      stdin: Readable.from([]),
      cwd: io.cwd,
      env: io.env,
    },
    interrupt: io.signal,
    deadlineMs: check.timeoutMs,
    deadlineReason: () => new GitdiffError(`timed out after ${formatMs(check.timeoutMs)}`, {
      hint: 'raise the check\'s timeout in the config, or find what is slow with `gitdiff serve --debug`',
    }),
    abandonOnAbort: true,
    // A watched run goes through the very same lifecycle (timeout, abort, stamping): only what it runs differs.
    session: io.session,
  });
  // A run cut short (timeout, shutdown, reload) could not tell, whatever part of a report it returned.
  if ('error' in run) return runRecord(run.startedAt, run.endedAt, { error: errorOf(run.error) });
  if (run.aborted) return runRecord(run.startedAt, run.endedAt, { error: errorOf(run.aborted.reason) });
  return runRecord(run.startedAt, run.endedAt, { report: run.report });
}

function errorOf(error: unknown): { message: string; hint?: string } {
  const message = messageOf(error);
  return error instanceof GitdiffError && error.hint ? { message, hint: error.hint } : { message };
}
