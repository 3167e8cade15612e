// The only place gitdiff runs terraform. Argument arrays, never a shell.
//   init (with --init):  terraform -chdir=DIR init -input=false -no-color
//   plan:                terraform -chdir=DIR plan -json -input=false -lock=false -detailed-exitcode -out=TEMP ...
// `plan -json` prints progress and diagnostics as JSON lines without any
// attribute values, so streaming it (-v) cannot show a secret that Terraform
// failed to mark (its text plan would show terraform_data's `output` in full).
//   show:                terraform -chdir=DIR show -json -no-color TEMP
// The temporary plan lives in its own folder under os.tmpdir() and is removed
// in `finally`, also when the run is interrupted (the CLI aborts context.signal,
// execa stops terraform, and the finally still runs). gitdiff never applies:
// state and working tree change only as far as `plan` itself writes them.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { capture } from '../../captured-output.js';
import { GitdiffError } from '../../errors.js';
import { fileProblem } from '../../system-errors.js';
import type { RunContext } from '../types.js';
import { decodePlanBytes, type DecodedPlan } from './plan-input.js';
import type { PlanInput, TerraformSettings } from './settings.js';
import { terraformFailureError } from './terraform-errors.js';

type SavedPlanFile = Extract<PlanInput, { kind: 'plan-file' }>;

/** Large plans are large: `show -json` of a 100 MB plan must not hit execa's default 100 MB buffer. */
const MAX_OUTPUT_BYTES = 2 ** 32;

/** Runs a plan in the settings' directory and returns `terraform show -json` of it, decoded. */
export async function planAndShow(settings: TerraformSettings, dir: string, context: RunContext): Promise<DecodedPlan> {
  await requireDirectory(dir, settings.label);
  if (settings.init) {
    context.progress(`terraform init in ${settings.label} ...`);
    await terraform(settings, dir, ['init', '-input=false', '-no-color'], context, { stream: 'text' });
  }
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'gitdiff-terraform-'));
  try {
    const planFile = path.join(tempDir, 'plan.tfplan');
    context.progress(`terraform plan in ${settings.label} ...`);
    // -detailed-exitcode: 0 no changes, 2 changes, 1 error. The verdict comes from the plan itself, not this code.
    await terraform(settings, dir, ['plan', ...planArguments(settings), `-out=${planFile}`], context, { stream: 'json-ui', okCodes: [0, 2] });
    return await showJson(settings, dir, planFile, context);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

/** `terraform show -json` of a saved binary plan file, run in the directory it belongs to (for provider schemas). */
export async function showSavedPlan(settings: TerraformSettings, input: SavedPlanFile, context: RunContext): Promise<DecodedPlan> {
  const { dir, planFile, given } = input;
  await requireDirectory(dir, settings.label);
  // Checked here, in words: terraform's own answer to a missing file or a directory is a page of state-file errors.
  const info = await stat(planFile).catch(async (error: unknown) => {
    // terraform's -chdir would read FILE inside DIR; gitdiff reads it from where you stand, so say which was meant.
    const insideDir = path.resolve(dir, given);
    const hint = insideDir !== planFile && (await stat(insideDir).catch(() => undefined))
      ? `FILE is read from where you run gitdiff, not from DIR: pass ${path.join(settings.label, given)}`
      : 'pass the file `terraform plan -out=FILE` wrote (relative to where you run gitdiff)';
    throw new GitdiffError(`--plan ${given}: ${fileProblem(error)}`, { hint });
  });
  if (info.isDirectory()) {
    throw new GitdiffError(`--plan ${given}: is a directory, not a saved plan`, { hint: 'to run a plan in a directory, pass it as DIR without --plan' });
  }
  if (settings.init) {
    context.progress(`terraform init in ${settings.label} ...`);
    await terraform(settings, dir, ['init', '-input=false', '-no-color'], context, { stream: 'text' });
  }
  return showJson(settings, dir, planFile, context);
}

/** `terraform show -json`, decoded where its output is owned, so the bytes can be freed before the plan is parsed. */
async function showJson(settings: TerraformSettings, dir: string, planFile: string, context: RunContext): Promise<DecodedPlan> {
  context.progress('terraform show -json ...');
  return decodePlanBytes(await terraform(settings, dir, ['show', '-json', '-no-color', planFile], context, { stream: 'none' }));
}

export function planArguments(settings: TerraformSettings): string[] {
  return [
    '-json',
    '-input=false',
    '-lock=false',
    '-detailed-exitcode',
    ...(settings.refreshOnly ? ['-refresh-only'] : []),
    ...settings.varFiles.map((file) => `-var-file=${file}`),
    ...settings.vars.map((pair) => `-var=${pair}`),
    ...settings.targets.map((address) => `-target=${address}`),
  ];
}

/** The command line for --debug, with -var values hidden: they may be secrets. */
export function displayCommand(bin: string, args: string[]): string {
  return [bin, ...args.map((arg) => arg.replace(/^(-var=[^=]*=).*$/s, '$1(hidden)'))].join(' ');
}

async function requireDirectory(dir: string, label: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new GitdiffError(`${label}: no such directory`, { hint: 'pass the directory of a Terraform root module (default: the current directory)' });
  if (!info.isDirectory()) {
    throw new GitdiffError(`${label}: is a file, not a directory`, { hint: 'pass the module directory; for a saved plan use --plan FILE or --plan-json FILE' });
  }
}

interface StepOptions {
  /**
   * How terraform's stdout is forwarded to stderr with -v / --debug: as text
   * (init), as the messages of its JSON UI (plan), or not at all (show: its
   * stdout is the plan). Its stderr is always forwarded then.
   */
  stream: 'text' | 'json-ui' | 'none';
  okCodes?: number[];
}

async function terraform(settings: TerraformSettings, dir: string, args: string[], context: RunContext, options: StepOptions): Promise<Buffer> {
  const fullArgs = [`-chdir=${dir}`, ...args];
  context.log(`run: ${displayCommand(settings.bin, fullArgs)}`);
  const write = context.verbose ? context.progress : context.debug ? context.log : undefined;
  const forward = write && ((line: string) => write(`terraform: ${line}`));
  // Only show's stdout (the plan) is read whole; init's and plan's stdout and every stderr are only
  // quoted when a step fails, so gitdiff keeps a bounded start and end of them (a flood costs nothing).
  const planOnStdout = options.stream === 'none';
  const child = execa(settings.bin, fullArgs, {
    env: { ...context.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
    extendEnv: false,
    stdin: 'ignore',
    encoding: 'buffer',
    buffer: { stdout: planOnStdout, stderr: false },
    maxBuffer: MAX_OUTPUT_BYTES,
    reject: false,
    cancelSignal: context.signal,
    // The CLI turns SIGINT/SIGTERM into context.signal, which stops terraform. execa's own cleanup would
    // re-raise the signal once the CLI's one-shot handler has run, killing gitdiff before its finally blocks.
    cleanup: false,
  });
  // A process terraform started (a provider plugin) can keep its output open after terraform is
  // stopped: once the run is aborted, stop reading, or gitdiff would wait for it for ever.
  const stopReading = () => {
    child.stdout?.destroy();
    child.stderr?.destroy();
  };
  context.signal.addEventListener('abort', stopReading, { once: true });
  if (forward) {
    if (options.stream === 'text') forwardLines(child.stdout, forward);
    if (options.stream === 'json-ui') forwardLines(child.stdout, (line) => forward(uiMessage(line)));
    forwardLines(child.stderr, forward);
  }
  const stderr = capture(child.stderr);
  const stdoutTail = planOnStdout ? undefined : capture(child.stdout);
  const result = await child.finally(() => context.signal.removeEventListener('abort', stopReading));
  if (result.isCanceled || context.signal.aborted) throw context.signal.reason ?? new GitdiffError(`terraform ${args[0]} was interrupted`);
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT' || code === 'EACCES') {
    throw new GitdiffError(`${settings.bin}: ${code === 'ENOENT' ? 'not found' : 'not executable'}`, {
      hint: 'install terraform, or pass --bin PATH (or set GITDIFF_TERRAFORM_BIN), e.g. --bin tofu',
    });
  }
  const stdout = planOnStdout ? Buffer.from(result.stdout.buffer, result.stdout.byteOffset, result.stdout.byteLength) : Buffer.alloc(0);
  if (result.exitCode !== undefined && (options.okCodes ?? [0]).includes(result.exitCode)) return stdout;
  throw terraformFailureError({
    step: args[0],
    dir: settings.label,
    exitCode: result.exitCode,
    signal: result.signal,
    stderr: (await stderr).text(),
    // show's stdout is (part of) a plan; only init's and plan's may be quoted.
    stdout: stdoutTail ? (await stdoutTail).text() : '',
    initRan: settings.init,
  });
}

/** A line forwarded with -v / --debug: a flood without newlines is cut, not gathered whole. */
const MAX_FORWARDED_LINE = 4096;

function forwardLines(stream: NodeJS.ReadableStream | null, write: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString('utf8')).split(/\r?\n/);
    pending = (lines.pop() ?? '').slice(0, MAX_FORWARDED_LINE);
    for (const line of lines) if (line.trim() !== '') write(line.slice(0, MAX_FORWARDED_LINE));
  });
  stream.on('end', () => {
    if (pending.trim() !== '') write(pending);
  });
}

/** One line of `plan -json` as a person reads it: its @message. */
function uiMessage(line: string): string {
  try {
    const message = JSON.parse(line) as { '@message'?: string };
    return message['@message'] ?? line;
  } catch {
    return line;
  }
}
