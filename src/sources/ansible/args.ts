// The ansible-playbook command line gitdiff runs: always --check --diff, and
// nothing that could make the run write to a host, prompt, or lie about check
// mode. ansible-playbook has no flag that turns check mode off; what can is a
// variable override (`-e ansible_check_mode=false` makes `when:` conditions on
// it take the real-run branch) or an interactive flag, so those are refused.
import { GitdiffError } from '../../errors.js';

export interface PlaybookRun {
  playbook: string;
  inventories: string[];
  limit?: string;
  extraVars: string[];
  /** Arguments after `--`, passed on as they are once checked. */
  extraArgs: string[];
}

/** Flags refused in extra arguments, with why. argparse accepts unambiguous prefixes, so these match by prefix too. */
const REFUSED: Record<string, { shortest: number; why: string }> = {
  '--step': { shortest: 5, why: 'it asks before each task on the terminal' },
  '--flush-cache': { shortest: 4, why: 'it clears the fact cache (a write)' },
};

const CHECK_MODE_VARIABLE = /\bansible_check_mode\b/;

/** Reads an `-e @file`; undefined when it cannot be read (ansible-playbook will say so itself). */
export type ReadVarsFile = (file: string) => string | undefined;

/** Throws a GitdiffError for an argument that would defeat a read-only check. */
export function refuseUnsafeArgs(run: Pick<PlaybookRun, 'extraVars' | 'extraArgs'>, readVarsFile: ReadVarsFile): void {
  for (const arg of run.extraArgs) {
    const name = arg.split('=')[0];
    for (const [flag, rule] of Object.entries(REFUSED)) {
      if (name.length >= rule.shortest && flag.startsWith(name)) {
        throw new GitdiffError(`refusing ansible-playbook argument ${arg}: ${rule.why}`, {
          hint: 'gitdiff runs ansible-playbook --check --diff unattended and read-only; drop that argument',
        });
      }
    }
  }
  for (const vars of [...run.extraVars, ...extraVarsIn(run.extraArgs)]) {
    const text = vars.startsWith('@') ? readVarsFile(vars.slice(1)) ?? '' : vars;
    if (CHECK_MODE_VARIABLE.test(text)) {
      throw new GitdiffError(`refusing extra variables that set ansible_check_mode (${vars.startsWith('@') ? vars : '-e ...'})`, {
        hint: 'ansible_check_mode is set by ansible from --check, which gitdiff always passes; overriding it can make tasks run for real',
      });
    }
  }
}

/** The values of -e / --extra-vars (and argparse abbreviations of it) among extra arguments. */
export function extraVarsIn(args: string[]): string[] {
  const values: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const [name, inline] = splitLongOption(arg);
    if (arg === '-e' || (name.length >= 4 && '--extra-vars'.startsWith(name) && inline === undefined)) {
      if (index + 1 < args.length) values.push(args[++index]);
    } else if (name.length >= 4 && '--extra-vars'.startsWith(name)) {
      values.push(inline ?? '');
    } else if (arg.startsWith('-e') && !arg.startsWith('--')) {
      values.push(arg.slice(2));
    }
  }
  return values;
}

function splitLongOption(arg: string): [string, string | undefined] {
  if (!arg.startsWith('--')) return [arg, undefined];
  const equals = arg.indexOf('=');
  return equals < 0 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}

/** ansible-playbook's arguments, check and diff mode first. */
export function playbookArgv(run: PlaybookRun): string[] {
  return [
    '--check',
    '--diff',
    ...run.inventories.flatMap((inventory) => ['-i', inventory]),
    ...(run.limit !== undefined ? ['-l', run.limit] : []),
    ...run.extraVars.flatMap((vars) => ['-e', vars]),
    ...run.extraArgs,
    // `--` keeps a playbook named like an option a playbook.
    '--',
    run.playbook,
  ];
}

/** The command line for --debug logs: extra-vars values may hold secrets, so they are masked. */
export function describeArgv(bin: string, argv: string[]): string {
  const shown: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    shown.push(arg);
    if (arg === '-e' || arg === '--extra-vars') {
      if (index + 1 < argv.length) {
        shown.push('***');
        index++;
      }
    } else if (/^(-e.+|--extra-vars=.*)$/.test(arg)) {
      shown[shown.length - 1] = arg.startsWith('--') ? '--extra-vars=***' : '-e***';
    }
  }
  return [bin, ...shown].join(' ');
}
