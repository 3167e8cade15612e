// Convergence: the GitOps loop serve models. "All changes to the desired state
// are Git commits ... triggered immediately with a 'change committed' alert;
// after a configurable interval, a 'diff' alert may also be sent if the states
// are divergent; convergence is indicated by no more diff alerts, or a
// 'converged' alert." A commit gives the live side `converge-within` to catch
// up: differences that appear meanwhile are `converging`, not drift. Pure, like
// the tracker that calls it (track.ts); the keeper calls expire() from a timer
// at the end of the grace period, since in watch mode no run may come then.
//
// Rules (docs/serve.md "Convergence"):
// - A run whose revision differs from the remembered one: `committed`, and the
//   commit is pending. Unknown revisions (undefined) track no convergence.
// - Drift that appears while a commit is pending and within the grace period is
//   `converging`; drift from before the commit stays `diverged`.
// - A pending commit whose run finds no drift (and checked every item): `converged`.
// - Past the grace period, the commit is no longer pending and what it left
//   converging becomes diverged.
// - The check turning diverged (from in sync or converging): one `diverged` event.
import type { DriftEvent, TrackedCheck, TrackedItem } from './events.js';

export interface ConvergeSettings {
  check: string;
  /** ms since the epoch: when the run ended, or when the timer fired. */
  at: number;
  /** The check's converge-within, in ms; 0: no grace, every difference is drift at once. */
  convergeWithinMs: number;
}

/** A check's drift in one word: none, converging (all of it within a commit's grace period) or diverged. */
export type DriftPhase = 'none' | 'converging' | 'diverged';

export function driftPhase(items: ReadonlyMap<string, TrackedItem>): DriftPhase {
  if (items.size === 0) return 'none';
  return [...items.values()].every((item) => item.phase === 'converging') ? 'converging' : 'diverged';
}

/** True while a pending commit's grace period lasts. */
export function withinGrace(commit: TrackedCheck['commit'], { at, convergeWithinMs }: ConvergeSettings): boolean {
  return commit !== undefined && convergeWithinMs > 0 && at < commit.at + convergeWithinMs;
}

/** When the grace period of the check's pending commit ends (ms since the epoch); undefined when none is pending. */
export function graceEndsAt(state: TrackedCheck, convergeWithinMs: number): number | undefined {
  return state.commit && convergeWithinMs > 0 ? state.commit.at + convergeWithinMs : undefined;
}

/**
 * The run's revision against the remembered one: a new revision is a `committed`
 * event and a pending commit (a newer commit replaces one still pending: the
 * newest is what the live side should reach). The first revision ever seen, or
 * one after an unknown revision, is a starting point, not a commit.
 */
export function noteRevision(previous: TrackedCheck, revision: string | undefined, settings: ConvergeSettings): Pick<TrackedCheck, 'revision' | 'commit'> & { events: DriftEvent[] } {
  if (revision === undefined) return { revision: undefined, commit: undefined, events: [] };
  if (previous.revision === undefined || previous.revision === revision) return { revision, commit: previous.commit, events: [] };
  const { check, at, convergeWithinMs } = settings;
  const committed: DriftEvent = { check, kind: 'committed', at, revision, previousRevision: previous.revision };
  return { revision, commit: convergeWithinMs > 0 ? { revision, at } : undefined, events: [committed] };
}

/** The phase of drift first seen now: converging within a pending commit's grace period, else diverged. */
export function phaseOfNewDrift(commit: TrackedCheck['commit'], settings: ConvergeSettings): TrackedItem['phase'] {
  return withinGrace(commit, settings) ? 'converging' : 'diverged';
}

/**
 * Ends what a run or the end of the grace period ends: a pending commit with no
 * drift left has `converged` (only when `checkedAll`: an item that could not be
 * checked is not known to match); one past its grace period is dropped, and
 * what it left converging is diverged. `before` is the state the check was in
 * before, for the one `diverged` event when the check turns diverged.
 */
export function settle(before: TrackedCheck, state: TrackedCheck, settings: ConvergeSettings, checkedAll: boolean): { state: TrackedCheck; events: DriftEvent[] } {
  const { check, at } = settings;
  const events: DriftEvent[] = [];
  let { items, commit } = state;
  if (!withinGrace(commit, settings)) {
    commit = undefined;
    if ([...items.values()].some((item) => item.phase === 'converging')) {
      items = new Map([...items].map(([key, item]) => [key, item.phase === 'converging' ? { ...item, phase: 'diverged' } : item]));
    }
  } else if (items.size === 0 && checkedAll) {
    events.push({ check, kind: 'converged', at, revision: commit!.revision, convergedInMs: at - commit!.at });
    commit = undefined;
  }
  if (driftPhase(before.items) !== 'diverged' && driftPhase(items) === 'diverged') {
    const diverged: DriftEvent = { check, kind: 'diverged', at, items: [...items.values()].map((item) => item.title) };
    events.push(state.revision === undefined ? diverged : { ...diverged, revision: state.revision });
  }
  const next: TrackedCheck = { ...state, items };
  if (commit) next.commit = commit;
  else delete next.commit;
  return { state: next, events };
}

/**
 * The end of a pending commit's grace period with no run (the keeper's timer):
 * what still differs is diverged. Unchanged (the same state object) when nothing ends.
 */
export function expire(state: TrackedCheck, settings: ConvergeSettings): { state: TrackedCheck; events: DriftEvent[] } {
  if (state.commit === undefined || withinGrace(state.commit, settings)) return { state, events: [] };
  return settle(state, state, settings, false);
}
