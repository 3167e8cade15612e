// The scheduler on simulated time (vitest's fake clock): which runs start, in
// what order, and never two of one check at once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler } from '../../src/serve/scheduler.js';

interface Started { name: string; at: number }

/** A scheduler whose runs take `durations[name]` simulated ms; it records starts and watches overlaps. */
function harness(durations: Record<string, number>, concurrency: number) {
  const started: Started[] = [];
  const running = new Map<string, number>();
  let maxRunning = 0;
  let overlaps = 0;
  const scheduler = new Scheduler(async (name) => {
    started.push({ name, at: Date.now() });
    if (running.get(name)) overlaps++;
    running.set(name, (running.get(name) ?? 0) + 1);
    maxRunning = Math.max(maxRunning, [...running.values()].reduce((sum, count) => sum + count, 0));
    await new Promise((resolve) => setTimeout(resolve, durations[name] ?? 0));
    running.set(name, running.get(name)! - 1);
  }, concurrency);
  const startsOf = (name: string) => started.filter((each) => each.name === name).map((each) => each.at);
  return { scheduler, started, startsOf, stats: () => ({ maxRunning, overlaps }) };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('runs each check every interval after its previous start', async () => {
    const { scheduler, startsOf } = harness({ a: 1000 }, 2);
    scheduler.update([{ name: 'a', intervalMs: 10_000 }], 2);
    await vi.advanceTimersByTimeAsync(35_000);
    expect(startsOf('a')).toEqual([0, 10_000, 20_000, 30_000]);
    expect(scheduler.nextRunAt('a')).toBe(40_000);
  });

  it('starts a check slower than its interval again when it ends, never while it runs', async () => {
    const { scheduler, startsOf, stats } = harness({ slow: 15_000 }, 2);
    scheduler.update([{ name: 'slow', intervalMs: 10_000 }], 2);
    await vi.advanceTimersByTimeAsync(50_000);
    expect(startsOf('slow')).toEqual([0, 15_000, 30_000, 45_000]);
    expect(stats().overlaps).toBe(0);
  });

  it('runs at most `concurrency` checks at once; the others wait their turn in the order they fell due', async () => {
    const { scheduler, started, stats } = harness({ a: 4000, b: 4000, c: 4000, d: 1000 }, 2);
    scheduler.update(['a', 'b', 'c', 'd'].map((name) => ({ name, intervalMs: 5000 })), 2);
    expect(scheduler.isQueued('c')).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(started.slice(0, 4)).toEqual([{ name: 'a', at: 0 }, { name: 'b', at: 0 }, { name: 'c', at: 4000 }, { name: 'd', at: 4000 }]);
    expect(stats()).toEqual({ maxRunning: 2, overlaps: 0 });
    for (const name of ['a', 'b', 'c', 'd']) expect(started.filter((each) => each.name === name).length).toBeGreaterThan(4);
  });

  it('follows a new config: added checks run at once, removed ones stop, changed ones rerun after their run in flight', async () => {
    const { scheduler, startsOf, stats } = harness({ keep: 3000, drop: 100, added: 100 }, 2);
    scheduler.update([{ name: 'keep', intervalMs: 10_000 }, { name: 'drop', intervalMs: 10_000 }], 2);
    await vi.advanceTimersByTimeAsync(1000);
    scheduler.update([{ name: 'keep', intervalMs: 20_000 }, { name: 'added', intervalMs: 10_000 }], 2, new Set(['keep']));
    await vi.advanceTimersByTimeAsync(25_000);
    expect(startsOf('drop')).toEqual([0]);
    expect(startsOf('added')).toEqual([1000, 11_000, 21_000]);
    // `keep` changed while running: it runs again when that run ends (3 s), then every 20 s.
    expect(startsOf('keep')).toEqual([0, 3000, 23_000]);
    expect(stats().overlaps).toBe(0);
  });

  it('a new interval alone moves the next run, counted from the last start', async () => {
    const { scheduler, startsOf } = harness({ a: 100 }, 1);
    scheduler.update([{ name: 'a', intervalMs: 60_000 }], 1);
    await vi.advanceTimersByTimeAsync(5000);
    scheduler.update([{ name: 'a', intervalMs: 10_000 }], 1);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(startsOf('a')).toEqual([0, 10_000, 20_000]);
  });

  it('does not start a re-added check while the run of its removed namesake is in flight', async () => {
    const { scheduler, startsOf, stats } = harness({ a: 5000 }, 2);
    scheduler.update([{ name: 'a', intervalMs: 60_000 }], 2);
    await vi.advanceTimersByTimeAsync(1000);
    scheduler.update([], 2);
    scheduler.update([{ name: 'a', intervalMs: 60_000 }], 2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(startsOf('a')).toEqual([0, 5000]);
    expect(stats().overlaps).toBe(0);
  });

  it('stop() starts nothing more and resolves when the runs in flight have ended', async () => {
    const { scheduler, started } = harness({ a: 5000, b: 5000, c: 5000 }, 2);
    scheduler.update(['a', 'b', 'c'].map((name) => ({ name, intervalMs: 1000 })), 2);
    let stopped = false;
    void scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(4000);
    expect(stopped).toBe(false);
    expect(scheduler.running).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(started.map((each) => each.name)).toEqual(['a', 'b']);
  });

  it('runs a watched check at start and on trigger only, never on its interval', async () => {
    const { scheduler, startsOf } = harness({ w: 1000 }, 2);
    scheduler.update([{ name: 'w', intervalMs: 10_000, watched: true }], 2);
    await vi.advanceTimersByTimeAsync(35_000);
    expect(startsOf('w')).toEqual([0]);
    expect(scheduler.nextRunAt('w')).toBeUndefined();
    scheduler.trigger('w');
    await vi.advanceTimersByTimeAsync(5000);
    expect(startsOf('w')).toEqual([0, 35_000]);
  });

  it('a trigger during a watched run makes one more run after it, however many triggers came', async () => {
    const { scheduler, startsOf, stats } = harness({ w: 4000 }, 2);
    scheduler.update([{ name: 'w', intervalMs: 10_000, watched: true }], 2);
    await vi.advanceTimersByTimeAsync(1000);
    for (let count = 0; count < 5; count++) scheduler.trigger('w');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(startsOf('w')).toEqual([0, 4000]);
    expect(stats().overlaps).toBe(0);
  });

  it('a watched check waits for a free slot like any other', async () => {
    const { scheduler, started } = harness({ a: 4000, w: 100 }, 1);
    scheduler.update([{ name: 'a', intervalMs: 60_000 }, { name: 'w', intervalMs: 60_000, watched: true }], 1);
    await vi.advanceTimersByTimeAsync(5000);
    scheduler.trigger('w');
    expect(scheduler.isQueued('w')).toBe(false); // a slot was free: it started at once
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toEqual([{ name: 'a', at: 0 }, { name: 'w', at: 4000 }, { name: 'w', at: 5000 }]);
  });

  it('a trigger of a check that is not watched changes nothing; a check moved to its interval runs on it again', async () => {
    const { scheduler, startsOf } = harness({ a: 100 }, 1);
    scheduler.update([{ name: 'a', intervalMs: 10_000 }], 1);
    await vi.advanceTimersByTimeAsync(1000);
    scheduler.trigger('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(startsOf('a')).toEqual([0]);
    scheduler.update([{ name: 'a', intervalMs: 10_000, watched: true }], 1);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(startsOf('a')).toEqual([0]);
    scheduler.update([{ name: 'a', intervalMs: 10_000 }], 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(startsOf('a')).toEqual([0, 22_000]);
  });

  it('retries a watched check whose run could not tell after its interval, or sooner on a change', async () => {
    const started: number[] = [];
    let outcome: 'retry' | undefined = 'retry';
    const scheduler = new Scheduler(async () => {
      started.push(Date.now());
      return outcome;
    }, 1);
    scheduler.update([{ name: 'w', intervalMs: 10_000, watched: true }], 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(scheduler.nextRunAt('w')).toBe(10_000);
    await vi.advanceTimersByTimeAsync(12_000);
    expect(started).toEqual([0, 10_000]);
    scheduler.trigger('w'); // a change before the retry is due: now
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([0, 10_000, 13_000]);
    outcome = undefined; // it could tell: back to changes only
    await vi.advanceTimersByTimeAsync(60_000);
    expect(started).toEqual([0, 10_000, 13_000, 23_000]);
    expect(scheduler.nextRunAt('w')).toBeUndefined();
  });
});
