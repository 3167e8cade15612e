// gitdiff kube --rev: manifests as a commit has them, read with the real git, working tree untouched.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { itWith } from '../../support/binaries.js';
import { repoRoot, runGitdiff } from '../../support/run-cli.js';

const itGit = itWith(['git'], 'apt-get install git');
const live = path.join(repoRoot, 'fixtures/example/live.yaml');
const manifest = readFileSync(path.join(repoRoot, 'fixtures/example/manifests/redis.yaml'), 'utf8');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=gitdiff tests', '-c', 'user.email=tests@gitdiff.invalid', ...args], { cwd, encoding: 'utf8' });
}

/**
 * A repository whose commit declares the example (replicas: 4, the cluster runs 3),
 * with files the folder walk must skip, and a working tree changed after it.
 */
function repository(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-rev-'));
  git(dir, 'init', '-q');
  mkdirSync(path.join(dir, 'deploy/.github'), { recursive: true });
  writeFileSync(path.join(dir, 'deploy/redis.yaml'), manifest);
  writeFileSync(path.join(dir, 'deploy/README.md'), 'not a manifest\n');
  writeFileSync(path.join(dir, 'deploy/.github/workflow.yaml'), 'on: push\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'declare redis');
  // Working tree: someone matched the cluster locally and added an uncommitted object.
  writeFileSync(path.join(dir, 'deploy/redis.yaml'), manifest.replace('replicas: 4', 'replicas: 3'));
  writeFileSync(path.join(dir, 'deploy/new.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: new, namespace: cache}\n');
  return dir;
}

describe('gitdiff kube --rev', () => {
  itGit('compares the committed manifests, not the working tree', async () => {
    const dir = repository();
    const atHead = await runGitdiff(['kube', 'deploy', '--rev', 'HEAD', '--live-from', live], { cwd: dir });
    expect(atHead.code).toBe(1);
    expect(atHead.stdout).toContain('~ apps/v1 Deployment cache/redis (deploy/redis.yaml:8)\n    spec.replicas:');
    expect(atHead.stdout).not.toContain('ConfigMap cache/new');
    const commit = git(dir, 'rev-parse', 'HEAD').trim();
    expect(atHead.stdout).toContain(`note: manifests read at Git revision HEAD (${commit.slice(0, 12)}), not from the working tree`);
    expect(atHead.stdout).toMatch(/^1 diverged, 3 in sync \(4 objects, /m);

    // The working tree itself matches the cluster except for the uncommitted ConfigMap.
    const workingTree = await runGitdiff(['kube', 'deploy', '--live-from', live, '--summary'], { cwd: dir });
    expect(workingTree.stdout).toMatch(/^1 missing, 4 in sync \(5 objects, /);
    expect(git(dir, 'status', '--porcelain')).toBe(' M deploy/redis.yaml\n?? deploy/new.yaml\n');
  });

  itGit('reads files deleted from the working tree, from a subfolder, at an older revision', async () => {
    const dir = repository();
    git(dir, 'commit', '-q', '-am', 'scale to 3');
    rmSync(path.join(dir, 'deploy/redis.yaml'));
    const older = await runGitdiff(['kube', '.', '--rev', 'HEAD~1', '--live-from', live, '-o', 'json'], { cwd: path.join(dir, 'deploy') });
    expect(older.code).toBe(1);
    const report = JSON.parse(older.stdout);
    expect(report.items.map((item: { file: string; line: number }) => `${item.file}:${item.line}`)).toEqual(['redis.yaml:3', 'redis.yaml:8', 'redis.yaml:37', 'redis.yaml:49']);
    const latest = await runGitdiff(['kube', 'redis.yaml', '--rev', 'HEAD', '--live-from', live], { cwd: path.join(dir, 'deploy') });
    expect(latest.code).toBe(0);
  });

  // A loop, not it.each: itWith's stand-in for a missing binary has no .each.
  const refusals: [string[], string][] = [
    [['deploy', '--rev', 'no-such-branch'], 'gitdiff: error: --rev no-such-branch: no such commit in this repository'],
    [['nowhere', '--rev', 'HEAD'], 'gitdiff: error: nowhere: not in HEAD'],
    [['deploy/README.md', '--rev', 'HEAD'], 'gitdiff: error: deploy/README.md: not a Kubernetes object'],
    [[os.tmpdir(), '--rev', 'HEAD'], `gitdiff: error: ${os.tmpdir()}: outside the Git repository`],
    [['-', '--rev', 'HEAD'], "gitdiff: error: --rev reads files from Git: stdin ('-') has no revision"],
    [['deploy', '--rev', '--help'], 'gitdiff: error: --rev "--help": not a revision'],
    [['-k', 'deploy', '--rev', 'HEAD'], 'gitdiff: error: --rev does not combine with -k'],
  ];
  for (const [args, message] of refusals) {
    itGit(`refuses ${JSON.stringify(args)} with one line (exit 2)`, async () => {
      const dir = repository();
      const result = await runGitdiff(['kube', ...args, '--live-from', live], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith(message)).toBe(true);
    });
  }

  itGit('says so when the folder is not in a Git repository', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-norepo-'));
    cpSync(path.join(repoRoot, 'fixtures/example/manifests'), dir, { recursive: true });
    const result = await runGitdiff(['kube', '.', '--rev', 'HEAD', '--live-from', live], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: os.tmpdir() } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: --rev HEAD: git rev-parse: not a git repository/);
  });
});
