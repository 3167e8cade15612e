// The tracker: folds one run's findings into what serve remembers of a check,
// and says what happened as events. Pure: the same state, report and time give
// the same answer, so the store can replay and tests can state the rules.
//
// Rules (docs/serve.md "History"):
// - Only drift is tracked (isDrift: diverged, missing, extra). An item that
//   becomes drift `appeared`; one whose differences or status change `changed`;
//   one no longer drift `resolved`.
// - A run that could not tell anything (a run-level error) changes nothing: "could
//   not look" is not "resolved", and must not make a long drift look new.
// - An item that could not be checked (status error) keeps what was remembered
//   of it, for the same reason; the rest of the run is tracked.
// - Commits and convergence (a drift's phase, committed/converged/diverged
//   events): converge.ts.
import { createHash } from 'node:crypto';
import { jsonText } from '../../exact-integers.js';
import { isDrift, type Item, type Report } from '../../report.js';
import { noteRevision, phaseOfNewDrift, settle } from './converge.js';
import { boundedChange, MAX_EVENT_CHANGES, type DriftEvent, type EventItem, type TrackedCheck, type TrackedItem } from './events.js';

export interface TrackSettings {
  /** The check's name, stamped on each event. */
  check: string;
  /** When the run ended (ms since the epoch): the time of its events. */
  at: number;
  /** The check's converge-within in ms (docs/serve.md "Convergence"); 0 or absent: every difference is drift at once. */
  convergeWithinMs?: number;
}

export interface Tracked {
  state: TrackedCheck;
  events: DriftEvent[];
}

/** A stable key of an item's identity fields, whatever their order: the same object in every run. */
export function itemKey(ref: Item['ref']): string {
  return JSON.stringify(Object.keys(ref).sort().map((field) => [field, ref[field] ?? null]));
}

/**
 * What differs, condensed to a digest: status and each change's path and values (not who made it,
 * not when). A digest, not the text: it is kept for every drifted item, in memory and in SQLite,
 * and a value may be megabytes (or an integer beyond 2^53, which JSON.stringify refuses).
 */
export function fingerprintOf(item: Item): string {
  const changes = item.changes
    .map((change) => jsonText([change.path, change.declared ?? null, change.live ?? null, change.sensitive === true]))
    .sort();
  return createHash('sha256').update(jsonText([item.status, changes])).digest('base64');
}

export function eventItem(item: Item, key = itemKey(item.ref)): EventItem {
  const changes = item.changes.slice(0, MAX_EVENT_CHANGES).map(boundedChange);
  const omitted = item.changes.length - changes.length;
  return { key, title: item.title, status: item.status, changes, ...(omitted > 0 ? { changesOmitted: omitted } : {}) };
}

export function track(previous: TrackedCheck, report: Report, { check, at, convergeWithinMs = 0 }: TrackSettings): Tracked {
  if (report.errors.length > 0) return { state: previous, events: [] };
  const converge = { check, at, convergeWithinMs };
  const { events, ...revision } = noteRevision(previous, report.revision, converge);
  const items = new Map<string, TrackedItem>();
  const seen = new Set<string>();

  for (const item of report.items) {
    const key = itemKey(item.ref);
    seen.add(key);
    const before = previous.items.get(key);
    if (item.status === 'error') {
      if (before) items.set(key, before); // not checked this time: remembered as it was
      continue;
    }
    if (!isDrift(item.status)) {
      if (before) events.push({ check, kind: 'resolved', at, item: { ...eventItem(item, key), title: before.title, status: before.status, changes: [] } });
      continue;
    }
    const fingerprint = fingerprintOf(item);
    if (!before) {
      items.set(key, { key, title: item.title, status: item.status, firstSeen: at, lastChanged: at, fingerprint, phase: phaseOfNewDrift(revision.commit, converge) });
      events.push({ check, kind: 'appeared', at, item: eventItem(item, key) });
    } else if (before.fingerprint !== fingerprint) {
      items.set(key, { ...before, title: item.title, status: item.status, lastChanged: at, fingerprint });
      events.push({ check, kind: 'changed', at, item: eventItem(item, key) });
    } else {
      items.set(key, { ...before, title: item.title });
    }
  }
  // Remembered items the run no longer names (an object removed from Git and from the cluster): resolved.
  for (const [key, before] of previous.items) {
    if (seen.has(key)) continue;
    events.push({ check, kind: 'resolved', at, item: { key, title: before.title, status: before.status, changes: [] } });
  }
  const checkedAll = !report.items.some((item) => item.status === 'error');
  const settled = settle(previous, { ...previous, ...revision, items }, converge, checkedAll);
  return { state: settled.state, events: [...events, ...settled.events] };
}
