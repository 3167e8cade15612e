// When and how long to wait before reading again. client-go retries reads on
// 429 and on 5xx answers that carry Retry-After; gitdiff also retries 500,
// 502, 503 and 504 without it, and failures to get an answer at all (a reset
// connection, a body cut short, no answer in time), since a read changes
// nothing and a drift check that gives up on one blip pages someone at night.
// Bounded both ways: a few attempts with exponential backoff, and the run's
// deadline (--timeout) over everything.

/** The first request and three retries. */
export const MAX_ATTEMPTS = 4;
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 4000;
/** A longer Retry-After is not waited for: the failure is reported instead (a CronJob runs again anyway). */
const MAX_RETRY_AFTER_SECONDS = 30;

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

export function retryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * The wait before attempt `attempt + 1`: 250 ms, 500 ms, 1 s... capped at 4 s (a watch opened again: `maxDelayMs`),
 * with the upper half jittered so that many requests failing together (one
 * overloaded server) do not all come back at the same instant.
 */
export function backoffMs(attempt: number, random: () => number = Math.random, maxDelayMs = MAX_DELAY_MS): number {
  const ceiling = Math.min(maxDelayMs, BASE_DELAY_MS * 2 ** (Math.min(attempt, 32) - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The server's Retry-After in ms when it gave one, 'too-long' past the bound, undefined without one. */
export function retryAfterMs(seconds: number | undefined): number | 'too-long' | undefined {
  if (seconds === undefined) return undefined;
  return seconds > MAX_RETRY_AFTER_SECONDS ? 'too-long' : seconds * 1000;
}
