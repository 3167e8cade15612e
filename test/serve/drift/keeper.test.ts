import { afterEach, describe, expect, it, vi } from 'vitest';
import { DriftKeeper } from '../../../src/serve/drift/keeper.js';
import { MemoryHistory, MEMORY_EVENTS_PER_CHECK } from '../../../src/serve/history/store.js';
import { runRecord } from '../../../src/serve/state.js';
import type { Item, Report } from '../../../src/report.js';
import type { StoredEvent } from '../../../src/serve/drift/events.js';

function report(names: string[], revision?: string): Report {
  const items: Item[] = names.map((name) => ({ ref: { kind: 'ConfigMap', name }, title: `v1 ConfigMap ${name}`, status: 'diverged', changes: [] }));
  return { source: 'kube', target: 'test', items, errors: [], notes: [], durationMs: 1, ...(revision ? { revision } : {}) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DriftKeeper over the in-memory history', () => {
  it('records each run once, tells its listeners the stored events, and pages newest first', () => {
    const keeper = new DriftKeeper(new MemoryHistory());
    const heard: StoredEvent[][] = [];
    keeper.onEvents((events) => heard.push(events));
    keeper.afterRun('web', runRecord(0, 1000, { report: report(['a', 'b', 'c']) }));
    keeper.afterRun('web', runRecord(2000, 3000, { report: report(['a']) }));
    keeper.afterRun('web', runRecord(4000, 5000, { error: { message: 'timed out' } }));

    expect(heard.map((events) => events.map((event) => `${event.kind} ${event.item?.title ?? event.items}`))).toEqual([
      ['appeared v1 ConfigMap a', 'appeared v1 ConfigMap b', 'appeared v1 ConfigMap c', 'diverged v1 ConfigMap a,v1 ConfigMap b,v1 ConfigMap c'],
      ['resolved v1 ConfigMap b', 'resolved v1 ConfigMap c'],
    ]);
    const first = keeper.store.events('web', { limit: 3 });
    expect(first.events.map((event) => event.id)).toEqual([6, 5, 4]);
    const second = keeper.store.events('web', { limit: 3, before: first.next });
    expect(second.events.map((event) => event.id)).toEqual([3, 2, 1]);
    expect(second.next).toBeUndefined();
    expect([...keeper.state('web').items.values()].map((item) => item.firstSeen)).toEqual([1000]);
    expect(keeper.store.kept).toBe(false);
  });

  it('keeps a bounded number of events per check in memory', () => {
    const keeper = new DriftKeeper(new MemoryHistory());
    for (let run = 0; run < MEMORY_EVENTS_PER_CHECK; run++) {
      keeper.afterRun('web', runRecord(run * 10, run * 10 + 1, { report: report(run % 2 === 0 ? ['a'] : []) }));
    }
    keeper.afterRun('web', runRecord(1e6, 1e6 + 1, { report: report(['a']) }));
    const all = keeper.store.events('web', { limit: 5000 });
    expect(all.events).toHaveLength(MEMORY_EVENTS_PER_CHECK);
    expect(all.events[0].at).toBe(1e6 + 1);
  });

  it('ends a pending commit\'s grace period by a timer when no run comes: the check is diverged then', () => {
    vi.useFakeTimers({ now: 0 });
    const keeper = new DriftKeeper(new MemoryHistory());
    const heard: string[] = [];
    keeper.onEvents((events) => heard.push(...events.map((event) => `${event.at / 1000}s ${event.kind}${event.items ? ` ${event.items}` : ''}`)));
    const settings = { convergeWithinMs: 60_000 };
    keeper.afterRun('web', runRecord(0, 1000, { report: report([], 'a') }), settings);
    keeper.afterRun('web', runRecord(1000, 2000, { report: report(['a'], 'b') }), settings);
    vi.advanceTimersByTime(61_999); // the clock reads 0 when the runs are folded in: the timer is due at 62 s

    expect(heard).toEqual(['2s committed', '2s appeared']);
    vi.advanceTimersByTime(1);
    expect(heard).toEqual(['2s committed', '2s appeared', '62s diverged v1 ConfigMap a']);
    expect([...keeper.state('web').items.values()].map((item) => item.phase)).toEqual(['diverged']);
    keeper.close();
  });

  it('a commit that converges disarms its timer; close() leaves no timer behind', () => {
    vi.useFakeTimers({ now: 0 });
    const keeper = new DriftKeeper(new MemoryHistory());
    const settings = { convergeWithinMs: 60_000 };
    keeper.afterRun('web', runRecord(0, 1000, { report: report([], 'a') }), settings);
    keeper.afterRun('web', runRecord(1000, 2000, { report: report(['a'], 'b') }), settings);
    expect(vi.getTimerCount()).toBe(1);
    keeper.afterRun('web', runRecord(2000, 3000, { report: report([], 'b') }), settings);
    expect(vi.getTimerCount()).toBe(0);
    expect(keeper.store.events('web', { limit: 1 }).events[0]).toMatchObject({ kind: 'converged', revision: 'b', convergedInMs: 1000 });
    keeper.afterRun('web', runRecord(3000, 4000, { report: report(['a'], 'c') }), settings);
    expect(vi.getTimerCount()).toBe(1);
    keeper.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
