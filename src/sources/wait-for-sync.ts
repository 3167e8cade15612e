// `--wait DURATION`: a deploy job's "is it there yet?". Run; in sync is an
// answer at once. Otherwise wait for the session to say something changed (a
// live object, a manifest) and run again, until a run is in sync or the time
// is up: then the last run is the answer (diverged, or could not tell). Never
// a run on a timer: between changes, a run would find what the last one did.
import { formatMs } from '../duration.js';
import { couldTell as couldTellReport, exitCode, EXIT_IN_SYNC } from '../report.js';
import type { RunResult } from './run-lifecycle.js';
import type { WatchedRun } from './types.js';
import { delay } from '../timers.js';

/** How long a change waits for the rest of its burst (a rollout touches many objects) before a run. */
export const CHANGE_DEBOUNCE_MS = 75;

/**
 * A run that could not tell (the cluster out of reach) is tried again this often: no change may
 * ever come to say the cluster is back.
 */
export const RETRY_MS = 5000;

export interface WaitSettings {
  waitMs: number;
  /** A signal (SIGINT, SIGTERM): stop waiting, the last run is returned. */
  interrupt: AbortSignal;
  /** A line for a person watching a terminal. */
  progress: (line: string) => void;
}

/** Whether a run is the answer --wait waits for: a whole report, in sync. */
function inSync(run: RunResult): boolean {
  return 'report' in run && !run.aborted && exitCode(run.report) === EXIT_IN_SYNC;
}

/** Runs until one run is in sync or `waitMs` has passed; returns the last run. The session is closed on return. */
export async function runUntilInSync(watched: WatchedRun, runOnce: () => Promise<RunResult>, settings: WaitSettings): Promise<RunResult> {
  const deadline = Date.now() + settings.waitMs;
  let changed = false;
  let wake = () => {};
  const stop = watched.onChange(() => {
    changed = true;
    wake();
  });
  try {
    for (let first = true; ; first = false) {
      changed = false;
      const run = await runOnce();
      if (inSync(run) || settings.interrupt.aborted || Date.now() >= deadline) return run;
      // Refused outright the first time (a path that does not exist, a kubeconfig without the context):
      // bad input, said at once, not after the whole wait. Later, a manifest caught mid-edit is waited out.
      if (first && 'error' in run) return run;
      if (!changed) {
        const couldTell = 'report' in run && !run.aborted && couldTellReport(run.report);
        settings.progress(`gitdiff: ${couldTell ? 'not in sync yet' : 'could not tell'}; waiting for a change (${formatMs(deadline - Date.now())} left)`);
        const waiting = new AbortController();
        wake = () => waiting.abort();
        const stopWaiting = () => waiting.abort();
        settings.interrupt.addEventListener('abort', stopWaiting, { once: true });
        const remaining = deadline - Date.now();
        const retried = !couldTell && remaining > RETRY_MS;
        await delay(retried ? RETRY_MS : remaining, waiting.signal);
        settings.interrupt.removeEventListener('abort', stopWaiting);
        wake = () => {};
        if (settings.interrupt.aborted) return run;
        if (!changed && !retried) return run; // the time is up
      }
      // The rest of a burst arrives together: one run for a rollout, not one per object.
      await delay(Math.min(CHANGE_DEBOUNCE_MS, Math.max(0, deadline - Date.now())), settings.interrupt);
      if (settings.interrupt.aborted) return run;
    }
  } finally {
    stop();
    watched.close();
  }
}
