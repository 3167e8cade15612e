// What the status page shows of a check's remembered drift, worked out before
// anything is rendered (renderers never compute): how long each object has been
// drifting, and a timeline of the latest events with the spans while each
// object was drifting, placed as percentages of a time window. Pure: the
// tracked state, the recent events and the time in, plain data out.
//
// The window ends now and starts at the oldest thing shown, at most 24 hours
// back: a person asks "what happened today", and the JSON API pages through
// the rest (/api/checks/NAME/history).
import type { Item } from '../report.js';
import type { DriftEventKind, StoredEvent, TrackedCheck, TrackedItem } from './drift/events.js';
import { itemKey } from './drift/track.js';

export const TIMELINE_MAX_MS = 24 * 3_600_000;
/** A window never shorter than this: a few seconds of history would otherwise fill the strip with one mark. */
export const TIMELINE_MIN_MS = 60_000;
/** Objects with a lane of their own; the rest are counted (the event list and the JSON name them). */
export const MAX_LANES = 8;
/** Events listed under the strip, newest first. */
export const LATEST_EVENTS = 10;
/** A span this short still shows (percent of the strip). */
const MIN_SPAN_WIDTH = 0.6;
/** Room left before the oldest event (a fraction of the window), so its mark is not cut by the edge. */
const LEAD_IN = 0.04;

export type DriftPhase = TrackedItem['phase'];

/** How long an object shown on the page has been drifting. */
export interface ItemAge {
  phase: DriftPhase;
  /** When the drift first appeared (ms since the epoch). */
  since: number;
  elapsedMs: number;
  /** Converging: how long ago the commit that introduced it was first seen, when known. */
  committedAgoMs?: number;
}

/** The age of a drifting item, or undefined when serve remembers no drift of it (in sync, unchecked, could not tell). */
export function itemAge(tracked: TrackedCheck, item: Item, now: number): ItemAge | undefined {
  const remembered = tracked.items.get(itemKey(item.ref));
  if (!remembered) return undefined;
  const age: ItemAge = { phase: remembered.phase, since: remembered.firstSeen, elapsedMs: Math.max(0, now - remembered.firstSeen) };
  if (remembered.phase === 'converging' && tracked.commit) age.committedAgoMs = Math.max(0, now - tracked.commit.at);
  return age;
}

/** A stretch of time while an object was drifting, placed on the strip. */
export interface TimelineSpan {
  from: number;
  to: number;
  /** Still drifting now (the span ends at the right edge). */
  open: boolean;
  /** Began before the window (or before the oldest event kept): its start is not shown. */
  clipped: boolean;
  phase: DriftPhase;
  /** Percent of the strip's width. */
  x: number;
  width: number;
}

/** One object's row of the strip. */
export interface TimelineLane {
  key: string;
  title: string;
  spans: TimelineSpan[];
  drifting: boolean;
}

export interface TimelineMark {
  event: StoredEvent;
  /** Percent of the strip's width. */
  x: number;
}

export interface Timeline {
  from: number;
  to: number;
  marks: TimelineMark[];
  lanes: TimelineLane[];
  /** Objects with spans but no lane of their own (beyond MAX_LANES). */
  lanesOmitted: number;
  /** Times to label under the strip: its start, middle and end. */
  ticks: number[];
  /** How many of each kind of event the strip shows: the text alternative's counts. */
  counts: Partial<Record<DriftEventKind, number>>;
  /** Objects drifting now. */
  driftingNow: number;
  /** The newest events, newest first, for the list under the strip. */
  latest: StoredEvent[];
}

/**
 * The timeline of one check: undefined when there is nothing to show (no
 * event kept and nothing drifting). `recent` is newest first, as the history
 * store pages it.
 */
export function timelineOf(tracked: TrackedCheck, recent: readonly StoredEvent[], now: number): Timeline | undefined {
  if (recent.length === 0 && tracked.items.size === 0) return undefined;
  // A loop, not Math.min(...): a cluster can have more drifting objects than a call takes arguments.
  let oldest = now;
  for (const event of recent) oldest = Math.min(oldest, event.at);
  for (const item of tracked.items.values()) oldest = Math.min(oldest, item.firstSeen);
  const shown = Math.min(TIMELINE_MAX_MS, Math.max(TIMELINE_MIN_MS, (now - oldest) * (1 + LEAD_IN)));
  const from = now - shown;
  const place = (at: number) => round(((Math.min(now, Math.max(from, at)) - from) / shown) * 100);

  const inWindow = recent.filter((event) => event.at >= from && event.at <= now);
  const counts: Partial<Record<DriftEventKind, number>> = {};
  for (const event of inWindow) counts[event.kind] = (counts[event.kind] ?? 0) + 1;

  const { lanes, omitted } = lanesOf(tracked, [...recent].reverse(), { from, now, place });
  return {
    from,
    to: now,
    marks: inWindow.map((event) => ({ event, x: place(event.at) })),
    lanes,
    lanesOmitted: omitted,
    ticks: [from, from + shown / 2, now],
    counts,
    driftingNow: tracked.items.size,
    latest: recent.slice(0, LATEST_EVENTS),
  };
}

interface Window {
  from: number;
  now: number;
  place(at: number): number;
}

type Span = Omit<TimelineSpan, 'x' | 'width'>;

/** An object's spans as its events tell them (oldest first), and a drift still open after the last one. */
interface EventSpans {
  title: string;
  spans: Span[];
  open?: { from: number; clipped: boolean };
  lastActive: number;
}

/**
 * The lanes drawn: objects drifting now first (the most recently changed
 * first), then the resolved ones (the most recently active first), at most
 * MAX_LANES; and how many more objects had drift in the window. Spans come
 * from the appeared/resolved events and from what is remembered as drifting
 * now. An object resolved or changed with no `appeared` kept was drifting
 * before the oldest event kept: its span starts at the window's edge, clipped.
 */
function lanesOf(tracked: TrackedCheck, oldestFirst: readonly StoredEvent[], window: Window): { lanes: TimelineLane[]; omitted: number } {
  const byObject = spansFromEvents(oldestFirst, window);
  // Only the lanes drawn are placed: a cluster can have thousands of objects drifting.
  const drifting = mostRecent(tracked.items.values(), MAX_LANES, (item) => item.lastChanged).map((item): TimelineLane => {
    const told = byObject.get(item.key);
    const start = told?.open?.from ?? item.firstSeen;
    const current: Span = { from: start, to: window.now, open: true, clipped: told?.open?.clipped ?? false, phase: item.phase };
    return { key: item.key, title: item.title, drifting: true, spans: placed([...(told?.spans ?? []), current], window) };
  });
  const resolved = [...byObject.entries()]
    .filter(([key]) => !tracked.items.has(key))
    .sort(([, a], [, b]) => b.lastActive - a.lastActive)
    .map(([key, told]): TimelineLane => {
      // An `appeared` with neither a `resolved` nor a remembered object: the state was lost (a restart
      // without --state-dir keeps nothing). Drawn up to its last event, never as drifting now.
      const lost: Span[] = told.open ? [{ from: told.open.from, to: told.lastActive, open: false, clipped: told.open.clipped, phase: 'diverged' }] : [];
      return { key, title: told.title, drifting: false, spans: placed([...told.spans, ...lost], window) };
    })
    .filter((lane) => lane.spans.length > 0);
  const lanes = [...drifting, ...resolved].slice(0, MAX_LANES);
  return { lanes, omitted: tracked.items.size + resolved.length - lanes.length };
}

function spansFromEvents(oldestFirst: readonly StoredEvent[], window: Window): Map<string, EventSpans> {
  const byObject = new Map<string, EventSpans>();
  for (const event of oldestFirst) {
    if (!event.item) continue;
    const told = byObject.get(event.item.key) ?? { title: event.item.title, spans: [], lastActive: event.at };
    byObject.set(event.item.key, told);
    told.title = event.item.title;
    told.lastActive = event.at;
    if (event.kind === 'appeared') told.open ??= { from: event.at, clipped: false };
    else if (event.kind === 'changed') told.open ??= { from: window.from, clipped: true };
    else if (event.kind === 'resolved') {
      const open = told.open ?? { from: window.from, clipped: true };
      told.spans.push({ from: open.from, to: event.at, open: false, clipped: open.clipped, phase: 'diverged' });
      told.open = undefined;
    }
  }
  return byObject;
}

/** The spans within the window, as percentages of the strip. */
function placed(spans: readonly Span[], window: Window): TimelineSpan[] {
  return spans
    .filter((span) => span.to >= window.from)
    .map((span) => {
      const start = window.place(span.from);
      const width = round(Math.max(MIN_SPAN_WIDTH, window.place(span.to) - start));
      // A short span at the right edge keeps its width by starting a little earlier.
      return { ...span, clipped: span.clipped || span.from < window.from, x: round(Math.min(start, 100 - width)), width };
    });
}

/** The `count` items with the highest `time`, highest first (ties in their order), in one pass. */
function mostRecent<T>(items: Iterable<T>, count: number, time: (item: T) => number): T[] {
  const kept: T[] = [];
  for (const item of items) {
    if (kept.length === count && time(item) <= time(kept[count - 1])) continue;
    const at = kept.findIndex((other) => time(item) > time(other));
    kept.splice(at === -1 ? kept.length : at, 0, item);
    if (kept.length > count) kept.pop();
  }
  return kept;
}

function round(percent: number): number {
  return Math.round(percent * 100) / 100;
}
