// The report's `revision`: the Git commit the declared side was read at, for convergence
// tracking. The HEAD of the work tree holding the manifests, or --rev's commit; absent
// outside a repository, and never a reason for a run to fail.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { itWith } from '../../support/binaries.js';
import { repoRoot, runGitdiff } from '../../support/run-cli.js';
import { reportProblems } from '../../support/report-schema.js';

const itGit = itWith(['git'], 'apt-get install git');
const live = path.join(repoRoot, 'fixtures/example/live.yaml');
const manifest = readFileSync(path.join(repoRoot, 'fixtures/example/manifests/redis.yaml'), 'utf8');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=gitdiff tests', '-c', 'user.email=tests@gitdiff.invalid', ...args], { cwd, encoding: 'utf8' }).trim();
}

/** A folder with the example manifest in deploy/, and two commits when `commits` (the second changes nothing the run reads). */
function folder(commits: boolean): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-revision-'));
  mkdirSync(path.join(dir, 'deploy'));
  writeFileSync(path.join(dir, 'deploy/redis.yaml'), manifest);
  if (commits) {
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'declare redis');
    writeFileSync(path.join(dir, 'README.md'), 'docs\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'docs');
  }
  return dir;
}

async function reportOf(args: string[], cwd: string): Promise<Record<string, unknown>> {
  const result = await runGitdiff(['kube', ...args, '--live-from', live, '-o', 'json'], { cwd });
  expect(result.code, result.stderr).toBe(1);
  return JSON.parse(result.stdout);
}

describe('the report says which commit the manifests were read at', () => {
  itGit("a work tree's HEAD, read from a subfolder as from the top", async () => {
    const dir = folder(true);
    const report = await reportOf(['deploy'], dir);
    expect(report.revision).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(reportProblems(report)).toEqual([]);
    expect(Object.keys(report).indexOf('revision')).toBe(Object.keys(report).indexOf('items') - 1);
    expect((await reportOf(['redis.yaml'], path.join(dir, 'deploy'))).revision).toBe(git(dir, 'rev-parse', 'HEAD'));
  });

  itGit('the commit --rev names, not HEAD', async () => {
    const dir = folder(true);
    const report = await reportOf(['deploy', '--rev', 'HEAD~1'], dir);
    expect(report.revision).toBe(git(dir, 'rev-parse', 'HEAD~1'));
  });

  itGit('none outside a repository, and none in a repository without a commit: the run goes on', async () => {
    const outside = folder(false);
    expect(await reportOf(['deploy'], outside)).not.toHaveProperty('revision');
    git(outside, 'init', '-q');
    expect(await reportOf(['deploy'], outside)).not.toHaveProperty('revision');
  });
});
