// The resources of a plan's prior state: the state as the plan's refresh left
// it. A refresh-only plan lists only what drifted (`resource_drift`), and a
// targeted plan only what it targeted; what was refreshed and found unchanged
// is known only from here (issue 15: a clean refresh read "0 in sync (0 resources)").
import type { Plan, StateModule, StateResource } from './plan-model.js';

/**
 * Every resource object of the prior state, data sources and deposed objects
 * included, in module order. Only its identity is taken, and only as strings:
 * a plan is input, and these become item addresses and metric labels.
 */
export function* priorStateResources(plan: Plan): Iterable<StateResource> {
  // Modules nest as deep as the configuration does: walked with a list, not recursion.
  const modules: unknown[] = [plan.prior_state?.values?.root_module];
  while (modules.length > 0) {
    const module = modules.shift() as StateModule | undefined;
    if (!module || typeof module !== 'object') continue;
    for (const resource of Array.isArray(module.resources) ? module.resources : []) {
      if (typeof resource?.address !== 'string') continue;
      const { address, mode, deposed_key: deposed } = resource;
      yield { address, mode: typeof mode === 'string' ? mode : undefined, deposed_key: typeof deposed === 'string' && deposed !== '' ? deposed : undefined };
    }
    if (Array.isArray(module.child_modules)) modules.push(...module.child_modules);
  }
}

/**
 * The managed resources a refresh looked at: data sources are read, not
 * refreshed, and have no drift. A partial plan refreshed only what it
 * targeted: with the targets known (gitdiff ran the plan) those are the ones
 * they cover; without them (a saved partial plan) none can be vouched for.
 */
export function refreshedResources(plan: Plan, covered: ((address: string) => boolean) | undefined): StateResource[] {
  if (plan.complete === false && covered === undefined) return [];
  const refreshed: StateResource[] = [];
  for (const resource of priorStateResources(plan)) {
    if (resource.mode === 'data' || (resource.mode === undefined && isDataAddress(resource.address))) continue;
    if (covered && !covered(resource.address)) continue;
    refreshed.push(resource);
  }
  return refreshed;
}

/** `data.aws_ami.x`, `module.app.data.aws_ami.x`: Terraform's address syntax for a data source. */
function isDataAddress(address: string): boolean {
  return address.startsWith('data.') || address.includes('.data.');
}
