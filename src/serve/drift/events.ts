// What serve remembers about drift: the events a run's verdict makes (an item's
// drift appeared, changed, was resolved; a revision was committed, converged,
// diverged) and the per-check state the next run is compared with. Plain data:
// the tracker (track.ts) makes it, the history store keeps it (in memory, or in
// SQLite with --state-dir), the API, the page, /metrics and the webhook read it.
import { jsonText } from '../../exact-integers.js';
import type { Change, Status } from '../../report.js';

export type DriftEventKind = 'appeared' | 'changed' | 'resolved' | 'committed' | 'converged' | 'diverged';

/** An item's part in an event: which item, what it was, and what differed (values as the report has them: secrets already masked). */
export interface EventItem {
  /** itemKey() of the item's ref: stable across runs and restarts. */
  key: string;
  /** How a person names it: `apps/v1 Deployment cache/redis`. */
  title: string;
  /** The item's status when the event happened (for `resolved`: the status it had before). */
  status: Status;
  /** What differed, at most MAX_EVENT_CHANGES of them (`changesOmitted` counts the rest). */
  changes: EventChange[];
  changesOmitted?: number;
}

export interface DriftEvent {
  check: string;
  kind: DriftEventKind;
  /** ms since the epoch. */
  at: number;
  /** appeared, changed, resolved: the item. */
  item?: EventItem;
  /** committed, converged, diverged: the declared revision (a commit), when the check knows it. */
  revision?: string;
  /** committed: the revision compared before. */
  previousRevision?: string;
  /** converged: ms from the commit being first seen to the live side matching it. */
  convergedInMs?: number;
  /** diverged: the titles of the items that differ. */
  items?: string[];
}

/** An event as the history store keeps it: with its place in the sequence (ids increase, never reused). */
export interface StoredEvent extends DriftEvent {
  id: number;
}

/** One item that is not in sync, as remembered between runs. */
export interface TrackedItem {
  key: string;
  title: string;
  status: Status;
  /** When this drift first appeared (ms since the epoch): survives restarts with --state-dir. */
  firstSeen: number;
  /** When what differs last changed. */
  lastChanged: number;
  /** The differences, condensed: a new fingerprint is a `changed` event. */
  fingerprint: string;
  /** `converging`: introduced by a commit whose grace period (converge-within) has not passed; else `diverged`. */
  phase: 'converging' | 'diverged';
}

/** What serve remembers of a check between runs: the state each run's findings are compared with. */
export interface TrackedCheck {
  /** Items not in sync, by key. */
  items: Map<string, TrackedItem>;
  /** The declared revision the last run compared, when known. */
  revision?: string;
  /** A revision change whose differences are still converging: which, and when it was first seen. */
  commit?: { revision: string; at: number };
}

export const MAX_EVENT_CHANGES = 50;
/** A change value whose JSON is longer is kept cut to this many characters, with `truncated: true`. */
export const MAX_EVENT_VALUE_CHARS = 4096;

/** A change as an event keeps it: `truncated` when declared or live was cut (it holds the start of the value's JSON). */
export type EventChange = Change & { truncated?: true };

/**
 * A change bounded for keeping: events stay in memory (1000 per check), go to SQLite and to
 * webhooks, so a 5 MB ConfigMap value is kept as its first 4 KB, marked. A change already
 * bounded is returned as it is.
 */
export function boundedChange(change: EventChange): EventChange {
  if (change.truncated) return change;
  let truncated = false;
  const bounded = (value: unknown) => {
    if (value === undefined) return undefined;
    const text = jsonText(value);
    if (text.length <= MAX_EVENT_VALUE_CHARS) return value;
    truncated = true;
    return text.slice(0, MAX_EVENT_VALUE_CHARS);
  };
  const declared = bounded(change.declared);
  const live = bounded(change.live);
  const { declared: _declared, live: _live, ...rest } = change;
  return { ...rest, ...(declared !== undefined ? { declared } : {}), ...(live !== undefined ? { live } : {}), ...(truncated ? { truncated: true as const } : {}) };
}

export function emptyTracked(): TrackedCheck {
  return { items: new Map() };
}
