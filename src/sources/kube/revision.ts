// The Git commit the declared side was read at, for the report's `revision`: what
// convergence tracking compares ("has the cluster caught up with this commit?").
// Only a fact when the manifests are in a Git work tree; outside one, or when git
// is missing or fails, there is no revision, and the run goes on without it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isDirectory } from '../../files.js';

/** The folder to ask git in: the first named path (its folder for a file), or undefined for stdin only. */
function manifestFolder(paths: string[], cwd: string): string | undefined {
  const first = paths.find((given) => given !== '-');
  if (first === undefined) return undefined;
  const absolute = path.resolve(cwd, first);
  return isDirectory(absolute) ? absolute : path.dirname(absolute);
}

/** Whether a folder or one above it holds `.git` (a folder, or a file in a worktree): only then is git asked. */
function inWorkTree(folder: string): boolean {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

/**
 * `git rev-parse HEAD` in the work tree that holds the manifests; undefined when they are in none or git
 * cannot say. Never throws: a revision is extra information, never a reason for a run to fail.
 */
export function workTreeRevision(paths: string[], cwd: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string | undefined> {
  const folder = manifestFolder(paths, cwd);
  if (folder === undefined || !inWorkTree(folder)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    // child_process rather than execa: every run in a work tree pays for this, and execa costs 110 ms to load.
    execFile('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: folder, env, signal, timeout: 10_000 }, (error, stdout) => {
      const commit = String(stdout).trim();
      resolve(!error && /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined);
    });
  });
}
