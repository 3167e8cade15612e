// Timers for durations people write: an interval of 30 days, a --timeout of
// 720h. Node's own timers hold at most 2^31-1 ms (24.8 days) and fire after
// 1 ms when given more (with only a TimeoutOverflowWarning), so a monthly check
// would run back to back and a long timeout would abort at once. Longer waits
// here are chained from timers that fit.

/** The longest delay one Node timer honours. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  cancel(): void;
}

/** Calls `callback` once, after `ms` (any length); cancel() before then and it never runs. */
export function setLongTimeout(callback: () => void, ms: number): LongTimer {
  let timer: ReturnType<typeof setTimeout>;
  const arm = (remaining: number) => {
    timer = remaining > MAX_TIMER_MS ? setTimeout(() => arm(remaining - MAX_TIMER_MS), MAX_TIMER_MS) : setTimeout(callback, Math.max(0, remaining));
  };
  arm(ms);
  return { cancel: () => clearTimeout(timer) };
}

/** Resolves after `ms` (any length); resolves early, with false, when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      timer.cancel();
      resolve(false);
    };
    const timer = setLongTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
