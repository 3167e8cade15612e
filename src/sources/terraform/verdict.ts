// A plan turned into Items: one per resource address (and one per root
// output), each with Terraform's symbol, its action and reason, and the
// attribute-level differences. Pure: plan in, items and summary sentence out.
//
// The verdict rules (docs/terraform.md):
// - a resource or output change whose actions are not no-op / read diverges;
// - in a refresh-only plan, drift decides: any resource_drift entry that is
//   not no-op diverges, every other resource the refresh covered (its prior
//   state) is in sync, and planned resource and output changes do not count;
// - drift the plan would not act on (the configuration already matches the
//   changed object, or ignore_changes covers it) is information: an in-sync
//   item (listed with -v) and a note naming what changed; drift the plan would revert is shown in the drift group with
//   the plan's action and the differences between Git and the live object;
// - a --target that covers no resource of the plan checked nothing: an error.
import type { Change, Item, ReportError } from '../../report.js';
import { attributeChanges, type Orientation } from './attribute-diff.js';
import { formatPath } from './attribute-path.js';
import { classifyActions, describeReason, driftLabel, driftStatus, isChange, missingReason, plannedStatus, type ActionKind } from './actions.js';
import type { Plan, PlanChange, ResourceChange, StateResource } from './plan-model.js';
import { priorStateResources, refreshedResources } from './prior-state.js';
import { collectSensitiveValues, sensitiveOutputs, type SensitiveValues } from './sensitive.js';
import { targetsCover, unmatchedTargets } from './targets.js';

export const DRIFT_GROUP = 'Changes outside Terraform (drift)';
export const PLANNED_GROUP = 'Planned changes';
export const OUTPUTS_GROUP = 'Changes to outputs';
/** Refresh-only: what the refresh looked at and found as Terraform left it (listed with -v). */
export const UNCHANGED_GROUP = 'Unchanged outside Terraform';

export interface PlanVerdict {
  items: Item[];
  /** `Drift: 1 changed outside Terraform. Plan: 1 to add, 2 to change, 0 to destroy.` */
  headline: string;
  notes: string[];
  /** What makes the plan no answer at all (a --target that matched nothing). */
  errors: ReportError[];
}

export interface PlanVerdictOptions {
  /** Judge by drift only, as for `terraform plan -refresh-only`. */
  refreshOnly?: boolean;
  /** The --target addresses the plan was made with: each must have covered something. */
  targets?: string[];
}

/** How many drifted attribute paths a planned item names before "and N more". */
const DRIFT_PATHS_SHOWN = 5;

export function planVerdict(plan: Plan, options: PlanVerdictOptions = {}): PlanVerdict {
  const sensitiveValues = collectSensitiveValues(plan);
  const planned = plan.resource_changes ?? [];
  const drift = (plan.resource_drift ?? []).filter((entry) => classifyActions(entry.change.actions).kind !== 'no-op' || planned.length === 0);
  const refreshOnly = Boolean(options.refreshOnly) || (planned.length === 0 && drift.length > 0);
  const items: Item[] = [];
  const notes: string[] = [];

  if (refreshOnly) {
    for (const entry of drift) items.push(driftItem(entry, sensitiveValues, true));
    // Drift lists only what changed; the rest of what was refreshed is in sync, and counted as such.
    const drifted = new Set(drift.map(keyOf));
    for (const resource of refreshedResources(plan, targetsCover(options.targets ?? []))) {
      if (!drifted.has(keyOf({ address: resource.address, deposed: resource.deposed_key }))) items.push(unchangedItem(resource));
    }
    if (planned.some((entry) => isChange(classifyActions(entry.change.actions).kind))) {
      notes.push('refresh-only: the planned resource changes in this plan were not counted; drift alone decides');
    }
  } else {
    const plannedByKey = new Map(planned.map((entry) => [keyOf(entry), entry]));
    const shown = new Set<string>();
    for (const entry of drift) {
      const plannedEntry = plannedByKey.get(keyOf(entry));
      if (plannedEntry && isChange(classifyActions(plannedEntry.change.actions).kind)) {
        const item = plannedItem(plannedEntry, sensitiveValues, DRIFT_GROUP);
        item.details = { ...item.details, drift: driftSummary(entry, sensitiveValues) };
        items.push(item);
      } else {
        const item = driftItem(entry, sensitiveValues, false);
        items.push(item);
        // In sync, so listed only with -v: the note keeps it in sight, naming attributes, never values.
        notes.push(`${entry.address} was ${driftSummary(entry, sensitiveValues, item.changes)}; the plan would not act on it (the configuration matches, or ignore_changes covers it)`);
      }
      shown.add(keyOf(entry));
    }
    for (const entry of planned) if (!shown.has(keyOf(entry))) items.push(plannedItem(entry, sensitiveValues, PLANNED_GROUP));
  }
  for (const deferred of plan.deferred_changes ?? []) items.push(deferredItem(deferred.resource_change, deferred.reason));
  const outputs = Object.entries(plan.output_changes ?? {});
  const sensitiveNames = sensitiveOutputs(plan);
  const masked = (name: string, change: PlanChange): PlanChange => (sensitiveNames.has(name) ? { ...change, before_sensitive: true, after_sensitive: true } : change);
  if (!refreshOnly) for (const [name, change] of outputs) items.push(outputItem(name, masked(name, change), sensitiveValues));
  else if (outputs.some(([, change]) => isChange(classifyActions(change.actions).kind))) {
    // Outputs follow the configuration; a refresh-only check asks only what changed outside Terraform.
    notes.push('refresh-only: output changes were not counted; drift alone decides');
  }
  const invocations = plan.action_invocations?.length ?? 0;
  if (invocations > 0) notes.push(`the plan also invokes ${invocations} provider action${invocations === 1 ? '' : 's'} (action blocks): they run on apply and are not drift`);
  if (plan.complete === false) notes.push('the plan is partial (made with -target, or with deferred changes): resources outside it were not checked');

  const errors = unmatchedTargets(plan, options.targets ?? []).map((target) => ({
    message: `--target ${target} matched no resource in the plan: nothing was checked for it`,
    hint: 'name a resource (aws_instance.web), an instance (aws_instance.web[0]) or a module (module.app); `terraform state list` shows the addresses',
  }));
  // Refresh-only: a partial saved plan may vouch for none of its state, which is not an empty state.
  const nothingThere = errors.length === 0 && items.length === 0 && (!refreshOnly || !hasPriorResources(plan));
  return { items, headline: nothingThere ? emptyHeadline(refreshOnly) : headline(plan, drift, refreshOnly), notes, errors };
}

/**
 * An empty configuration has nothing that could differ: exit 0 is true, but
 * "0 in sync (0 resources)" reads as "nothing was checked" (issue 15), so say why.
 */
function emptyHeadline(refreshOnly: boolean): string {
  return refreshOnly
    ? 'No resources in the state: the refresh had nothing to check, so nothing can have drifted.'
    : 'No resources in the plan: the configuration declares none, so nothing can differ.';
}

function hasPriorResources(plan: Plan): boolean {
  for (const _resource of priorStateResources(plan)) return true;
  return false;
}

/** Deposed objects share their address with the current object. */
function keyOf(entry: Pick<ResourceChange, 'address' | 'deposed'>): string {
  return entry.deposed ? `${entry.address}#${entry.deposed}` : entry.address;
}

function baseItem(entry: Pick<ResourceChange, 'address' | 'deposed'>): Item {
  const ref: Record<string, string | undefined> = { address: entry.address };
  if (entry.deposed) ref.deposed = entry.deposed;
  return { ref, title: entry.deposed ? `${entry.address} (deposed object ${entry.deposed})` : entry.address, status: 'in-sync', changes: [] };
}

function plannedItem(entry: ResourceChange, sensitiveValues: SensitiveValues, group: string): Item {
  const action = classifyActions(entry.change.actions);
  const item = baseItem(entry);
  item.status = plannedStatus(action.kind);
  item.symbol = action.symbol;
  item.group = group;
  item.details = { action: action.label };
  if (item.status === 'missing') item.reason = missingReason('planned');
  if (entry.action_reason) item.details.reason = describeReason(entry.action_reason);
  if (entry.previous_address && entry.previous_address !== entry.address) item.details['moved from'] = entry.previous_address;
  if (entry.change.importing) item.details.import = entry.change.importing.id ? `import id ${entry.change.importing.id}` : 'import by identity';
  if (action.kind === 'update' || action.kind === 'replace' || action.kind === 'unknown') {
    item.changes = differences(entry.change, 'planned', sensitiveValues);
  }
  return item;
}

/** Drift on its own: shown with what changed outside Terraform (state -> live). */
function driftItem(entry: ResourceChange, sensitiveValues: SensitiveValues, decides: boolean): Item {
  const action = classifyActions(entry.change.actions);
  const item = baseItem(entry);
  item.status = decides ? driftStatus(action.kind) : 'in-sync';
  item.symbol = action.symbol;
  item.group = DRIFT_GROUP;
  // Not acting on drift means Git and the live object agree: the configuration matches the change, or ignores it.
  const unacted = decides || action.kind === 'no-op' ? '' : '; the plan would not act on it (the configuration matches, or ignore_changes covers it)';
  item.details = { drift: `${driftLabel(action.kind)}${unacted}` };
  if (item.status === 'missing') item.reason = missingReason('drift');
  if (entry.previous_address && entry.previous_address !== entry.address) item.details['moved from'] = entry.previous_address;
  if (action.kind === 'update') item.changes = differences(entry.change, 'drift', sensitiveValues);
  return item;
}

/** A resource the refresh found as Terraform left it. */
function unchangedItem(resource: StateResource): Item {
  const item = baseItem({ address: resource.address, deposed: resource.deposed_key });
  item.group = UNCHANGED_GROUP;
  item.details = { drift: driftLabel('no-op') };
  return item;
}

/** "updated outside Terraform (instance_type, tags["Name"])": which attributes drifted, never their values. */
function driftSummary(entry: ResourceChange, sensitiveValues: SensitiveValues, driftChanges?: Change[]): string {
  const kind = classifyActions(entry.change.actions).kind;
  if (kind !== 'update') return driftLabel(kind);
  // The drift item's own changes when it has them: a large plan's drift is not compared twice.
  const paths = (driftChanges ?? differences(entry.change, 'drift', sensitiveValues)).map((change) => change.path);
  if (paths.length === 0) return driftLabel(kind);
  const named = paths.slice(0, DRIFT_PATHS_SHOWN).join(', ');
  const more = paths.length > DRIFT_PATHS_SHOWN ? ` and ${paths.length - DRIFT_PATHS_SHOWN} more` : '';
  return `${driftLabel(kind)} (${named}${more})`;
}

/** Terraform 1.9+ deferred actions: the plan could not decide this resource yet, so gitdiff cannot either. */
function deferredItem(entry: ResourceChange | undefined, reason: string | undefined): Item {
  const address = entry?.address ?? '(unknown address)';
  return {
    ref: { address },
    title: address,
    status: 'error',
    group: PLANNED_GROUP,
    changes: [],
    error: `terraform deferred this change${reason ? ` (${reason.replace(/_/g, ' ')})` : ''}`,
    hint: 'the plan is incomplete: apply it and plan again, or make the values it waits for known',
  };
}

function outputItem(name: string, change: PlanChange, sensitiveValues: SensitiveValues): Item {
  const action = classifyActions(change.actions);
  const address = `output.${name}`;
  const item: Item = {
    ref: { address },
    title: address,
    status: plannedStatus(action.kind),
    symbol: action.symbol,
    group: OUTPUTS_GROUP,
    details: { action: action.label },
    changes: [],
  };
  if (item.status === 'missing') item.reason = missingReason('planned');
  if (isChange(action.kind)) item.changes = differences(change, 'planned', sensitiveValues, 'value');
  return item;
}

function differences(change: PlanChange, orientation: Orientation, sensitiveValues: SensitiveValues, rootPath = ''): Change[] {
  const replacePaths = change.replace_paths?.filter(Array.isArray).map(formatPath);
  return attributeChanges(change, { orientation, sensitiveValues, rootPath, replacePaths });
}

/** Terraform's own summary line, with drift counted first. */
function headline(plan: Plan, drift: ResourceChange[], refreshOnly: boolean): string {
  const drifted = drift.filter((entry) => classifyActions(entry.change.actions).kind !== 'no-op').length;
  if (refreshOnly) return `Drift: ${drifted} changed outside Terraform (refresh-only plan).`;
  const driftPart = `Drift: ${drifted} changed outside Terraform.`;
  const count: Record<ActionKind, number> = { 'no-op': 0, read: 0, create: 0, update: 0, replace: 0, delete: 0, forget: 0, unknown: 0 };
  let imports = 0;
  for (const entry of plan.resource_changes ?? []) {
    count[classifyActions(entry.change.actions).kind]++;
    if (entry.change.importing) imports++;
  }
  const add = count.create + count.replace;
  const destroy = count.delete + count.replace;
  const parts = [`${add} to add`, `${count.update} to change`, `${destroy} to destroy`];
  if (imports) parts.unshift(`${imports} to import`);
  if (count.forget) parts.push(`${count.forget} to forget`);
  if (count.unknown) parts.push(`${count.unknown} with unknown actions`);
  const outputs = Object.values(plan.output_changes ?? {}).filter((change) => isChange(classifyActions(change.actions).kind)).length;
  return `${driftPart} Plan: ${parts.join(', ')}.${outputs ? ` Outputs: ${outputs} to change.` : ''}`;
}
