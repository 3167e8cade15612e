// Serve's memory of drift, in one place: after each run of a check, the tracker
// folds the run into the check's state, the history store records the state
// and the events together, and whoever listens (metrics, the webhook, the log)
// hears the stored events. The page and the API read states and history here.
import type { RunRecord } from '../state.js';
import type { HistoryStore } from '../history/store.js';
import { emptyTracked, type StoredEvent, type TrackedCheck } from './events.js';
import { track } from './track.js';

export type EventListener = (events: StoredEvent[]) => void;

export class DriftKeeper {
  private readonly states: Map<string, TrackedCheck>;
  private readonly listeners: EventListener[] = [];

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
  afterRun(check: string, run: RunRecord): StoredEvent[] {
    if (!run.report) return [];
    const { state, events } = track(this.state(check), run.report, { check, at: run.endedAt });
    if (events.length === 0 && state === this.states.get(check)) return [];
    const stored = this.store.record(check, state, events);
    this.states.set(check, state);
    if (stored.length > 0) for (const listener of this.listeners) listener(stored);
    return stored;
  }

  close(): void {
    this.store.close();
  }
}
