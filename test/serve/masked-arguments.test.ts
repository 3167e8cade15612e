// "No byte of a secret appears in any output": the values of ansible's extra
// vars and terraform's --var, in every spelling their parsers accept, are
// masked wherever a command line is shown (serve's page and API through
// shownCommand, --debug through describeArgv), and still found by the
// ansible_check_mode refusal. ansible-playbook parses with argparse, which
// takes any unambiguous prefix of a long option (`--ext` is --extra-vars) and
// reads short options clustered (`-vvve VALUE`, `-veVALUE`).
import { describe, expect, it } from 'vitest';
import { describeArgv, extraVarsIn, playbookArgv } from '../../src/sources/ansible/args.js';
import { commandLine, shownCommand } from '../../src/serve/check-command.js';

const SECRET = 'S3cr3t-9f2e';
const VALUES = [`token=${SECRET}`, `{"token": "${SECRET}"}`, SECRET, `a=1 token=${SECRET}`];

/** Every way ansible-playbook's argparse reads `value` as extra vars. */
function extraVarsSpellings(value: string): string[][] {
  const longNames = Array.from({ length: '--extra-vars'.length - 2 }, (_, index) => '--extra-vars'.slice(0, index + 3));
  return [
    ['-e', value],
    [`-e${value}`],
    [`-e=${value}`],
    ...longNames.flatMap((name) => [[name, value], [`${name}=${value}`]]),
    ['-ve', value],
    ['-vvvCe', value],
    [`-ve${value}`],
    [`-Dbe${value}`],
  ];
}

describe.each(VALUES)('extra vars %j', (value) => {
  const spellings = extraVarsSpellings(value);

  it.each(spellings)('after --, %j is masked on the page and the API', (...spelling) => {
    const command = ['ansible', 'site.yml', '-i', 'hosts', '--', '--tags', 'web', ...spelling, '--check'];
    expect(commandLine(shownCommand(command))).not.toContain(SECRET);
    expect(shownCommand(command).join(' ')).not.toContain(SECRET);
  });

  it.each(spellings)('%j is masked in the --debug command line', (...spelling) => {
    const argv = playbookArgv({ playbook: 'site.yml', inventories: ['hosts'], extraVars: [], extraArgs: ['--tags', 'web', ...spelling] });
    expect(describeArgv('ansible-playbook', argv)).not.toContain(SECRET);
  });

  it.each(spellings)('%j is read as extra vars, so ansible_check_mode cannot hide in it', (...spelling) => {
    expect(extraVarsIn(['--tags', 'web', ...spelling]).join('\n')).toContain(SECRET);
  });
});

describe('gitdiff\'s own flags', () => {
  it.each([
    [['ansible', 'site.yml', '-e', `token=${SECRET}`]],
    [['ansible', 'site.yml', `--extra-vars=${SECRET}`]],
    [['ansible', 'site.yml', `-e${SECRET}`]],
    [['terraform', 'infra', '--var', `password=${SECRET}`]],
    [['terraform', 'infra', `--var=password=${SECRET}`]],
  ])('%j is masked', (command) => {
    expect(shownCommand(command).join(' ')).not.toContain(SECRET);
  });

  it.each([
    [['kube', 'manifests', '-e', 'x']],
    [['terraform', 'infra', '-e', 'x', '--target', 'aws_instance.web']],
    [['ansible', 'site.yml', '-i', 'hosts', '--limit', 'web']],
  ])('%j shows as it is (nothing secret to mask)', (command) => {
    expect(shownCommand(command)).toEqual(command);
  });
});
