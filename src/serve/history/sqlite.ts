// History that survives restarts: `gitdiff serve --state-dir DIR` keeps each
// check's tracked drift and its events in DIR/gitdiff-history.sqlite.
//
// Crash safety (docs/serve.md "History"): journal_mode=WAL with
// synchronous=NORMAL. A commit is appended to the WAL before record() returns,
// so a killed process (SIGKILL, OOM) loses nothing it recorded; only a power
// loss can drop the last commits (FULL would fsync each one: not worth it for a
// history the next run re-derives: after a lost commit, the next run compares
// with the state before it and makes the same events again). One run is one
// transaction, state and events together: never an event without its state.
// One writer: the state dir lock (state-dir-lock.ts) and locking_mode=EXCLUSIVE.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { GitdiffError, messageOf } from '../../errors.js';
import { boundedChange, MAX_EVENT_VALUE_CHARS, type DriftEvent, type EventItem, type StoredEvent, type TrackedCheck, type TrackedItem } from '../drift/events.js';
import { jsonText } from '../../exact-integers.js';
import { openSqlite, type SqliteBindingName, type SqliteDatabase } from './sqlite-binding.js';
import { lockStateDir, type StateDirLock } from './state-dir-lock.js';
import type { HistoryPage, HistoryStore } from './store.js';

export const HISTORY_FILE = 'gitdiff-history.sqlite';
/** The schema this build writes; a newer file is refused (a newer gitdiff wrote it), an older one migrated (none yet). */
export const SCHEMA_VERSION = 1;
/** A change value whose JSON is longer is stored cut to this many characters, with `truncated: true`. */
export const MAX_STORED_VALUE_CHARS = MAX_EVENT_VALUE_CHARS;

export interface SqliteHistorySettings {
  /** Events older than this (ms) are pruned. */
  retentionMs: number;
  /** At most this many events per check; the oldest go first. */
  maxEventsPerCheck: number;
  /** Forces a binding (tests run both); else node:sqlite where present. */
  binding?: SqliteBindingName;
  /** The clock, for pruning by age (tests). */
  now?: () => number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, check_name TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_check ON events (check_name, id);
CREATE TABLE IF NOT EXISTS tracked_items (check_name TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (check_name, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tracked_checks (check_name TEXT PRIMARY KEY, body TEXT NOT NULL);
`;

/** A change as stored: bounded as the tracker bounds it (a value too long to keep is cut and marked). */
export const storedChange = boundedChange;

function storedEvent(event: DriftEvent): DriftEvent {
  if (!event.item) return event;
  const item: EventItem = { ...event.item, changes: event.item.changes.map(storedChange) };
  return { ...event, item };
}

/** A check's state without its items: what tracked_checks keeps (revision, commit, whatever the tracker adds). */
function checkPart({ items: _items, ...rest }: TrackedCheck): string {
  return jsonText(rest);
}

export class SqliteHistory implements HistoryStore {
  readonly kept = true;
  /** What each check's state was when last recorded: record() writes only what differs from it. */
  private readonly recorded = new Map<string, TrackedCheck>();

  private constructor(
    private readonly db: SqliteDatabase,
    private readonly lock: StateDirLock,
    readonly file: string,
    private readonly settings: SqliteHistorySettings,
  ) {}

  /** Opens (creating) DIR's history, or throws a GitdiffError naming the dir or file (exit 2). */
  static async open(dir: string, settings: SqliteHistorySettings): Promise<SqliteHistory> {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new GitdiffError(`--state-dir ${dir}: cannot create it: ${messageOf(error)}`, { hint: 'serve needs a directory it can write to for its history' });
    }
    const lock = lockStateDir(dir);
    const file = path.join(dir, HISTORY_FILE);
    let db: SqliteDatabase | undefined;
    try {
      // node-sqlite3-wasm's lock directory, left behind by a serve that was killed: we hold the dir's lock.
      rmSync(`${file}.lock`, { recursive: true, force: true });
      db = await openSqlite(file, settings.binding);
      // EXCLUSIVE before WAL: one process only, and the WebAssembly build has no shared memory for WAL's index.
      db.exec('PRAGMA locking_mode=EXCLUSIVE');
      const [{ journal_mode: journal }] = db.all('PRAGMA journal_mode=WAL');
      if (journal !== 'wal') throw new Error(`journal_mode is ${journal}, not wal`);
      db.exec('PRAGMA synchronous=NORMAL');
      db.exec('BEGIN IMMEDIATE');
      db.exec(SCHEMA);
      const [row] = db.all('SELECT max(version) AS version FROM schema_version');
      const version = row?.version === null || row?.version === undefined ? undefined : Number(row.version);
      if (version !== undefined && version > SCHEMA_VERSION) {
        db.exec('ROLLBACK');
        throw new GitdiffError(`${file}: history schema ${version} was written by a newer gitdiff (this one reads ${SCHEMA_VERSION})`, {
          hint: 'run the newer gitdiff, or give this one another --state-dir',
        });
      }
      if (version === undefined) db.run('INSERT INTO schema_version (version) VALUES (?)', [SCHEMA_VERSION]);
      db.exec('COMMIT');
      const history = new SqliteHistory(db, lock, file, settings);
      history.prune();
      return history;
    } catch (error) {
      try {
        db?.close();
      } catch {
        // already failing: the first error is the one to show
      }
      lock.release();
      if (error instanceof GitdiffError) throw error;
      throw new GitdiffError(`--state-dir: cannot open the history ${file}: ${messageOf(error)}`, {
        hint: 'if the file is damaged, move it aside to start a new history (the drift is found again on the next runs)',
      });
    }
  }

  get binding(): SqliteBindingName {
    return this.db.binding;
  }

  /** Rows inserted, updated or deleted since open (SQLite's total_changes()): what recording costs, which must follow what changed. */
  rowsWritten(): number {
    return Number(this.db.all('SELECT total_changes() AS n')[0].n);
  }

  load(): Map<string, TrackedCheck> {
    const states = new Map<string, TrackedCheck>();
    for (const row of this.db.all('SELECT check_name, body FROM tracked_checks')) {
      states.set(String(row.check_name), { ...(JSON.parse(String(row.body)) as Omit<TrackedCheck, 'items'>), items: new Map() });
    }
    for (const row of this.db.all('SELECT check_name, key, body FROM tracked_items')) {
      const check = String(row.check_name);
      if (!states.has(check)) states.set(check, { items: new Map() });
      states.get(check)!.items.set(String(row.key), JSON.parse(String(row.body)) as TrackedItem);
    }
    for (const [check, state] of states) this.recorded.set(check, state);
    return states;
  }

  record(check: string, state: TrackedCheck, events: DriftEvent[]): StoredEvent[] {
    const before = this.recorded.get(check) ?? { items: new Map() };
    const stored: StoredEvent[] = [];
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (checkPart(before) !== checkPart(state)) {
        this.db.run('INSERT INTO tracked_checks (check_name, body) VALUES (?, ?) ON CONFLICT (check_name) DO UPDATE SET body = excluded.body', [check, checkPart(state)]);
      }
      for (const [key, item] of state.items) {
        const body = jsonText(item);
        const was = before.items.get(key);
        if (was && jsonText(was) === body) continue;
        this.db.run('INSERT INTO tracked_items (check_name, key, body) VALUES (?, ?, ?) ON CONFLICT (check_name, key) DO UPDATE SET body = excluded.body', [check, key, body]);
      }
      for (const key of before.items.keys()) {
        if (!state.items.has(key)) this.db.run('DELETE FROM tracked_items WHERE check_name = ? AND key = ?', [check, key]);
      }
      for (const event of events) {
        const kept = storedEvent(event);
        const { lastInsertRowid } = this.db.run('INSERT INTO events (check_name, at, body) VALUES (?, ?, ?)', [check, event.at, jsonText(kept)]);
        stored.push({ ...kept, id: lastInsertRowid });
      }
      this.pruneCheck(check);
      this.db.exec('COMMIT');
    } catch (error) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // SQLite rolled back already (a full disk, an I/O error): the state before stands either way
      }
      throw new GitdiffError(`cannot record the history of check ${check} in ${this.file}: ${messageOf(error)}`, { hint: 'is the disk full or the file damaged?' });
    }
    this.recorded.set(check, state);
    return stored;
  }

  events(check: string, { before, limit }: { before?: number; limit: number }): HistoryPage {
    const rows = this.db.all('SELECT id, body FROM events WHERE check_name = ? AND id < ? ORDER BY id DESC LIMIT ?', [check, before ?? Number.MAX_SAFE_INTEGER, limit + 1]);
    const events = rows.slice(0, limit).map((row) => ({ ...(JSON.parse(String(row.body)) as DriftEvent), id: Number(row.id) }));
    return rows.length > limit ? { events, next: events[events.length - 1].id } : { events };
  }

  /** Drops every check's events past the retention (at start-up: checks no longer configured are pruned here only). */
  prune(): void {
    this.db.run('DELETE FROM events WHERE at < ?', [this.oldestKept()]);
  }

  private oldestKept(): number {
    return (this.settings.now ?? Date.now)() - this.settings.retentionMs;
  }

  private pruneCheck(check: string): void {
    this.db.run('DELETE FROM events WHERE check_name = ? AND at < ?', [check, this.oldestKept()]);
    this.db.run('DELETE FROM events WHERE check_name = ? AND id <= (SELECT id FROM events WHERE check_name = ? ORDER BY id DESC LIMIT 1 OFFSET ?)', [check, check, this.settings.maxEventsPerCheck]);
  }

  close(): void {
    try {
      this.db.close();
    } finally {
      this.lock.release();
    }
  }
}
