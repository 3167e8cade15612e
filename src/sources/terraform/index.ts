// `gitdiff terraform`: a Terraform plan (run here, or saved) turned into a drift verdict.
// This module only declares the command; the work (and its imports) live in run.ts.
import type { Command } from 'commander';
import { defineSource } from '../types.js';
import { maskedAssignment } from '../../masked.js';
import { repeatable } from '../../options.js';
import { resolveSettings } from './settings.js';

export const terraform = defineSource({
  name: 'terraform',
  summary: 'run (or read) a Terraform plan and report drift per resource',
  define(command: Command) {
    command
      .argument('[dir]', 'the Terraform root module to plan (default: the current directory)')
      .option('--plan-json <file>', "read saved `terraform show -json PLANFILE` output instead of planning; '-' reads stdin")
      .option('--plan <file>', 'read a saved binary plan file: FILE is relative to where you run gitdiff (not to DIR); `terraform show -json` runs in DIR')
      .option('--refresh-only', 'plan in refresh-only mode: only changes made outside Terraform count')
      .option('--init', 'run `terraform init -input=false` first (for jobs that start from a clean checkout)')
      .option('--bin <path>', 'the terraform-compatible binary, e.g. tofu (default: $GITDIFF_TERRAFORM_BIN, else terraform)')
      .option('--var-file <file>', 'passed to terraform plan; repeatable', repeatable)
      .option('--var <name=value>', 'passed to terraform plan; repeatable', repeatable)
      .option('--target <address>', 'passed to terraform plan; repeatable', repeatable);
  },
  options: ({ args, flags, cwd, env }) => resolveSettings(args, flags, cwd, env),
  async run(settings, context) {
    const { runTerraform } = await import('./run.js');
    return runTerraform(settings, context);
  },
  maskArguments: maskVarValues,
});

/** commander reads `--var NAME=VALUE` and `--var=NAME=VALUE`; nothing after `--` reaches terraform. */
function maskVarValues(args: readonly string[]): string[] {
  const shown: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--var' && index + 1 < args.length) shown.push(arg, maskedAssignment(args[++index]));
    else shown.push(arg.startsWith('--var=') ? `--var=${maskedAssignment(arg.slice('--var='.length))}` : arg);
  }
  return shown;
}
