// Nesting limits shared by every source. Comparison, masking and rendering
// walk values recursively, so input nested 20,000 levels deep would overflow
// the stack far from the file that held it ("Maximum call stack size
// exceeded", naming nothing). Sources refuse such input where the file is
// still known.

/** Deeper than any real manifest, plan or result (a CRD's schema nests a few dozen levels), shallow enough for every recursive walk. */
export const MAX_NESTING = 1000;

/**
 * Whether a parsed JSON value nests at most `limit` levels. Recursive on
 * purpose (several times faster than an explicit stack on large snapshots):
 * the recursion stops at `limit`, so it cannot overflow itself.
 */
export function nestingWithin(value: unknown, limit = MAX_NESTING): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (limit === 0) return false;
  if (Array.isArray(value)) {
    for (const child of value) if (typeof child === 'object' && child !== null && !nestingWithin(child, limit - 1)) return false;
    return true;
  }
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && !nestingWithin(child, limit - 1)) return false;
  }
  return true;
}

/** V8's RangeError for a recursion that ran out of stack. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
