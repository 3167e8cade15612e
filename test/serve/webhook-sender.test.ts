// The webhook sender against a real local HTTP receiver: what arrives, how
// often, in which order, and what is counted and logged when a receiver fails.
import { afterEach, describe, expect, it } from 'vitest';
import { backoffMs, retryAfterMs, WebhookSender, type DeliveryOutcome, type RetryPolicy } from '../../src/serve/webhook/sender.js';
import type { WebhookBody } from '../../src/serve/webhook/payload.js';
import type { WebhookTarget } from '../../src/serve/webhook/target.js';
import { freePort } from '../support/prometheus.js';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const FAST: RetryPolicy = { attempts: 5, firstDelayMs: 100, maxDelayMs: 400, maxRetryAfterMs: 5000 };

function body(id: number, event: WebhookBody['event'] = 'diverged'): WebhookBody {
  return {
    id, check: 'web', event, revision: 'abc123', at: '2026-12-06T01:00:00.000Z',
    items: [{ title: 'apps/v1 Deployment web/api', status: 'diverged', changes: ['spec.replicas'] }], convergedInSeconds: null,
  };
}

function target(url: string, extra: Partial<WebhookTarget> = {}): WebhookTarget {
  return { url, shownUrl: url, events: ['diverged'], headers: { 'X-Team': 'platform' }, timeoutMs: 2000, ...extra };
}

interface Harness {
  sender: WebhookSender;
  logs: string[];
  debug: string[];
  counts: Array<[string, DeliveryOutcome]>;
}

function harness(options: { retry?: RetryPolicy; queueLimit?: number } = {}): Harness {
  const logs: string[] = [];
  const debug: string[] = [];
  const counts: Array<[string, DeliveryOutcome]> = [];
  const sender = new WebhookSender({
    log: (line) => logs.push(line), debugLog: (line) => debug.push(line), count: (check, outcome) => counts.push([check, outcome]),
    retry: options.retry ?? FAST, queueLimit: options.queueLimit, random: () => 0.5,
  });
  return { sender, logs, debug, counts };
}

/** Waits until `counted` outcomes were counted: a delivery's end, whatever it was. */
async function settled(h: Harness, counted: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (h.counts.length < counted) {
    if (Date.now() > deadline) throw new Error(`timed out: ${h.counts.length} of ${counted} outcomes; logs: ${h.logs.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let receivers: WebhookReceiver[] = [];
let senders: WebhookSender[] = [];
afterEach(async () => {
  await Promise.all(senders.map((sender) => sender.close(0)));
  await Promise.all(receivers.map((receiver) => receiver.close()));
  receivers = [];
  senders = [];
});

async function receiver(answer?: Parameters<typeof startReceiver>[0], port?: number): Promise<WebhookReceiver> {
  const started = await startReceiver(answer, port);
  receivers.push(started);
  return started;
}

function started(options?: Parameters<typeof harness>[0]): Harness {
  const h = harness(options);
  senders.push(h.sender);
  return h;
}

describe('WebhookSender', () => {
  it('POSTs the body as JSON with the configured headers: one attempt, counted delivered, nothing logged', async () => {
    const hook = await receiver();
    const h = started();
    h.sender.send('web', target(hook.url), [body(7)]);
    await settled(h, 1);
    expect(hook.received).toHaveLength(1);
    const [request] = hook.received;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hook');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-team']).toBe('platform');
    expect(request.body).toEqual(body(7));
    expect(h.counts).toEqual([['web', 'delivered']]);
    expect(h.logs).toEqual([]);
  });

  it('retries a 500: one delivery, two attempts, no log line without --debug, one debug line for the retry', async () => {
    const hook = await receiver((index) => ({ status: index === 0 ? 500 : 200 }));
    const h = started();
    h.sender.send('web', target(hook.url), [body(1)]);
    await settled(h, 1);
    expect(hook.received.map((request) => request.body.id)).toEqual([1, 1]);
    expect(h.counts).toEqual([['web', 'delivered']]);
    expect(h.logs).toEqual([]);
    expect(h.debug).toEqual([`webhook: check web: diverged event 1: attempt 1 to ${hook.url} failed (answered 500 Internal Server Error); retrying in 0.1s`]);
  });

  it('honours a 429\'s Retry-After (seconds) instead of its own, shorter backoff', async () => {
    const hook = await receiver((index) => (index === 0 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 202 }));
    const h = started();
    h.sender.send('web', target(hook.url), [body(1)]);
    await settled(h, 1);
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1].at - hook.received[0].at).toBeGreaterThanOrEqual(950);
    expect(h.counts).toEqual([['web', 'delivered']]);
  });

  it('does not retry a 400: failed after one attempt, one escaped log line naming the shown URL, not the credentials', async () => {
    const hook = await receiver(() => ({ status: 400 }));
    const h = started();
    const shownUrl = hook.url.replace('http://', 'http://***@');
    h.sender.send('web', target(hook.url, { shownUrl, headers: { Authorization: 'Bearer s3cr3t-token' } }), [body(3)]);
    await settled(h, 1);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0].headers.authorization).toBe('Bearer s3cr3t-token');
    expect(h.counts).toEqual([['web', 'failed']]);
    expect(h.logs).toEqual([`webhook: check web: diverged event 3 not delivered to ${shownUrl} after 1 attempt: answered 400 Bad Request`]);
    expect(h.logs.join('\n')).not.toContain('s3cr3t');
  });

  it('gives up after the last attempt on a receiver that keeps failing, with one log line for the delivery', async () => {
    const hook = await receiver(() => ({ status: 503 }));
    const h = started({ retry: { ...FAST, attempts: 3 } });
    h.sender.send('web', target(hook.url), [body(4)]);
    await settled(h, 1);
    expect(hook.received).toHaveLength(3);
    expect(h.counts).toEqual([['web', 'failed']]);
    expect(h.logs).toEqual([`webhook: check web: diverged event 4 not delivered to ${hook.url} after 3 attempts: answered 503 Service Unavailable`]);
    expect(h.debug).toHaveLength(2);
  });

  it('retries a refused connection until the receiver is up, then delivers', async () => {
    const port = await freePort();
    const h = started();
    h.sender.send('web', target(`http://127.0.0.1:${port}/hook`), [body(5)]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(h.debug[0]).toContain('failed (connection refused)');
    const hook = await receiver(undefined, port);
    await settled(h, 1);
    expect(hook.received.map((request) => request.body.id)).toEqual([5]);
    expect(h.counts).toEqual([['web', 'delivered']]);
  });

  it('retries a receiver that does not answer within the timeout', async () => {
    const hook = await receiver((index) => ({ status: 200, delayMs: index === 0 ? 2000 : 0 }));
    const h = started();
    h.sender.send('web', target(hook.url, { timeoutMs: 200 }), [body(6)]);
    await settled(h, 1);
    expect(h.debug[0]).toContain('failed (no answer within 0.2s)');
    expect(h.counts).toEqual([['web', 'delivered']]);
  });

  it('returns at once while a slow receiver holds the deliveries, and sends them in order', async () => {
    const hook = await receiver(() => ({ status: 200, delayMs: 300 }));
    const h = started();
    const before = performance.now();
    h.sender.send('web', target(hook.url), [body(1)]);
    h.sender.send('web', target(hook.url), [body(2), body(3)]);
    expect(performance.now() - before).toBeLessThan(50);
    expect(h.sender.pending).toBe(3);
    await settled(h, 3);
    expect(hook.received.map((request) => request.body.id)).toEqual([1, 2, 3]);
  });

  it('bounds each check\'s queue: the oldest waiting deliveries are dropped, counted, and logged once', async () => {
    const hook = await receiver(() => ({ status: 200, delayMs: 100 }));
    const h = started({ queueLimit: 2 });
    h.sender.send('web', target(hook.url), [body(1)]);
    h.sender.send('web', target(hook.url), [2, 3, 4, 5].map((id) => body(id)));
    await settled(h, 5);
    expect(hook.received.map((request) => request.body.id)).toEqual([1, 4, 5]);
    expect(h.counts.filter(([, outcome]) => outcome === 'dropped')).toHaveLength(2);
    expect(h.counts.filter(([, outcome]) => outcome === 'delivered')).toHaveLength(3);
    expect(h.logs).toHaveLength(1);
    expect(h.logs[0]).toContain('webhook: check web: 2 deliveries waiting for');
    expect(h.logs[0]).toContain('dropping the oldest (diverged event 2)');
  });

  it('on close, gives in-flight deliveries the time left, then gives up on the rest in one line', async () => {
    const hook = await receiver(() => ({ status: 200, delayMs: 10_000 }));
    const h = harness();
    h.sender.send('web', target(hook.url, { timeoutMs: 20_000 }), [body(1), body(2)]);
    await hook.waitFor(1);
    const before = Date.now();
    await h.sender.close(300);
    expect(Date.now() - before).toBeLessThan(3000);
    expect(Date.now() - before).toBeGreaterThanOrEqual(290);
    expect(h.logs).toEqual(['webhook: shutting down: gave up on 2 undelivered events after the grace period (web: 2)']);
    h.sender.send('web', target(hook.url), [body(3)]);
    expect(h.sender.pending).toBe(0);
  });
});

describe('retry timing', () => {
  it.each([
    ['seconds', '120', 120_000],
    ['an HTTP date 90 s ahead', new Date(Date.UTC(2026, 11, 6, 1, 1, 30)).toUTCString(), 90_000],
    ['an HTTP date in the past', new Date(Date.UTC(2026, 11, 6, 0, 0, 0)).toUTCString(), 0],
    ['nonsense', 'soon', undefined],
    ['absent', null, undefined],
  ])('Retry-After as %s', (_, value, expected) => {
    expect(retryAfterMs(value, Date.UTC(2026, 11, 6, 1, 0, 0))).toBe(expected);
  });

  it.each([
    [1, 0, 500], [1, 0.999, 1000], [2, 0, 1000], [3, 0.5, 3000], [7, 0.999, 59_970], [30, 0, 30_000],
  ])('after %i failed attempts (random %d) waits %i ms: doubling, capped at a minute, jittered to 50-100%%', (failed, random, expected) => {
    expect(backoffMs(failed, { attempts: 5, firstDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 }, () => random)).toBe(expected);
  });
});
