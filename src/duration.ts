import { GitdiffError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration the way kubectl's --request-timeout does: a number with a
 * unit (`500ms`, `5s`, `1m`, `1h`, or combined `1m30s`), or a bare number of
 * seconds. "0" means no timeout and returns 0.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
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
    throw new GitdiffError(`${flag}: invalid duration "${text}"`, { hint: 'use a number with a unit, such as 30s, 1m or 500ms' });
  }
  return Math.round(total);
}
