import { describe, expect, it } from 'vitest';
import { exitCode, summarize, type Item, type Status } from '../src/report.js';

const item = (status: Status): Item => ({ ref: {}, title: status, status, changes: [] });

describe('exitCode', () => {
  it.each<[Status[], number]>([
    [['in-sync', 'in-sync'], 0],
    [['in-sync', 'unchecked'], 0],
    [[], 0],
    [['in-sync', 'diverged'], 1],
    [['missing'], 1],
    [['extra'], 1],
    [['diverged', 'error'], 2],
    [['in-sync', 'error'], 2],
  ])('%j -> %i', (statuses, code) => {
    expect(exitCode({ items: statuses.map(item), errors: [] })).toBe(code);
  });

  it('is 2 with a run-level error even when every item is in sync', () => {
    expect(exitCode({ items: [item('in-sync')], errors: [{ message: 'plan failed' }] })).toBe(2);
  });

  it('turns divergence into 0 only when asked (--no-error-on-diff), never an error', () => {
    expect(exitCode({ items: [item('diverged')], errors: [] }, { errorOnDiff: false })).toBe(0);
    expect(exitCode({ items: [item('error')], errors: [] }, { errorOnDiff: false })).toBe(2);
  });
});

describe('summarize', () => {
  it('counts each status and run-level errors', () => {
    const summary = summarize({ items: ['in-sync', 'in-sync', 'diverged', 'missing', 'extra', 'unchecked', 'error'].map((s) => item(s as Status)), errors: [{ message: 'x' }] });
    expect(summary).toEqual({ total: 7, inSync: 2, diverged: 1, missing: 1, extra: 1, unchecked: 1, errors: 2, ignored: 0 });
  });
});
