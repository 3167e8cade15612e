// `gitdiff ansible`: ansible-playbook --check --diff turned into a per-host,
// per-task verdict. This module only declares the command; the work (and its
// imports: execa, the parsers) live in run.ts.
import type { Command } from 'commander';
import { maskedAssignment } from '../../masked.js';
import { repeatable } from '../../options.js';
import { maskExtraVars } from './args.js';
import type { Source } from '../types.js';

export const ansible: Source = {
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
  async run(args, options, context) {
    const { runAnsible } = await import('./run.js');
    return runAnsible(args, options, context);
  },
  // gitdiff's -e/--extra-vars and ansible-playbook's own spellings after `--`: one rule, argparse's.
  maskArguments: (args) => maskExtraVars(args, maskedAssignment),
};
