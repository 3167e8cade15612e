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

/** Throws a GitdiffError for an argument that would defeat a read-only check (the arguments alone: see refuseCheckModeInVarsFiles). */
export function refuseUnsafeArgs(run: Pick<PlaybookRun, 'extraVars' | 'extraArgs'>): void {
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
  for (const vars of allExtraVars(run)) {
    if (!vars.startsWith('@') && CHECK_MODE_VARIABLE.test(vars)) throw checkModeRefused('-e ...');
  }
}

/**
 * Throws a GitdiffError when an `-e @file` sets ansible_check_mode. Read just
 * before ansible-playbook runs, as it reads them: under serve, a file can
 * change between the config load and a run.
 */
export function refuseCheckModeInVarsFiles(run: Pick<PlaybookRun, 'extraVars' | 'extraArgs'>, readVarsFile: ReadVarsFile): void {
  for (const vars of allExtraVars(run)) {
    if (vars.startsWith('@') && CHECK_MODE_VARIABLE.test(readVarsFile(vars.slice(1)) ?? '')) throw checkModeRefused(vars);
  }
}

function allExtraVars(run: Pick<PlaybookRun, 'extraVars' | 'extraArgs'>): string[] {
  return [...run.extraVars, ...extraVarsIn(run.extraArgs)];
}

function checkModeRefused(shown: string): GitdiffError {
  return new GitdiffError(`refusing extra variables that set ansible_check_mode (${shown})`, {
    hint: 'ansible_check_mode is set by ansible from --check, which gitdiff always passes; overriding it can make tasks run for real',
  });
}

/** Where an argument carries extra vars: `args[index].slice(offset)` is the value. */
interface ExtraVarsAt {
  index: number;
  offset: number;
}

/**
 * Where extra vars are among ansible-playbook arguments, found by argparse's
 * own rules, so no spelling it accepts slips past the check-mode refusal or
 * the masking: a long option is any unambiguous prefix of its name (`--e` to
 * `--extra-vars`; no other ansible-playbook option starts with `--e`), with
 * its value after `=` or in the next argument; short options cluster, so in
 * `-vvve VALUE` or `-veVALUE` the `e` takes the rest or the next argument.
 * Erring towards more: every other letter in a cluster counts as a flag (a
 * `-u` that takes `edward` reads as `-u -e dward`), which masks and checks a
 * little more than argparse would read, never less. `--` is no stop either:
 * gitdiff's own command line has one before ansible-playbook's arguments.
 */
function extraVarsPositions(args: readonly string[]): ExtraVarsAt[] {
  const found: ExtraVarsAt[] = [];
  const valueAt = (index: number, offset: number) => {
    if (offset < args[index].length) found.push({ index, offset });
    else if (index + 1 < args.length) found.push({ index: index + 1, offset: 0 });
  };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const name = equals < 0 ? arg : arg.slice(0, equals);
      if (name.length < 3 || !'--extra-vars'.startsWith(name)) continue;
      valueAt(index, equals < 0 ? arg.length : equals + 1);
    } else if (arg.startsWith('-')) {
      const cluster = /^-[A-Za-z]*?e/.exec(arg);
      if (!cluster) continue;
      valueAt(index, cluster[0].length);
    } else {
      continue;
    }
    if (found.at(-1)?.index === index + 1) index++; // the value is consumed, whatever it looks like
  }
  return found;
}

/** The values of -e / --extra-vars, in every spelling argparse accepts, among ansible-playbook arguments. */
export function extraVarsIn(args: readonly string[]): string[] {
  return extraVarsPositions(args).map(({ index, offset }) => args[index].slice(offset));
}

/** The arguments with each extra-vars value replaced by `mask(value)`: for anything that shows a command line. */
export function maskExtraVars(args: readonly string[], mask: (value: string) => string): string[] {
  const shown = [...args];
  for (const { index, offset } of extraVarsPositions(args)) shown[index] = args[index].slice(0, offset) + mask(args[index].slice(offset));
  return shown;
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

/** The command line for --debug logs: extra-vars values may hold secrets, so they are masked whole. */
export function describeArgv(bin: string, argv: string[]): string {
  return [bin, ...maskExtraVars(argv, () => '***')].join(' ');
}
