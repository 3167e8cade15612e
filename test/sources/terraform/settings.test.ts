import { describe, expect, it } from 'vitest';
import { displayCommand, planArguments } from '../../../src/sources/terraform/plan-runner.js';
import { resolveSettings } from '../../../src/sources/terraform/settings.js';

const cwd = '/work/repo';

describe('resolveSettings', () => {
  it.each<[string, string[], Record<string, unknown>, Record<string, unknown>]>([
    ['the current directory by default', [], {}, { input: { kind: 'run', dir: '/work/repo' }, label: '.', target: 'repo' }],
    ['a directory', ['infra/prod'], {}, { input: { kind: 'run', dir: '/work/repo/infra/prod' }, label: 'infra/prod', target: 'prod' }],
    ['a saved binary plan, shown in its directory', ['infra'], { plan: 'tfplan' }, { input: { kind: 'plan-file', dir: '/work/repo/infra', planFile: '/work/repo/tfplan' }, target: 'infra' }],
    ['saved plan JSON', [], { planJson: 'out/plan.json' }, { input: { kind: 'plan-json', file: 'out/plan.json' }, label: 'out/plan.json', target: 'plan.json' }],
    ['saved plan JSON on stdin', [], { planJson: '-' }, { input: { kind: 'plan-json', file: '-' }, label: 'stdin', target: 'stdin' }],
    ['var files resolve against the working directory', [], { varFile: ['prod.tfvars', '/etc/tf/common.tfvars'] }, { varFiles: ['/work/repo/prod.tfvars', '/etc/tf/common.tfvars'] }],
    ['refresh-only applies to a saved plan too', [], { planJson: 'p.json', refreshOnly: true }, { refreshOnly: true }],
  ])('%s', (_name, args, options, expected) => {
    expect(resolveSettings(args, options, cwd, {})).toMatchObject(expected);
  });

  it.each<[string, Record<string, string>, Record<string, unknown>, string]>([
    ['--bin wins', { GITDIFF_TERRAFORM_BIN: '/opt/tofu' }, { bin: '/usr/bin/terraform' }, '/usr/bin/terraform'],
    ['then $GITDIFF_TERRAFORM_BIN', { GITDIFF_TERRAFORM_BIN: '/opt/tofu' }, {}, '/opt/tofu'],
    ['then terraform on PATH', {}, {}, 'terraform'],
    ['an empty variable is unset', { GITDIFF_TERRAFORM_BIN: '' }, {}, 'terraform'],
  ])('binary: %s', (_name, env, options, bin) => {
    expect(resolveSettings([], options, cwd, env).bin).toBe(bin);
  });

  it.each<[string, string[], Record<string, unknown>, RegExp]>([
    ['two saved plans', [], { planJson: 'a.json', plan: 'b' }, /--plan-json and --plan both name a saved plan/],
    ['a directory with --plan-json', ['infra'], { planJson: 'a.json' }, /--plan-json reads a saved plan, so no plan runs in infra/],
    ['plan flags with --plan-json', [], { planJson: 'a.json', init: true, var: ['a=1'], target: ['x.y'] }, /--init, --var, --target cannot apply to --plan-json/],
    ['plan flags with --plan', [], { plan: 'tfplan', varFile: ['a.tfvars'] }, /--var-file cannot apply to --plan/],
    ['a --var without "="', [], { var: ['hunter2'] }, /^--var expects NAME=VALUE \(an argument without "=" was given\)$/],
  ])('refuses %s', (_name, args, options, message) => {
    expect(() => resolveSettings(args, options, cwd, {})).toThrow(message);
  });

  it('never echoes a --var value in its error', () => {
    expect(() => resolveSettings([], { var: ['=hunter2'] }, cwd, {})).toThrow(/^((?!hunter2).)*$/);
  });
});

describe('the plan command line', () => {
  const settings = resolveSettings([], { var: ['size=20', 'password=hunter2'], varFile: ['prod.tfvars'], target: ['terraform_data.a'], refreshOnly: true }, cwd, {});

  it('passes plan flags through as single arguments, never through a shell', () => {
    expect(planArguments(settings)).toEqual([
      '-json', '-input=false', '-lock=false', '-detailed-exitcode', '-refresh-only',
      '-var-file=/work/repo/prod.tfvars', '-var=size=20', '-var=password=hunter2', '-target=terraform_data.a',
    ]);
  });

  it('hides -var values in the --debug log', () => {
    const line = displayCommand('terraform', ['-chdir=/x', 'plan', ...planArguments(settings)]);
    expect(line).toContain('-var=size=(hidden)');
    expect(line).not.toContain('hunter2');
  });
});
