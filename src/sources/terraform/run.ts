// `gitdiff terraform`, orchestrated: a plan from terraform or a saved file
// (as settings.ts resolved the flags), the verdict, the findings. Each step lives in its
// own module; this one only decides which runs, in what order.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Findings } from '../../report.js';
import { GitdiffError } from '../../errors.js';
import { fileProblem } from '../../system-errors.js';
import { readStream } from '../../read-stream.js';
import type { RunContext } from '../types.js';
import { decodePlanBytes, parsePlanText, type DecodedPlan, type ParsedPlan } from './plan-input.js';
import type { TerraformSettings } from './settings.js';
import { planVerdict } from './verdict.js';
import { isStackOverflow, MAX_NESTING, nestingWithin } from '../../limits.js';

export async function runTerraform(settings: TerraformSettings, context: RunContext): Promise<Findings> {
  const parsed = await loadPlan(settings, context);
  if (parsed.encoding !== 'UTF-8') context.log(`plan read as ${parsed.encoding}`);
  if (parsed.skippedLines > 0) context.log(`skipped ${parsed.skippedLines} non-JSON lines around the plan (a CI wrapper's output)`);
  const verdict = verdictOf(parsed, settings);
  return {
    target: settings.target,
    items: verdict.items,
    errors: verdict.errors,
    notes: verdict.notes,
    headline: verdict.headline,
    noun: 'resource',
  };
}

/**
 * The verdict, or an error naming the plan when its values nest too deeply to
 * walk. Checked by catching the overflow rather than by walking the whole plan
 * first: a 100 MB plan must not pay for a second full walk. The values that
 * reach the report are checked, since the renderers walk them again.
 */
function verdictOf(parsed: ParsedPlan, settings: TerraformSettings): ReturnType<typeof planVerdict> {
  const tooDeep = () => new GitdiffError(`${settings.label}: values nested more than ${MAX_NESTING} levels deep: refused`, {
    hint: 'no Terraform value nests that deep; is the plan JSON corrupted?',
  });
  try {
    const verdict = planVerdict(parsed.plan, { refreshOnly: settings.refreshOnly, targets: settings.targets });
    const values = verdict.items.flatMap((item) => item.changes.flatMap((change) => [change.declared, change.live]));
    if (!values.every((value) => nestingWithin(value))) throw tooDeep();
    return verdict;
  } catch (error) {
    if (isStackOverflow(error)) throw tooDeep();
    throw error;
  }
}

async function loadPlan(settings: TerraformSettings, context: RunContext): Promise<ParsedPlan> {
  const input = settings.input;
  switch (input.kind) {
    case 'plan-json':
      return parsePlanText(await readSavedPlan(input.file, context), settings.label);
    case 'plan-file': {
      // execa and the runner load only on the paths that run terraform.
      const { showSavedPlan } = await import('./plan-runner.js');
      return parsePlanText(await showSavedPlan(settings, input, context), `terraform show -json ${path.basename(input.planFile)}`);
    }
    case 'run': {
      const { planAndShow } = await import('./plan-runner.js');
      return parsePlanText(await planAndShow(settings, input.dir, context), `terraform show -json (plan of ${settings.label})`);
    }
  }
}

/** Reads and decodes a saved plan; the bytes stay inside this function, so they can be freed before parsing. */
async function readSavedPlan(file: string, context: RunContext): Promise<DecodedPlan> {
  if (file === '-') return decodePlanBytes(await readStream(context.stdin));
  try {
    // Sync on purpose: fs/promises reads a large file in chunks and peaks at about twice its size (measured on a 100 MB plan).
    return decodePlanBytes(readFileSync(path.resolve(context.cwd, file)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new GitdiffError(`${file}: no such file`, { hint: 'pass the file `terraform show -json PLANFILE > FILE` wrote' });
    if (code === 'EISDIR') throw new GitdiffError(`${file}: is a directory, not a saved plan`, { hint: 'to run a plan in a directory, pass it as DIR without --plan-json' });
    throw new GitdiffError(`${file}: cannot be read: ${fileProblem(error)}`, { hint: 'pass the file `terraform show -json PLANFILE > FILE` wrote', cause: error });
  }
}
