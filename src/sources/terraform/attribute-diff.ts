// Attribute-level differences between two versions of one Terraform object,
// as Changes with readable paths: `root_block_device[0].volume_size`,
// `tags["Name"]`. Unknown values read `(known after apply)`; anything marked
// sensitive, at any depth, reads `(sensitive value)` and its Change carries
// `sensitive: true`. Pure: values in, Changes out; the plan is never copied,
// only the (small) values that end up in a Change are.
import { SENSITIVE, type Change } from '../../report.js';
import type { PlanChange, ValueMask } from './plan-model.js';
import type { SensitiveValues } from './sensitive.js';
import { isRecord } from '../../record.js';
import { childPath } from './attribute-path.js';

export const KNOWN_AFTER_APPLY = '(known after apply)';

/**
 * Which side of a plan change is Git's. A planned change goes from the live
 * object (`before`, refreshed) to what the configuration declares (`after`).
 * Drift goes from what Terraform last applied (`before`, the state) to what
 * is live now (`after`).
 */
export type Orientation = 'planned' | 'drift';

export interface DiffOptions {
  orientation: Orientation;
  /** Strings to mask wherever they appear, beyond what the masks mark. */
  sensitiveValues: SensitiveValues;
  /** The path of the whole value: '' for a resource (paths start at its attributes), 'value' for an output. */
  rootPath?: string;
  /** Formatted paths whose change forces a replacement (from replace_paths); their Changes get a note. */
  replacePaths?: string[];
}

interface Difference {
  path: string;
  from: unknown;
  to: unknown;
  sensitive: boolean;
}

export function attributeChanges(change: PlanChange, options: DiffOptions): Change[] {
  const differences: Difference[] = [];
  const walker = new DiffWalker(options.sensitiveValues, differences);
  walker.walk(options.rootPath ?? '', change.before, change.after, change.before_sensitive, change.after_sensitive, change.after_unknown);
  return differences.map((difference) => toChange(difference, options));
}

function toChange({ path, from, to, sensitive }: Difference, options: DiffOptions): Change {
  const [live, declared] = options.orientation === 'planned' ? [from, to] : [to, from];
  const change: Change = { path, declared, live };
  if (sensitive) change.sensitive = true;
  const forcing = options.replacePaths?.find((replace) => path === replace || path.startsWith(`${replace}.`) || path.startsWith(`${replace}[`));
  if (forcing !== undefined) change.note = 'forces replacement';
  return change;
}

/** A mask at one step down: `true` covers the whole subtree. */
function maskAt(mask: ValueMask, key: string | number): ValueMask {
  if (mask === true) return true;
  if (mask === null || typeof mask !== 'object') return undefined;
  return (mask as Record<string | number, ValueMask>)[key];
}


function isContainer(value: unknown): boolean {
  return value !== null && typeof value === 'object';
}

/** True when a mask marks anything below it. */
function marksSomething(mask: ValueMask): boolean {
  if (mask === true) return true;
  if (mask === null || typeof mask !== 'object') return false;
  return Object.values(mask).some((child) => marksSomething(child as ValueMask));
}

class DiffWalker {
  constructor(
    private readonly sensitiveValues: SensitiveValues,
    private readonly out: Difference[],
  ) {}

  walk(path: string, before: unknown, after: unknown, beforeMask: ValueMask, afterMask: ValueMask, unknown: ValueMask): void {
    if (beforeMask === true || afterMask === true) {
      // Compared, never shown: a changed secret reads "(sensitive value)" on both sides.
      if (unknown === true || beforeMask !== afterMask || !sameValue(before, after)) this.pushMasked(path, before, after, afterMask, unknown);
      return;
    }
    // A map keyed by a secret (`{(var.key) = ...}`): neither the map nor a path through it can be shown.
    if ((isRecord(before) && this.sensitiveValues.revealsAKey(before)) || (isRecord(after) && this.sensitiveValues.revealsAKey(after))) {
      if (unknown === true || !sameValue(before, after)) this.pushMasked(path, before, after, afterMask, unknown);
      return;
    }
    if (unknown === true) {
      this.push(path, before, beforeMask, undefined, KNOWN_AFTER_APPLY, afterMask, undefined);
      return;
    }
    if (isRecord(before) && isRecord(after)) {
      // Every key of either side (and of the unknown mask), each once, in that order.
      for (const key of Object.keys(before)) this.walkChild(path, key, before, after, beforeMask, afterMask, unknown);
      for (const key of Object.keys(after)) if (!Object.hasOwn(before, key)) this.walkChild(path, key, before, after, beforeMask, afterMask, unknown);
      if (isRecord(unknown)) {
        for (const key of Object.keys(unknown)) if (!Object.hasOwn(before, key) && !Object.hasOwn(after, key)) this.walkChild(path, key, before, after, beforeMask, afterMask, unknown);
      }
      return;
    }
    if (Array.isArray(before) && Array.isArray(after)) {
      const scalars = before.every((element) => !isContainer(element)) && after.every((element) => !isContainer(element));
      if (before.length !== after.length && scalars && !marksSomething(unknown) && !marksSomething(beforeMask) && !marksSomething(afterMask)) {
        // A list or set of scalars that grew or shrank reads best whole: ["a", "b"] -> ["a", "b", "c"].
        this.push(path, before, beforeMask, unknown, after, afterMask, unknown);
        return;
      }
      const length = Math.max(before.length, after.length, Array.isArray(unknown) ? unknown.length : 0);
      for (let i = 0; i < length; i++) this.walkChild(path, i, before, after, beforeMask, afterMask, unknown);
      return;
    }
    // An added or removed block with marked parts: walk it leaf by leaf, so each mark masks only its own leaf.
    const added = !present(before) && isContainer(after);
    const removed = isContainer(before) && !present(after);
    if ((added || removed) && (marksSomething(beforeMask) || marksSomething(afterMask) || marksSomething(unknown))) {
      const container = (added ? after : before) as Record<string, unknown>;
      const keys: (string | number)[] = Array.isArray(container) ? container.map((_, i) => i) : Object.keys(container);
      // Parts that will be known only after apply are absent from `after`: the unknown mask names them.
      if (added && isRecord(unknown)) for (const key of Object.keys(unknown)) if (!keys.includes(key)) keys.push(key);
      for (const key of keys) {
        const from = removed ? container[key as never] : undefined;
        const to = added ? container[key as never] : undefined;
        this.walk(childPath(path, key), from, to, maskAt(beforeMask, key), maskAt(afterMask, key), maskAt(unknown, key));
      }
      return;
    }
    if (!sameValue(before, after)) this.push(path, before, beforeMask, undefined, after, afterMask, unknown);
  }

  /**
   * One attribute or element. An unchanged scalar with no sensitive or unknown
   * mark cannot differ, so it is passed over without building its path: most
   * attributes of a large plan's updates are such.
   */
  private walkChild(path: string, key: string | number, before: object, after: object, beforeMask: ValueMask, afterMask: ValueMask, unknown: ValueMask): void {
    const from = (before as Record<string | number, unknown>)[key];
    const to = (after as Record<string | number, unknown>)[key];
    const fromMask = maskAt(beforeMask, key);
    const toMask = maskAt(afterMask, key);
    const unknownMask = maskAt(unknown, key);
    if (from === to && (typeof from !== 'object' || from === null) && fromMask !== true && toMask !== true && unknownMask !== true) return;
    this.walk(childPath(path, key), from, to, fromMask, toMask, unknownMask);
  }

  /**
   * A difference whose values are secrets: "(sensitive value)" on each side
   * that has one. A value known only after apply is not a secret yet: it reads
   * (known after apply), unless it is marked sensitive too.
   */
  private pushMasked(path: string, before: unknown, after: unknown, afterMask: ValueMask, unknown: ValueMask): void {
    const to = unknown === true ? (afterMask === true ? SENSITIVE : KNOWN_AFTER_APPLY) : present(after) ? SENSITIVE : undefined;
    this.out.push({ path, from: present(before) ? SENSITIVE : undefined, to, sensitive: true });
  }

  private push(path: string, from: unknown, fromMask: ValueMask, fromUnknown: ValueMask, to: unknown, toMask: ValueMask, toUnknown: ValueMask): void {
    const masked = { hit: false };
    // null is Terraform's "unset": shown as absent, like a missing key.
    const difference: Difference = {
      path,
      from: present(from) ? shown(from, fromMask, fromUnknown, this.sensitiveValues, masked) : undefined,
      to: present(to) ? shown(to, toMask, toUnknown, this.sensitiveValues, masked) : undefined,
      sensitive: false,
    };
    if (masked.hit) difference.sensitive = true;
    this.out.push(difference);
  }
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Terraform writes an unset attribute as null, or leaves it out: both mean "no value". */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((element, i) => sameValue(element, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameValue(left[key], right[key])) return false;
  return true;
}

/** A copy of a value fit to show: marked parts masked, unknown parts `(known after apply)`. */
function shown(value: unknown, mask: ValueMask, unknown: ValueMask, strings: SensitiveValues, masked: { hit: boolean }): unknown {
  if (mask === true) {
    masked.hit = true;
    return SENSITIVE;
  }
  if (unknown === true) return KNOWN_AFTER_APPLY;
  if (Array.isArray(value)) return value.map((element, i) => shown(element, maskAt(mask, i), maskAt(unknown, i), strings, masked));
  // A scalar equal to a secret (Terraform copies values without their marks), or a map keyed by one.
  if (isRecord(value) ? strings.revealsAKey(value) : strings.reveals(value)) {
    masked.hit = true;
    return SENSITIVE;
  }
  if (isRecord(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, element] of Object.entries(value)) copy[key] = shown(element, maskAt(mask, key), maskAt(unknown, key), strings, masked);
    return copy;
  }
  return value;
}
