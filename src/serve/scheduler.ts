// When checks run. Each check is due every `interval` after its previous run
// started; a check never overlaps with itself (a run that takes longer than its
// interval is followed by the next one as soon as it ends); at most
// `concurrency` checks run at once, the others wait in the order they fell due.
// A watched check has no interval: it runs once, then whenever trigger() says
// what it compares changed (a change during its run makes one more run after it);
// after a run that says 'retry' (it could not tell: the cluster was out of reach,
// and no change may ever come to say it is back), also after its interval.
// The scheduler knows names and intervals only; what a run does is the caller's.
import { setLongTimeout, type LongTimer } from '../timers.js';

export interface ScheduledCheck {
  name: string;
  intervalMs: number;
  /** Run at start and on trigger() only, never on a timer. */
  watched?: boolean;
}

interface Entry {
  intervalMs: number;
  watched: boolean;
  /** `idle`: a watched check between runs, waiting for trigger(). */
  state: 'waiting' | 'idle' | 'queued' | 'running';
  timer?: LongTimer;
  /** When it is next due (waiting), or fell due (queued). */
  dueAt: number;
  lastStartedAt?: number;
  /** Run again as soon as the current run ends (the check changed while it ran). */
  rerun: boolean;
  /** A watched check whose last run could not tell: run again after the interval, or on a change if sooner. */
  retry?: boolean;
}

/** What a run may ask of the schedule: 'retry', a watched check's run that could not tell. */
export type RunOutcome = void | 'retry';

export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Names with a run in flight, including a run of a check since removed or replaced under the same name. */
  private readonly busy = new Set<string>();
  private stopped = false;

  constructor(
    private readonly run: (name: string) => Promise<RunOutcome>,
    private concurrency: number,
  ) {}

  /**
   * Makes the schedule match `checks`: new checks are due now, removed ones are
   * dropped (a run in flight finishes; the caller discards it), and `restart`
   * names checks that changed and must run afresh now (after their run in flight).
   */
  update(checks: readonly ScheduledCheck[], concurrency: number, restart: ReadonlySet<string> = new Set()): void {
    if (this.stopped) return;
    this.concurrency = concurrency;
    const wanted = new Set(checks.map((check) => check.name));
    for (const [name, entry] of this.entries) {
      if (wanted.has(name)) continue;
      entry.timer?.cancel();
      this.entries.delete(name);
      this.dequeue(name);
    }
    for (const { name, intervalMs, watched = false } of checks) {
      const entry = this.entries.get(name);
      if (!entry) {
        this.entries.set(name, { intervalMs, watched, state: 'waiting', dueAt: Date.now(), rerun: false });
        this.enqueue(name);
        continue;
      }
      entry.intervalMs = intervalMs;
      entry.watched = watched;
      if (entry.state === 'running') {
        entry.rerun ||= restart.has(name);
      } else if (entry.state === 'waiting' || entry.state === 'idle') {
        if (restart.has(name) || entry.lastStartedAt === undefined) this.wait(name, entry, Date.now());
        else this.settle(name, entry);
      }
    }
    this.pump();
  }

  /**
   * A watched check's inputs changed: it runs as soon as a slot is free; if it is running, once
   * more after that run (whatever it read may be older than the change). Ignored for other checks.
   */
  trigger(name: string): void {
    const entry = this.entries.get(name);
    if (this.stopped || !entry?.watched) return;
    if (entry.state === 'running') entry.rerun = true;
    else if (entry.state === 'idle' || entry.state === 'waiting') {
      entry.timer?.cancel();
      entry.timer = undefined;
      entry.dueAt = Date.now();
      this.enqueue(name);
      this.pump();
    }
  }

  /** When the check is next due (ms since the epoch), or undefined while it runs, waits for a free slot, or waits for a change (watched). */
  nextRunAt(name: string): number | undefined {
    const entry = this.entries.get(name);
    return entry?.state === 'waiting' ? entry.dueAt : undefined;
  }

  isQueued(name: string): boolean {
    return this.entries.get(name)?.state === 'queued';
  }

  /** Schedules nothing more; resolves when the runs in flight have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.entries.values()) entry.timer?.cancel();
    this.queue.length = 0;
    await Promise.all([...this.inFlight]);
  }

  get running(): number {
    return this.inFlight.size;
  }

  private wait(name: string, entry: Entry, dueAt: number): void {
    entry.timer?.cancel();
    entry.timer = undefined;
    entry.dueAt = dueAt;
    if (dueAt <= Date.now()) {
      this.enqueue(name); // already due (a run longer than the interval): queue now, no timer tick in between
      return;
    }
    entry.state = 'waiting';
    entry.timer = setLongTimeout(() => {
      entry.timer = undefined;
      this.enqueue(name);
      this.pump();
    }, dueAt - Date.now());
  }

  private enqueue(name: string): void {
    const entry = this.entries.get(name)!;
    entry.state = 'queued';
    this.queue.push(name);
  }

  private dequeue(name: string): void {
    const index = this.queue.indexOf(name);
    if (index >= 0) this.queue.splice(index, 1);
  }

  private pump(): void {
    while (!this.stopped && this.inFlight.size < this.concurrency) {
      const index = this.queue.findIndex((name) => !this.busy.has(name));
      if (index < 0) return;
      this.start(this.queue.splice(index, 1)[0]);
    }
  }

  private start(name: string): void {
    const entry = this.entries.get(name)!;
    entry.state = 'running';
    // Due time, not start time: waiting for a free slot does not push the whole schedule back.
    entry.lastStartedAt = Math.min(entry.dueAt, Date.now());
    this.busy.add(name);
    const done = this.run(name)
      .then((outcome) => void (entry.retry = outcome === 'retry'), () => void (entry.retry = false)) // the caller records its own failures; the schedule goes on regardless
      .finally(() => {
        this.inFlight.delete(done);
        this.busy.delete(name);
        this.finished(name, entry);
        this.pump();
      });
    this.inFlight.add(done);
  }

  private finished(name: string, entry: Entry): void {
    if (this.stopped || this.entries.get(name) !== entry) return; // removed, or replaced by a check of the same name
    if (entry.rerun) {
      entry.rerun = false;
      entry.dueAt = Date.now();
      this.enqueue(name);
      return;
    }
    this.settle(name, entry);
  }

  /** Between runs: a watched check waits for trigger(), another for its next due time. */
  private settle(name: string, entry: Entry): void {
    if (entry.watched && entry.retry) return this.wait(name, entry, Math.max(Date.now(), entry.lastStartedAt! + entry.intervalMs));
    // A check that was idle (watched until this reload) is due from now: its old due time is no debt to catch up on.
    if (!entry.watched) return this.wait(name, entry, entry.state === 'idle' ? Math.max(Date.now(), entry.lastStartedAt! + entry.intervalMs) : entry.lastStartedAt! + entry.intervalMs);
    entry.timer?.cancel();
    entry.timer = undefined;
    entry.state = 'idle';
  }
}
