// `gitdiff kube` kept current (serve's watch mode, `--wait`): one session owns a
// watched live side (a cache the API server's WATCH keeps up to date) and the
// declared side (files known by their stat), and each run compares what they
// hold now, reusing the previous run's item of every object whose declared and
// live objects did not change (compare-memo.ts). A run's Findings are exactly
// those of a fresh `gitdiff kube` over the same inputs: only the work differs.
// The session says when a run would find something new: a live change, or a
// poll of the inputs (every second, stats only; less often for a big tree) that saw a file change.
// Light at import (index.ts imports it): the pipeline's modules load on the first run.
import type { RunContext, WatchedRun, WatchSetup } from '../types.js';
import type { Findings } from '../../report.js';
import type { KubeOptions } from './options.js';
import type { WatchedLiveSide } from './live.js';
import type { WatchedDeclared } from './declared-watch.js';
import type { ComparedItems } from './compare-memo.js';
import { messageOf } from '../../errors.js';

/** How often the inputs are polled: a commit pulled by git-sync is seen within about a second. */
export const INPUT_POLL_MS = 1000;
/**
 * A poll waits at least this many times as long as the last one took, so that polling costs at
 * most 0.5% of a core: 2,000 files (10,000 objects) stat in about 20 ms, polled every 4 s instead
 * of every second. Live changes are watched, not polled: only the manifests' files wait longer.
 */
const POLL_COST_FACTOR = 200;

/** Opens the live side the session keeps: ended by `signal` (the session's close). */
export type OpenWatchedLive = (settings: { signal: AbortSignal; log: (line: string) => void }) => Promise<WatchedLiveSide>;

export class KubeWatchSession implements WatchedRun {
  private readonly listeners = new Set<() => void>();
  private readonly closing = new AbortController();
  private live: Promise<WatchedLiveSide> | undefined;
  private declared: WatchedDeclared | undefined;
  private memo: ComparedItems | undefined;
  private poll: NodeJS.Timeout | undefined;
  /** Runs one after another: the memo and the declared files are the last run's. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: KubeOptions, private readonly setup: WatchSetup, private readonly openLive: OpenWatchedLive) {}

  run(context: RunContext): Promise<Findings> {
    const run = this.last.then(() => this.runNow(context));
    this.last = run.catch(() => {});
    return run;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.closing.signal.aborted) return;
    clearTimeout(this.poll);
    this.closing.abort();
    this.listeners.clear();
    void this.live?.then((live) => live.close(), () => {});
  }

  private async runNow(context: RunContext): Promise<Findings> {
    const started = performance.now();
    const { readKubeConfig, checkDeclared, compareKube } = await import('./run.js');
    const { workTreeRevision } = await import('./revision.js');
    const { options } = this;
    this.declared ??= new (await import('./declared-watch.js')).WatchedDeclared(options);
    this.memo ??= new (await import('./compare-memo.js')).ComparedItems();
    const ruling = readKubeConfig(options, context);
    const revision = options.rev === undefined ? workTreeRevision([...options.paths, ...options.kustomize], context.cwd, context.env) : undefined;
    let side;
    try {
      side = await this.declared.read(context);
    } finally {
      this.startPolling(context); // also after a bad manifest: its fix is a change to see
    }
    const checked = checkDeclared(side, options);
    const live = await this.liveSide(context);
    return compareKube({ ...checked, revision: side.revision ?? (await revision) }, live, { options, context, started, ...ruling, memo: this.memo });
  }

  /** The watched live side, opened by the first run; a failed opening is tried again by the next run. */
  private liveSide(context: RunContext): Promise<WatchedLiveSide> {
    if (!this.live) {
      const opening = this.openLive({ signal: this.closing.signal, log: this.setup.log });
      this.live = opening;
      opening.then(
        (live) => {
          if (this.closing.signal.aborted) return live.close();
          live.onChange(() => this.changed());
        },
        () => {
          if (this.live === opening) this.live = undefined;
        },
      );
    }
    // A run waits for the opening (the first LISTs) no longer than its own deadline.
    return abortable(this.live, context.signal);
  }

  private startPolling(context: RunContext): void {
    if (this.poll || this.closing.signal.aborted) return;
    const place = { cwd: context.cwd, env: context.env, signal: this.closing.signal, log: this.setup.log };
    const next = (delayMs: number) => {
      if (this.closing.signal.aborted) return;
      this.poll = setTimeout(() => {
        if (!this.declared) return next(INPUT_POLL_MS);
        const started = performance.now();
        this.declared.changed(place).then(
          (changed) => changed && this.changed(),
          (error) => this.setup.log(`watching the manifests: ${messageOf(error)}`),
        ).finally(() => next(Math.max(INPUT_POLL_MS, (performance.now() - started) * POLL_COST_FACTOR)));
      }, delayMs);
      this.poll.unref();
    };
    next(INPUT_POLL_MS);
  }

  private changed(): void {
    if (this.closing.signal.aborted) return;
    for (const listener of [...this.listeners]) listener();
  }
}

/** `promise`, or the signal's reason once it is aborted. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
