// serve's watch mode, in process: the sessions of watched checks (watched-checks.ts)
// driving the scheduler, and each run going through runCheck as any other, with a
// source whose session the test changes by hand. The end-to-end test against the
// test API server is serve-watch.e2e.test.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Findings } from '../../src/report.js';
import type { Check } from '../../src/serve/checks-file.js';
import { runCheck } from '../../src/serve/run-check.js';
import { Scheduler } from '../../src/serve/scheduler.js';
import { WatchedChecks } from '../../src/serve/watched-checks.js';
import { CHANGE_DEBOUNCE_MS } from '../../src/sources/wait-for-sync.js';
import type { RunRecord } from '../../src/serve/state.js';
import type { Source, WatchedRun } from '../../src/sources/types.js';

/** A session whose live side is one object, in sync or not as the test says. */
class HandSession implements WatchedRun {
  inSync = false;
  runs = 0;
  running = 0;
  overlaps = 0;
  closed = false;
  private readonly listeners = new Set<() => void>();

  async run(): Promise<Findings> {
    this.runs++;
    if (this.running++ > 0) this.overlaps++;
    const status = this.inSync ? 'in-sync' : 'diverged';
    await sleep(30);
    this.running--;
    return { target: 'hand', noun: 'object', errors: [], notes: [], items: [{ ref: { name: 'a' }, title: 'a', status, changes: [] }] };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  change(): void {
    for (const listener of this.listeners) listener();
  }

  close(): void {
    this.closed = true;
  }
}

interface HandOptions { watchable: boolean }

function harness(checks: Check[]) {
  const sessions: HandSession[] = [];
  const records = new Map<string, RunRecord[]>();
  const watched: WatchedChecks = new WatchedChecks((name) => scheduler.trigger(name), { cwd: () => '/', env: {}, log: () => {} });
  const scheduler: Scheduler = new Scheduler(async (name) => {
    const check = current.find((each) => each.name === name)!;
    const record = await runCheck(check, { cwd: '/', env: {}, signal: new AbortController().signal, session: watched.session(name) });
    records.set(name, [...(records.get(name) ?? []), record]);
  }, 2);
  let current = checks;
  const load = (next: Check[], changed = new Set<string>()) => {
    current = next;
    const reopened = watched.update(next, changed);
    scheduler.update(next.map(({ name, intervalMs }) => ({ name, intervalMs, watched: watched.mode(name) === 'watch' })), 2, new Set([...changed, ...reopened]));
  };
  return { sessions, records, watched, scheduler, load };
}

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.map((stop) => stop()));
  stops = [];
});

function checksOf(sessions: HandSession[], entries: { name: string; watchable: boolean; watch?: false; intervalMs?: number }[]): Check[] {
  return entries.map(({ name, watchable, watch, intervalMs = 60_000 }) => {
    const source: Source<HandOptions> = {
      name: 'hand', summary: '', define: () => {}, options: () => ({ watchable }),
      run: async () => ({ target: 'hand', noun: 'object', errors: [], notes: [], items: [{ ref: { name: 'a' }, title: 'a', status: 'diverged', changes: [] }] }),
      watch: (options) => {
        if (!options.watchable) return undefined;
        const session = new HandSession();
        sessions.push(session);
        return session;
      },
    };
    return { name, command: ['hand', name], source, options: { watchable }, labels: {}, perObject: false, interval: `${intervalMs / 1000}s`, intervalMs, timeoutMs: 5000, convergeWithin: '0', convergeWithinMs: 0, ...(watch === false ? { watch } : {}) };
  });
}

async function until(predicate: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe("serve's watched checks", () => {
  it('run once at start, then on each change (a burst coalesced into one run), with the records any run has', async () => {
    const sessions: HandSession[] = [];
    const checks = checksOf(sessions, [{ name: 'w', watchable: true }]);
    const { records, watched, scheduler, load } = harness(checks);
    stops.push(async () => { await scheduler.stop(); watched.closeAll(); });
    load(checks);
    await until(() => records.get('w')?.length === 1, 'the first run');
    expect(watched.mode('w')).toBe('watch');
    expect(records.get('w')![0].verdict).toBe('diverged');
    const [session] = sessions;

    // A rollout: ten events in quick succession, the last of which makes the object match.
    session.inSync = true;
    for (let count = 0; count < 10; count++) session.change();
    await until(() => records.get('w')?.length === 2, 'the run after the change', 1000);
    expect(records.get('w')![1].verdict).toBe('in-sync');
    await sleep(CHANGE_DEBOUNCE_MS * 3);
    expect(records.get('w')).toHaveLength(2);

    // A change while it runs: one more run after it, never two at once.
    session.change();
    await until(() => session.running > 0, 'the run to start');
    session.change();
    await until(() => records.get('w')?.length === 4, 'the run after the run', 1000);
    expect(session.overlaps).toBe(0);
  });

  it('leave checks that say watch: false, or cannot be watched, to their interval', async () => {
    const sessions: HandSession[] = [];
    const checks = checksOf(sessions, [{ name: 'off', watchable: true, watch: false, intervalMs: 1000 }, { name: 'snapshot', watchable: false, intervalMs: 1000 }]);
    const { records, watched, scheduler, load } = harness(checks);
    stops.push(async () => { await scheduler.stop(); watched.closeAll(); });
    load(checks);
    expect(sessions).toHaveLength(0);
    expect([watched.mode('off'), watched.mode('snapshot')]).toEqual(['interval', 'interval']);
    await until(() => (records.get('off')?.length ?? 0) >= 2 && (records.get('snapshot')?.length ?? 0) >= 2, 'two runs of each on their interval', 3000);
  });

  it('close the session of a changed or removed check, and every session at shutdown', async () => {
    const sessions: HandSession[] = [];
    const first = checksOf(sessions, [{ name: 'a', watchable: true }, { name: 'b', watchable: true }]);
    const { watched, scheduler, load } = harness(first);
    stops.push(() => scheduler.stop());
    load(first);
    const [a, b] = sessions;
    load(checksOf(sessions, [{ name: 'a', watchable: true }]).slice(0, 1), new Set(['a']));
    expect([a.closed, b.closed]).toEqual([true, true]);
    expect(watched.mode('b')).toBe('interval');
    const reopened = sessions.at(-1)!;
    expect(reopened).not.toBe(a);
    expect(watched.session('a')).toBe(reopened);
    watched.closeAll();
    expect(reopened.closed).toBe(true);
  });
});
