import { describe, expect, it } from 'vitest';
import { exitCode, SENSITIVE, type Item, type Status } from '../../../src/report.js';
import type { Plan, PlanChange, ResourceChange } from '../../../src/sources/terraform/plan-model.js';
import { DRIFT_GROUP, OUTPUTS_GROUP, PLANNED_GROUP, planVerdict, UNCHANGED_GROUP } from '../../../src/sources/terraform/verdict.js';

// Hand-made plans, shaped as `terraform show -json` writes them.
function resource(address: string, actions: string[], change: Partial<PlanChange> = {}, extra: Partial<ResourceChange> = {}): ResourceChange {
  const before = actions.includes('create') && actions.length === 1 ? null : { id: 'i-1', size: 1 };
  const after = actions.includes('delete') && actions.length === 1 ? null : { id: 'i-1', size: actions.join() === 'no-op' || actions.join() === 'read' ? 1 : 2 };
  return { address, mode: 'managed', type: address.split('.')[0], name: address.split('.')[1], change: { actions, before, after, after_unknown: {}, before_sensitive: {}, after_sensitive: {}, ...change }, ...extra };
}

function plan(parts: Partial<Plan>): Plan {
  return { format_version: '1.2', ...parts };
}

function statuses(items: Item[]): Record<string, Status> {
  return Object.fromEntries(items.map((item) => [item.title, item.status]));
}

function verdictOf(input: Plan, refreshOnly = false) {
  const verdict = planVerdict(input, { refreshOnly });
  return { ...verdict, exit: exitCode({ items: verdict.items, errors: [] }) };
}

describe('one item per resource address, with the verdict its actions imply', () => {
  it.each<[string, ResourceChange[], Record<string, Status>, string | undefined, number]>([
    ['nothing to do', [resource('a.x', ['no-op'])], { 'a.x': 'in-sync' }, undefined, 0],
    ['a data source read during apply', [resource('data.a.x', ['read'])], { 'data.a.x': 'in-sync' }, '<=', 0],
    ['a create is missing from the live side', [resource('a.x', ['create'])], { 'a.x': 'missing' }, '+', 1],
    ['an update in place', [resource('a.x', ['update'])], { 'a.x': 'diverged' }, '~', 1],
    ['a replace, destroy first', [resource('a.x', ['delete', 'create'])], { 'a.x': 'diverged' }, '-/+', 1],
    ['a replace, create first', [resource('a.x', ['create', 'delete'])], { 'a.x': 'diverged' }, '+/-', 1],
    ['a destroy is extra', [resource('a.x', ['delete'])], { 'a.x': 'extra' }, '-', 1],
    ['a forget (removed block) is extra', [resource('a.x', ['forget'])], { 'a.x': 'extra' }, '.', 1],
    ['an action gitdiff does not know', [resource('a.x', ['transmogrify'])], { 'a.x': 'diverged' }, '?', 1],
  ])('%s', (_name, changes, expected, symbol, exit) => {
    const verdict = verdictOf(plan({ resource_changes: changes }));
    expect(statuses(verdict.items)).toEqual(expected);
    expect(verdict.items[0].symbol).toBe(symbol);
    expect(verdict.items[0].group).toBe(PLANNED_GROUP);
    expect(verdict.exit).toBe(exit);
  });

  it('a replace names its reason and the attribute that forces it', () => {
    const [item] = planVerdict(plan({
      resource_changes: [resource('a.x', ['delete', 'create'], { before: { ami: 'old' }, after: { ami: 'new' }, replace_paths: [['ami']] }, { action_reason: 'replace_because_cannot_update' })],
    })).items;
    expect(item.details).toEqual({ action: 'replace (destroy, then create)', reason: 'the provider cannot update it in place' });
    expect(item.changes).toEqual([{ path: 'ami', live: 'old', declared: 'new', note: 'forces replacement' }]);
  });

  it('moves and imports that change nothing are in sync, and say so', () => {
    const verdict = planVerdict(plan({
      resource_changes: [
        resource('a.new', ['no-op'], {}, { previous_address: 'a.old' }),
        resource('a.imported', ['no-op'], { importing: { id: 'i-123' } }),
      ],
    }));
    expect(statuses(verdict.items)).toEqual({ 'a.new': 'in-sync', 'a.imported': 'in-sync' });
    expect(verdict.items[0].details?.['moved from']).toBe('a.old');
    expect(verdict.items[1].details?.import).toBe('import id i-123');
    expect(verdict.headline).toBe('Drift: 0 changed outside Terraform. Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.');
  });

  it('a deposed object is its own item', () => {
    const verdict = planVerdict(plan({ resource_changes: [resource('a.x', ['no-op']), resource('a.x', ['delete'], {}, { deposed: 'abcd1234' })] }));
    expect(statuses(verdict.items)).toEqual({ 'a.x': 'in-sync', 'a.x (deposed object abcd1234)': 'extra' });
    expect(verdict.items[1].ref).toEqual({ address: 'a.x', deposed: 'abcd1234' });
  });
});

describe('drift', () => {
  const drifted = resource('aws_instance.web', ['update'], { before: { instance_type: 't3.micro', tags: { Name: 'web' } }, after: { instance_type: 't3.large', tags: { Name: 'web' } } });

  it('drift only (a refresh-only plan): drift decides', () => {
    const verdict = verdictOf(plan({ resource_drift: [drifted] }));
    expect(statuses(verdict.items)).toEqual({ 'aws_instance.web': 'diverged' });
    expect(verdict.items[0].group).toBe(DRIFT_GROUP);
    expect(verdict.items[0].changes).toEqual([{ path: 'instance_type', declared: 't3.micro', live: 't3.large' }]);
    expect(verdict.headline).toBe('Drift: 1 changed outside Terraform (refresh-only plan).');
    expect(verdict.exit).toBe(1);
  });

  it('an object deleted outside Terraform is missing, in a refresh-only plan', () => {
    const verdict = verdictOf(plan({ resource_drift: [resource('aws_instance.web', ['delete'])] }));
    expect(statuses(verdict.items)).toEqual({ 'aws_instance.web': 'missing' });
    expect(verdict.items[0].details?.drift).toBe('deleted outside Terraform');
    expect(verdict.items[0].reason).toBe('deleted outside Terraform');
  });

  it('a planned create and an object deleted outside Terraform give different reasons for missing', () => {
    const created = planVerdict(plan({ resource_changes: [resource('a.x', ['create'])], output_changes: { id: { actions: ['create'], before: null, after: 'x' } } })).items;
    const deleted = planVerdict(plan({ resource_drift: [resource('a.x', ['delete'])] })).items;
    expect(created.map((item) => [item.status, item.reason])).toEqual([['missing', 'to be created'], ['missing', 'to be created']]);
    expect(deleted.map((item) => [item.status, item.reason])).toEqual([['missing', 'deleted outside Terraform']]);
  });

  it('a refresh-only plan whose only entry is a move is in sync', () => {
    const verdict = verdictOf(plan({ resource_drift: [resource('a.new', ['no-op'], {}, { previous_address: 'a.old' })] }));
    expect(statuses(verdict.items)).toEqual({ 'a.new': 'in-sync' });
    expect(verdict.exit).toBe(0);
  });

  it('drift the plan would not act on is shown, in sync: information only', () => {
    const verdict = verdictOf(plan({ resource_drift: [drifted], resource_changes: [resource('aws_instance.web', ['no-op'])] }));
    expect(verdict.items).toHaveLength(1);
    expect(verdict.items[0]).toMatchObject({ status: 'in-sync', group: DRIFT_GROUP, symbol: '~' });
    expect(verdict.items[0].details?.drift).toMatch(/updated outside Terraform; the plan would not act on it/);
    expect(verdict.items[0].changes).toHaveLength(1);
    expect(verdict.notes).toEqual(['aws_instance.web was updated outside Terraform (instance_type); the plan would not act on it (the configuration matches, or ignore_changes covers it)']);
    expect(verdict.headline).toBe('Drift: 1 changed outside Terraform. Plan: 0 to add, 0 to change, 0 to destroy.');
    expect(verdict.exit).toBe(0);
  });

  it('drift the plan would revert: one item, in the drift group, with the planned differences', () => {
    const revert = resource('aws_instance.web', ['update'], { before: { instance_type: 't3.large' }, after: { instance_type: 't3.micro' } });
    const verdict = verdictOf(plan({ resource_drift: [drifted], resource_changes: [revert, resource('a.other', ['update'])] }));
    expect(statuses(verdict.items)).toEqual({ 'aws_instance.web': 'diverged', 'a.other': 'diverged' });
    expect(verdict.items.map((item) => item.group)).toEqual([DRIFT_GROUP, PLANNED_GROUP]);
    expect(verdict.items[0].details).toEqual({ action: 'update in place', drift: 'updated outside Terraform (instance_type)' });
    expect(verdict.items[0].changes).toEqual([{ path: 'instance_type', live: 't3.large', declared: 't3.micro' }]);
    expect(verdict.headline).toBe('Drift: 1 changed outside Terraform. Plan: 0 to add, 2 to change, 0 to destroy.');
  });

  it('--refresh-only on a plan with planned changes: they do not count, and a note says so', () => {
    const verdict = verdictOf(plan({ resource_changes: [resource('a.x', ['update'])] }), true);
    expect(verdict.items).toEqual([]);
    expect(verdict.notes).toEqual(['refresh-only: the planned resource changes in this plan were not counted; drift alone decides']);
    expect(verdict.exit).toBe(0);
  });
});

describe('outputs', () => {
  const output = (actions: string[], change: Partial<PlanChange> = {}): PlanChange => ({ actions, before: 1, after: 2, after_unknown: false, before_sensitive: false, after_sensitive: false, ...change });

  it.each<[string, PlanChange, Status, number]>([
    ['an unchanged output', output(['no-op'], { after: 1 }), 'in-sync', 0],
    ['a changed output', output(['update']), 'diverged', 1],
    ['a new output', output(['create'], { before: null }), 'missing', 1],
    ['a removed output', output(['delete'], { after: null }), 'extra', 1],
  ])('%s', (_name, change, status, exit) => {
    const verdict = verdictOf(plan({ output_changes: { size: change } }));
    expect(verdict.items).toMatchObject([{ title: 'output.size', ref: { address: 'output.size' }, status, group: OUTPUTS_GROUP }]);
    expect(verdict.exit).toBe(exit);
  });

  it('a sensitive output is masked on both sides', () => {
    const verdict = planVerdict(plan({ output_changes: { password: output(['update'], { before: 'old-secret-1', after: 'new-secret-2', before_sensitive: true, after_sensitive: true }) } }));
    expect(verdict.items[0].changes).toEqual([{ path: 'value', live: SENSITIVE, declared: SENSITIVE, sensitive: true }]);
    expect(JSON.stringify(verdict)).not.toMatch(/old-secret-1|new-secret-2/);
  });

  it('an output known only after apply', () => {
    const verdict = planVerdict(plan({ output_changes: { ip: output(['create'], { before: null, after: null, after_unknown: true }) } }));
    expect(verdict.items[0].changes).toEqual([{ path: 'value', live: undefined, declared: '(known after apply)' }]);
    expect(verdict.headline).toBe('Drift: 0 changed outside Terraform. Plan: 0 to add, 0 to change, 0 to destroy. Outputs: 1 to change.');
  });
});

describe('partial plans', () => {
  it('deferred changes cannot be checked: an error item, exit 2', () => {
    const verdict = verdictOf(plan({ complete: false, deferred_changes: [{ reason: 'resource_config_unknown', resource_change: resource('a.x', ['create']) }] }));
    expect(verdict.items).toMatchObject([{ title: 'a.x', status: 'error', error: 'terraform deferred this change (resource config unknown)' }]);
    expect(verdict.notes[0]).toMatch(/the plan is partial/);
    expect(verdict.exit).toBe(2);
  });

  it('a plan made with -target says it is partial', () => {
    const verdict = verdictOf(plan({ complete: false, resource_changes: [resource('a.x', ['no-op'])] }));
    expect(verdict.notes).toEqual(['the plan is partial (made with -target, or with deferred changes): resources outside it were not checked']);
    expect(verdict.exit).toBe(0);
  });
});

describe('sensitive values never reach an item', () => {
  const secrets = ['s3cr3t-password-value', 'nested-token-abcdef', 'variable-secret-xyz'];
  const sensitivePlan = plan({
    variables: { db_password: { value: secrets[2] } },
    configuration: { root_module: { variables: { db_password: { sensitive: true } } } },
    resource_changes: [
      resource('terraform_data.app', ['update'], {
        before: { input: { password: secrets[0], auth: [{ token: secrets[1], user: 'a' }] }, output: { password: secrets[0] } },
        after: { input: { password: 'changed-password-2', auth: [{ token: 'nested-token-2', user: 'b' }] } },
        after_unknown: { output: true },
        before_sensitive: { input: { password: true, auth: [{ token: true }] }, output: {} },
        after_sensitive: { input: { password: true, auth: [{ token: true }] } },
      }),
      resource('terraform_data.conn', ['update'], { before: { url: 'postgres://db' }, after: { url: `postgres://app:${secrets[2]}@db` } }),
    ],
    resource_drift: [
      resource('terraform_data.app', ['update'], {
        before: { input: { password: 'drifted-pass-000' } },
        after: { input: { password: secrets[0] } },
        before_sensitive: { input: { password: true } },
        after_sensitive: { input: { password: true } },
      }),
    ],
  });

  it('in changes, details, notes and headline', () => {
    const text = JSON.stringify(planVerdict(sensitivePlan));
    for (const secret of [...secrets, 'changed-password-2', 'nested-token-2', 'drifted-pass-000']) expect(text).not.toContain(secret);
    expect(text).toContain(SENSITIVE);
  });
});

describe('refresh-only plans and outputs', () => {
  it('output changes follow the configuration: they do not count in a refresh-only plan', () => {
    const verdict = planVerdict(plan({ output_changes: { size: { actions: ['update'], before: 1, after: 2 } } }), { refreshOnly: true });
    expect(verdict.items).toEqual([]);
    expect(verdict.notes).toEqual(['refresh-only: output changes were not counted; drift alone decides']);
  });
});

// A refresh-only plan lists only what drifted; what it refreshed is its prior state.
// Without those, a clean refresh read `0 in sync (0 resources)`: "nothing was checked" (issue 15).
describe('refresh-only: what the refresh covered is counted', () => {
  const state = (...resources: { address: string; mode?: string; deposed_key?: string }[]) => ({
    values: { root_module: { resources: resources.filter((each) => !each.address.startsWith('module.')), child_modules: [{ address: 'module.app', resources: resources.filter((each) => each.address.startsWith('module.')) }] } },
  });
  const refreshed = state(
    { address: 'a.web', mode: 'managed' },
    { address: 'a.db', mode: 'managed' },
    { address: 'a.db', mode: 'managed', deposed_key: 'abcd1234' },
    { address: 'data.a.ami', mode: 'data' },
    { address: 'module.app.a.x', mode: 'managed' },
  );

  it.each<[string, Partial<Plan>, string[] | undefined, Record<string, Status>, number]>([
    ['nothing drifted: every managed resource of the state is in sync (data sources are read, not refreshed)', { prior_state: refreshed }, undefined,
      { 'a.web': 'in-sync', 'a.db': 'in-sync', 'a.db (deposed object abcd1234)': 'in-sync', 'module.app.a.x': 'in-sync' }, 0],
    ['a drifted resource is counted once, as drift', { prior_state: refreshed, resource_drift: [resource('a.web', ['update'])] }, undefined,
      { 'a.web': 'diverged', 'a.db': 'in-sync', 'a.db (deposed object abcd1234)': 'in-sync', 'module.app.a.x': 'in-sync' }, 1],
    ['a resource deleted outside Terraform is gone from the refreshed state, and missing', { prior_state: state({ address: 'a.db' }), resource_drift: [resource('a.web', ['delete'])] }, undefined,
      { 'a.web': 'missing', 'a.db': 'in-sync' }, 1],
    ['with --target, only what the targets covered was refreshed', { prior_state: refreshed, complete: false }, ['module.app', 'a.web'],
      { 'a.web': 'in-sync', 'module.app.a.x': 'in-sync' }, 0],
    ['a partial plan whose targets are unknown (a saved plan) claims nothing it may not have refreshed', { prior_state: refreshed, complete: false }, undefined,
      {}, 0],
  ])('%s', (_name, parts, targets, expected, exit) => {
    const verdict = planVerdict(plan({ planned_values: {}, ...parts }), { refreshOnly: true, targets });
    expect(statuses(verdict.items)).toEqual(expected);
    expect(exitCode({ items: verdict.items, errors: verdict.errors })).toBe(exit);
  });

  it('in-sync resources are in their own group, with what the refresh found', () => {
    const [item] = planVerdict(plan({ prior_state: state({ address: 'a.web', mode: 'managed' }) }), { refreshOnly: true }).items;
    expect(item).toMatchObject({ ref: { address: 'a.web' }, status: 'in-sync', group: UNCHANGED_GROUP, details: { drift: 'unchanged' }, changes: [] });
  });
});

describe('a plan with no resources at all', () => {
  it.each<[string, Partial<Plan>, boolean, string]>([
    ['an empty configuration', {}, false, 'No resources in the plan: the configuration declares none, so nothing can differ.'],
    ['an empty state, refresh-only', {}, true, 'No resources in the state: the refresh had nothing to check, so nothing can have drifted.'],
  ])('%s says so plainly (still exit 0: nothing is declared that could differ)', (_name, parts, refreshOnly, headline) => {
    const verdict = verdictOf(plan({ planned_values: {}, ...parts }), refreshOnly);
    expect(verdict.items).toEqual([]);
    expect(verdict.headline).toBe(headline);
    expect(verdict.exit).toBe(0);
  });

  it('a plan with only outputs has something to say, and says it as usual', () => {
    const verdict = verdictOf(plan({ output_changes: { size: { actions: ['no-op'], before: 1, after: 1 } } }));
    expect(verdict.headline).toBe('Drift: 0 changed outside Terraform. Plan: 0 to add, 0 to change, 0 to destroy.');
  });
});

it('a prior state with identities that are not strings yields items with string identities only', () => {
  const hostile = { values: { root_module: { resources: [{ address: 'a.x', mode: 7, deposed_key: { k: 1 } }, { address: 42 }] } } } as unknown as Plan['prior_state'];
  const { items } = planVerdict(plan({ prior_state: hostile }), { refreshOnly: true });
  expect(items.map((item) => [item.title, item.ref])).toEqual([['a.x', { address: 'a.x' }]]);
});
