// Delivers webhook bodies: POST, JSON, in order per check, off the runs' path.
// A run hands its events over and goes on: a slow or dead receiver delays
// other deliveries of the same check, never a verdict.
//
// - Retries with capped exponential backoff and jitter on what may pass (a
//   network error, no answer in time, 5xx, 429 with its Retry-After); none on
//   another 4xx or a redirect, which the next attempt would only repeat.
// - A bounded queue per check: when a receiver is down long enough to fill it,
//   the oldest waiting delivery is dropped and counted, so memory stays bounded
//   and what is sent when it comes back is the most recent.
// - One log line per delivery that failed (after its retries), not per attempt
//   (--debug logs each), so a dead receiver does not flood the log.
// - On shutdown, deliveries get what is left of the grace period, then the
//   rest are given up, said in one line.
import { STATUS_CODES } from 'node:http';
import { formatMs } from '../../duration.js';
import { messageOf } from '../../errors.js';
import { connectionProblem } from '../../system-errors.js';
import { delay } from '../../timers.js';
import type { WebhookBody } from './payload.js';
import type { WebhookTarget } from './target.js';

export type DeliveryOutcome = 'delivered' | 'failed' | 'dropped';

export interface RetryPolicy {
  /** Attempts per delivery, the first included. */
  attempts: number;
  /** The wait after the first failed attempt; doubled after each, up to maxDelayMs; each wait is jittered down to half. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A receiver's Retry-After is honoured up to this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, firstDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 };
/** Deliveries waiting per check, beyond the one being sent. */
export const QUEUE_LIMIT = 100;
const TRUST_HINT = "trust the receiver's CA with NODE_EXTRA_CA_CERTS=FILE";

export interface SenderIo {
  /** A line for serve's log (escaped there). */
  log(line: string): void;
  /** --debug: a line per failed attempt. */
  debugLog?: (line: string) => void;
  /** Counts each delivery's outcome: gitdiff_webhook_deliveries_total{target=check,outcome}. */
  count(check: string, outcome: DeliveryOutcome): void;
  retry?: RetryPolicy;
  queueLimit?: number;
  /** [0, 1): the jitter. */
  random?: () => number;
}

interface Delivery {
  target: WebhookTarget;
  body: WebhookBody;
}

interface Queue {
  waiting: Delivery[];
  /** A worker is sending this check's deliveries. */
  busy: boolean;
  /** The worker, to wait for at shutdown. */
  done?: Promise<void>;
  /** A drop was logged since the last delivery: one line per outage, the counter has each. */
  dropLogged: boolean;
}

type Attempt = { ok: true } | { ok: false; retry: boolean; reason: string; retryAfterMs?: number };

/** Retry-After: seconds, or an HTTP date (RFC 9110 10.2.3); undefined when it is neither. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The wait before attempt `failed + 1`: doubling from firstDelayMs, capped, jittered to 50-100% so many serve replicas do not retry in step. */
export function backoffMs(failed: number, policy: RetryPolicy, random: () => number): number {
  const full = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (failed - 1));
  return Math.round(full * (0.5 + random() * 0.5));
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export class WebhookSender {
  private readonly queues = new Map<string, Queue>();
  /** Aborts every attempt and wait: the grace period is over. */
  private readonly closing = new AbortController();
  private closed = false;
  private readonly retry: RetryPolicy;
  private readonly queueLimit: number;
  private readonly random: () => number;

  constructor(private readonly io: SenderIo) {
    this.retry = io.retry ?? DEFAULT_RETRY;
    this.queueLimit = io.queueLimit ?? QUEUE_LIMIT;
    this.random = io.random ?? Math.random;
  }

  /** Queues the bodies for the check's receiver and returns at once. */
  send(check: string, target: WebhookTarget, bodies: readonly WebhookBody[]): void {
    if (this.closed || bodies.length === 0) return;
    let queue = this.queues.get(check);
    if (!queue) this.queues.set(check, (queue = { waiting: [], busy: false, dropLogged: false }));
    for (const body of bodies) {
      queue.waiting.push({ target, body });
      if (queue.waiting.length <= this.queueLimit) continue;
      const dropped = queue.waiting.shift()!;
      this.io.count(check, 'dropped');
      if (!queue.dropLogged) {
        queue.dropLogged = true;
        this.io.log(`webhook: check ${check}: ${this.queueLimit} deliveries waiting for ${dropped.target.shownUrl}: dropping the oldest (${dropped.body.event} event ${dropped.body.id}); every drop is counted in gitdiff_webhook_deliveries_total{outcome="dropped"}`);
      }
    }
    if (!queue.busy) {
      queue.busy = true;
      queue.done = this.work(check, queue);
    }
  }

  /** Deliveries waiting or being sent, across checks. */
  get pending(): number {
    return [...this.queues.values()].reduce((sum, queue) => sum + queue.waiting.length + (queue.busy ? 1 : 0), 0);
  }

  /** Takes no more; lets deliveries finish for up to `withinMs`, then gives the rest up (one log line). */
  async close(withinMs: number): Promise<void> {
    this.closed = true;
    const workers = [...this.queues.values()].flatMap((queue) => (queue.busy && queue.done ? [queue.done] : []));
    if (workers.length === 0) return;
    const timer = new AbortController();
    const drained = await Promise.race([Promise.all(workers).then(() => true), delay(Math.max(0, withinMs), timer.signal).then(() => false)]);
    timer.abort();
    if (drained) return;
    const left = [...this.queues.entries()]
      .map(([check, queue]) => [check, queue.waiting.length + (queue.busy ? 1 : 0)] as const)
      .filter(([, count]) => count > 0);
    this.closing.abort();
    await Promise.all(workers);
    for (const queue of this.queues.values()) queue.waiting.length = 0;
    const total = left.reduce((sum, [, count]) => sum + count, 0);
    this.io.log(`webhook: shutting down: gave up on ${plural(total, 'undelivered event')} after the grace period (${left.map(([check, count]) => `${check}: ${count}`).join(', ')})`);
  }

  private async work(check: string, queue: Queue): Promise<void> {
    try {
      while (queue.waiting.length > 0 && !this.closing.signal.aborted) {
        const delivery = queue.waiting.shift()!;
        const delivered = await this.deliver(check, delivery).catch((error: unknown) => {
          // Whatever went wrong with one delivery, the check's later ones still go, and serve stays up.
          this.io.log(`webhook: check ${check}: ${delivery.body.event} event ${delivery.body.id} not delivered: ${messageOf(error)}`);
          return false;
        });
        if (delivered === undefined) return; // given up at shutdown: close() says so
        this.io.count(check, delivered ? 'delivered' : 'failed');
        if (delivered) queue.dropLogged = false;
      }
    } finally {
      // No await between the loop's last test and this: a send() after it starts a new worker.
      queue.busy = false;
    }
  }

  /** true: delivered; false: failed (logged); undefined: cut short by shutdown. */
  private async deliver(check: string, { target, body }: Delivery): Promise<boolean | undefined> {
    const what = `webhook: check ${check}: ${body.event} event ${body.id}`;
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(target, body);
      if (result.ok) return true;
      if (this.closing.signal.aborted) return undefined;
      if (!result.retry || attempt >= this.retry.attempts) {
        this.io.log(`${what} not delivered to ${target.shownUrl} after ${plural(attempt, 'attempt')}: ${result.reason}`);
        return false;
      }
      const wait = result.retryAfterMs !== undefined
        ? Math.min(result.retryAfterMs, this.retry.maxRetryAfterMs)
        : backoffMs(attempt, this.retry, this.random);
      this.io.debugLog?.(`${what}: attempt ${attempt} to ${target.shownUrl} failed (${result.reason}); retrying in ${formatMs(wait)}`);
      if (!(await delay(wait, this.closing.signal))) return undefined;
    }
  }

  private async attempt(target: WebhookTarget, body: WebhookBody): Promise<Attempt> {
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(target.timeoutMs)]);
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json', 'user-agent': 'gitdiff-serve' },
        body: JSON.stringify(body),
        // A redirect is not followed: it would carry the headers (credentials) wherever the receiver points.
        redirect: 'manual',
        signal,
      });
      await response.body?.cancel().catch(() => {});
      if (response.ok) return { ok: true };
      // The standard phrase, not the receiver's own text: what a receiver writes does not reach the log.
      const reason = `answered ${response.status}${STATUS_CODES[response.status] ? ` ${STATUS_CODES[response.status]}` : ''}`;
      if (response.status === 429 || response.status >= 500) {
        return { ok: false, retry: true, reason, retryAfterMs: retryAfterMs(response.headers.get('retry-after'), Date.now()) };
      }
      if (response.status >= 300 && response.status < 400) return { ok: false, retry: false, reason: `${reason} (redirects are not followed: give the final URL)` };
      return { ok: false, retry: false, reason };
    } catch (error) {
      if (this.closing.signal.aborted) return { ok: false, retry: false, reason: 'shutting down' };
      if ((error as { name?: unknown } | null)?.name === 'TimeoutError') {
        return { ok: false, retry: true, reason: `no answer within ${formatMs(target.timeoutMs)}` };
      }
      // A certificate problem would fail the same way again; a refused or reset connection may not.
      const problem = connectionProblem(error, TRUST_HINT);
      return { ok: false, retry: !problem.tls, reason: problem.hint ? `${problem.reason} (${problem.hint})` : problem.reason };
    }
  }
}
