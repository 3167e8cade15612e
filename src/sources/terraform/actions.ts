// Terraform's actions in Terraform's own words and symbols, and what each
// means for a drift verdict. The status rule is `terraform plan
// -detailed-exitcode`'s, explained: anything but no-op or read is a change.
import type { Status } from '../../report.js';
import type { Actions } from './plan-model.js';

export type ActionKind = 'no-op' | 'read' | 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'unknown';

export interface ActionInfo {
  kind: ActionKind;
  /** Terraform's symbol: `+`, `~`, `-/+`, `+/-`, `-`, `<=`, `.`; undefined for no-op. */
  symbol?: string;
  /** What the plan would do, for people. */
  label: string;
}

// Built once: a 100 MB plan classifies every resource more than once.
const KNOWN: Record<string, ActionInfo> = {
  'no-op': { kind: 'no-op', label: 'no-op' },
  read: { kind: 'read', symbol: '<=', label: 'read (data source, during apply)' },
  create: { kind: 'create', symbol: '+', label: 'create' },
  update: { kind: 'update', symbol: '~', label: 'update in place' },
  'delete,create': { kind: 'replace', symbol: '-/+', label: 'replace (destroy, then create)' },
  'create,delete': { kind: 'replace', symbol: '+/-', label: 'replace (create, then destroy)' },
  delete: { kind: 'delete', symbol: '-', label: 'destroy' },
  forget: { kind: 'forget', symbol: '.', label: 'forget (remove from state, keep the object)' },
};

export function classifyActions(actions: Actions): ActionInfo {
  const key = actions.length === 1 ? actions[0] : actions.join(',');
  // A future action gitdiff does not know: whatever it is, it is not "nothing to do".
  return Object.hasOwn(KNOWN, key) ? KNOWN[key] : { kind: 'unknown', symbol: '?', label: `unknown action: ${actions.join(', ')}` };
}

/** True when the plan would change something: the verdict rule for resource and output changes. */
export function isChange(kind: ActionKind): boolean {
  return kind !== 'no-op' && kind !== 'read';
}

/**
 * The status of a planned change. A create is `missing` (Git declares it, it is
 * not live), a destroy or forget `extra` (live, no longer declared), anything
 * else that changes something `diverged`.
 */
export function plannedStatus(kind: ActionKind): Status {
  switch (kind) {
    case 'no-op':
    case 'read':
      return 'in-sync';
    case 'create':
      return 'missing';
    case 'delete':
    case 'forget':
      return 'extra';
    default:
      return 'diverged';
  }
}

/** The status of drift when drift decides (refresh-only plans): deleted outside Terraform is `missing`. */
export function driftStatus(kind: ActionKind): Status {
  switch (kind) {
    case 'no-op':
      return 'in-sync';
    case 'delete':
      return 'missing';
    default:
      return 'diverged';
  }
}

/**
 * Why an item is `missing`, in words. A create the plan would make and an
 * object someone deleted outside Terraform share the status, not the cause:
 * one is waiting for an apply, the other is an outage (issue 15).
 */
export function missingReason(origin: 'planned' | 'drift'): string {
  return origin === 'planned' ? 'to be created' : driftLabel('delete');
}

export function driftLabel(kind: ActionKind): string {
  switch (kind) {
    case 'update': return 'updated outside Terraform';
    case 'delete': return 'deleted outside Terraform';
    case 'no-op': return 'unchanged';
    default: return `changed outside Terraform (${kind})`;
  }
}

/** Terraform's action_reason values in words (plans/changes.go, ResourceInstanceChangeActionReason). */
const REASONS: Record<string, string> = {
  replace_because_tainted: 'the object is tainted',
  replace_because_cannot_update: 'the provider cannot update it in place',
  replace_by_request: 'replacement was requested (-replace)',
  replace_by_triggers: 'replace_triggered_by changed',
  delete_because_no_resource_config: 'it is no longer in the configuration',
  delete_because_wrong_repetition: 'its instance key does not match count / for_each',
  delete_because_count_index: 'its index is beyond count',
  delete_because_each_key: 'its key is no longer in for_each',
  delete_because_no_module: 'its module is no longer in the configuration',
  delete_because_no_move_target: 'it was moved to an address that is not in the configuration',
  read_because_config_unknown: 'its configuration depends on values known only after apply',
  read_because_dependency_pending: 'it depends on a resource with pending changes',
  read_because_check_nested: 'it is in a check block',
};

export function describeReason(reason: string): string {
  return REASONS[reason] ?? reason.replace(/_/g, ' ');
}
