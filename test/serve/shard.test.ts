// Sharding: every check runs on exactly one replica, by a stable hash of its name.
import { describe, expect, it } from 'vitest';
import { GitdiffError } from '../../src/errors.js';
import { checksOfShard, nameHash, parseShard, shardFromHostname, shardOf } from '../../src/serve/shard.js';

const names = Array.from({ length: 200 }, (_, index) => ({ name: `check-${index}` }));

describe('checksOfShard', () => {
  it.each([1, 2, 3, 5, 16])('splits the file across %i replicas: disjoint, covering every check, each skipping the rest', (count) => {
    const shares = Array.from({ length: count }, (_, index) => checksOfShard(names, { index, count }));
    const all = shares.flatMap((share) => share.checks.map((check) => check.name));
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(names.map((check) => check.name).sort());
    for (const share of shares) expect(share.skipped).toBe(names.length - share.checks.length);
    // Spread, not all on one replica: 200 names over at most 16 shards leave none empty.
    for (const share of shares) expect(share.checks.length).toBeGreaterThan(0);
  });

  it('keeps a check on its replica when other checks come and go (the hash is of the name alone)', () => {
    const before = checksOfShard(names, { index: 1, count: 3 }).checks.map((check) => check.name);
    const after = checksOfShard([{ name: 'new-one' }, ...names.slice(50)], { index: 1, count: 3 }).checks.map((check) => check.name);
    expect(after.filter((name) => name !== 'new-one')).toEqual(before.filter((name) => Number(name.slice(6)) >= 50));
  });

  it('runs every check without a shard', () => {
    expect(checksOfShard(names, undefined)).toEqual({ checks: names, skipped: 0 });
  });

  it('hashes with the first 48 bits of SHA-256 of the name: the same answer on every replica and version', () => {
    // FIPS 180-2's test vector: SHA-256("abc") = ba7816bf8f01cfea...
    expect(nameHash('abc')).toBe(0xba7816bf8f01);
    expect(shardOf('abc', 3)).toBe(0xba7816bf8f01 % 3);
  });

  it('spreads short, similar names evenly enough: check-1 to check-12 over 2 and 3 replicas', () => {
    const similar = Array.from({ length: 12 }, (_, index) => ({ name: `check-${index + 1}` }));
    for (const count of [2, 3]) {
      for (let index = 0; index < count; index++) expect(checksOfShard(similar, { index, count }).checks.length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('--shard and --shard-from-hostname', () => {
  it.each([['0/1', 0, 1], ['2/3', 2, 3], [' 1/16 ', 1, 16]])('--shard %s', (text, index, count) => {
    expect(parseShard(text)).toEqual({ index, count });
  });

  it.each([
    ['3/3', /--shard 3\/3: the index must be below the count \(0 to 2\)/],
    ['1/0', /--shard 1\/0: the number of replicas must be a whole number from 1 to 1024/],
    ['1', /--shard 1: expected INDEX\/COUNT/],
    ['-1/3', /--shard -1\/3: expected INDEX\/COUNT/],
  ])('refuses --shard %s', (text, message) => {
    expect(() => parseShard(text)).toThrow(GitdiffError);
    expect(() => parseShard(text)).toThrow(message);
  });

  it.each([['gitdiff-serve-0', 0], ['gitdiff-serve-2', 2], ['web-7-1', 1]])('takes the index from a StatefulSet pod name: %s', (hostname, index) => {
    expect(shardFromHostname(hostname, '3')).toEqual({ index, count: 3 });
  });

  it.each([
    ['gitdiff-serve-3', '3', /the host name "gitdiff-serve-3" has ordinal 3, not below 3/],
    ['gitdiff-serve-7d9f8-abcde', '3', /the host name "gitdiff-serve-7d9f8-abcde" does not end in an ordinal/],
    ['gitdiff-serve-0', 'three', /--shard-from-hostname three: the number of replicas must be a whole number/],
  ])('refuses host name %s with %s replicas', (hostname, count, message) => {
    expect(() => shardFromHostname(hostname, count)).toThrow(message);
  });
});
