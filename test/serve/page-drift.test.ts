// What the status page derives from remembered drift before rendering: each
// object's age, and the timeline's window, marks and spans.
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/report.js';
import { emptyTracked, type DriftEventKind, type StoredEvent, type TrackedCheck, type TrackedItem } from '../../src/serve/drift/events.js';
import { itemKey } from '../../src/serve/drift/track.js';
import { itemAge, LATEST_EVENTS, MAX_LANES, timelineOf, TIMELINE_MAX_MS } from '../../src/serve/page-drift.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const item = (name: string): Item => ({ ref: { kind: 'Deployment', namespace: 'cache', name }, title: `apps/v1 Deployment cache/${name}`, status: 'diverged', changes: [] });
const keyOf = (name: string) => itemKey(item(name).ref);

function trackedOf(items: Array<Partial<TrackedItem> & { name: string }>, commit?: TrackedCheck['commit']): TrackedCheck {
  const state = emptyTracked();
  for (const { name, ...rest } of items) {
    state.items.set(keyOf(name), { key: keyOf(name), title: item(name).title, status: 'diverged', firstSeen: NOW - HOUR, lastChanged: NOW - HOUR, fingerprint: '', phase: 'diverged', ...rest });
  }
  if (commit) state.commit = commit;
  return state;
}

let nextId = 1;
/** An event about object `name` (or a revision when name is undefined), `ago` ms before NOW. */
function event(kind: DriftEventKind, ago: number, name?: string, extra: Partial<StoredEvent> = {}): StoredEvent {
  const about = name === undefined ? {} : { item: { key: keyOf(name), title: item(name).title, status: 'diverged' as const, changes: [] } };
  return { id: nextId++, check: 'web', kind, at: NOW - ago, ...about, ...extra };
}

/** The history store's order: newest first. */
const newestFirst = (...events: StoredEvent[]) => [...events].sort((a, b) => b.at - a.at);

describe('itemAge', () => {
  it('is how long a remembered object has drifted, found by its identity whatever the field order', () => {
    const tracked = trackedOf([{ name: 'redis', firstSeen: NOW - (3 * HOUR + 12 * MINUTE) }]);
    const reordered: Item = { ...item('redis'), ref: { name: 'redis', namespace: 'cache', kind: 'Deployment' } };
    expect(itemAge(tracked, reordered, NOW)).toEqual({ phase: 'diverged', since: NOW - (3 * HOUR + 12 * MINUTE), elapsedMs: 3 * HOUR + 12 * MINUTE });
  });

  it('says how long ago the commit was seen for an object still converging', () => {
    const tracked = trackedOf([{ name: 'redis', firstSeen: NOW - 2 * MINUTE, phase: 'converging' }], { revision: 'abc123', at: NOW - 2 * MINUTE });
    expect(itemAge(tracked, item('redis'), NOW)).toEqual({ phase: 'converging', since: NOW - 2 * MINUTE, elapsedMs: 2 * MINUTE, committedAgoMs: 2 * MINUTE });
  });

  it('is undefined for an object serve remembers no drift of (in sync, unchecked, could not tell)', () => {
    expect(itemAge(trackedOf([{ name: 'redis' }]), item('web'), NOW)).toBeUndefined();
  });
});

describe('timelineOf', () => {
  it('is undefined with no event kept and nothing drifting', () => {
    expect(timelineOf(emptyTracked(), [], NOW)).toBeUndefined();
  });

  it('places a drift that appeared and was resolved as a closed span between its two marks', () => {
    const appeared = event('appeared', 50 * MINUTE, 'redis');
    const resolved = event('resolved', 25 * MINUTE, 'redis');
    const timeline = timelineOf(emptyTracked(), newestFirst(appeared, resolved), NOW)!;
    // The window starts a little before the oldest event: 50 minutes plus 4 %.
    expect(timeline.from).toBe(NOW - 52 * MINUTE);
    expect(timeline.ticks).toEqual([NOW - 52 * MINUTE, NOW - 26 * MINUTE, NOW]);
    expect(timeline.marks.map(({ event: { kind }, x }) => [kind, x])).toEqual([['resolved', 51.92], ['appeared', 3.85]]);
    expect(timeline.lanes).toEqual([{
      key: keyOf('redis'), title: 'apps/v1 Deployment cache/redis', drifting: false,
      spans: [{ from: NOW - 50 * MINUTE, to: NOW - 25 * MINUTE, open: false, clipped: false, phase: 'diverged', x: 3.85, width: 48.07 }],
    }]);
    // The span ends exactly under the resolved mark (widths come from the rounded places).
    expect(timeline.lanes[0].spans[0].x + timeline.lanes[0].spans[0].width).toBeCloseTo(timeline.marks[0].x, 5);
    expect(timeline.counts).toEqual({ appeared: 1, resolved: 1 });
    expect(timeline.driftingNow).toBe(0);
  });

  it('draws an object drifting now up to the right edge, in its phase, before the resolved ones', () => {
    const tracked = trackedOf([{ name: 'web', firstSeen: NOW - 10 * MINUTE, phase: 'converging' }]);
    const events = newestFirst(event('appeared', 40 * MINUTE, 'redis'), event('resolved', 30 * MINUTE, 'redis'), event('appeared', 10 * MINUTE, 'web'));
    const timeline = timelineOf(tracked, events, NOW)!;
    expect(timeline.lanes.map((lane) => [lane.title, lane.drifting])).toEqual([['apps/v1 Deployment cache/web', true], ['apps/v1 Deployment cache/redis', false]]);
    const [open] = timeline.lanes[0].spans;
    expect(open).toMatchObject({ from: NOW - 10 * MINUTE, to: NOW, open: true, phase: 'converging' });
    expect(open.x + open.width).toBeCloseTo(100, 1);
    expect(timeline.driftingNow).toBe(1);
  });

  it('starts a span at the edge, marked clipped, when its appearance is older than what is kept', () => {
    const tracked = trackedOf([{ name: 'web', firstSeen: NOW - 3 * 24 * HOUR }]);
    const timeline = timelineOf(tracked, newestFirst(event('resolved', 20 * MINUTE, 'redis'), event('changed', 5 * MINUTE, 'web')), NOW)!;
    // Three days of drift: the window stops at 24 hours.
    expect(timeline.from).toBe(NOW - TIMELINE_MAX_MS);
    const spans = Object.fromEntries(timeline.lanes.map((lane) => [lane.title, lane.spans]));
    expect(spans['apps/v1 Deployment cache/web']).toMatchObject([{ x: 0, width: 100, clipped: true, open: true }]);
    expect(spans['apps/v1 Deployment cache/redis']).toMatchObject([{ x: 0, clipped: true, open: false, to: NOW - 20 * MINUTE }]);
  });

  it('leaves events older than the window off the strip, but not off the list', () => {
    const old = event('appeared', 30 * HOUR, 'redis');
    const recent = event('resolved', 2 * HOUR, 'redis');
    const timeline = timelineOf(emptyTracked(), newestFirst(old, recent), NOW)!;
    expect(timeline.marks.map((mark) => mark.event)).toEqual([recent]);
    expect(timeline.latest).toEqual([recent, old]);
    expect(timeline.lanes[0].spans).toMatchObject([{ x: 0, clipped: true }]);
  });

  it('shows at least a minute, so a few seconds of history do not fill the strip', () => {
    const timeline = timelineOf(emptyTracked(), [event('appeared', 2000, 'redis')], NOW)!;
    expect(timeline.from).toBe(NOW - MINUTE);
    expect(timeline.marks[0].x).toBeCloseTo(96.67, 2);
    // Still open (the state was lost): a span up to its only event, wide enough to see, inside the strip.
    expect(timeline.lanes[0].spans[0].x + timeline.lanes[0].spans[0].width).toBeLessThanOrEqual(100);
    expect(timeline.lanes[0].spans[0].width).toBeGreaterThan(0);
  });

  it('marks revision events without giving them a lane', () => {
    const events = newestFirst(event('committed', 20 * MINUTE, undefined, { revision: 'b2' }), event('converged', 10 * MINUTE, undefined, { revision: 'b2', convergedInMs: 10 * MINUTE }));
    const timeline = timelineOf(emptyTracked(), events, NOW)!;
    expect(timeline.marks.map((mark) => mark.event.kind)).toEqual(['converged', 'committed']);
    expect(timeline.lanes).toEqual([]);
  });

  it('copes with more drifting objects than a function call takes arguments', () => {
    const many = emptyTracked();
    for (let index = 0; index < 200_000; index++) {
      const key = `app-${index}`;
      many.items.set(key, { key, title: key, status: 'diverged', firstSeen: NOW - 2 * HOUR + index, lastChanged: NOW - 2 * HOUR + index, fingerprint: '', phase: 'diverged' });
    }
    const timeline = timelineOf(many, [], NOW)!;
    expect(timeline.from).toBeLessThan(NOW - 2 * HOUR);
    expect(timeline.driftingNow).toBe(200_000);
    // The most recently changed first.
    expect(timeline.lanes.map((lane) => lane.title)).toEqual(Array.from({ length: MAX_LANES }, (_, index) => `app-${199_999 - index}`));
    expect(timeline.lanesOmitted).toBe(200_000 - MAX_LANES);
  });

  it('gives at most MAX_LANES objects a lane and counts the rest; lists the latest events only', () => {
    const names = Array.from({ length: MAX_LANES + 3 }, (_, index) => `app-${index}`);
    const events = newestFirst(...names.map((name, index) => event('appeared', (index + 1) * MINUTE, name)));
    const timeline = timelineOf(trackedOf(names.map((name, index) => ({ name, firstSeen: NOW - (index + 1) * MINUTE }))), events, NOW)!;
    expect(timeline.lanes).toHaveLength(MAX_LANES);
    expect(timeline.lanesOmitted).toBe(3);
    expect(timeline.latest).toEqual(events.slice(0, LATEST_EVENTS));
  });
});
