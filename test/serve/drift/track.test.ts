import { describe, expect, it } from 'vitest';
import { emptyTracked, type TrackedCheck } from '../../../src/serve/drift/events.js';
import { itemKey, track } from '../../../src/serve/drift/track.js';
import type { Item, Report } from '../../../src/report.js';

function item(name: string, status: Item['status'], replicas?: number): Item {
  return {
    ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name },
    title: `apps/v1 Deployment web/${name}`,
    status,
    changes: replicas === undefined ? [] : [{ path: 'spec.replicas', declared: 3, live: replicas }],
  };
}

function report(items: Item[], errors: Report['errors'] = []): Report {
  return { source: 'kube', target: 'test', items, errors, notes: [], durationMs: 1 };
}

function run(state: TrackedCheck, items: Item[], at: number, errors: Report['errors'] = []) {
  return track(state, report(items, errors), { check: 'web', at });
}

describe('track: what serve remembers between runs', () => {
  it('a new drift appears once, keeps its first-seen time while it lasts, and is resolved once', () => {
    const first = run(emptyTracked(), [item('api', 'diverged', 5), item('db', 'in-sync')], 1000);
    expect(first.events.map((event) => [event.kind, event.item?.title ?? event.items])).toEqual([
      ['appeared', 'apps/v1 Deployment web/api'],
      ['diverged', ['apps/v1 Deployment web/api']], // the check went from in sync to diverged (no commit pending)
    ]);
    expect(first.events[0].item?.changes).toEqual([{ path: 'spec.replicas', declared: 3, live: 5 }]);

    const same = run(first.state, [item('api', 'diverged', 5), item('db', 'in-sync')], 2000);
    expect(same.events).toEqual([]);
    expect([...same.state.items.values()].map((tracked) => tracked.firstSeen)).toEqual([1000]);

    const resolved = run(same.state, [item('api', 'in-sync'), item('db', 'in-sync')], 3000);
    expect(resolved.events.map((event) => [event.kind, event.at, event.item?.status])).toEqual([['resolved', 3000, 'diverged']]);
    expect(resolved.state.items.size).toBe(0);
  });

  it('a change in what differs is a `changed` event; the first-seen time stays', () => {
    const first = run(emptyTracked(), [item('api', 'diverged', 5)], 1000);
    const changed = run(first.state, [item('api', 'diverged', 7)], 2000);
    expect(changed.events.map((event) => [event.kind, event.item?.changes[0].live])).toEqual([['changed', 7]]);
    const tracked = changed.state.items.get(itemKey(item('api', 'diverged').ref))!;
    expect([tracked.firstSeen, tracked.lastChanged]).toEqual([1000, 2000]);
  });

  it('a run that could not tell changes nothing; an item that could not be checked keeps its drift', () => {
    const first = run(emptyTracked(), [item('api', 'diverged', 5), item('db', 'missing')], 1000);
    const failed = run(first.state, [], 2000, [{ message: 'connection refused' }]);
    expect(failed.events).toEqual([]);
    expect(failed.state).toBe(first.state);

    const partial = run(first.state, [item('api', 'error'), item('db', 'in-sync')], 3000);
    expect(partial.events.map((event) => [event.kind, event.item?.title])).toEqual([['resolved', 'apps/v1 Deployment web/db']]);
    expect([...partial.state.items.values()].map((tracked) => [tracked.title, tracked.firstSeen])).toEqual([['apps/v1 Deployment web/api', 1000]]);
  });

  it('an item no longer named at all is resolved; identity does not depend on field order', () => {
    const first = run(emptyTracked(), [item('api', 'extra')], 1000);
    const reordered: Item = { ...item('api', 'extra'), ref: { name: 'api', namespace: 'web', kind: 'Deployment', apiVersion: 'apps/v1' } };
    expect(run(first.state, [reordered], 2000).events).toEqual([]);
    expect(run(first.state, [], 3000).events.map((event) => event.kind)).toEqual(['resolved']);
  });

  it('keeps at most 50 changes in an event and counts the rest', () => {
    const many: Item = { ...item('api', 'diverged'), changes: Array.from({ length: 60 }, (_, index) => ({ path: `data.k${index}`, declared: 'a', live: 'b' })) };
    const { events } = run(emptyTracked(), [many], 1000);
    expect([events[0].item?.changes.length, events[0].item?.changesOmitted]).toEqual([50, 10]);
  });

  it('keeps a huge value as the start of its JSON, marked truncated, and an integer beyond 2^53 without failing', () => {
    const huge: Item = { ...item('api', 'diverged'), changes: [{ path: 'data.blob', declared: 'a'.repeat(5_000_000), live: 'b' }, { path: 'spec.big', declared: 2n ** 64n, live: 1 }] };
    const { events } = run(emptyTracked(), [huge], 1000);
    const [blob, big] = events[0].item!.changes;
    expect(blob).toEqual({ path: 'data.blob', declared: JSON.stringify('a'.repeat(5_000_000)).slice(0, 4096), live: 'b', truncated: true });
    expect(big).toEqual({ path: 'spec.big', declared: 2n ** 64n, live: 1 });
  });
});
