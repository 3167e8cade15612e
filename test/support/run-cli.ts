// Runs bin/gitdiff as a real process, the way users and CI do, and collects
// what it printed and how it exited.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const gitdiffBin = path.join(repoRoot, 'bin/gitdiff');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs?: number;
  /**
   * Without the capabilities that let root read any file (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): a test running
   * as root meets a mode-000 file as a user would. Still root, so the clone is reachable wherever it lives
   * (another user could not enter a clone under a private 0700 folder). Needs util-linux's setpriv.
   */
  withoutRootFileAccess?: boolean;
}

/** setpriv's arguments that drop root's power to read and search any file, for this process and its children. */
const DROP_FILE_CAPABILITIES = ['--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search'];

export function runGitdiff(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // A clean environment: no color unless a test asks for it, no CI-specific behaviour leaking in.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...options.env };
    const command = [process.execPath, gitdiffBin, ...args];
    if (options.withoutRootFileAccess) command.unshift('setpriv', ...DROP_FILE_CAPABILITIES);
    const child = spawn(command[0], command.slice(1), { cwd: options.cwd ?? repoRoot, env, stdio: 'pipe' });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 50_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** ../shared/fixtures beside the checkout (absent on a user's clone); GITDIFF_SHARED_FIXTURES overrides. */
export const sharedFixtures = process.env.GITDIFF_SHARED_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures');
