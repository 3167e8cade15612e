// One run of one source, the same way for the CLI and for serve: the
// RunContext the source sees, its abort signal (the caller's interrupt and the
// run's deadline), the deadline timer, and the Report stamped with the source's
// name and the run's duration. Each caller adds only what is its own: the CLI
// its signal handlers and standard input, serve its shutdown, reloads and log.
import { setMaxListeners } from 'node:events';
import type { GitdiffError } from '../errors.js';
import type { Report } from '../report.js';
import { setLongTimeout } from '../timers.js';
import type { RunContext, Source, WatchedRun } from './types.js';

/** A process ended by a signal exits 128 + its number, by convention: SIGINT 2, SIGTERM 15. */
export function signalExitStatus(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

export interface RunSettings {
  /** Everything the source sees but its signal, which is made here. */
  context: Omit<RunContext, 'signal'>;
  /** Aborts the run from outside (a signal, serve's shutdown or a reload); its reason is the run's. */
  interrupt: AbortSignal;
  /** The whole run's deadline, ms; 0 for none. */
  deadlineMs: number;
  /** The reason the run is aborted with when the deadline passes. */
  deadlineReason: () => GitdiffError;
  /**
   * After an abort, stop waiting for the source at once (serve: a source that
   * never settles, such as a tool whose grandchild holds its output open, must
   * not hold the check's slot for ever; its late result is dropped), rather than
   * wait for it to return the report of what it checked (the CLI prints that).
   */
  abandonOnAbort: boolean;
  /** Called once if the run is aborted (the CLI ends standard input, so a read of '-' ends too). */
  onAbort?: () => void;
  /** A watch session of the command (serve's watch mode, --wait): the run compares what it holds instead of the source's run(). */
  session?: WatchedRun;
}

export type RunResult = { startedAt: number; endedAt: number } & (
  /** The source returned; `aborted` when it did so after an abort (a partial report). */
  | { report: Report; aborted?: { reason: unknown } }
  /** The source threw, or was abandoned: when the run was aborted, the abort's reason, which says more than the error it caused. */
  | { error: unknown }
);

export async function runLifecycle<O>(source: Source<O>, options: O, settings: RunSettings): Promise<RunResult> {
  const deadline = new AbortController();
  const signal = AbortSignal.any([settings.interrupt, deadline.signal]);
  // Every request in flight listens to it (lists, autoscalers and OpenAPI of a large run: more than Node's 10 before it warns).
  setMaxListeners(100, signal);
  const timer = settings.deadlineMs > 0 ? setLongTimeout(() => deadline.abort(settings.deadlineReason()), settings.deadlineMs) : undefined;
  const onAbort = () => settings.onAbort?.();
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const abandoned = settings.abandonOnAbort
    ? new Promise<never>((_resolve, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    })
    : undefined;

  const startedAt = Date.now();
  const started = performance.now();
  try {
    const running = settings.session ? settings.session.run({ ...settings.context, signal }) : source.run(options, { ...settings.context, signal });
    const findings = await (abandoned ? Promise.race([running, abandoned]) : running);
    const report: Report = { ...findings, source: source.name, durationMs: performance.now() - started };
    return { startedAt, endedAt: Date.now(), report, ...(signal.aborted && { aborted: { reason: signal.reason } }) };
  } catch (error) {
    return { startedAt, endedAt: Date.now(), error: signal.aborted ? signal.reason : error };
  } finally {
    timer?.cancel();
    signal.removeEventListener('abort', onAbort);
  }
}
