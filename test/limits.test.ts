import { describe, expect, it } from 'vitest';
import { isStackOverflow, nestingWithin } from '../src/limits.js';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
};

describe('nestingWithin', () => {
  it.each([
    [0, 0, true], [1, 0, false], [1, 1, true], [999, 1000, true], [1000, 1000, true], [1001, 1000, false], [20_000, 1000, false],
  ])('%i levels within %i: %s', (depth, limit, within) => {
    expect(nestingWithin(nested(depth), limit)).toBe(within);
  });

  it('uses 1000 levels by default', () => {
    expect(nestingWithin(nested(1000))).toBe(true);
    expect(nestingWithin(nested(1001))).toBe(false);
  });
});

describe('isStackOverflow', () => {
  const overflow = (): unknown => {
    const recurse = (n: number): number => recurse(n + 1) + 1;
    try {
      return recurse(0);
    } catch (error) {
      return error;
    }
  };
  it.each([
    ['a real overflow', overflow(), true],
    ['another RangeError', new RangeError('Invalid array length'), false],
    ['an Error', new Error('Maximum call stack size exceeded'), false],
  ])('%s: %s', (_name, error, expected) => {
    expect(isStackOverflow(error)).toBe(expected);
  });
});
