// gitdiff kube -k: a kustomization rendered by the real `kubectl kustomize`, then compared.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { itWith } from '../../support/binaries.js';
import { repoRoot, runGitdiff } from '../../support/run-cli.js';

const itKubectl = itWith(['kubectl'], 'apt-get install kubernetes-client, or kubectl from the Kubernetes package repository');
const live = path.join(repoRoot, 'fixtures/example/live.yaml');

/**
 * base/ holds the built-in example; overlays/prod scales it to what the cluster runs (3) and,
 * unless `image` is false, moves the image to 7.4. Written with `bases` and
 * `patchesStrategicMerge`, which both the kustomize in current kubectl (v5, with a deprecation
 * warning) and the one in Debian's kubernetes-client (v2.0) build.
 */
function kustomizeTree({ image = true } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-kustomize-'));
  mkdirSync(path.join(dir, 'base'));
  cpSync(path.join(repoRoot, 'fixtures/example/manifests/redis.yaml'), path.join(dir, 'base/redis.yaml'));
  writeFileSync(path.join(dir, 'base/kustomization.yaml'), 'resources:\n  - redis.yaml\n');
  mkdirSync(path.join(dir, 'overlays/prod'), { recursive: true });
  const images = image ? 'images:\n  - name: redis\n    newTag: "7.4"\n' : '';
  writeFileSync(path.join(dir, 'overlays/prod/kustomization.yaml'), `bases:\n  - ../../base\n${images}patchesStrategicMerge:\n  - replicas.yaml\n`);
  writeFileSync(path.join(dir, 'overlays/prod/replicas.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: redis\n  namespace: cache\nspec:\n  replicas: 3\n');
  return dir;
}

describe('gitdiff kube -k (kustomize)', () => {
  itKubectl('compares what the kustomization renders, pointing back at it', async () => {
    const dir = kustomizeTree();
    const result = await runGitdiff(['kube', '-k', 'overlays/prod/', '--live-from', live], { cwd: dir });
    expect(result.code).toBe(1);
    // The overlay's replicas match the cluster; its image tag does not.
    expect(result.stdout).toContain(
      '~ apps/v1 Deployment cache/redis (overlays/prod (kustomize))\n' +
        '    spec.template.spec.containers[name=redis].image: (changed by kubectl-client-side-apply at 2026-11-02 09:14 UTC)\n-     redis:7.2\n+     redis:7.4\n',
    );
    expect(result.stdout).not.toContain('spec.replicas');
    expect(result.stdout).toMatch(/^1 diverged, 3 in sync \(4 objects, /m);
    expect(result.stderr).toBe('');
  });

  itKubectl('reports the kustomization, without a line, in JSON and GitHub annotations', async () => {
    const dir = kustomizeTree();
    const json = JSON.parse((await runGitdiff(['kube', '-k', 'overlays/prod', '--live-from', live, '-o', 'json'], { cwd: dir })).stdout);
    const deployment = json.items.find((item: { kind: string }) => item.kind === 'Deployment');
    expect(deployment).toMatchObject({ file: 'overlays/prod (kustomize)', status: 'diverged' });
    expect(deployment.line).toBeUndefined();
    const github = await runGitdiff(['kube', '-k', 'overlays/prod', '--live-from', live, '-o', 'github'], { cwd: dir });
    expect(github.stdout).toContain('::error file=overlays/prod (kustomize),title=apps/v1 Deployment cache/redis%3A diverged::');
  });

  itKubectl('exits 0 when the rendered objects match', async () => {
    const dir = kustomizeTree({ image: false });
    const result = await runGitdiff(['kube', '-k', 'overlays/prod', '--live-from', live, '--summary'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^4 in sync \(4 objects, /);
  });

  itKubectl('takes manifest paths beside kustomizations, and refuses an object declared by both', async () => {
    const dir = kustomizeTree();
    const result = await runGitdiff(['kube', 'base/redis.yaml', '-k', 'overlays/prod', '--live-from', live], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'gitdiff: error: v1 Namespace cache is declared twice: base/redis.yaml:3 and overlays/prod (kustomize)\n  hint: keep one declaration of each object\n',
    );
  });

  itKubectl('says why kustomize failed, in one line, and exits 2', async () => {
    const dir = kustomizeTree();
    writeFileSync(path.join(dir, 'overlays/prod/kustomization.yaml'), 'bases:\n  - ../../nowhere\n');
    const result = await runGitdiff(['kube', '-k', 'overlays/prod', '--live-from', live], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^gitdiff: error: -k overlays\/prod: kubectl kustomize failed: .*nowhere/);
    expect(lines[1]).toBe('  hint: run `kubectl kustomize overlays/prod` to see its full output');
  });

  itKubectl('points a kustomization met in a manifest folder to -k', async () => {
    const dir = kustomizeTree();
    const result = await runGitdiff(['kube', 'base', '--live-from', live], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('hint: it is a kustomization: render it with -k base');
  });

  it('names a folder that is not there, before running anything', async () => {
    const result = await runGitdiff(['kube', '-k', 'no/such/overlay', '--live-from', live], { cwd: os.tmpdir() });
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'gitdiff: error: -k no/such/overlay: no such directory\n  hint: name the folder that holds kustomization.yaml\n' });
  });

  it('says how to get kubectl when it is not installed', async () => {
    const dir = kustomizeTree();
    const emptyBin = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-nobin-'));
    const result = await runGitdiff(['kube', '-k', 'overlays/prod', '--live-from', live], { cwd: dir, env: { PATH: emptyBin } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: kubectl: not found on PATH\n {2}hint: install kubectl/);
  });
});
