// The YAML alias bomb ("billion laughs"): js-yaml shares aliased nodes by
// reference, so a bomb parses in microseconds and holds little memory, then
// expands to billions of values in the first deep walk (comparison, JSON
// rendering), which would run for minutes without answering SIGTERM. Such a
// document is refused where the file is still known.

/**
 * Aliases may repeat a block (an env list, a probe) a few times; they may not
 * multiply a document past a million values and past ten times its own size
 * (go-yaml v3 refuses "excessive aliasing" by a similar ratio).
 */
const MAX_EXPANDED_VALUES = 1_000_000;
const MAX_EXPANSION_RATIO = 10;

/**
 * The number of values a parsed YAML document holds once its aliases are
 * expanded, and the number of distinct values in memory. Shared nodes are
 * counted once per reference, through a memo, so this is linear in the
 * distinct nodes however large the expansion. An alias inside its own anchor
 * (`&a [*a]`) makes a cycle: its expansion is infinite.
 */
export function aliasExpansion(value: unknown): { expanded: number; distinct: number } {
  if (typeof value !== 'object' || value === null) return { expanded: 1, distinct: 1 };
  const sizes = new Map<object, number>();
  const inProgress = new Set<object>();
  const pending: object[] = [value];
  let distinct = 0;
  while (pending.length > 0) {
    const node = pending[pending.length - 1];
    if (sizes.has(node)) {
      pending.pop();
      continue;
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!inProgress.has(node)) {
      inProgress.add(node);
      for (const child of children) {
        if (typeof child !== 'object' || child === null || sizes.has(child)) continue;
        if (inProgress.has(child)) return { expanded: Number.POSITIVE_INFINITY, distinct };
        pending.push(child);
      }
      continue;
    }
    pending.pop();
    inProgress.delete(node);
    let size = 1;
    distinct += 1;
    for (const child of children) {
      if (typeof child === 'object' && child !== null) size += sizes.get(child)!;
      else {
        size += 1;
        distinct += 1;
      }
    }
    sizes.set(node, size);
  }
  return { expanded: sizes.get(value)!, distinct };
}

export function expandsTooFar({ expanded, distinct }: { expanded: number; distinct: number }): boolean {
  return expanded > MAX_EXPANDED_VALUES && expanded > MAX_EXPANSION_RATIO * distinct;
}
