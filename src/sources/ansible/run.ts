// `gitdiff ansible`: options (options.ts) -> one ansible-playbook --check --diff
// run (or saved results) -> per host and task results -> findings.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Findings, ReportError } from '../../report.js';
import { GitdiffError } from '../../errors.js';
import { fileProblem } from '../../system-errors.js';
import { readStream } from '../../read-stream.js';
import type { RunContext } from '../types.js';
import { playbookArgv, refuseCheckModeInVarsFiles } from './args.js';
import type { AnsibleOptions } from './options.js';
import type { PlaybookOutcome } from './playbook-run.js';
import { parseEvents } from './parse-events.js';
import { parseResults } from './read-results.js';
import type { PlaybookResults } from './results.js';
import { inventoryErrors, stderrMessages, summarizeError } from './stderr.js';
import { buildReport } from './verdict.js';

export async function runAnsible(options: AnsibleOptions, context: RunContext): Promise<Findings> {
  if (options.kind === 'results') {
    const { results, name } = await readSavedResults(options.file, context);
    const target = options.playbook ?? results.playbook ?? name;
    return buildReport(results, { target, cwd: context.cwd });
  }
  const { run, bin } = options;
  refuseCheckModeInVarsFiles(run, (file) => readVarsFile(file, context.cwd));
  // execa loads only on the path that runs ansible-playbook: --results does not pay for it.
  const { runPlaybook } = await import('./playbook-run.js');
  const outcome = await runPlaybook(bin, playbookArgv(run), context);
  const results = outcome.events.trim() === '' ? undefined : parseEvents(outcome.events);
  const { errors, warnings } = runErrors(outcome, results);
  return buildReport(results ?? { results: [], playsWithoutHosts: [], problems: [], notes: [] }, {
    target: run.playbook,
    cwd: context.cwd,
    errors,
    warnings,
  });
}

async function readSavedResults(file: string, context: RunContext): Promise<{ results: PlaybookResults; name: string }> {
  const name = file === '-' ? 'stdin' : file;
  let text: string;
  try {
    text = file === '-' ? (await readStream(context.stdin)).toString('utf8') : await readFile(path.resolve(context.cwd, file), 'utf8');
  } catch (error) {
    throw new GitdiffError(`cannot read results ${name}: ${fileProblem(error)}`, { hint: 'check the --results path' });
  }
  const { results } = parseResults(text, name);
  // Problems are found deep in the parsers, which do not know the file: name it here, for a one-line error a person can act on.
  results.problems = results.problems.map((problem) => `${name}: ${problem}`);
  return { results, name };
}

function readVarsFile(file: string, cwd: string): string | undefined {
  try {
    return readFileSync(path.resolve(cwd, file), 'utf8');
  } catch {
    return undefined;
  }
}

const HOSTS_FAILED_EXIT = new Set([2, 4]);

/**
 * What ansible-playbook's exit and stderr add to the results: its ERROR! (the
 * playbook or inventory could not be used: ansible's own message), an
 * inventory source it could not parse (only a warning to ansible, which then
 * checks fewer hosts and still exits 0), or a failing exit status the results
 * do not explain.
 */
export function runErrors(outcome: PlaybookOutcome, results: PlaybookResults | undefined): { errors: ReportError[]; warnings: string[] } {
  const { errors: blocks, warnings } = stderrMessages(outcome.stderr);
  const errors: ReportError[] = blocks.map((block) => ({
    message: `ansible-playbook: ${summarizeError(block)}`,
    hint: "gitdiff ansible -v shows ansible-playbook's whole output",
  }));
  errors.push(...inventoryErrors(warnings));
  if (outcome.signal) {
    errors.push({ message: `ansible-playbook was killed by ${outcome.signal}`, hint: 'was it out of memory, or stopped by a timeout?' });
  } else if (outcome.exitCode !== 0 && errors.length === 0) {
    const explained = HOSTS_FAILED_EXIT.has(outcome.exitCode ?? -1) && results?.results.some((r) => r.outcome === 'failed' || r.outcome === 'unreachable');
    if (!explained) {
      const last = outcome.stderr.filter((line) => line.trim() !== '').at(-1);
      errors.push({
        message: `ansible-playbook exited ${outcome.exitCode}${last ? `: ${last.trim()}` : ''}`,
        hint: "gitdiff ansible -v shows ansible-playbook's whole output",
      });
    }
  }
  if (results === undefined && errors.length === 0) {
    errors.push({
      message: "ansible-playbook ran no play (gitdiff's callback wrote nothing)",
      hint: '--syntax-check and --list-* run no play; otherwise gitdiff ansible -v --debug shows the command and its output',
    });
  }
  return { errors, warnings };
}
