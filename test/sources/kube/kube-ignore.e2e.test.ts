// Ignore rules end to end: .gitdiff.yaml, --ignore, and the autoscaler rule.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGitdiff } from '../../support/run-cli.js';

const deployment = (replicas: number, image = 'web:1') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: ${replicas}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;
const hpa = 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  minReplicas: 2\n  maxReplicas: 10\n';

function setup(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-ignore-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('gitdiff kube ignore rules', () => {
  it('sets aside replicas owned by a live autoscaler, counts it, and lists it with -v', async () => {
    const dir = setup({ 'web.yaml': deployment(2), 'live.yaml': `${deployment(7)}---\n${hpa}` });
    const result = await runGitdiff(['kube', path.join(dir, 'web.yaml'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^1 in sync \(1 object, [\d.]+ s\); 1 difference ignored$/m);
    const verbose = await runGitdiff(['kube', path.join(dir, 'web.yaml'), '--live-from', path.join(dir, 'live.yaml'), '-v']);
    expect(verbose.stdout).toContain('ignored: spec.replicas (scaled by HorizontalPodAutoscaler shop/web; --no-ignore-hpa-replicas compares it)');
    const compared = await runGitdiff(['kube', path.join(dir, 'web.yaml'), '--live-from', path.join(dir, 'live.yaml'), '--no-ignore-hpa-replicas']);
    expect(compared.code).toBe(1);
  });

  it('sets aside replicas owned by an autoscaler declared in Git, but not other differences', async () => {
    const dir = setup({ 'web.yaml': `${deployment(2, 'web:2')}---\n${hpa}`, 'live.yaml': `${deployment(7)}---\n${hpa}` });
    const result = await runGitdiff(['kube', path.join(dir, 'web.yaml'), '--live-from', path.join(dir, 'live.yaml'), '-o', 'json']);
    expect(result.code).toBe(1);
    const item = JSON.parse(result.stdout).items[0];
    expect(item.changes.map((change: { path: string }) => change.path)).toEqual(['spec.template.spec.containers[name=web].image']);
    expect(item.ignored.map((change: { path: string }) => change.path)).toEqual(['spec.replicas']);
  });

  it('applies .gitdiff.yaml found beside the manifests', async () => {
    const dir = setup({
      'web.yaml': deployment(2, 'web:2'),
      'live.yaml': deployment(3),
      '.gitdiff.yaml': 'kube:\n  ignore:\n    - kind: Deployment\n      name: "w*"\n      paths: [spec.replicas, "spec.template.spec.containers[name=web].image"]\n',
    });
    const result = await runGitdiff(['kube', path.join(dir, 'web.yaml'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('; 2 differences ignored');
  });

  it('applies --ignore KIND:PATH', async () => {
    const dir = setup({ 'web.yaml': deployment(2), 'live.yaml': deployment(3) });
    const args = ['kube', path.join(dir, 'web.yaml'), '--live-from', path.join(dir, 'live.yaml')];
    expect((await runGitdiff(args)).code).toBe(1);
    expect((await runGitdiff([...args, '--ignore', 'Deployment:spec.replicas'])).code).toBe(0);
    expect((await runGitdiff([...args, '--ignore', 'Service:spec.replicas'])).code).toBe(1);
    const bad = await runGitdiff([...args, '--ignore', 'spec.replicas']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--ignore spec.replicas: expected KIND:PATH');
  });

  it('rejects a broken config file with its name', async () => {
    const dir = setup({ 'web.yaml': deployment(2), 'live.yaml': deployment(2), 'rules.yaml': 'kube:\n  ignore:\n    - kind: Deployment\n' });
    const result = await runGitdiff(['kube', path.join(dir, 'web.yaml'), '--live-from', path.join(dir, 'live.yaml'), '--config', path.join(dir, 'rules.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/config .*rules\.yaml: rules\.yaml rule 1 ignores nothing/);
  });
});
