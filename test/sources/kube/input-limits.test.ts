// Alias expansion, counted without expanding: what refuses a YAML alias bomb.
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { aliasExpansion, expandsTooFar } from '../../../src/sources/kube/input-limits.js';

function bomb(levels: number, width: number): string {
  const lines = [`a0: &a0 [${Array(width).fill('"x"').join(', ')}]`];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(', ')}]`);
  return lines.join('\n');
}

describe('aliasExpansion', () => {
  it.each([
    ['a scalar', 'x', { expanded: 1, distinct: 1 }],
    ['a plain map', 'a: 1\nb: [2, 3]', { expanded: 5, distinct: 5 }],
    ['an alias used twice', 'a: &x [1, 2]\nb: *x\nc: *x', { expanded: 10, distinct: 4 }],
    // The root, three lists and the three strings of the first: the other lists only refer to it.
    ['a small bomb', bomb(3, 3), { expanded: 1 + 4 + 13 + 40, distinct: 7 }],
  ])('%s', (_name, yaml, expected) => {
    expect(aliasExpansion(load(yaml))).toEqual(expected);
  });

  it('finds a cycle: an alias inside its own anchor', () => {
    expect(aliasExpansion(load('a: &x [1, *x]')).expanded).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts a billion laughs without expanding them', () => {
    const { expanded, distinct } = aliasExpansion(load(bomb(10, 9)));
    expect(expanded).toBeGreaterThan(3e9);
    expect(distinct).toBeLessThan(200);
  });
});

describe('expandsTooFar', () => {
  it.each([
    [{ expanded: 1_000, distinct: 10 }, false],
    [{ expanded: 2_000_000, distinct: 1_500_000 }, false],
    [{ expanded: 2_000_000, distinct: 100 }, true],
    [{ expanded: Number.POSITIVE_INFINITY, distinct: 3 }, true],
  ])('%o -> %s', (expansion, refused) => {
    expect(expandsTooFar(expansion)).toBe(refused);
  });
});
