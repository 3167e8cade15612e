import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../../../src/sources/kube/selector.js';
import { pruneKinds } from '../../../src/sources/kube/orphans.js';
import { runGitdiff } from '../../support/run-cli.js';

describe('parseLabelSelector', () => {
  const labels = { app: 'web', tier: 'front', env: 'prod' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['env in (prod,staging)', true],
    ['env notin (prod)', false],
    ['tier', true],
    ['!tier', false],
    ['!legacy', true],
    ['app=web,env in (prod, qa),!legacy', true],
    ['app=web,tier=back', false],
  ])('%s -> %s', (selector, matches) => {
    expect(parseLabelSelector(selector)(labels)).toBe(matches);
  });

  it('rejects what kubectl would reject', () => {
    expect(() => parseLabelSelector('a b c')).toThrow(/invalid label selector/);
  });
});

describe('pruneKinds', () => {
  const declared = [{ object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' } }, file: 'f', line: 1 }];
  it('defaults to the declared kinds and resolves names', () => {
    expect(pruneKinds(declared, undefined)).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment' }]);
    expect(pruneKinds(declared, ['ConfigMap', 'monitoring.coreos.com/v1/ServiceMonitor'])).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
    ]);
    expect(() => pruneKinds(declared, ['Widget'])).toThrow(/--prune-kinds Widget: unknown kind/);
  });
});

describe('gitdiff kube --prune-selector (snapshot)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-orphans-'));
  const managed = '{app.kubernetes.io/managed-by: gitops}';
  writeFileSync(path.join(dir, 'm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  namespace: shop\n  labels: ${managed}\n`);
  writeFileSync(path.join(dir, 'live.yaml'), [
    `{apiVersion: v1, kind: ConfigMap, metadata: {name: keep, namespace: shop, labels: ${managed}}}`,
    `{apiVersion: v1, kind: ConfigMap, metadata: {name: old, namespace: shop, labels: ${managed}}, data: {x: y}}`,
    '{apiVersion: v1, kind: ConfigMap, metadata: {name: not-ours, namespace: shop}}',
    `{apiVersion: v1, kind: ConfigMap, metadata: {name: elsewhere, namespace: other, labels: ${managed}}}`,
    `{apiVersion: v1, kind: Secret, metadata: {name: old-secret, namespace: shop, labels: ${managed}}, data: {token: c3VwZXItc2VjcmV0LXRva2Vu}}`,
  ].join('\n---\n'));
  const base = ['kube', path.join(dir, 'm.yaml'), '--live-from', path.join(dir, 'live.yaml'), '--prune-selector', 'app.kubernetes.io/managed-by=gitops'];

  it('reports live objects with the label that Git does not declare, in the declared namespaces', async () => {
    const result = await runGitdiff([...base, '-o', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.items.filter((item: { status: string }) => item.status === 'extra').map((item: { name: string }) => item.name)).toEqual(['old']);
  });

  it('searches every namespace with -A, and other kinds with --prune-kinds, never printing Secret data', async () => {
    const result = await runGitdiff([...base, '-A', '--prune-kinds', 'ConfigMap,Secret']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('- v1 ConfigMap shop/old: not declared');
    expect(result.stdout).toContain('- v1 ConfigMap other/elsewhere: not declared');
    expect(result.stdout).toContain('- v1 Secret shop/old-secret: not declared');
    expect(result.stdout).not.toContain('c3VwZXItc2VjcmV0LXRva2Vu');
    expect(result.stdout).toMatch(/3 extra, 1 in sync \(4 objects/);
  });

  it('a prune kind the snapshot holds none of is not "no orphans": exit 2, naming the kind and how to save it', async () => {
    const result = await runGitdiff([...base, '--prune-kinds', 'ConfigMap,ServiceAccount']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: looking for orphaned ServiceAccount objects: the snapshot .*live\.yaml holds no ServiceAccount objects: not checked$/m);
    expect(result.stderr).toContain('include `serviceaccounts` in the `kubectl get`');
    expect(result.stdout).toContain('- v1 ConfigMap shop/old: not declared');
  });

  it('needs --prune-selector for -A', async () => {
    const result = await runGitdiff(['kube', path.join(dir, 'm.yaml'), '--live-from', path.join(dir, 'live.yaml'), '-A']);
    expect(result.code).toBe(2);
  });
});
