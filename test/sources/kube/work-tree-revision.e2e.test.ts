// gitdiff kube names the commit its manifests were read at (Report.revision,
// `revision` in -o json) when they are in a Git work tree: what serve's
// convergence tracking compares between runs. Never a reason to fail a run.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { itWith } from '../../support/binaries.js';
import { repoRoot, runGitdiff } from '../../support/run-cli.js';

const itGit = itWith(['git'], 'apt-get install git');
const example = path.join(repoRoot, 'fixtures/example');
const scratch: string[] = [];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=gitdiff tests', '-c', 'user.email=tests@gitdiff.invalid', ...args], { cwd, encoding: 'utf8' }).trim();
}

/** The example's manifests in a fresh folder, optionally a Git repository (committed or not). */
function manifests(repository: 'none' | 'no commit' | 'committed'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-revision-'));
  scratch.push(dir);
  cpSync(path.join(example, 'manifests'), path.join(dir, 'manifests'), { recursive: true });
  if (repository !== 'none') git(dir, 'init', '-q');
  if (repository === 'committed') {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'declare');
  }
  return dir;
}

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const run = (dir: string, given = 'manifests') => runGitdiff(['kube', given, '--live-from', path.join(example, 'live.yaml'), '-o', 'json'], { cwd: dir });

describe('gitdiff kube: the revision of the manifests', () => {
  itGit("is the work tree's HEAD, and follows a new commit", async () => {
    const dir = manifests('committed');
    const first = await run(dir);
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout).revision).toBe(git(dir, 'rev-parse', 'HEAD'));
    writeFileSync(path.join(dir, 'manifests/extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: cache}\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'more');
    // A file as the path: asked in its folder.
    const second = JSON.parse((await run(dir, 'manifests/extra.yaml')).stdout);
    expect(second.revision).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(second.revision).not.toBe(JSON.parse(first.stdout).revision);
  });

  itGit('is absent outside a work tree and in a repository without commits; the run is the same', async () => {
    for (const kind of ['none', 'no commit'] as const) {
      const result = await run(manifests(kind));
      expect([result.code, result.stderr]).toEqual([1, '']);
      expect(JSON.parse(result.stdout)).not.toHaveProperty('revision');
    }
  });
});
