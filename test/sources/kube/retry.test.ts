import { describe, expect, it } from 'vitest';
import { backoffMs, MAX_ATTEMPTS, retryableStatus, retryAfterMs } from '../../../src/sources/kube/cluster/retry.js';

describe('retries of reads', () => {
  it.each([
    [1, 0, 125], [1, 1, 250], [2, 0, 250], [2, 1, 500], [3, 1, 1000], [5, 1, 4000], [9, 1, 4000], [9, 0, 2000],
  ])('attempt %i with jitter %f waits %i ms', (attempt, random, ms) => {
    expect(backoffMs(attempt, () => random)).toBe(ms);
  });

  it.each([[429, true], [500, true], [502, true], [503, true], [504, true], [400, false], [401, false], [403, false], [404, false], [409, false], [501, false]])(
    'HTTP %i is retried: %s', (status, retried) => {
      expect(retryableStatus(status)).toBe(retried);
    });

  it.each([[undefined, undefined], [0, 0], [1, 1000], [30, 30_000], [31, 'too-long'], [3600, 'too-long']] as const)(
    'Retry-After %s waits %s', (seconds, wait) => {
      expect(retryAfterMs(seconds)).toBe(wait);
    });

  it('is bounded: the first request and three retries', () => {
    expect(MAX_ATTEMPTS).toBe(4);
  });
});
