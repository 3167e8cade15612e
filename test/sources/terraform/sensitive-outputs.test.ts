// Plans of format 0.x mark a sensitive output only in planned_values and the
// configuration: its output_changes carry no masks. Found by the secrets scan
// on terraform-json's 0.12 test plan.
import { describe, expect, it } from 'vitest';
import { SENSITIVE } from '../../../src/report.js';
import type { Plan } from '../../../src/sources/terraform/plan-model.js';
import { planVerdict } from '../../../src/sources/terraform/verdict.js';

const created = (after: unknown) => ({ actions: ['create'], before: null, after, after_unknown: false });

describe('sensitive outputs without masks', () => {
  it.each<[string, Partial<Plan>]>([
    ['marked in planned_values', { planned_values: { outputs: { token: { sensitive: true, value: 'tok-secret-1' } } } }],
    ['marked in the configuration', { configuration: { root_module: { outputs: { token: { sensitive: true } } } } }],
  ])('an output %s is shown masked, and so is its value elsewhere', (_name, marks) => {
    const plan: Plan = { format_version: '0.1', output_changes: { token: created('tok-secret-1'), copy: created(['tok-secret-1', 'public']) }, ...marks };
    const { items } = planVerdict(plan, { refreshOnly: false });
    const token = items.find((item) => item.title === 'output.token')!;
    expect(token.changes).toEqual([{ path: 'value', declared: SENSITIVE, live: undefined, sensitive: true }]);
    expect(JSON.stringify(items)).not.toContain('tok-secret-1');
    expect(JSON.stringify(items)).toContain('public');
  });
});
