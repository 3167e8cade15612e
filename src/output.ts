// How a finished run reaches the user: the report in the chosen format, or only
// its summary line (--summary), or nothing (--quiet: the exit status says it);
// with -o github inside GitHub Actions, also the Markdown step summary shown on
// the run's page. The CLI calls this; renderers stay pure.
import { appendFile } from 'node:fs/promises';
import type { ChalkInstance } from 'chalk';
import { summarize, type Report } from './report.js';
import { chunkedRenderers, renderers } from './render/index.js';
import { summaryLine } from './render/wording.js';
import { GitdiffError } from './errors.js';
import { fileProblem } from './system-errors.js';

export interface OutputOptions {
  format: string;
  quiet: boolean;
  summaryOnly: boolean;
  verbose: boolean;
}

interface OutputIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** Checked before the run starts: a bad combination must not wait for a slow cluster to be reported. */
export function outputOptions(options: Record<string, unknown>): OutputOptions {
  const format = String(options.output ?? 'text');
  const summaryOnly = Boolean(options.summary);
  if (summaryOnly && format !== 'text') {
    throw new GitdiffError(`--summary prints the text summary line: it does not combine with -o ${format}`, { hint: `drop --summary, or -o ${format}` });
  }
  return { format, quiet: Boolean(options.quiet), summaryOnly, verbose: Boolean(options.verbose) };
}

export async function writeReport(report: Report, options: OutputOptions, chalk: ChalkInstance, io: OutputIo): Promise<void> {
  if (options.quiet) return;
  if (options.summaryOnly) {
    io.stdout.write(`${summaryLine(summarize(report), report.durationMs, chalk, report.noun)}\n`);
    return;
  }
  const renderOptions = { chalk, verbose: options.verbose };
  const chunked = chunkedRenderers[options.format];
  if (chunked) writeInPieces(io.stdout, chunked(report, renderOptions));
  else io.stdout.write(renderers[options.format](report, renderOptions));
  const stepSummary = io.env.GITHUB_STEP_SUMMARY;
  if (options.format === 'github' && stepSummary) {
    try {
      await appendFile(stepSummary, renderers.markdown(report, { chalk, verbose: options.verbose }));
    } catch (error) {
      // The verdict and the annotations are out already; a missing page summary does not change the answer.
      io.stderr.write(`gitdiff: warning: could not append the step summary to ${stepSummary}: ${fileProblem(error)}\n`);
    }
  }
}

/** Pieces gathered into writes of about 64 KB: one write per item would be thousands of system calls. */
function writeInPieces(stream: NodeJS.WritableStream, pieces: Iterable<string>): void {
  let pending = '';
  for (const piece of pieces) {
    pending += piece;
    if (pending.length >= 65536) {
      stream.write(pending);
      pending = '';
    }
  }
  if (pending !== '') stream.write(pending);
}
