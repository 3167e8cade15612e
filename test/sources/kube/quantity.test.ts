import { describe, expect, it } from 'vitest';
import { parseQuantity, quantityEquals } from '../../../src/sources/kube/quantity.js';

describe('quantityEquals', () => {
  it.each([
    ['1000m', '1'],
    ['1', 1],
    ['0.5', '500m'],
    [0.5, '500m'],
    ['1024Mi', '1Gi'],
    ['1Gi', '1073741824'],
    ['1k', '1000'],
    ['1e3', '1k'],
    ['1.5Gi', '1536Mi'],
    ['100m', '0.1'],
    ['2E', '2000P'],
    ['.5', '500m'],
  ])('%s equals %s', (a, b) => {
    expect(quantityEquals(a, b)).toBe(true);
    expect(quantityEquals(b, a)).toBe(true);
  });

  it.each([
    ['1', '2'],
    ['1Gi', '1G'],
    ['100m', '1'],
    ['1Ki', '1k'],
    ['abc', 'abc'],
    ['', '0'],
    ['1 Gi', '1Gi'],
  ])('%s differs from %s', (a, b) => {
    expect(quantityEquals(a, b)).toBe(false);
  });

  it('rejects what is not a quantity', () => {
    expect(parseQuantity('12 apples')).toBeUndefined();
    expect(parseQuantity({})).toBeUndefined();
    expect(parseQuantity('1e99999')).toBeUndefined();
  });
});
