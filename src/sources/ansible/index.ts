// `gitdiff ansible`: ansible-playbook --check --diff turned into a per-host,
// per-task verdict. This module only declares the command; its validation
// lives in options.ts, the work (and its imports: execa, the parsers) in run.ts.
import type { Command } from 'commander';
import { maskedAssignment } from '../../masked.js';
import { repeatable } from '../../options.js';
import { maskExtraVars } from './args.js';
import { ansibleOptions } from './options.js';
import { defineSource } from '../types.js';

export const ansible = defineSource({
  name: 'ansible',
  summary: 'run an Ansible playbook in check mode (or read saved results) and report what would change',
  define(command: Command) {
    command
      .argument('[playbook]', 'the playbook to run with --check --diff')
      .argument('[ansible-args...]', 'after --: more ansible-playbook arguments (--tags, --become, -u, ...)')
      .option('-i, --inventory <inventory>', 'inventory file, folder or host list (repeatable)', repeatable)
      .option('-l, --limit <pattern>', 'only hosts matching the pattern')
      .option('-e, --extra-vars <vars>', 'extra variables, as for ansible-playbook (repeatable)', repeatable)
      .option('--results <file>', "read saved results instead of running ('-' reads stdin): gitdiff's callback output, the json callback's, or a default-callback log")
      .option('--bin <path>', 'the ansible-playbook to run (default: $GITDIFF_ANSIBLE_BIN, else ansible-playbook on PATH)');
  },
  options: ansibleOptions,
  async run(options, context) {
    const { runAnsible } = await import('./run.js');
    return runAnsible(options, context);
  },
  // gitdiff's -e/--extra-vars and ansible-playbook's own spellings after `--`: one rule, argparse's.
  maskArguments: (args) => maskExtraVars(args, maskedAssignment),
});
