// The SQLite history store (src/serve/history/sqlite.ts) over each binding this
// Node has: node:sqlite (Node 22.13+, 24: .ci/run's pass 1) and node-sqlite3-wasm
// (every Node: the only one on Node 20). What survives a close and reopen, what
// one run writes, and what is bounded.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriftEvent, TrackedCheck, TrackedItem } from '../../../src/serve/drift/events.js';
import { GitdiffError } from '../../../src/errors.js';
import { HISTORY_FILE, MAX_STORED_VALUE_CHARS, SCHEMA_VERSION, SqliteHistory, type SqliteHistorySettings } from '../../../src/serve/history/sqlite.js';
import { availableBindings, openSqlite, type SqliteBindingName } from '../../../src/serve/history/sqlite-binding.js';
import { LOCK_FILE, LOCK_STALE_MS } from '../../../src/serve/history/state-dir-lock.js';

const present = await availableBindings();
const ALL: SqliteBindingName[] = ['node:sqlite', 'node-sqlite3-wasm'];
for (const binding of ALL) {
  if (!present.includes(binding)) console.warn(`SKIPPED: the ${binding} binding is absent on Node ${process.version}; .ci/run's pass 1 (Node 24) runs these tests with it`);
}

const DAY = 24 * 3600 * 1000;

function item(name: string, at: number, fingerprint = 'f1'): TrackedItem {
  return { key: name, title: `v1 ConfigMap ${name}`, status: 'diverged', firstSeen: at, lastChanged: at, fingerprint, phase: 'diverged' };
}

function stateOf(items: TrackedItem[], extra: Partial<TrackedCheck> = {}): TrackedCheck {
  return { items: new Map(items.map((each) => [each.key, each])), ...extra };
}

function appeared(check: string, name: string, at: number, live: unknown = 1): DriftEvent {
  return { check, kind: 'appeared', at, item: { key: name, title: `v1 ConfigMap ${name}`, status: 'diverged', changes: [{ path: 'data.k', declared: 0, live }] } };
}

describe.each(ALL)('SqliteHistory over %s', (binding) => {
  let dir: string;
  const open = (settings: Partial<SqliteHistorySettings> = {}) => SqliteHistory.open(dir, { retentionMs: 30 * DAY, maxEventsPerCheck: 1000, binding, ...settings });

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-history-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!present.includes(binding))('keeps states and events across a close and reopen; ids increase; pages newest first', async () => {
    const now = Date.now();
    const first = await open();
    expect(first.binding).toBe(binding);
    const stored = first.record('web', stateOf([item('a', now), item('b', now)], { revision: 'abc' }), [appeared('web', 'a', now), appeared('web', 'b', now)]);
    expect(stored.map((event) => event.id)).toEqual([1, 2]);
    first.record('db', stateOf([item('c', now)]), [appeared('db', 'c', now)]);
    first.close();

    const second = await open();
    const states = second.load();
    expect([...states.keys()].sort()).toEqual(['db', 'web']);
    expect(states.get('web')).toEqual(stateOf([item('a', now), item('b', now)], { revision: 'abc' }));
    expect(second.record('web', stateOf([item('a', now)], { revision: 'abc' }), [{ check: 'web', kind: 'resolved', at: now + 1, item: { key: 'b', title: 'v1 ConfigMap b', status: 'diverged', changes: [] } }]).map((event) => event.id)).toEqual([4]);
    const page = second.events('web', { limit: 2 });
    expect(page.events.map((event) => `${event.id} ${event.kind} ${event.item?.key}`)).toEqual(['4 resolved b', '2 appeared b']);
    expect(second.events('web', { limit: 2, before: page.next })).toEqual({ events: [{ ...appeared('web', 'a', now), id: 1 }] });
    second.close();
    expect((await open()).load().get('web')!.items.size).toBe(1);
  });

  it.skipIf(!present.includes(binding))('writes only what changed of 10,000 tracked items', async () => {
    const now = Date.now();
    const history = await open();
    const items = Array.from({ length: 10_000 }, (_, index) => item(`cm-${index}`, now));
    history.record('big', stateOf(items), []);
    const before = history.rowsWritten();
    history.record('big', stateOf(items), []);
    expect(history.rowsWritten() - before).toBe(0);
    const changed = items.map((each, index) => (index === 7 ? { ...each, fingerprint: 'f2', lastChanged: now + 1 } : each)).filter((_, index) => index !== 9);
    history.record('big', stateOf(changed), [{ ...appeared('big', 'cm-7', now + 1), kind: 'changed' }]);
    // one item updated, one deleted, one event inserted
    expect(history.rowsWritten() - before).toBe(3);
    history.close();
  });

  it.skipIf(!present.includes(binding))('bounds events by count per check and by age, without reusing ids', async () => {
    let clock = Date.now();
    const history = await open({ maxEventsPerCheck: 3, retentionMs: 10 * DAY, now: () => clock });
    for (let run = 0; run < 5; run++) history.record('web', stateOf([]), [appeared('web', `x${run}`, clock)]);
    history.record('db', stateOf([]), [appeared('db', 'old', clock)]);
    expect(history.events('web', { limit: 10 }).events.map((event) => event.id)).toEqual([5, 4, 3]);
    clock += 11 * DAY;
    expect(history.record('web', stateOf([]), [appeared('web', 'new', clock)]).map((event) => event.id)).toEqual([7]);
    expect(history.events('web', { limit: 10 }).events.map((event) => event.id)).toEqual([7]);
    history.close();
    // A check no longer configured is pruned by age when serve starts.
    const reopened = await open({ maxEventsPerCheck: 3, retentionMs: 10 * DAY, now: () => clock });
    expect(reopened.events('db', { limit: 10 }).events).toEqual([]);
    reopened.close();
  });

  it.skipIf(!present.includes(binding))('stores a value longer than a few KB cut and marked truncated', async () => {
    const history = await open();
    const huge = { blob: 'z'.repeat(50_000) };
    const [stored] = history.record('web', stateOf([]), [appeared('web', 'a', Date.now(), huge)]);
    const [read] = history.events('web', { limit: 1 }).events;
    expect(read).toEqual(stored);
    const change = read.item!.changes[0] as { declared: unknown; live: unknown; truncated?: boolean };
    expect(change).toMatchObject({ declared: 0, truncated: true });
    expect(change.live).toBe(JSON.stringify(huge).slice(0, MAX_STORED_VALUE_CHARS));
    history.close();
  });

  it.skipIf(!present.includes(binding))('refuses a second writer on the same dir, and takes over the lock of a serve that is gone', async () => {
    const first = await open();
    const refused = await open().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GitdiffError);
    expect((refused as GitdiffError).message).toBe(`--state-dir ${dir}: another gitdiff serve (pid ${process.pid} on ${os.hostname()}) keeps its history there`);
    expect((refused as GitdiffError).hint).toContain('give each serve its own --state-dir');
    first.close();
    // A killed serve's lock: its pid no longer runs.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: Number(gone), host: os.hostname() }));
    const again = await open();
    again.close();
    // Another host's lock (a pod before a rollout, on the same volume): held while renewed, taken over after LOCK_STALE_MS.
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: 'old-pod-7f9c' }));
    await expect(open()).rejects.toThrow(`another gitdiff serve (pid 1 on old-pod-7f9c) keeps its history there`);
    const stale = new Date(Date.now() - LOCK_STALE_MS - 1000);
    utimesSync(path.join(dir, LOCK_FILE), stale, stale);
    (await open()).close();
  });

  it.skipIf(!present.includes(binding))('refuses a history written by a newer gitdiff, naming the file', async () => {
    (await open()).close();
    const db = await openSqlite(path.join(dir, HISTORY_FILE), binding);
    db.exec('PRAGMA locking_mode=EXCLUSIVE'); // a WAL file: the WebAssembly build has no shared memory for WAL's index
    db.run('INSERT INTO schema_version (version) VALUES (?)', [SCHEMA_VERSION + 1]);
    db.close();
    await expect(open()).rejects.toThrow(`${path.join(dir, HISTORY_FILE)}: history schema ${SCHEMA_VERSION + 1} was written by a newer gitdiff`);
    // refused without taking the dir: a newer serve may still use it
    expect(() => rmSync(path.join(dir, LOCK_FILE))).toThrow(/ENOENT/);
  });

  it.skipIf(!present.includes(binding))('a damaged file or a dir that cannot be made: a GitdiffError naming it, with a hint', async () => {
    writeFileSync(path.join(dir, HISTORY_FILE), 'this is not a database '.repeat(100));
    const damaged = (await open().catch((error: unknown) => error)) as GitdiffError;
    expect(damaged.message).toContain(`cannot open the history ${path.join(dir, HISTORY_FILE)}: `);
    expect(damaged.hint).toContain('move it aside');
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    const notDir = (await SqliteHistory.open(path.join(file, 'state'), { retentionMs: DAY, maxEventsPerCheck: 10, binding }).catch((error: unknown) => error)) as GitdiffError;
    expect(notDir).toBeInstanceOf(GitdiffError);
    expect(notDir.message).toContain(`--state-dir ${path.join(file, 'state')}: cannot create it`);
  });
});
