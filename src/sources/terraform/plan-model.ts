// The parts of Terraform's machine-readable plan (`terraform show -json PLANFILE`)
// that gitdiff reads. Reference: https://developer.hashicorp.com/terraform/internals/json-format
// Members are optional because the format grew over time (0.1 in terraform
// 0.12 .. 1.2 in 1.5+); what every plan must have to be read as one is decided
// in document-kind.ts (format_version and planned_values).

/**
 * Terraform's actions for one object: ["no-op"], ["create"], ["read"], ["update"],
 * ["delete", "create"] (replace, destroy first), ["create", "delete"] (replace,
 * create first, for create_before_destroy), ["delete"], ["forget"] (a `removed`
 * block with destroy = false, terraform 1.7+).
 */
export type Actions = string[];

/**
 * A mask that mirrors a value's shape: `true` where the value (or the whole
 * subtree) is sensitive / unknown, nested objects and arrays where only parts
 * are, `false` or absent where nothing is.
 */
export type ValueMask = boolean | { [key: string]: ValueMask } | ValueMask[] | null | undefined;

/** One change: `before` is the prior (refreshed) object, `after` the planned one. */
export interface PlanChange {
  actions: Actions;
  before?: unknown;
  after?: unknown;
  after_unknown?: ValueMask;
  before_sensitive?: ValueMask;
  after_sensitive?: ValueMask;
  /** Paths (lists of attribute names and indexes) whose change forces a replace. */
  replace_paths?: (string | number)[][];
  /** Present when the plan imports an existing object into state (terraform 1.5+). */
  importing?: { id?: string; identity?: unknown };
}

export interface ResourceChange {
  address: string;
  /** The address in the prior state when a `moved` block changed it. */
  previous_address?: string;
  module_address?: string;
  mode?: 'managed' | 'data' | string;
  type?: string;
  name?: string;
  index?: string | number;
  provider_name?: string;
  /** Set when the change is for a deposed object (left over by create_before_destroy). */
  deposed?: string;
  change: PlanChange;
  /** Why terraform chose a replace / delete / read, e.g. `replace_because_tainted`. */
  action_reason?: string;
}

export interface DeferredChange {
  reason?: string;
  resource_change: ResourceChange;
}

export interface Plan {
  /** `terraform show -json`: "0.1" .. "1.2". Only majors 0 and 1 exist. */
  format_version?: string;
  /** HCP Terraform's redacted plan (`/plans/:id/json-output-redacted`) names its version so. */
  plan_format_version?: string;
  terraform_version?: string;
  /** The values after apply; every `show -json` plan has it. Its outputs' `sensitive` is where plans of format 0.x mark a sensitive output (their output_changes carry no masks). */
  planned_values?: { outputs?: Record<string, { sensitive?: boolean; value?: unknown }> };
  /** Planned changes for every resource instance in configuration or state (no-op included). */
  resource_changes?: ResourceChange[];
  /** Changes Terraform found while refreshing: what happened outside Terraform. */
  resource_drift?: ResourceChange[];
  /** Root module outputs; their masks are usually plain booleans. */
  output_changes?: Record<string, PlanChange>;
  /** Resources the plan could not decide yet (terraform 1.9+ deferred actions). */
  deferred_changes?: DeferredChange[];
  /** Provider actions the plan would invoke (terraform 1.14+ `action` blocks): side effects on apply, not state. */
  action_invocations?: unknown[];
  /** True when planning failed part-way: the plan says nothing reliable. */
  errored?: boolean;
  /** False when the plan is partial (deferred changes): another plan/apply round is needed. */
  complete?: boolean;
  /** The state the plan started from (refreshed): read only for the addresses it holds. */
  prior_state?: { values?: { root_module?: StateModule } };
  /** Input variables with their values. Sensitive ones are in plain text here: never print them. */
  variables?: Record<string, { value?: unknown }>;
  configuration?: { root_module?: { variables?: Record<string, { sensitive?: boolean }>; outputs?: Record<string, { sensitive?: boolean }> } };
}

/** A module of a state's values: its resources, and the modules it calls. */
export interface StateModule {
  address?: string;
  resources?: StateResource[];
  child_modules?: StateModule[];
}

/** One object of a state's values; its attribute values are never read. */
export interface StateResource {
  address: string;
  /** `managed` or `data`. */
  mode?: string;
  /** Set for a deposed object (left over by create_before_destroy). */
  deposed_key?: string;
}

/** The majors of `format_version` this reader understands. */
export const SUPPORTED_FORMAT_MAJORS = ['0', '1'] as const;
