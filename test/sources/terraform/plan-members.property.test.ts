// Properties of issue 14, class 17: JSON read as a plan must have a plan's
// required members, and a --target must cover something the plan looked at.
// - any object built from terraform's top-level members that lacks
//   format_version + planned_values (or the redacted plan's pair) is refused,
//   never read as an empty plan;
// - removing planned_values from any real plan makes it refused;
// - a target naming an address of the plan (or its resource, or its module) is
//   never reported; a target naming nothing in the plan always is, and the
//   report then exits 2.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GitdiffError } from '../../../src/errors.js';
import { exitCode } from '../../../src/report.js';
import { parsePlanBytes, parsePlanText } from '../../../src/sources/terraform/plan-input.js';
import type { Plan } from '../../../src/sources/terraform/plan-model.js';
import { planVerdict } from '../../../src/sources/terraform/verdict.js';
import { repoRoot, sharedFixtures } from '../../support/run-cli.js';

/** Terraform's top-level members (plan, state, validate, version, schemas), with values of their kind. */
const MEMBERS: Record<string, fc.Arbitrary<unknown>> = {
  format_version: fc.constantFrom('0.1', '0.2', '1.0', '1.1', '1.2'),
  terraform_version: fc.constantFrom('1.5.7', '1.11.4'),
  planned_values: fc.constantFrom({ root_module: {} }, {}),
  resource_changes: fc.constant([]),
  resource_drift: fc.constant([]),
  output_changes: fc.constant({}),
  prior_state: fc.constant({ format_version: '1.0', values: { root_module: {} } }),
  configuration: fc.constant({ root_module: {} }),
  variables: fc.constant({}),
  values: fc.constant({ root_module: {} }),
  valid: fc.boolean(),
  diagnostics: fc.constant([]),
  error_count: fc.nat(),
  platform: fc.constant('linux_amd64'),
  provider_selections: fc.constant({}),
  provider_schemas: fc.constant({}),
  plan_format_version: fc.constant('1.2'),
  provider_format_version: fc.constant('1.0'),
  relevant_attributes: fc.constant([]),
  checks: fc.constant([]),
  timestamp: fc.constant('2026-12-05T19:00:00Z'),
  applyable: fc.boolean(),
  complete: fc.boolean(),
  errored: fc.constant(false),
};

function hasRequiredMembers(object: Record<string, unknown>): boolean {
  const showJson = typeof object.format_version === 'string' && typeof object.planned_values === 'object';
  const redacted = typeof object.plan_format_version === 'string' && typeof object.provider_format_version === 'string';
  return showJson || redacted;
}

function parse(object: unknown): Plan | GitdiffError {
  try {
    return parsePlanText({ text: JSON.stringify(object), encoding: 'UTF-8' }, 'plan.json').plan;
  } catch (error) {
    if (error instanceof GitdiffError) return error;
    throw error;
  }
}

describe('only what has a plan\'s required members is read as a plan', () => {
  it('any mix of terraform\'s top-level members: read as a plan exactly when the required ones are there', () => {
    fc.assert(
      fc.property(fc.record(MEMBERS, { requiredKeys: [] }), (object) => {
        const outcome = parse(object);
        if (hasRequiredMembers(object)) {
          expect(outcome).not.toBeInstanceOf(GitdiffError);
        } else {
          expect(outcome).toBeInstanceOf(GitdiffError);
          const message = (outcome as GitdiffError).message;
          expect(message).toMatch(/^plan\.json: found .*, not a plan$/);
          expect(message).not.toContain('\n');
          expect((outcome as GitdiffError).hint).toBeTruthy();
        }
      }),
      { numRuns: 500 },
    );
  });

  const plans = [
    ...jsonFiles(path.join(repoRoot, 'fixtures/terraform/plans')),
    ...jsonFiles(path.join(sharedFixtures, 'terraform/show-json')),
  ].filter((file) => !/errored|plan-error|invalid-json/.test(file));

  it.each(plans.map((file) => [path.relative(repoRoot, file), file]))('%s without planned_values is refused', (_name, file) => {
    const { plan } = parsePlanBytes(readFileSync(file), file);
    const stripped: Record<string, unknown> = { ...plan };
    if (typeof stripped.plan_format_version === 'string') delete stripped.provider_format_version;
    else delete stripped.planned_values;
    expect(parse(stripped)).toBeInstanceOf(GitdiffError);
  });
});

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((entry) => entry.endsWith('.json')).map((entry) => path.join(dir, entry)).sort();
}

/** A resource instance address: optional module path, type, name, optional instance key. */
const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
const key = fc.oneof(fc.constant(''), fc.nat(3).map((n) => `[${n}]`), name.map((k) => `["${k}.x"]`));
const step = fc.tuple(name, key).map(([n, k]) => `${n}${k}`);
const address = fc.record({
  modules: fc.array(step, { maxLength: 2 }),
  type: name.map((n) => `t_${n}`),
  instance: step,
}).map(({ modules, type, instance }) => ({ modules: modules.map((m) => `module.${m}`), type, instance, text: [...modules.map((m) => `module.${m}`), type, instance].join('.') }));

function planOf(addresses: string[]): Plan {
  return {
    format_version: '1.2',
    planned_values: {},
    resource_changes: addresses.map((text) => ({ address: text, change: { actions: ['no-op'], before: {}, after: {} } })),
  };
}

describe('--target covers something the plan looked at, or the run is exit 2', () => {
  it('a target naming an address of the plan, its resource or its module is never reported', () => {
    fc.assert(
      fc.property(fc.array(address, { minLength: 1, maxLength: 6 }), fc.nat(), fc.constantFrom('instance', 'resource', 'module'), (addresses, pick, form) => {
        const chosen = addresses[pick % addresses.length];
        const resource = [...chosen.modules, chosen.type, chosen.instance.replace(/\[.*$/, '')].join('.');
        const target = form === 'instance' ? chosen.text : form === 'module' && chosen.modules.length > 0 ? chosen.modules.join('.') : resource;
        const verdict = planVerdict(planOf(addresses.map((a) => a.text)), { targets: [target] });
        expect(verdict.errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a target naming a resource type the plan does not have is always reported, and the run exits 2', () => {
    fc.assert(
      fc.property(fc.array(address, { maxLength: 6 }), address, (addresses, other) => {
        const target = [...other.modules, `absent_${other.type}`, other.instance].join('.');
        const verdict = planVerdict(planOf(addresses.map((a) => a.text)), { targets: [target] });
        expect(verdict.errors.map((error) => error.message)).toEqual([`--target ${target} matched no resource in the plan: nothing was checked for it`]);
        expect(exitCode({ items: verdict.items, errors: verdict.errors })).toBe(2);
      }),
      { numRuns: 300 },
    );
  });
});
