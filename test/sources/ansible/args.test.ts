import { describe, expect, it } from 'vitest';
import { describeArgv, extraVarsIn, playbookArgv, refuseCheckModeInVarsFiles, refuseUnsafeArgs } from '../../../src/sources/ansible/args.js';
import { callbackPluginPath, expandPath, iniDefault, playbookEnvironment } from '../../../src/sources/ansible/playbook-environment.js';
import { stderrMessages, summarizeError } from '../../../src/sources/ansible/stderr.js';

const noFiles = () => undefined;

describe('refuseUnsafeArgs', () => {
  it.each([
    [['--step']],
    [['--ste']],
    [['--flush-cache']],
    [['--flush']],
    [['--tags', 'web', '--step']],
  ])('refuses %j (interactive or writing)', (extraArgs) => {
    expect(() => refuseUnsafeArgs({ extraVars: [], extraArgs })).toThrow(/refusing ansible-playbook argument/);
  });

  it.each([
    [[], ['ansible_check_mode=false']],
    [[], ['{"ansible_check_mode": false}']],
    [['-e', 'x=1 ansible_check_mode=no'], []],
    [['--extra-vars=ansible_check_mode=0'], []],
    [['--extra', 'ansible_check_mode=0'], []],
    [['-eansible_check_mode=0'], []],
  ])('refuses extra vars that override ansible_check_mode: args %j, -e %j', (extraArgs, extraVars) => {
    expect(() => refuseUnsafeArgs({ extraVars, extraArgs })).toThrow(/refusing extra variables that set ansible_check_mode \(-e \.\.\.\)/);
  });

  it.each([
    [[], ['@vars.yml']],
    [['-e', '@vars.yml'], []],
    [['--extra-vars=@vars.yml'], []],
  ])('refuses a vars file that overrides ansible_check_mode, read when the run starts: args %j, -e %j', (extraArgs, extraVars) => {
    const read = (file: string) => (file === 'vars.yml' ? 'ansible_check_mode: false\n' : undefined);
    // The arguments alone are fine: the file is read when ansible-playbook is about to read it.
    expect(() => refuseUnsafeArgs({ extraVars, extraArgs })).not.toThrow();
    expect(() => refuseCheckModeInVarsFiles({ extraVars, extraArgs }, read)).toThrow('refusing extra variables that set ansible_check_mode (@vars.yml)');
    expect(() => refuseCheckModeInVarsFiles({ extraVars, extraArgs }, noFiles)).not.toThrow();
  });

  it.each([
    [['--syntax-check']],
    [['--start-at-task', 'write motd']],
    [['--tags', 'web', '--skip-tags', 'slow', '-f', '10', '--become']],
    [['--check', '--diff', '-C']],
    [['-e', 'my_check_mode=false']],
    [['-e', '@missing.yml']],
  ])('lets %j through', (extraArgs) => {
    expect(() => refuseUnsafeArgs({ extraVars: ['root=/srv'], extraArgs })).not.toThrow();
    expect(() => refuseCheckModeInVarsFiles({ extraVars: ['root=/srv'], extraArgs }, noFiles)).not.toThrow();
  });
});

describe('ansible-playbook command line', () => {
  it('always checks and diffs, and keeps the playbook after --', () => {
    expect(playbookArgv({ playbook: 'site.yml', inventories: ['a.ini', 'b.ini'], limit: 'web', extraVars: ['x=1'], extraArgs: ['--tags', 'web'] })).toEqual([
      '--check', '--diff', '-i', 'a.ini', '-i', 'b.ini', '-l', 'web', '-e', 'x=1', '--tags', 'web', '--', 'site.yml',
    ]);
  });

  it.each([
    [['-e', 'token=s3cret', '-i', 'h'], 'ansible-playbook -e *** -i h'],
    [['--extra-vars', 'token=s3cret'], 'ansible-playbook --extra-vars ***'],
    [['--extra-vars=token=s3cret', '-etoken=s3cret'], 'ansible-playbook --extra-vars=*** -e***'],
  ])('masks extra-vars values in debug lines: %j', (argv, shown) => {
    expect(describeArgv('ansible-playbook', argv)).toBe(shown);
  });

  it('finds -e values in every spelling', () => {
    expect(extraVarsIn(['-e', 'a=1', '-eb=2', '--extra-vars', 'c=3', '--extra-vars=d=4', '--extra', 'e=5', '--tags', 'x'])).toEqual(['a=1', 'b=2', 'c=3', 'd=4', 'e=5']);
  });
});

describe('callback plugin path', () => {
  const env = { HOME: '/home/ops' };
  it.each([
    ['the user\'s variable wins, after ours', { ...env, ANSIBLE_CALLBACK_PLUGINS: '/opt/cb' }, undefined, '/gd:/opt/cb'],
    ['ansible.cfg, relative to its folder', env, { path: '/repo/ansible.cfg', text: '[defaults]\ncallback_plugins = ./plugins/callback:~/cb ; comment\n' }, '/gd:/repo/plugins/callback:/home/ops/cb'],
    ['ansible\'s defaults otherwise', env, { path: '/repo/ansible.cfg', text: '[defaults]\nforks = 5\n' }, '/gd:/home/ops/.ansible/plugins/callback:/usr/share/ansible/plugins/callback'],
    ['a key of another section is not it', env, { path: '/r/ansible.cfg', text: '[other]\ncallback_plugins = /x\n' }, '/gd:/home/ops/.ansible/plugins/callback:/usr/share/ansible/plugins/callback'],
  ])('%s', (_name, environment, config, expected) => {
    expect(callbackPluginPath('/gd', environment, config)).toBe(expected);
  });

  it.each([
    ['[defaults]\nCallback_Plugins: /a\n', '/a'],
    ['# c\n[defaults]\n; c\ncallback_plugins=/a;/b\n', '/a;/b'],
    ['[defaults]\ncallback_plugins = /a ; inline comment\n', '/a'],
  ])('reads ini like configparser: %j', (text, value) => {
    expect(iniDefault(text, 'callback_plugins')).toBe(value);
  });

  it('expands ~ and $VARS', () => {
    expect(expandPath('~/x/$SITE/${ENV}', { HOME: '/h', SITE: 's', ENV: 'prod' })).toBe('/h/x/s/prod');
  });

  it('sets only what the run needs and drops forced color', () => {
    const runEnv = playbookEnvironment({ PATH: '/bin', ANSIBLE_FORCE_COLOR: '1', ANSIBLE_CONFIG: '/c.cfg' }, '/gd:/x', '/tmp/e.jsonl');
    expect(runEnv).toEqual({
      PATH: '/bin',
      ANSIBLE_CONFIG: '/c.cfg',
      ANSIBLE_STDOUT_CALLBACK: 'gitdiff',
      ANSIBLE_CALLBACK_PLUGINS: '/gd:/x',
      GITDIFF_ANSIBLE_EVENTS: '/tmp/e.jsonl',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: 'false',
      PYTHONDONTWRITEBYTECODE: '1',
    });
  });
});

describe("ansible-playbook's stderr", () => {
  it('joins wrapped warnings, hyphen breaks included, and keeps ERROR! blocks', () => {
    const { errors, warnings } = stderrMessages([
      '[WARNING]: Unable to parse /srv/missing-',
      'inventory.ini as an inventory source',
      '[WARNING]: provided hosts list is empty, only localhost is available. Note that',
      'the implicit localhost does not match \'all\'',
      'ERROR! We were unable to read either as JSON nor YAML, these are the errors we got from each:',
      'JSON: Expecting value: line 1 column 1 (char 0)',
      '',
      'Syntax Error while loading YAML.',
      "  did not find expected ',' or '}'",
      '',
      "The error appears to be in '/srv/site.yml': line 5, column 1, but may",
    ]);
    expect(warnings).toEqual([
      'Unable to parse /srv/missing-inventory.ini as an inventory source',
      "provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'",
    ]);
    expect(errors).toHaveLength(1);
    expect(summarizeError(errors[0])).toBe(
      "We were unable to read either as JSON nor YAML, these are the errors we got from each: did not find expected ',' or '}' (/srv/site.yml:5:1)",
    );
  });
});
