// The one run lifecycle of the CLI and serve: what a source returns is stamped
// with its name and the run's duration; the deadline and the caller's interrupt
// abort the source's signal with their own reasons; the CLI waits for the
// report of what was checked, serve abandons a source that does not stop.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GitdiffError } from '../../src/errors.js';
import type { Findings } from '../../src/report.js';
import { runLifecycle, signalExitStatus, type RunSettings } from '../../src/sources/run-lifecycle.js';
import type { RunContext, Source } from '../../src/sources/types.js';

afterEach(() => {
  vi.useRealTimers();
});

const findings = (target: string): Findings => ({ target, items: [], errors: [], notes: [], noun: 'object' });

function fakeSource(run: (options: string, context: RunContext) => Promise<Findings>): Source<string> {
  return { name: 'fake', summary: '', define: () => {}, options: ({ args }) => args.join(' '), run };
}

function settings(overrides: Partial<RunSettings> = {}): RunSettings {
  return {
    context: { verbose: false, debug: false, log: () => {}, notice: () => {}, progress: () => {}, stdin: process.stdin, cwd: '/', env: {} },
    interrupt: new AbortController().signal,
    deadlineMs: 0,
    deadlineReason: () => new GitdiffError('past the deadline'),
    abandonOnAbort: false,
    ...overrides,
  };
}

/** Settles when the run's signal aborts, with the findings of what it checked until then. */
const stopsWhenAborted = (_options: string, context: RunContext) =>
  new Promise<Findings>((resolve) => context.signal.addEventListener('abort', () => resolve(findings(`partial: ${messageOf(context.signal.reason)}`))));
const messageOf = (reason: unknown) => (reason as Error).message;

describe('runLifecycle', () => {
  it("stamps the source's name and the run's duration on what run() returned, which got the options", async () => {
    const source = fakeSource(async (options) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return findings(options);
    });
    const run = await runLifecycle(source, 'a b', settings());
    if (!('report' in run)) throw new Error('the run failed');
    expect(run.report).toMatchObject({ source: 'fake', target: 'a b', noun: 'object' });
    expect(run.report.durationMs).toBeGreaterThanOrEqual(25);
    expect(run.aborted).toBeUndefined();
    expect(run.endedAt - run.startedAt).toBeGreaterThanOrEqual(25);
  });

  it('at the deadline, aborts the source with the deadline reason and keeps the report it returns (the CLI prints it)', async () => {
    vi.useFakeTimers();
    const pending = runLifecycle(fakeSource(stopsWhenAborted), '', settings({ deadlineMs: 1500 }));
    await vi.advanceTimersByTimeAsync(1500);
    const run = await pending;
    if (!('report' in run)) throw new Error('the run failed');
    expect(run.report.target).toBe('partial: past the deadline');
    expect(messageOf(run.aborted?.reason)).toBe('past the deadline');
  });

  it('abandoning on abort (serve): a source that never settles ends at the deadline, as the deadline error', async () => {
    vi.useFakeTimers();
    const pending = runLifecycle(fakeSource(() => new Promise(() => {})), '', settings({ deadlineMs: 1000, abandonOnAbort: true }));
    await vi.advanceTimersByTimeAsync(1000);
    const run = await pending;
    expect('error' in run && messageOf(run.error)).toBe('past the deadline');
  });

  it("an interrupt: onAbort runs once, and the run's error is the interrupt's reason, not what the source threw because of it", async () => {
    const interrupt = new AbortController();
    const onAbort = vi.fn();
    const source = fakeSource((_options, context) => new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('stdin destroyed')))));
    const pending = runLifecycle(source, '', settings({ interrupt: interrupt.signal, onAbort }));
    interrupt.abort(new GitdiffError('interrupted by SIGTERM'));
    const run = await pending;
    expect('error' in run && messageOf(run.error)).toBe('interrupted by SIGTERM');
    expect(onAbort).toHaveBeenCalledTimes(1);
  });

  it('no deadline (0): a long run is never aborted', async () => {
    vi.useFakeTimers();
    const source = fakeSource((_options, context) => new Promise((resolve) => setTimeout(() => resolve(findings(String(context.signal.aborted))), 30 * 86_400_000)));
    const pending = runLifecycle(source, '', settings({ deadlineMs: 0 }));
    await vi.advanceTimersByTimeAsync(30 * 86_400_000);
    const run = await pending;
    expect('report' in run && run.report.target).toBe('false');
  });
});

describe('signalExitStatus', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: %i, as a shell reports a process it ended', (signal, status) => {
    expect(signalExitStatus(signal)).toBe(status);
  });
});
