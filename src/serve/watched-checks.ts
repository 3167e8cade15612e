// serve's watch mode: the checks whose source can keep them current (a kube
// check against a cluster) each own a session (Source.watch), opened when the
// check is loaded and closed when it is removed or changed, and at shutdown.
// A session's change is passed on to the scheduler after a short quiet time,
// so that a burst (a rollout touching twenty objects, a pull rewriting ten
// files) makes one run, not twenty. Checks that cannot be watched, or say
// `watch: false`, are left to their interval.
import type { WatchedRun } from '../sources/types.js';
import { CHANGE_DEBOUNCE_MS } from '../sources/wait-for-sync.js';
import type { Check } from './checks-file.js';


interface Watched {
  check: Check;
  session: WatchedRun;
  stop: () => void;
  debounce?: NodeJS.Timeout;
}

export type CheckMode = 'watch' | 'interval';

export class WatchedChecks {
  private readonly watched = new Map<string, Watched>();

  /**
   * `trigger` runs a check again (the scheduler's trigger); `place` is where sessions live
   * (the config's folder, the environment, the debug log).
   */
  constructor(
    private readonly trigger: (name: string) => void,
    private readonly place: { cwd: () => string; env: NodeJS.ProcessEnv; log: (name: string, line: string) => void },
  ) {}

  /**
   * Makes the sessions match `checks`: closes those of removed and changed checks, opens one for
   * each new or changed check that can be watched. Returns the names whose session is new: their
   * next run must be a first one (now), whatever their schedule was.
   */
  update(checks: readonly Check[], changed: ReadonlySet<string>): Set<string> {
    const wanted = new Map(checks.map((check) => [check.name, check]));
    for (const [name, each] of this.watched) {
      const next = wanted.get(name);
      if (next && !changed.has(name) && sameWatch(each.check, next)) continue;
      this.close(name);
    }
    const opened = new Set<string>();
    for (const check of checks) {
      if (this.watched.has(check.name) || check.watch === false) continue;
      const session = check.source.watch?.(check.options, { cwd: this.place.cwd(), env: this.place.env, log: (line) => this.place.log(check.name, line), resyncMs: check.resyncMs });
      if (!session) continue;
      const entry: Watched = { check, session, stop: () => {} };
      entry.stop = session.onChange(() => this.changed(entry));
      this.watched.set(check.name, entry);
      opened.add(check.name);
    }
    return opened;
  }

  /** The check's session, while it is watched. */
  session(name: string): WatchedRun | undefined {
    return this.watched.get(name)?.session;
  }

  mode(name: string): CheckMode {
    return this.watched.has(name) ? 'watch' : 'interval';
  }

  closeAll(): void {
    for (const name of [...this.watched.keys()]) this.close(name);
  }

  private changed(entry: Watched): void {
    if (entry.debounce || this.watched.get(entry.check.name) !== entry) return;
    entry.debounce = setTimeout(() => {
      entry.debounce = undefined;
      if (this.watched.get(entry.check.name) === entry) this.trigger(entry.check.name);
    }, CHANGE_DEBOUNCE_MS);
  }

  private close(name: string): void {
    const entry = this.watched.get(name);
    if (!entry) return;
    clearTimeout(entry.debounce);
    entry.stop();
    entry.session.close();
    this.watched.delete(name);
  }
}

/** Whether two loads of a check watch it the same way (its command is compared by the caller). */
function sameWatch(a: Check, b: Check): boolean {
  return a.watch === b.watch && a.resyncMs === b.resyncMs;
}
