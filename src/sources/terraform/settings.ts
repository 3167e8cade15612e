// Flags in, one typed settings object out (kubectl's Complete + Validate):
// which plan to read, where, and how terraform is run. Contradicting flags fail
// here, before anything runs, instead of being silently ignored.
import path from 'node:path';
import { GitdiffError } from '../../errors.js';

export type PlanInput =
  /** Run `terraform plan` in dir, then `terraform show -json` on the result. */
  | { kind: 'run'; dir: string }
  /**
   * Run `terraform show -json` on a saved binary plan file, in dir. The file is
   * resolved from where gitdiff runs, as the user typed it (and as --var-file
   * and --plan-json are), not from dir: `given` is that text, for messages.
   */
  | { kind: 'plan-file'; dir: string; planFile: string; given: string }
  /** Read saved `terraform show -json` output; '-' is stdin. */
  | { kind: 'plan-json'; file: string };

export interface TerraformSettings {
  input: PlanInput;
  /** The directory (or plan file) as the user wrote it, for messages. */
  label: string;
  /** What was compared, for Report.target and the metrics `target` label. */
  target: string;
  refreshOnly: boolean;
  init: boolean;
  bin: string;
  /** Absolute paths: terraform resolves -var-file against -chdir, people against where they stand. */
  varFiles: string[];
  /** NAME=VALUE pairs. Values may be secrets: never print them. */
  vars: string[];
  targets: string[];
}

export function resolveSettings(args: string[], options: Record<string, unknown>, cwd: string, env: NodeJS.ProcessEnv): TerraformSettings {
  const dirArg = args[0];
  const planJson = options.planJson as string | undefined;
  const planFile = options.plan as string | undefined;
  const varFiles = (options.varFile as string[] | undefined) ?? [];
  const vars = (options.var as string[] | undefined) ?? [];
  const targets = (options.target as string[] | undefined) ?? [];
  const init = Boolean(options.init);
  const planArguments = [varFiles.length && '--var-file', vars.length && '--var', targets.length && '--target'].filter(Boolean);

  if (planJson !== undefined && planFile !== undefined) throw usage('--plan-json and --plan both name a saved plan; pass one');
  if (planJson !== undefined) {
    if (dirArg !== undefined) throw usage(`--plan-json reads a saved plan, so no plan runs in ${dirArg}`, 'drop DIR, or drop --plan-json to run a plan there');
    const ignored = [init && '--init', ...planArguments].filter(Boolean);
    if (ignored.length > 0) throw usage(`${ignored.join(', ')} cannot apply to --plan-json: the plan was already made`);
  }
  if (planFile !== undefined && planArguments.length > 0) throw usage(`${planArguments.join(', ')} cannot apply to --plan: the plan was already made`);
  for (const pair of vars) {
    // The value may be a secret: the message names the problem, never the argument.
    if (!/^[^=\s]+=/.test(pair)) throw usage('--var expects NAME=VALUE (an argument without "=" was given)');
  }

  const bin = (options.bin as string | undefined) || env.GITDIFF_TERRAFORM_BIN || 'terraform';
  const common = {
    refreshOnly: Boolean(options.refreshOnly),
    init,
    bin,
    varFiles: varFiles.map((file) => path.resolve(cwd, file)),
    vars,
    targets,
  };
  if (planJson !== undefined) {
    const target = planJson === '-' ? 'stdin' : path.basename(planJson);
    return { ...common, input: { kind: 'plan-json', file: planJson }, label: planJson === '-' ? 'stdin' : planJson, target };
  }
  const dir = dirArg ?? '.';
  const absoluteDir = path.resolve(cwd, dir);
  const target = path.basename(absoluteDir) || absoluteDir;
  if (planFile !== undefined) {
    return { ...common, input: { kind: 'plan-file', dir: absoluteDir, planFile: path.resolve(cwd, planFile), given: planFile }, label: dir, target };
  }
  return { ...common, input: { kind: 'run', dir: absoluteDir }, label: dir, target };
}

function usage(message: string, hint = 'see gitdiff terraform --help'): GitdiffError {
  return new GitdiffError(message, { hint });
}
