// A Git repository holding the built-in example's manifests, committed on
// `main`: what the CronJob's init container clones in the tests.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/run-cli.js';

const identity = { GIT_AUTHOR_NAME: 'ops', GIT_AUTHOR_EMAIL: 'ops@example.com', GIT_COMMITTER_NAME: 'ops', GIT_COMMITTER_EMAIL: 'ops@example.com' };

export function git(args: string[], cwd: string): void {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...identity } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

/** Creates `repository` with fixtures/example/manifests under `folder` ("." for the top), committed on main. */
export function makeManifestsRepository(repository: string, folder: string): void {
  mkdirSync(repository, { recursive: true });
  cpSync(path.join(repoRoot, 'fixtures/example/manifests'), path.join(repository, folder), { recursive: true });
  git(['init', '--quiet', '--initial-branch=main'], repository);
  git(['add', '.'], repository);
  git(['commit', '--quiet', '-m', 'manifests'], repository);
}
