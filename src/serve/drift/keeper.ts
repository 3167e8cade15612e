// Serve's memory of drift, in one place: after each run of a check, the tracker
// folds the run into the check's state, the history store records the state
// and the events together, and whoever listens (metrics, the webhook, the log)
// hears the stored events. The page and the API read states and history here.
// While a commit is pending, a timer ends its grace period (converge.ts): in
// watch mode no run may come then, and "diverged" must not wait for one.
import type { RunRecord } from '../state.js';
import type { HistoryStore } from '../history/store.js';
import { setLongTimeout, type LongTimer } from '../../timers.js';
import { emptyTracked, type DriftEvent, type StoredEvent, type TrackedCheck } from './events.js';
import { expire, graceEndsAt } from './converge.js';
import { track } from './track.js';

export type EventListener = (events: StoredEvent[]) => void;

/** What the keeper needs to know of a check's settings: its converge-within (0: no grace). */
export interface KeeperSettings {
  convergeWithinMs: number;
}

export class DriftKeeper {
  private readonly states: Map<string, TrackedCheck>;
  private readonly listeners: EventListener[] = [];
  private readonly graceTimers = new Map<string, LongTimer>();

  constructor(readonly store: HistoryStore) {
    this.states = store.load();
  }

  /** What is remembered of a check (empty before its first run that could tell). */
  state(check: string): TrackedCheck {
    return this.states.get(check) ?? emptyTracked();
  }

  onEvents(listener: EventListener): void {
    this.listeners.push(listener);
  }

  /** Folds a finished run in; a run that threw (no report) changes nothing. Returns the stored events. */
  afterRun(check: string, run: RunRecord, settings: KeeperSettings = { convergeWithinMs: 0 }): StoredEvent[] {
    if (!run.report) return [];
    const { state, events } = track(this.state(check), run.report, { check, at: run.endedAt, ...settings });
    const stored = this.keep(check, state, events);
    this.armGraceTimer(check, settings);
    return stored;
  }

  close(): void {
    for (const timer of this.graceTimers.values()) timer.cancel();
    this.graceTimers.clear();
    this.store.close();
  }

  private keep(check: string, state: TrackedCheck, events: DriftEvent[]): StoredEvent[] {
    if (events.length === 0 && state === this.states.get(check)) return [];
    const stored = this.store.record(check, state, events);
    this.states.set(check, state);
    if (stored.length > 0) for (const listener of this.listeners) listener(stored);
    return stored;
  }

  /** One timer per check, at the end of its pending commit's grace period; none when no commit is pending. */
  private armGraceTimer(check: string, settings: KeeperSettings): void {
    this.graceTimers.get(check)?.cancel();
    this.graceTimers.delete(check);
    const endsAt = graceEndsAt(this.state(check), settings.convergeWithinMs);
    if (endsAt === undefined) return;
    this.graceTimers.set(check, setLongTimeout(() => {
      this.graceTimers.delete(check);
      const { state, events } = expire(this.state(check), { check, at: Date.now(), ...settings });
      if (state !== this.state(check)) this.keep(check, state, events);
      // Fired a little early (a clock step): try again at the end.
      if (state.commit) this.armGraceTimer(check, settings);
    }, endsAt - Date.now()));
  }
}
