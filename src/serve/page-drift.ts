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

interface OpenSpan {
  from: number;
  clipped: boolean;
}

/**
 * The timeline of one check: undefined when there is nothing to show (no
 * event kept and nothing drifting). `recent` is newest first, as the history
 * store pages it.
 */
export function timelineOf(tracked: TrackedCheck, recent: readonly StoredEvent[], now: number): Timeline | undefined {
  const drifting = [...tracked.items.values()];
  if (recent.length === 0 && drifting.length === 0) return undefined;
  const oldest = Math.min(now, ...recent.map((event) => event.at), ...drifting.map((item) => item.firstSeen));
  const shown = Math.min(TIMELINE_MAX_MS, Math.max(TIMELINE_MIN_MS, (now - oldest) * (1 + LEAD_IN)));
  const from = now - shown;
  const place = (at: number) => round(((Math.min(now, Math.max(from, at)) - from) / shown) * 100);

  const inWindow = recent.filter((event) => event.at >= from && event.at <= now);
  const counts: Partial<Record<DriftEventKind, number>> = {};
  for (const event of inWindow) counts[event.kind] = (counts[event.kind] ?? 0) + 1;

  const lanes = lanesOf(tracked, [...recent].reverse(), { from, now, place });
  const shownLanes = lanes.filter((lane) => lane.spans.length > 0);
  return {
    from,
    to: now,
    marks: inWindow.map((event) => ({ event, x: place(event.at) })),
    lanes: shownLanes.slice(0, MAX_LANES),
    lanesOmitted: Math.max(0, shownLanes.length - MAX_LANES),
    ticks: [from, from + shown / 2, now],
    counts,
    driftingNow: drifting.length,
    latest: recent.slice(0, LATEST_EVENTS),
  };
}

interface Window {
  from: number;
  now: number;
  place(at: number): number;
}

/**
 * Each object's drifting spans, from its appeared/resolved events (oldest
 * first) and what is remembered as drifting now. An object resolved or
 * changed with no `appeared` kept was drifting before the oldest event kept:
 * its span starts at the window's edge, marked clipped. Lanes drifting now
 * come first, then the most recently active.
 */
function lanesOf(tracked: TrackedCheck, oldestFirst: readonly StoredEvent[], window: Window): TimelineLane[] {
  const lanes = new Map<string, { title: string; open?: OpenSpan; spans: Array<Omit<TimelineSpan, 'x' | 'width'>>; lastActive: number }>();
  const laneOf = (key: string, title: string) => {
    const lane = lanes.get(key) ?? { title, spans: [], lastActive: 0 };
    lanes.set(key, lane);
    return lane;
  };
  for (const event of oldestFirst) {
    if (!event.item) continue;
    const lane = laneOf(event.item.key, event.item.title);
    lane.lastActive = event.at;
    if (event.kind === 'appeared') lane.open ??= { from: event.at, clipped: false };
    else if (event.kind === 'changed') lane.open ??= { from: window.from, clipped: true };
    else if (event.kind === 'resolved') {
      const open = lane.open ?? { from: window.from, clipped: true };
      lane.spans.push({ from: open.from, to: event.at, open: false, clipped: open.clipped, phase: 'diverged' });
      lane.open = undefined;
    }
  }
  for (const item of tracked.items.values()) {
    const lane = laneOf(item.key, item.title);
    lane.title = item.title;
    lane.lastActive = Math.max(lane.lastActive, window.now);
    const start = lane.open?.from ?? item.firstSeen;
    lane.spans.push({ from: start, to: window.now, open: true, clipped: start < window.from || (lane.open?.clipped ?? false), phase: item.phase });
    lane.open = undefined;
  }
  // An `appeared` with neither a `resolved` nor a remembered item: the state was lost (a restart without
  // --state-dir keeps nothing). Shown up to its last event, never as drifting now.
  for (const lane of lanes.values()) {
    if (lane.open) lane.spans.push({ from: lane.open.from, to: lane.lastActive, open: false, clipped: lane.open.clipped, phase: 'diverged' });
  }
  return [...lanes.entries()]
    .map(([key, lane]) => ({
      key,
      title: lane.title,
      drifting: tracked.items.has(key),
      lastActive: lane.lastActive,
      spans: lane.spans
        .filter((span) => span.to >= window.from)
        .map((span) => {
          const start = window.place(span.from);
          const width = round(Math.max(MIN_SPAN_WIDTH, window.place(span.to) - start));
          // A short span at the right edge keeps its width by starting a little earlier.
          return { ...span, clipped: span.clipped || span.from < window.from, x: round(Math.min(start, 100 - width)), width };
        }),
    }))
    .sort((a, b) => Number(b.drifting) - Number(a.drifting) || b.lastActive - a.lastActive)
    .map(({ lastActive: _lastActive, ...lane }) => lane);
}

function round(percent: number): number {
  return Math.round(percent * 100) / 100;
}
