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
  /** Run as this user and group (tests running as root need another user to meet an unreadable file). */
  uid?: number;
  gid?: number;
}

export function runGitdiff(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // A clean environment: no color unless a test asks for it, no CI-specific behaviour leaking in.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...options.env };
    const child = spawn(process.execPath, [gitdiffBin, ...args], { cwd: options.cwd ?? repoRoot, env, stdio: 'pipe', uid: options.uid, gid: options.gid });
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
