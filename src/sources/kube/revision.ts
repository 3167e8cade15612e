// The Git commit the manifests were read at, for serve's convergence tracking
// (docs/serve.md "Convergence"): `git rev-parse HEAD` in the work tree that
// holds the first manifest path. Best effort by design: manifests outside any
// work tree, a repository without commits, no git at all, or a slow git give
// no revision, never a failed run (a revision only adds to a verdict).
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';

const GIT_TIMEOUT_MS = 10_000;
const COMMIT = /^[0-9a-f]{40,64}$/;

/** The folder git is asked in: the first path's own folder ('-', stdin, has none). */
function folderOf(paths: readonly string[], cwd: string): string | undefined {
  const first = paths.find((given) => given !== '-');
  if (first === undefined) return undefined;
  const resolved = path.resolve(cwd, first);
  try {
    return statSync(resolved).isDirectory() ? resolved : path.dirname(resolved);
  } catch {
    return undefined;
  }
}

/** HEAD of the work tree holding `paths` (relative to `cwd`), or undefined when there is none to tell. */
export function workTreeRevision(paths: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const folder = folderOf(paths, cwd);
  if (folder === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: folder, env, timeout: GIT_TIMEOUT_MS }, (error, stdout) => {
      const commit = String(stdout).trim();
      resolve(!error && COMMIT.test(commit) ? commit : undefined);
    });
  });
}
