// `--target ADDRESS` limits a plan to some resources. When a target names
// nothing (a typo, a renamed resource, the wrong module), terraform only warns
// ("Resource targeting is in effect") and plans nothing: the plan has no
// changes, which read naively is "0 in sync". A target that matched nothing
// checked nothing, so every target must cover at least one address
// the plan looked at.
//
// What the plan looked at: its resource changes and drift, its deferred
// changes, and the resources of its prior state. A refresh-only plan lists only
// the resources that drifted; a targeted resource that did not drift was
// refreshed all the same, and is found in the prior state.
import type { Plan } from './plan-model.js';
import { priorStateResources } from './prior-state.js';

/** The targets that cover no resource of the plan, in the order given. */
export function unmatchedTargets(plan: Plan, targets: string[]): string[] {
  if (targets.length === 0) return [];
  const addresses = [...coveredAddresses(plan)].map(addressSteps);
  return targets.filter((target) => {
    const wanted = addressSteps(target);
    return !addresses.some((steps) => targetCovers(wanted, steps));
  });
}

function* coveredAddresses(plan: Plan): Iterable<string> {
  for (const entry of [...(plan.resource_changes ?? []), ...(plan.resource_drift ?? [])]) yield entry.address;
  for (const deferred of plan.deferred_changes ?? []) {
    const address = deferred?.resource_change?.address;
    if (typeof address === 'string') yield address;
  }
  for (const resource of priorStateResources(plan)) yield resource.address;
}

/** Whether an address is one the targets cover: undefined when no target was given (everything is). */
export function targetsCover(targets: string[]): ((address: string) => boolean) | undefined {
  if (targets.length === 0) return undefined;
  const wanted = targets.map(addressSteps);
  return (address) => {
    const steps = addressSteps(address);
    return wanted.some((target) => targetCovers(target, steps));
  };
}

/**
 * `module.app[0].aws_instance.web["a.b"]` -> [`module`, `app[0]`, `aws_instance`, `web["a.b"]`]:
 * split at the dots that are outside instance keys.
 */
function addressSteps(address: string): string[] {
  const steps: string[] = [];
  let start = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '.' && depth === 0) {
      steps.push(address.slice(start, i));
      start = i + 1;
    }
  }
  steps.push(address.slice(start));
  return steps;
}

/**
 * Terraform's targeting: a target covers the addresses under it (a module
 * covers its resources, a resource its instances), and a step without an
 * instance key covers every instance of it (`aws_instance.web` covers
 * `aws_instance.web[0]`).
 */
function targetCovers(target: string[], address: string[]): boolean {
  if (target.length > address.length) return false;
  return target.every((step, i) => step === address[i] || (!step.includes('[') && address[i].startsWith(`${step}[`)));
}
