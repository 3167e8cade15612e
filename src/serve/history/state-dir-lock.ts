// One writer per state dir: two serves recording into one history would
// interleave their runs' states and duplicate every event. A lock file names
// the serve that holds it (pid, host). It must not outlive a crash: serve is
// SIGKILLed (OOM, `kubectl delete --force`, a node going away) and must then
// start again on the same dir, so a lock whose process is gone is taken over.
// On this host that is known at once (its pid no longer runs). From another host
// (a new pod on the same volume after a rollout: another hostname) it cannot be
// asked, so the holder renews the lock's time every 10 s and a lock not renewed
// for 30 s is taken over.
// (SQLite's own locks cannot be the rule: node-sqlite3-wasm locks with a
// directory that stays behind after SIGKILL, measured in docs/serve.md.)
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitdiffError, messageOf } from '../../errors.js';

export const LOCK_FILE = 'gitdiff-history.lock';
/** How often the holder renews its lock, and after how long without renewal another host takes it over. */
export const LOCK_RENEW_MS = 10_000;
export const LOCK_STALE_MS = 30_000;

/** Lock files this process holds: its own pid in one is not a stale lock from a previous life. */
const heldHere = new Set<string>();

interface LockHolder {
  pid: number;
  host: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function holderOf(file: string): LockHolder | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof value.pid === 'number' && typeof value.host === 'string' ? { pid: value.pid, host: value.host } : undefined;
  } catch {
    return undefined; // unreadable or half-written: its writer died while writing it
  }
}

function renewedWithin(file: string, ms: number): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < ms;
  } catch {
    return false;
  }
}

/**
 * Still held by a live serve? From another host: while its holder renews it. Our own pid in a lock this
 * process does not hold is a previous life's (a container's pid 1, restarted): stale.
 */
function held(file: string, holder: LockHolder | undefined): boolean {
  if (!holder) return false;
  if (holder.host !== os.hostname()) return renewedWithin(file, LOCK_STALE_MS);
  return holder.pid === process.pid ? heldHere.has(file) : alive(holder.pid);
}

export interface StateDirLock {
  release(): void;
}

/** Takes the lock of `dir` or throws a GitdiffError naming who holds it. */
export function lockStateDir(dir: string): StateDirLock {
  const file = path.join(dir, LOCK_FILE);
  const me = JSON.stringify({ pid: process.pid, host: os.hostname() } satisfies LockHolder);
  try {
    const fd = openSync(file, 'wx', 0o644);
    try {
      writeSync(fd, me);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new GitdiffError(`--state-dir ${dir}: cannot create ${file}: ${messageOf(error)}`, { hint: 'serve needs a directory it can write to for its history' });
    }
    const holder = holderOf(file);
    if (held(file, holder)) {
      throw new GitdiffError(`--state-dir ${dir}: another gitdiff serve (pid ${holder!.pid} on ${holder!.host}) keeps its history there`, {
        hint: `give each serve its own --state-dir; if that serve is gone, delete ${file} (a lock not renewed for ${LOCK_STALE_MS / 1000}s is taken over)`,
      });
    }
    // Stale: its serve is gone. Replaced whole (rename), never half-written.
    const next = `${file}.${process.pid}`;
    writeFileSync(next, me);
    renameSync(next, file);
  }
  heldHere.add(file);
  const renew = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      // gone or unwritable: the next start decides, as for a crash
    }
  }, LOCK_RENEW_MS);
  renew.unref();
  return {
    release: () => {
      clearInterval(renew);
      if (!heldHere.delete(file)) return;
      if (holderOf(file)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}
