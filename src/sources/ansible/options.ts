// `gitdiff ansible`'s command line, completed and validated: saved results to
// read, or one ansible-playbook --check --diff run, refused when an argument
// could make it write to a host, prompt, or leave check mode (args.ts). Light:
// serve calls it for every check at each config load, the CLI before a run.
import { GitdiffError } from '../../errors.js';
import type { SourceInput } from '../types.js';
import { refuseUnsafeArgs, type PlaybookRun } from './args.js';

export type AnsibleOptions =
  /** --results FILE: saved results ('-' reads stdin); the playbook, when named, is the report's target. */
  | { kind: 'results'; file: string; playbook?: string }
  /** One ansible-playbook run, by `bin`. */
  | { kind: 'run'; run: PlaybookRun; bin: string };

export function ansibleOptions({ args, flags, env }: SourceInput): AnsibleOptions {
  const [playbook, ...extraArgs] = args;
  const inventories = (flags.inventory as string[] | undefined) ?? [];
  const limit = flags.limit as string | undefined;
  const extraVars = (flags.extraVars as string[] | undefined) ?? [];
  const results = flags.results as string | undefined;
  if (results !== undefined) {
    if (inventories.length || limit !== undefined || extraVars.length || extraArgs.length) {
      throw new GitdiffError('-i, -l, -e and ansible-playbook arguments only apply to a run, not to --results', {
        hint: 'with --results, name at most the playbook (as the report target)',
      });
    }
    return { kind: 'results', file: results, playbook };
  }
  if (!playbook) {
    throw new GitdiffError('missing PLAYBOOK', { hint: 'gitdiff ansible site.yml -i inventory.ini, or gitdiff ansible --results FILE' });
  }
  const run: PlaybookRun = { playbook, inventories, limit, extraVars, extraArgs };
  refuseUnsafeArgs(run);
  return { kind: 'run', run, bin: (flags.bin as string | undefined) ?? (env.GITDIFF_ANSIBLE_BIN || 'ansible-playbook') };
}
