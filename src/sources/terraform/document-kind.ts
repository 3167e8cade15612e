// Terraform prints several JSON documents that look alike: `show -json` of a
// plan, `show -json` of a state (or of no state at all: `{"format_version":"1.0"}`),
// `validate -json`, `version -json`, `providers schema -json`. Read as a plan,
// any of them is a plan with no changes: a false "in sync". So one rule decides
// what is a plan, by the members every plan has:
// - `terraform show -json PLANFILE`: `format_version` and `planned_values`.
//   Terraform writes both into every plan since 0.12 (planned_values is a Go
//   struct, which `omitempty` never drops), and no other document has
//   planned_values. `resource_changes` is no proof: terraform omits it when empty.
// - HCP Terraform's redacted plan (`/plans/:id/json-output-redacted`):
//   `plan_format_version` and `provider_format_version`, which it always writes.
// Anything else is named for what it is, so the user knows which command to run.
// Reference: https://developer.hashicorp.com/terraform/internals/json-format
import { isRecord } from '../../record.js';


/** What a JSON object turned out to be, when it is not a plan. */
export interface NotAPlan {
  /** `Terraform state (...)`: completes "found ..., not a plan". */
  found: string;
}

type Json = Record<string, unknown>;


function has(object: Json, key: string): boolean {
  return Object.hasOwn(object, key) && object[key] !== undefined && object[key] !== null;
}

/** True when the object has the members every plan of its kind has. */
export function hasPlanMembers(object: Json): boolean {
  if (typeof object.format_version === 'string' && Object.hasOwn(object, 'planned_values')) return isRecord(object.planned_values);
  return typeof object.plan_format_version === 'string' && typeof object.provider_format_version === 'string';
}

/** What the object is instead of a plan, or undefined when it is a plan. */
export function notAPlan(object: Json): NotAPlan | undefined {
  if (hasPlanMembers(object)) return undefined;
  const keys = Object.keys(object);
  if (has(object, 'lineage') && has(object, 'serial')) return { found: 'a Terraform state file (terraform.tfstate)' };
  if (has(object, 'format_version') && has(object, 'values')) return { found: 'Terraform state as `terraform show -json` prints it without a plan file' };
  if (typeof object.valid === 'boolean' && has(object, 'diagnostics')) return { found: '`terraform validate -json` output (a validation result)' };
  if (has(object, 'provider_schemas')) return { found: 'provider schemas (`terraform providers schema -json`)' };
  if (has(object, 'function_signatures')) return { found: '`terraform metadata functions -json` output' };
  if (!has(object, 'format_version') && has(object, 'terraform_version') && (has(object, 'platform') || has(object, 'provider_selections'))) {
    return { found: '`terraform version -json` output' };
  }
  if (typeof object.format_version === 'string' && keys.every((key) => key === 'format_version' || key === 'terraform_version')) {
    return { found: 'an empty Terraform state (what `terraform show -json` prints when there is no state and no plan file)' };
  }
  if (!has(object, 'format_version') && !has(object, 'plan_format_version')) {
    return { found: `JSON without a format_version (${keyCount(keys)})` };
  }
  if (has(object, 'format_version') && typeof object.format_version !== 'string') return { found: `JSON whose format_version is not a string (${keyCount(keys)})` };
  if (has(object, 'planned_values') && !isRecord(object.planned_values)) return { found: `JSON whose planned_values is not an object (${keyCount(keys)})` };
  const missing = has(object, 'plan_format_version') ? 'provider_format_version' : 'planned_values';
  return { found: `JSON without ${missing}, which every plan has (${keyCount(keys)})` };
}

/** How many top-level keys, not which: in a JSON file of credentials the keys name the secrets. */
function keyCount(keys: string[]): string {
  return `${keys.length} top-level ${keys.length === 1 ? 'key' : 'keys'}`;
}
