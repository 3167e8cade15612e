// Sensitive values never leave this folder. Terraform marks them with masks
// (before_sensitive / after_sensitive) at any depth, and the comparison masks
// by those marks. That is not always enough: Terraform copies values between
// attributes without copying the mark (terraform_data's `output` holds its
// `input` unmarked), and a saved plan lists sensitive variables in plain text.
// So every marked string in the plan is also collected here, and any string
// gitdiff is about to show that equals or contains one is masked as well.
import type { Plan, PlanChange, ValueMask } from './plan-model.js';

/** Shorter secrets are only masked where they are the whole value: "abc" must not mask every word containing it. */
const MIN_CONTAINED_LENGTH = 4;

export class SensitiveStrings {
  private readonly exact = new Set<string>();
  private readonly contained: string[] = [];

  add(value: string): void {
    if (value === '' || this.exact.has(value)) return;
    this.exact.add(value);
    if (value.length >= MIN_CONTAINED_LENGTH) this.contained.push(value);
  }

  /** True when showing `value` would show (part of) a sensitive string. */
  reveals(value: string): boolean {
    if (this.exact.has(value)) return true;
    for (const secret of this.contained) if (value.includes(secret)) return true;
    return false;
  }

  get size(): number {
    return this.exact.size;
  }
}

/** Collects every string value the plan marks sensitive, and the values of sensitive input variables. */
export function collectSensitiveStrings(plan: Plan): SensitiveStrings {
  const strings = new SensitiveStrings();
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
function collectMarked(value: unknown, mask: ValueMask, strings: SensitiveStrings): void {
  if (mask === true) return collectAll(value, strings);
  if (!mask || typeof mask !== 'object' || value === null || typeof value !== 'object') return;
  if (Array.isArray(mask)) {
    if (!Array.isArray(value)) return;
    for (let i = 0; i < mask.length && i < value.length; i++) collectMarked(value[i], mask[i], strings);
    return;
  }
  for (const key of Object.keys(mask)) collectMarked((value as Record<string, unknown>)[key], mask[key], strings);
}

function collectAll(value: unknown, strings: SensitiveStrings): void {
  if (typeof value === 'string') strings.add(value);
  else if (Array.isArray(value)) for (const element of value) collectAll(element, strings);
  else if (value !== null && typeof value === 'object') for (const element of Object.values(value)) collectAll(element, strings);
}
