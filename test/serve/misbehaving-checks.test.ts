// Checks that misbehave, on simulated time: a source that throws what is not
// an Error (or something that cannot even be turned into text), one that never
// settles, one that rejects long after its timeout; and intervals and
// timeouts longer than one Node timer holds (24.8 days). Each ends as a run
// record, "could not tell" with a reason, and the schedule goes on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Check } from '../../src/serve/checks-file.js';
import { runCheck } from '../../src/serve/run-check.js';
import { Scheduler } from '../../src/serve/scheduler.js';
import type { Findings } from '../../src/report.js';
import type { Source } from '../../src/sources/types.js';

const DAY = 86_400_000;

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function checkRunning(run: () => Promise<Findings>, timeoutMs = 5000): Check {
  const source: Source<null> = { name: 'fake', summary: '', define: () => {}, options: () => null, run };
  return { name: 'c', command: ['fake'], source, options: null, labels: {}, perObject: false, interval: '1m', intervalMs: 60_000, timeoutMs, convergeWithin: '0', convergeWithinMs: 0 };
}

const io = () => ({ cwd: '/', env: {}, signal: new AbortController().signal });

describe('runCheck with a source that misbehaves', () => {
  it.each([
    ['a string', () => 'boom', /^boom$/],
    ['undefined', () => undefined, /^undefined$/],
    ['an object without a prototype', () => Object.create(null), /cannot be shown as text/],
    ['an object whose toString throws', () => ({ toString: () => { throw new Error('again'); } }), /cannot be shown as text/],
    ['an Error whose message getter throws', () => Object.defineProperty(new Error(), 'message', { get: () => { throw new Error('again'); } }), /cannot be shown as text/],
  ])('throwing %s: a record that could not tell, with a message', async (_name, thrown, message) => {
    const record = await runCheck(checkRunning(async () => { throw thrown(); }), io());
    expect(record.verdict).toBe('error');
    expect(record.exitCode).toBe(2);
    expect(record.error?.message).toMatch(message);
  });

  it('never settling: its timeout ends the run, as could not tell', async () => {
    const pending = runCheck(checkRunning(() => new Promise(() => {}), 5000), io());
    await vi.advanceTimersByTimeAsync(5000);
    const record = await pending;
    expect(record.verdict).toBe('error');
    expect(record.error?.message).toBe('timed out after 5s');
  });

  it('ignoring the abort and rejecting later: the timeout decides, the late failure is dropped quietly', async () => {
    const pending = runCheck(checkRunning(() => new Promise((_resolve, reject) => setTimeout(() => reject(new Error('late')), 60_000)), 1000), io());
    await vi.advanceTimersByTimeAsync(1000);
    expect((await pending).error?.message).toBe('timed out after 1s');
    await vi.advanceTimersByTimeAsync(60_000); // an unhandled rejection here would fail the test run
  });

  it('a timeout of 30 days does not fire at once', async () => {
    let finish: () => void = () => {};
    const pending = runCheck(checkRunning(() => new Promise((resolve) => (finish = () => resolve({ target: 't', items: [], errors: [], notes: [], noun: 'object' }))), 30 * DAY), io());
    await vi.advanceTimersByTimeAsync(DAY);
    finish();
    expect((await pending).verdict).toBe('in-sync');
  });
});

describe('Scheduler with intervals past 24.8 days', () => {
  it('an interval of 30 days runs every 30 days, not back to back', async () => {
    const starts: number[] = [];
    const scheduler = new Scheduler(async () => void starts.push(Date.now()), 1);
    scheduler.update([{ name: 'monthly', intervalMs: 30 * DAY }], 1);
    await vi.advanceTimersByTimeAsync(65 * DAY);
    expect(starts).toEqual([0, 30 * DAY, 60 * DAY]);
    expect(scheduler.nextRunAt('monthly')).toBe(90 * DAY);
    await scheduler.stop();
  });
});
