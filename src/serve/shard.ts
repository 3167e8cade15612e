// Sharding: several `gitdiff serve` replicas share one checks file, each
// running the checks whose name hashes to its index. Each check runs on exactly
// one replica (never twice against the same systems, never on none), and a
// check keeps its replica while the replica count stays the same, whatever
// other checks are added or removed: the hash is of the name alone.
//
// `--shard 1/3` names the index; `--shard-from-hostname 3` takes it from a
// StatefulSet pod's name (`gitdiff-serve-1`: the ordinal after the last `-`),
// so one pod template serves every replica.
import { createHash } from 'node:crypto';
import { GitdiffError } from '../errors.js';

export interface Shard {
  /** 0-based: this replica. */
  index: number;
  /** How many replicas share the file. */
  count: number;
}

export const MAX_SHARDS = 1024;
const SHARD_HINT = 'e.g. --shard 0/3 (replica 0 of 3; indexes start at 0)';

/** `shown`: the flag and its value as given, for the message. */
function shardCount(text: string, shown: string): number {
  if (!/^\d{1,4}$/.test(text.trim()) || Number(text) < 1 || Number(text) > MAX_SHARDS) {
    throw new GitdiffError(`${shown}: the number of replicas must be a whole number from 1 to ${MAX_SHARDS}`, { hint: SHARD_HINT });
  }
  return Number(text);
}

/** `INDEX/COUNT`, e.g. `1/3`. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d{1,4})\/(\d{1,4})\s*$/.exec(text);
  if (!match) throw new GitdiffError(`--shard ${text}: expected INDEX/COUNT`, { hint: SHARD_HINT });
  const count = shardCount(match[2], `--shard ${text}`);
  const index = Number(match[1]);
  if (index >= count) throw new GitdiffError(`--shard ${text}: the index must be below the count (0 to ${count - 1})`, { hint: SHARD_HINT });
  return { index, count };
}

/** A StatefulSet names its pods NAME-0, NAME-1, ...: the index is that ordinal. */
export function shardFromHostname(hostname: string, countText: string): Shard {
  const count = shardCount(countText, `--shard-from-hostname ${countText}`);
  const ordinal = /-(\d{1,4})$/.exec(hostname)?.[1];
  if (ordinal === undefined) {
    throw new GitdiffError(`--shard-from-hostname: the host name "${hostname}" does not end in an ordinal (NAME-0, NAME-1, ...)`, {
      hint: 'run it as a StatefulSet pod, or give the index with --shard INDEX/COUNT',
    });
  }
  const index = Number(ordinal);
  if (index >= count) {
    throw new GitdiffError(`--shard-from-hostname ${count}: the host name "${hostname}" has ordinal ${index}, not below ${count}`, {
      hint: "set --shard-from-hostname to the StatefulSet's replicas",
    });
  }
  return { index, count };
}

/**
 * The first 48 bits of the name's SHA-256, as a number: the same on every
 * replica, platform and version. Not FNV-1a: its low k bits depend only on the
 * low k bits of each byte, so with a power-of-two replica count the split would
 * follow the parity of the names' letters rather than the whole name.
 */
export function nameHash(name: string): number {
  return createHash('sha256').update(name, 'utf8').digest().readUIntBE(0, 6);
}

export function shardOf(name: string, count: number): number {
  return nameHash(name) % count;
}

/** The checks this replica runs, and how many of the file's it leaves to the others. */
export function checksOfShard<T extends { name: string }>(checks: readonly T[], shard: Shard | undefined): { checks: T[]; skipped: number } {
  if (!shard) return { checks: [...checks], skipped: 0 };
  const mine = checks.filter((check) => shardOf(check.name, shard.count) === shard.index);
  return { checks: mine, skipped: checks.length - mine.length };
}
