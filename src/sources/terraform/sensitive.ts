// Sensitive values never leave this folder. Terraform marks them with masks
// (before_sensitive / after_sensitive) at any depth, and the comparison masks
// by those marks. That is not always enough: Terraform copies values between
// attributes without copying the mark (terraform_data's `output` holds its
// `input` unmarked), and a saved plan lists sensitive variables in plain text.
// So every marked value in the plan is also collected here: strings, numbers,
// bools, and the keys of marked maps (`{(var.key) = ...}` makes the key the
// secret). Any value gitdiff is about to show that equals or contains one is
// masked as well, and so is any map that has such a key.
import type { Plan, PlanChange, ValueMask } from './plan-model.js';
import { isAttributeName } from './attribute-path.js';

/** Shorter secrets are only masked where they are the whole value: "abc" must not mask every word containing it. */
const MIN_CONTAINED_LENGTH = 4;

export class SensitiveValues {
  private readonly exact = new Set<string>();
  /**
   * The secrets long enough to be searched for inside other strings, by their
   * first MIN_CONTAINED_LENGTH characters. A large plan marks thousands of
   * distinct secrets, and testing every shown string against each of them was
   * most of the run time (24,000 resources: 8 s of 10); looking up each
   * position's first characters tests only the secrets that could start there.
   */
  private readonly containedByStart = new Map<string, string[]>();
  /**
   * Sensitive numbers and bools, matched by value wherever they are shown: a
   * copy carries no mark. Terraform converts them to strings where a string is
   * expected ("48213977", "true"), so their text is a secret too: a number's
   * also inside longer strings, a bool's only as the whole string (every
   * "true" in a sentence would be masked otherwise).
   */
  private readonly scalars = new Set<number | boolean>();

  add(value: string | number | boolean): void {
    if (this.keyAnswers.size > 0) this.keyAnswers.clear();
    if (typeof value === 'number' || typeof value === 'boolean') {
      this.scalars.add(value);
      if (typeof value === 'boolean') this.exact.add(String(value));
      else this.add(String(value));
      return;
    }
    if (value === '' || this.exact.has(value)) return;
    this.exact.add(value);
    if (value.length < MIN_CONTAINED_LENGTH) return;
    const start = value.slice(0, MIN_CONTAINED_LENGTH);
    const bucket = this.containedByStart.get(start);
    if (bucket) bucket.push(value);
    else this.containedByStart.set(start, [value]);
  }

  /** True when showing `value` (a scalar; containers are walked by the caller) would show (part of) a sensitive value. */
  reveals(value: unknown): boolean {
    if (typeof value === 'number' || typeof value === 'boolean') return this.scalars.has(value);
    if (typeof value !== 'string') return false;
    if (this.exact.has(value)) return true;
    if (this.containedByStart.size === 0) return false;
    for (let index = 0; index + MIN_CONTAINED_LENGTH <= value.length; index++) {
      const bucket = this.containedByStart.get(value.slice(index, index + MIN_CONTAINED_LENGTH));
      if (bucket) for (const secret of bucket) if (value.startsWith(secret, index)) return true;
    }
    return false;
  }

  /**
   * Each key's answer, once: the walk asks this of every map and object it
   * passes, and their keys are mostly the same few attribute names.
   */
  private readonly keyAnswers = new Map<string, boolean>();

  /** True when a map has a key that is (or holds) a sensitive value: the map cannot be shown, nor a path through it. */
  revealsAKey(map: Record<string, unknown>): boolean {
    if (this.exact.size === 0) return false;
    for (const key of Object.keys(map)) {
      let answer = this.keyAnswers.get(key);
      if (answer === undefined) {
        answer = this.reveals(key);
        this.keyAnswers.set(key, answer);
      }
      if (answer) return true;
    }
    return false;
  }

  get size(): number {
    return this.exact.size + this.scalars.size;
  }
}

/** Collects every value (and map key) the plan marks sensitive, and the values of sensitive input variables and outputs. */
export function collectSensitiveValues(plan: Plan): SensitiveValues {
  const strings = new SensitiveValues();
  const fromChange = (change: PlanChange | undefined) => {
    if (!change) return;
    collectMarked(change.before, change.before_sensitive, strings);
    collectMarked(change.after, change.after_sensitive, strings);
  };
  for (const entry of plan.resource_changes ?? []) fromChange(entry.change);
  for (const entry of plan.resource_drift ?? []) fromChange(entry.change);
  for (const entry of plan.deferred_changes ?? []) fromChange(entry.resource_change?.change);
  for (const change of Object.values(plan.output_changes ?? {})) fromChange(change);
  for (const name of sensitiveOutputs(plan)) {
    collectAll(plan.output_changes?.[name]?.before, strings);
    collectAll(plan.output_changes?.[name]?.after, strings);
    collectAll(plan.planned_values?.outputs?.[name]?.value, strings);
  }
  const declared = plan.configuration?.root_module?.variables ?? {};
  for (const [name, variable] of Object.entries(plan.variables ?? {})) {
    if (declared[name]?.sensitive === true) collectAll(variable?.value, strings);
  }
  return strings;
}

/**
 * Root outputs declared `sensitive = true`. Plans of format 0.x say so only in
 * planned_values and the configuration, not with masks on output_changes: an
 * output that Terraform itself prints as (sensitive value) must not be shown.
 */
export function sensitiveOutputs(plan: Plan): Set<string> {
  const names = new Set<string>();
  for (const [name, output] of Object.entries(plan.planned_values?.outputs ?? {})) if (output?.sensitive === true) names.add(name);
  for (const [name, output] of Object.entries(plan.configuration?.root_module?.outputs ?? {})) if (output?.sensitive === true) names.add(name);
  return names;
}

/** Walks a mask and its value together; only the marked parts are visited in full. */
function collectMarked(value: unknown, mask: ValueMask, strings: SensitiveValues): void {
  if (mask === true) return collectAll(value, strings);
  if (!mask || typeof mask !== 'object' || value === null || typeof value !== 'object') return;
  if (Array.isArray(mask)) {
    if (!Array.isArray(value)) return;
    for (let i = 0; i < mask.length && i < value.length; i++) collectMarked(value[i], mask[i], strings);
    return;
  }
  for (const key of Object.keys(mask)) collectMarked((value as Record<string, unknown>)[key], mask[key], strings);
}

/** Every scalar of a sensitive value, and the keys of its maps (a key built from a secret is the secret). */
function collectAll(value: unknown, strings: SensitiveValues): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') strings.add(value);
  else if (Array.isArray(value)) for (const element of value) collectAll(element, strings);
  else if (value !== null && typeof value === 'object') {
    for (const [key, element] of Object.entries(value)) {
      // An attribute name (`password` of a sensitive object) names the secret, it is not one; any other key may be.
      if (!isAttributeName(key)) strings.add(key);
      collectAll(element, strings);
    }
  }
}
