import { GitdiffError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Longer than anything meant (285,000 years), and where milliseconds stop being exact. */
const MAX_MS = Number.MAX_SAFE_INTEGER;

/**
 * Parses a duration the way kubectl's --request-timeout does: a number with a
 * unit (`500ms`, `5s`, `1m`, `1h`, or combined `1m30s`), or a bare number of
 * seconds; also days (`30d`), which Go's durations lack but a monthly check
 * needs. "0" means no timeout and returns 0. Any length works with the timers
 * of ./timers.ts; beyond MAX_MS it is refused rather than rounded.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return withinRange(Math.round(Number(trimmed) * 1000), text, flag);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
  let total = 0;
  let index = 0;
  while (index < trimmed.length) {
    part.lastIndex = index;
    const match = part.exec(trimmed);
    if (!match) break;
    total += Number(match[1]) * UNIT_MS[match[2]];
    index = part.lastIndex;
  }
  if (trimmed === '' || index !== trimmed.length) {
    throw new GitdiffError(`${flag}: invalid duration "${text}"`, { hint: 'use a number with a unit, such as 30s, 1m, 500ms or 30d' });
  }
  return withinRange(Math.round(total), text, flag);
}

function withinRange(ms: number, text: string, flag: string): number {
  if (ms <= MAX_MS) return ms;
  throw new GitdiffError(`${flag}: duration "${text}" is too long`, { hint: 'use at most a few years, or 0 for no limit where the flag allows it' });
}

/** A duration as people write it, the other way round: 600000 -> `10m`, 90000 -> `1m 30s`, 1500 -> `1.5s`. */
export function formatMs(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const parts = [hours && `${hours}h`, minutes && `${minutes}m`, seconds && `${Number(seconds.toFixed(1))}s`].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '0s';
}
