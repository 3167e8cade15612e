// SensitiveValues finds marked strings inside any string about to be shown,
// through an index by their first characters: it must answer exactly as
// testing every secret with includes() would.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SensitiveValues } from '../../../src/sources/terraform/sensitive.js';

/** The plain reading: the whole value is a secret, or holds one of four characters or more. */
function revealsByScan(secrets: string[], value: string): boolean {
  return secrets.includes(value) && value !== '' ? true : secrets.some((secret) => secret.length >= 4 && value.includes(secret));
}

describe('SensitiveValues', () => {
  it.each([
    ['hunter22', 'hunter22', true],
    ['hunter22', 'password=hunter22;', true],
    ['hunter22', 'hunter2', false],
    ['abc', 'abc', true],
    ['abc', 'xabcx', false],
    ['', '', false],
    ['😀😀', 'a😀😀b', true],
    ['secret-a', 'secret-b secret-a', true],
  ])('secret %j in %j: %s', (secret, value, expected) => {
    const strings = new SensitiveValues();
    strings.add(secret);
    expect(strings.reveals(value)).toBe(expected);
  });

  it('answers as a scan of every secret does, for secrets sharing their first characters', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '-', 'é', '😀'), maxLength: 12 });
    fc.assert(fc.property(fc.array(text, { maxLength: 12 }), fc.array(text, { maxLength: 12 }), (secrets, values) => {
      const strings = new SensitiveValues();
      for (const secret of secrets) strings.add(secret);
      for (const value of [...values, ...secrets]) expect(strings.reveals(value)).toBe(revealsByScan(secrets, value));
    }), { numRuns: 1000 });
  });
});

describe('SensitiveValues: numbers, bools and map keys', () => {
  it.each([
    [48213977, 48213977, true],
    [48213977, '48213977', true],
    [48213977, 'pin=48213977', true],
    [48213977, 48213978, false],
    [true, true, true],
    [true, 'true', true],
    [true, 'it is true', false],
    [true, false, false],
    ['hunter22', 48213977, false],
  ])('secret %j reveals %j: %s', (secret, value, expected) => {
    const values = new SensitiveValues();
    values.add(secret);
    expect(values.reveals(value)).toBe(expected);
  });

  it('a map with a key that is or holds a secret reveals it; other maps do not', () => {
    const values = new SensitiveValues();
    values.add('sensitive-key-7a3b9c');
    expect(values.revealsAKey({ 'sensitive-key-7a3b9c': 'x' })).toBe(true);
    expect(values.revealsAKey({ 'prefix-sensitive-key-7a3b9c': 'x' })).toBe(true);
    expect(values.revealsAKey({ name: 'sensitive-key-7a3b9c' })).toBe(false);
    values.add('name');
    expect(values.revealsAKey({ name: 'x' })).toBe(true);
  });
});
