// Running the external tools some inputs need (git for --rev, kubectl for -k):
// an argument array, never a shell; the run's abort signal stops them. Only the
// loaders that need a tool import this module, so other runs never load execa.
import { execa, ExecaError } from 'execa';
import { GitdiffError, messageOf } from '../../errors.js';
import { fileProblem } from '../../system-errors.js';

export interface ToolContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  log: (line: string) => void;
}

export interface ToolResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs `command args` and returns what it printed and how it exited; a missing
 * binary is a GitdiffError with the install hint, an abort re-throws the abort reason.
 */
export async function runTool(command: string, args: string[], context: ToolContext, install: string, input?: string): Promise<ToolResult> {
  context.log(`run: ${[command, ...args].join(' ')}`);
  try {
    const result = await execa(command, args, {
      cwd: context.cwd,
      env: context.env,
      extendEnv: false,
      cancelSignal: context.signal,
      input,
      encoding: 'buffer',
      stripFinalNewline: false,
      // The run's signal stops the tool; execa's own exit hook would re-raise SIGINT/SIGTERM at gitdiff.
      cleanup: false,
    });
    return { exitCode: 0, stdout: Buffer.from(result.stdout), stderr: Buffer.from(result.stderr).toString('utf8') };
  } catch (error) {
    if (!(error instanceof ExecaError)) throw error;
    if (error.isCanceled) throw context.signal.reason ?? error;
    if (error.code === 'ENOENT') throw new GitdiffError(`${command}: not found on PATH`, { hint: install });
    // Could not start (EACCES, ...: in words) or was killed (execa's short message).
    if (error.exitCode === undefined) throw new GitdiffError(`${command}: ${error.code ? fileProblem(error) : error.shortMessage ?? messageOf(error)}`, { hint: install });
    return { exitCode: error.exitCode, stdout: Buffer.from(error.stdout ?? []), stderr: Buffer.from(error.stderr ?? []).toString('utf8') };
  }
}

/**
 * The line of a tool's stderr that says why it failed: git's `fatal: ...`,
 * kubectl's `error: ...` or klog's `err="..."`, without the prefix; else the last line.
 */
export function failureReason(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  for (const line of lines) {
    const klog = /\berr="((?:[^"\\]|\\.)*)"/.exec(line);
    if (klog) return klog[1].replace(/\\(.)/g, '$1');
  }
  const marked = lines.find((line) => /^(fatal|error):/i.test(line));
  if (marked) return marked.replace(/^(fatal|error):\s*/i, '');
  return lines[lines.length - 1] ?? 'failed without a message';
}
