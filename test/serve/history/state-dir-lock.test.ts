// The state dir lock renews itself while held, so a serve on another host (a
// new pod on the same volume) can tell a live holder from one that is gone.
import { mkdtempSync, rmSync, statSync, utimesSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCK_FILE, LOCK_RENEW_MS, LOCK_STALE_MS, lockStateDir } from '../../../src/serve/history/state-dir-lock.js';

describe('lockStateDir', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-lock-'));
  afterEach(() => {
    vi.useRealTimers();
    rmSync(path.join(dir, LOCK_FILE), { force: true });
  });

  it('renews the lock file every LOCK_RENEW_MS while held, well within LOCK_STALE_MS; release removes it and stops renewing', () => {
    expect(LOCK_RENEW_MS * 2).toBeLessThan(LOCK_STALE_MS);
    vi.useFakeTimers();
    const file = path.join(dir, LOCK_FILE);
    const lock = lockStateDir(dir);
    const old = new Date(Date.now() - LOCK_STALE_MS);
    utimesSync(file, old, old);
    vi.advanceTimersByTime(LOCK_RENEW_MS - 1);
    expect(Math.round(statSync(file).mtimeMs)).toBe(old.getTime()); // mtimeMs is a float: 1796523504822.999
    vi.advanceTimersByTime(1);
    expect(statSync(file).mtimeMs).toBeGreaterThan(old.getTime() + LOCK_STALE_MS / 2);
    lock.release();
    expect(existsSync(file)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
