import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyIgnoreRules, parseIgnoreFlag, type IgnoreRule } from '../../../src/sources/kube/ignore.js';
import { findIgnoreFile, readIgnoreFile } from '../../../src/sources/kube/ignore-file.js';
import { autoscalerRules } from '../../../src/sources/kube/autoscalers.js';
import type { KubeObject } from '../../../src/sources/kube/objects.js';

const web = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web-1' };

describe('applyIgnoreRules', () => {
  it.each<[string, IgnoreRule, string, boolean]>([
    ['an exact path', { paths: ['spec.replicas'], origin: 'r', source: 'flag' }, 'spec.replicas', true],
    ['everything under a path', { paths: ['spec.template'], origin: 'r', source: 'flag' }, 'spec.template.spec.containers[name=a].image', true],
    ['a keyed item and under it', { paths: ['spec.template.spec.containers[name=istio-proxy]'], origin: 'r', source: 'flag' }, 'spec.template.spec.containers[name=istio-proxy].image', true],
    ['not a sibling with the same prefix', { paths: ['spec.replica'], origin: 'r', source: 'flag' }, 'spec.replicas', false],
    ['a quoted annotation', { paths: ['metadata.annotations["sidecar.istio.io/status"]'], origin: 'r', source: 'flag' }, 'metadata.annotations["sidecar.istio.io/status"]', true],
    ['a glob in the path', { paths: ['metadata.annotations["sidecar.istio.io/*"]'], origin: 'r', source: 'flag' }, 'metadata.annotations["sidecar.istio.io/status"]', true],
    ['by kind and name glob', { kind: 'Deployment', name: 'web-*', paths: ['spec.replicas'], origin: 'r', source: 'flag' }, 'spec.replicas', true],
    ['not another kind', { kind: 'StatefulSet', paths: ['spec.replicas'], origin: 'r', source: 'flag' }, 'spec.replicas', false],
    ['not another namespace', { namespace: 'other', paths: ['spec.replicas'], origin: 'r', source: 'flag' }, 'spec.replicas', false],
    ['by field manager', { managers: ['vpa-*'], origin: 'r', source: 'flag' }, 'spec.template.spec.containers[name=a].resources.requests.cpu', true],
  ])('%s', (_name, rule, changePath, ignored) => {
    const change = { path: changePath, declared: 1, live: 2, manager: 'vpa-recommender' };
    const result = applyIgnoreRules(web, [change], [rule]);
    expect(result.ignored.length).toBe(ignored ? 1 : 0);
    expect(result.changes.length).toBe(ignored ? 0 : 1);
    if (ignored) expect(result.ignored[0].note).toBe('r');
  });

  it('parses --ignore KIND:PATH and rejects other shapes', () => {
    expect(parseIgnoreFlag('Deployment:spec.replicas')).toEqual({ kind: 'Deployment', paths: ['spec.replicas'], origin: '--ignore Deployment:spec.replicas', source: 'flag' });
    expect(parseIgnoreFlag('*:metadata.annotations["a/b"]')?.paths).toEqual(['metadata.annotations["a/b"]']);
    expect(parseIgnoreFlag('spec.replicas')).toBeUndefined();
    expect(parseIgnoreFlag(':spec')).toBeUndefined();
  });
});

describe('.gitdiff.yaml', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-config-'));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('is found beside the manifests or in a parent folder of the repository', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-find-'));
    mkdirSync(path.join(root, 'apps/web'), { recursive: true });
    mkdirSync(path.join(root, '.git'));
    writeFileSync(path.join(root, '.gitdiff.yaml'), 'kube: {}\n');
    expect(findIgnoreFile(['apps/web'], root)).toBe(path.join(root, '.gitdiff.yaml'));
  });

  // Where the search stops: the repository root (`.git` folder or worktree file); outside one, the manifests' folder.
  it.each([
    ['above a repository', { 'top/.gitdiff.yaml': '', 'top/repo/.git/HEAD': '', 'top/repo/k8s/a.yaml': '' }, 'top/repo/k8s', undefined],
    ['above a worktree', { 'top/.gitdiff.yaml': '', 'top/wt/.git': 'gitdir: x', 'top/wt/k8s/a.yaml': '' }, 'top/wt/k8s/a.yaml', undefined],
    ['at a worktree root', { 'wt/.gitdiff.yaml': '', 'wt/.git': 'gitdir: x', 'wt/k8s/a.yaml': '' }, 'wt/k8s/a.yaml', 'wt/.gitdiff.yaml'],
    ['the nearest inside the repository', { 'repo/.gitdiff.yaml': '', 'repo/k8s/.gitdiff.yaml': '', 'repo/.git/HEAD': '', 'repo/k8s/a.yaml': '' }, 'repo/k8s', 'repo/k8s/.gitdiff.yaml'],
    ['outside a repository, in a parent', { '.gitdiff.yaml': '', 'k8s/a.yaml': '' }, 'k8s', undefined],
    ['outside a repository, beside the manifests', { 'k8s/.gitdiff.yaml': '', 'k8s/a.yaml': '' }, 'k8s/a.yaml', 'k8s/.gitdiff.yaml'],
  ])('%s', (_name, files: Record<string, string>, given, expected) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-find-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      writeFileSync(path.join(root, name), text);
    }
    expect(findIgnoreFile([given], root)).toBe(expected && path.join(root, expected));
  });

  it('reads rules with their origin', () => {
    const file = write('ok.yaml', 'kube:\n  ignoreHpaReplicas: false\n  ignore:\n    - kind: Deployment\n      paths: [spec.replicas]\n    - managers: [vpa-recommender]\n');
    const config = readIgnoreFile(file);
    expect(config.ignoreHpaReplicas).toBe(false);
    expect(config.ignore).toEqual([
      expect.objectContaining({ kind: 'Deployment', paths: ['spec.replicas'], origin: 'ok.yaml rule 1' }),
      expect.objectContaining({ managers: ['vpa-recommender'], origin: 'ok.yaml rule 2' }),
    ]);
  });

  it.each([
    ['a rule that ignores nothing', 'kube:\n  ignore:\n    - kind: Deployment\n', /rule 1 ignores nothing/],
    ['an unknown field', 'kube:\n  ignore:\n    - kind: Deployment\n      path: spec.replicas\n', /unknown field path/],
    ['paths that are not a list', 'kube:\n  ignore:\n    - paths: spec.replicas\n', /paths must be a list of strings/],
    ['bad YAML', 'kube: [\n', /config .*: /],
    ['a non-boolean switch', 'kube:\n  ignoreHpaReplicas: maybe\n', /must be true or false/],
    ['an unknown top-level key', 'kube: {}\nterraform: {}\n', /the file has unknown field terraform \(known: kube\)/],
    ['an unknown key under kube', 'kube:\n  ignores: []\n', /`kube` has unknown field ignores/],
    ['a __proto__ key', 'kube:\n  __proto__: {ignore: []}\n', /`kube` has unknown field __proto__/],
  ])('rejects %s with a message naming the file', (_name, text, message) => {
    const file = write('bad.yaml', text);
    expect(() => readIgnoreFile(file)).toThrow(message);
    expect(() => readIgnoreFile(file)).toThrow(/bad\.yaml/);
  });
});

describe('autoscalerRules', () => {
  const hpa = (namespace: string | undefined, kind: string, name: string): KubeObject => ({
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: `${name}-hpa`, ...(namespace ? { namespace } : {}) },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind, name }, minReplicas: 2, maxReplicas: 5 },
  });

  it('ignores spec.replicas of what an autoscaler scales, once per target', () => {
    const rules = autoscalerRules([hpa('shop', 'Deployment', 'web'), hpa('shop', 'Deployment', 'web'), hpa(undefined, 'StatefulSet', 'db')], 'default');
    expect(rules.map((rule) => [rule.target, rule.paths])).toEqual([
      [{ group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' }, ['spec.replicas']],
      [{ group: 'apps', kind: 'StatefulSet', namespace: 'default', name: 'db' }, ['spec.replicas']],
    ]);
    expect(rules[0].origin).toBe('scaled by HorizontalPodAutoscaler shop/web-hpa; --no-ignore-hpa-replicas compares it');
  });

  it('ignores autoscalers of other kinds', () => {
    expect(autoscalerRules([hpa('shop', 'Rollout', 'web')], 'default')).toEqual([]);
  });

  // A target name from the cluster is a name: `*`, `web-*` or `[a-z]*` reach no other object.
  it.each(['*', 'w*', '*eb', '.*', 'web*'])('a target named %j sets aside only an object of exactly that name', (name) => {
    const rules = autoscalerRules([hpa('shop', 'Deployment', name)], 'default');
    const changes = [{ path: 'spec.replicas', declared: 2, live: 9 }];
    const web = applyIgnoreRules({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }, changes, rules);
    expect(web.changes).toEqual(changes);
    const exact = applyIgnoreRules({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name }, changes, rules);
    expect(exact.ignored).toHaveLength(1);
  });

  it('matches the group of scaleTargetRef.apiVersion, not only the kind', () => {
    const other = { ...hpa('shop', 'Deployment', 'web'), spec: { scaleTargetRef: { apiVersion: 'example.com/v1', kind: 'Deployment', name: 'web' } } };
    const rules = autoscalerRules([other], 'default');
    const changes = [{ path: 'spec.replicas', declared: 2, live: 9 }];
    expect(applyIgnoreRules({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }, changes, rules).changes).toEqual(changes);
    expect(applyIgnoreRules({ apiVersion: 'example.com/v2', kind: 'Deployment', namespace: 'shop', name: 'web' }, changes, rules).ignored).toHaveLength(1);
  });
});
