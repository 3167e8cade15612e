// The convergence rules (src/serve/drift/converge.ts) as a person reads them:
// a sequence of runs (time, revision, what differs) and the events each makes.
import { describe, expect, it } from 'vitest';
import { emptyTracked, type DriftEvent, type TrackedCheck } from '../../../src/serve/drift/events.js';
import { driftPhase, expire, graceEndsAt } from '../../../src/serve/drift/converge.js';
import { track } from '../../../src/serve/drift/track.js';
import type { Item, Report } from '../../../src/report.js';

const MINUTE = 60_000;
const GRACE = 5 * MINUTE;

function item(name: string, status: Item['status'] = 'diverged', live = 5): Item {
  return {
    ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name },
    title: `Deployment web/${name}`,
    status,
    changes: status === 'diverged' ? [{ path: 'spec.replicas', declared: 3, live }] : [],
  };
}

interface Step {
  /** Minutes since the start. */
  at: number;
  revision?: string;
  items?: Item[];
  /** A run that could not tell. */
  failed?: true;
  /** No run: the keeper's timer at this time. */
  timer?: true;
}

/** An event in a line: `committed b (from a)`, `converged b in 2m`, `diverged [api]`, `appeared api`. */
function line(event: DriftEvent): string {
  switch (event.kind) {
    case 'committed': return `committed ${event.revision} (from ${event.previousRevision})`;
    case 'converged': return `converged ${event.revision} in ${event.convergedInMs! / MINUTE}m`;
    case 'diverged': return `diverged [${event.items!.map((title) => title.replace('Deployment web/', '')).join(', ')}]${event.revision ? ` at ${event.revision}` : ''}`;
    default: return `${event.kind} ${event.item!.title.replace('Deployment web/', '')}`;
  }
}

function replay(steps: Step[], convergeWithinMs = GRACE): { lines: string[][]; state: TrackedCheck } {
  let state = emptyTracked();
  const lines: string[][] = [];
  for (const step of steps) {
    const settings = { check: 'web', at: step.at * MINUTE, convergeWithinMs };
    const report: Report = {
      source: 'kube', target: 'test', items: step.items ?? [], notes: [], durationMs: 1,
      errors: step.failed ? [{ message: 'connection refused' }] : [],
      ...(step.revision ? { revision: step.revision } : {}),
    };
    const result = step.timer ? expire(state, settings) : track(state, report, settings);
    state = result.state;
    lines.push(result.events.map(line));
  }
  return { lines, state };
}

function phases(state: TrackedCheck): string[] {
  return [...state.items.values()].map((tracked) => `${tracked.title.replace('Deployment web/', '')} ${tracked.phase}`);
}

describe('convergence: a commit gives the live side converge-within to catch up', () => {
  it.each<[string, Step[], string[][]]>([
    ['a commit whose drift goes within the grace period converges (no diverged event)', [
      { at: 0, revision: 'a', items: [item('api', 'in-sync')] },
      { at: 10, revision: 'b', items: [item('api')] },
      { at: 12, revision: 'b', items: [item('api', 'in-sync')] },
    ], [[], ['committed b (from a)', 'appeared api'], ['resolved api', 'converged b in 2m']]],

    ['a commit the live side already matches converges in the same run', [
      { at: 0, revision: 'a' },
      { at: 1, revision: 'b' },
    ], [[], ['committed b (from a)', 'converged b in 0m']]],

    ['what still differs past the grace period is diverged: one event listing it', [
      { at: 0, revision: 'a' },
      { at: 10, revision: 'b', items: [item('api'), item('db', 'missing')] },
      { at: 14, revision: 'b', items: [item('api', 'diverged', 4), item('db', 'missing')] },
      { at: 16, revision: 'b', items: [item('api', 'diverged', 4), item('db', 'missing')] },
      { at: 20, revision: 'b', items: [] },
    ], [[], ['committed b (from a)', 'appeared api', 'appeared db'], ['changed api'], ['diverged [api, db] at b'], ['resolved api', 'resolved db']]],

    ['the timer ends the grace period when no run comes (watch mode); a run after it finds the same', [
      { at: 0, revision: 'a' },
      { at: 10, revision: 'b', items: [item('api')] },
      { at: 14, timer: true },
      { at: 15, timer: true },
      { at: 16, revision: 'b', items: [item('api')] },
    ], [[], ['committed b (from a)', 'appeared api'], [], ['diverged [api] at b'], []]],

    ['a live change away from an unchanged revision is diverged at once', [
      { at: 0, revision: 'a' },
      { at: 10, revision: 'a', items: [item('api')] },
    ], [[], ['appeared api', 'diverged [api] at a']]],

    ['drift from before the commit stays diverged; the commit cannot converge while it lasts', [
      { at: 0, revision: 'a', items: [item('old')] },
      { at: 10, revision: 'b', items: [item('old'), item('api')] },
      { at: 11, revision: 'b', items: [item('old')] },
      { at: 16, timer: true },
    ], [['appeared old', 'diverged [old] at a'], ['committed b (from a)', 'appeared api'], ['resolved api'], []]],

    ['a newer commit replaces a pending one: its grace period counts from the newer commit', [
      { at: 0, revision: 'a' },
      { at: 10, revision: 'b', items: [item('api')] },
      { at: 13, revision: 'c', items: [item('api'), item('db')] },
      { at: 16, revision: 'c', items: [item('db')] },
      { at: 17, revision: 'c', items: [] },
    ], [[], ['committed b (from a)', 'appeared api'], ['committed c (from b)', 'appeared db'], ['resolved api'], ['resolved db', 'converged c in 4m']]],

    ['a run that could not tell changes nothing, even with a new revision', [
      { at: 0, revision: 'a' },
      { at: 10, revision: 'b', failed: true },
      { at: 11, revision: 'b', items: [item('api')] },
    ], [[], [], ['committed b (from a)', 'appeared api']]],

    ['an item that could not be checked is not known to match: no converged while it lasts', [
      { at: 0, revision: 'a' },
      { at: 10, revision: 'b', items: [item('api', 'error')] },
      { at: 11, revision: 'b', items: [item('api', 'in-sync')] },
    ], [[], ['committed b (from a)'], ['converged b in 1m']]],

    ['an unknown revision tracks no convergence: everything diverged at once, as before', [
      { at: 0 },
      { at: 10, items: [item('api')] },
      { at: 11, revision: 'a', items: [item('api')] },
      { at: 12, revision: 'b', items: [item('api'), item('db')] },
    ], [[], ['appeared api', 'diverged [api]'], [], ['committed b (from a)', 'appeared db']]],

    ['the first revision seen (a restart) is a starting point, not a commit', [
      { at: 0, revision: 'a', items: [item('api')] },
    ], [['appeared api', 'diverged [api] at a']]],
  ])('%s', (_, steps, expected) => {
    expect(replay(steps).lines).toEqual(expected);
  });

  it('phases: new drift in the grace period is converging and the check is converging; past it, diverged', () => {
    const steps: Step[] = [{ at: 0, revision: 'a', items: [item('old')] }, { at: 10, revision: 'b', items: [item('old'), item('api')] }];
    expect(phases(replay(steps).state)).toEqual(['old diverged', 'api converging']);
    const commitOnly = replay([{ at: 0, revision: 'a' }, { at: 10, revision: 'b', items: [item('api')] }]).state;
    expect([driftPhase(commitOnly.items), commitOnly.commit, graceEndsAt(commitOnly, GRACE)]).toEqual(['converging', { revision: 'b', at: 10 * MINUTE }, 15 * MINUTE]);
    const expired = replay([{ at: 0, revision: 'a' }, { at: 10, revision: 'b', items: [item('api')] }, { at: 15, timer: true }]).state;
    expect([driftPhase(expired.items), expired.commit, graceEndsAt(expired, GRACE)]).toEqual(['diverged', undefined, undefined]);
  });

  it('the timer before the grace period ends changes nothing (the same state)', () => {
    const { state } = replay([{ at: 0, revision: 'a' }, { at: 10, revision: 'b', items: [item('api')] }]);
    expect(expire(state, { check: 'web', at: 14 * MINUTE, convergeWithinMs: GRACE })).toEqual({ state, events: [] });
    expect(expire(state, { check: 'web', at: 14 * MINUTE, convergeWithinMs: GRACE }).state).toBe(state);
  });

  it('converge-within 0 turns the grace period off: commits are still told, drift is diverged at once', () => {
    const { lines, state } = replay([
      { at: 0, revision: 'a' },
      { at: 10, revision: 'b', items: [item('api')] },
      { at: 11, revision: 'b' },
    ], 0);
    expect(lines).toEqual([[], ['committed b (from a)', 'appeared api', 'diverged [api] at b'], ['resolved api']]);
    expect(state.commit).toBeUndefined();
  });
});
