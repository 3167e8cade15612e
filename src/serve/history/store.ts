// Where serve's drift history lives: the events of each check and the state the
// next run is compared with. In memory (bounded, lost on restart) by default;
// in SQLite under --state-dir (history/sqlite.ts), surviving restarts.
import type { DriftEvent, StoredEvent, TrackedCheck } from '../drift/events.js';

export interface HistoryPage {
  /** Newest first. */
  events: StoredEvent[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  next?: number;
}

export interface HistoryStore {
  /** True when history survives a restart (--state-dir). The page says so when it does not. */
  readonly kept: boolean;
  /** Each check's remembered state, as the last run before a restart left it. */
  load(): Map<string, TrackedCheck>;
  /**
   * One run's outcome, all or nothing: the check's new state and its events, which get their ids.
   * A crash before this returns leaves the previous state, so the next run makes the same events again:
   * none is lost, none is recorded twice.
   */
  record(check: string, state: TrackedCheck, events: DriftEvent[]): StoredEvent[];
  /** A check's events, newest first, `limit` at most, older than the id `before` when given. */
  events(check: string, page: { before?: number; limit: number }): HistoryPage;
  close(): void;
}

/** Events kept per check in memory: enough for the page's timeline; older ones are dropped. */
export const MEMORY_EVENTS_PER_CHECK = 1000;

/** History in this process only: what serve did before --state-dir. */
export class MemoryHistory implements HistoryStore {
  readonly kept = false;
  private readonly states = new Map<string, TrackedCheck>();
  private readonly byCheck = new Map<string, StoredEvent[]>();
  private lastId = 0;

  load(): Map<string, TrackedCheck> {
    return new Map(this.states);
  }

  record(check: string, state: TrackedCheck, events: DriftEvent[]): StoredEvent[] {
    this.states.set(check, state);
    const stored = events.map((event) => ({ ...event, id: ++this.lastId }));
    const list = this.byCheck.get(check) ?? [];
    list.push(...stored);
    if (list.length > MEMORY_EVENTS_PER_CHECK) list.splice(0, list.length - MEMORY_EVENTS_PER_CHECK);
    this.byCheck.set(check, list);
    return stored;
  }

  events(check: string, { before, limit }: { before?: number; limit: number }): HistoryPage {
    const list = this.byCheck.get(check) ?? [];
    const older = before === undefined ? list : list.filter((event) => event.id < before);
    const page = older.slice(Math.max(0, older.length - limit)).reverse();
    const more = older.length > page.length;
    return more ? { events: page, next: page[page.length - 1].id } : { events: page };
  }

  close(): void {}
}
