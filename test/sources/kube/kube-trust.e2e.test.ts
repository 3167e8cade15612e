// Truth under attack (issue 14), end to end: what a cluster, a snapshot or a
// file planted above the repository hands gitdiff must never buy a false
// "in sync". An autoscaler's target name is a name, not a pattern; a snapshot
// that repeats an object, or holds none of a kind, cannot say what is live;
// .gitdiff.yaml is the repository's own, names itself when it sets drift
// aside, and is read strictly.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGitdiff } from '../../support/run-cli.js';

const deployment = (name: string, replicas: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  replicas: ${replicas}\n`;
const autoscaler = (target: string, apiVersion = 'apps/v1') =>
  `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: sneaky\n  namespace: shop\nspec:\n  scaleTargetRef:\n    apiVersion: ${apiVersion}\n    kind: Deployment\n    name: "${target}"\n  maxReplicas: 10\n`;
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\ndata:\n  a: "${value}"\n`;
const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: shop\nstringData:\n  password: hunter2-do-not-print\n';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-trust-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('class 4: values from the cluster are never patterns', () => {
  it('an autoscaler targeting "*" does not silence the replicas of other Deployments', async () => {
    const dir = tree({ 'git.yaml': `${deployment('web', 2)}---\n${deployment('api', 2)}`, 'live.yaml': `${deployment('web', 9)}---\n${deployment('api', 9)}---\n${autoscaler('*')}` });
    const result = await runGitdiff(['kube', path.join(dir, 'git.yaml'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^2 diverged, 0 in sync \(2 objects, /m);
  });

  it('an autoscaler of another API group does not own an apps Deployment of the same name', async () => {
    const dir = tree({ 'git.yaml': deployment('web', 2), 'live.yaml': `${deployment('web', 9)}---\n${autoscaler('web', 'example.com/v1')}` });
    const result = await runGitdiff(['kube', path.join(dir, 'git.yaml'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(1);
  });

  it('an autoscaler naming the Deployment exactly still owns its replicas', async () => {
    const dir = tree({ 'git.yaml': deployment('web', 2), 'live.yaml': `${deployment('web', 9)}---\n${autoscaler('web')}` });
    const result = await runGitdiff(['kube', path.join(dir, 'git.yaml'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^1 in sync \(1 object, [\d.]+ s\); 1 difference ignored$/m);
  });
});

describe('class 7: a snapshot that cannot say what is live', () => {
  it('refuses an object the snapshot holds twice, naming both documents', async () => {
    const dir = tree({ 'git.yaml': configMap('settings', '1'), 'live.yaml': `${configMap('settings', '2')}---\n${configMap('settings', '1')}` });
    const result = await runGitdiff(['kube', path.join(dir, 'git.yaml'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^gitdiff: error: --live-from .*live\.yaml: v1 ConfigMap shop\/settings is in the snapshot twice: document 1 \(line 1\) and document 2 \(line 9\)$/m);
  });

  it('refuses a List that holds an object twice, naming both items', async () => {
    const item = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { a: '1' } };
    const dir = tree({ 'git.yaml': configMap('settings', '1'), 'live.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [item, { ...item, data: { a: '2' } }] }) });
    const result = await runGitdiff(['kube', path.join(dir, 'git.yaml'), '--live-from', path.join(dir, 'live.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is in the snapshot twice: items\[0\] and items\[1\]/);
  });

  it('does not check a kind the snapshot holds none of: exit 2 with the reason, other kinds still compared', async () => {
    const dir = tree({ 'git.yaml': `${configMap('settings', '1')}---\n${secret}`, 'live.yaml': configMap('settings', '1') });
    const result = await runGitdiff(['kube', path.join(dir, 'git.yaml'), '--live-from', path.join(dir, 'live.yaml'), '-o', 'json']);
    expect(result.code).toBe(2);
    const items = JSON.parse(result.stdout).items as { kind: string; status: string; error?: string; hint?: string }[];
    expect(items.find((item) => item.kind === 'ConfigMap')?.status).toBe('in-sync');
    const unchecked = items.find((item) => item.kind === 'Secret')!;
    expect(unchecked.status).toBe('error');
    expect(unchecked.error).toMatch(/^the snapshot .*live\.yaml holds no Secret objects: not checked$/);
    expect(unchecked.hint).toContain('include `secrets` in the `kubectl get`');
    expect(result.stderr).toMatch(/^gitdiff: error: v1 Secret shop\/creds: the snapshot .*live\.yaml holds no Secret objects/m);
    expect(`${result.stdout}${result.stderr}`).not.toContain('hunter2');
  });

  it('`kubectl get all` holds no ConfigMaps: they are not checked (exit 2), not missing', async () => {
    const dir = tree({ 'git.yaml': configMap('settings', '1'), 'live.yaml': `apiVersion: v1\nkind: List\nitems:\n- ${deployment('web', 2).trimEnd().replace(/\n/g, '\n  ')}\n` });
    const result = await runGitdiff(['kube', path.join(dir, 'git.yaml'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the snapshot .*live\.yaml holds no ConfigMap objects: not checked/);
  });

  it('a typed empty list (SecretList) says the kind was read: its objects are missing (exit 1)', async () => {
    const dir = tree({ 'git.yaml': secret, 'live.yaml': 'apiVersion: v1\nkind: SecretList\nitems: []\n' });
    const result = await runGitdiff(['kube', path.join(dir, 'git.yaml'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\+ v1 Secret shop\/creds .*missing \(not in the snapshot live\.yaml\)/m);
  });

  it('reads a List of Lists (several `kubectl get -o json` outputs in one List)', async () => {
    const list = (items: unknown[]) => ({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items });
    const item = (name: string, value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data: { a: value } });
    const dir = tree({ 'git.yaml': `${configMap('one', '1')}---\n${configMap('two', '2')}`, 'live.json': JSON.stringify(list([list([item('one', '1')]), list([item('two', '3')])])) });
    const result = await runGitdiff(['kube', path.join(dir, 'git.yaml'), '--live-from', path.join(dir, 'live.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^1 diverged, 1 in sync \(2 objects, /m);
  });
});

describe('class 9: .gitdiff.yaml belongs to the repository', () => {
  const ignoreAll = 'kube:\n  ignore:\n    - paths: ["*"]\n';

  it('does not read a .gitdiff.yaml planted above the repository', async () => {
    const dir = tree({ '.gitdiff.yaml': ignoreAll, 'repo/.git/HEAD': 'ref: refs/heads/main\n', 'repo/k8s/app.yaml': configMap('settings', '1'), 'live.yaml': configMap('settings', '2') });
    const result = await runGitdiff(['kube', path.join(dir, 'repo/k8s'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(1);
  });

  it('stops at a worktree root too (its .git is a file)', async () => {
    const dir = tree({ '.gitdiff.yaml': ignoreAll, 'wt/.git': 'gitdir: /elsewhere\n', 'wt/k8s/app.yaml': configMap('settings', '1'), 'live.yaml': configMap('settings', '2') });
    const result = await runGitdiff(['kube', path.join(dir, 'wt/k8s'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(1);
  });

  it('outside any repository, reads only the manifests\' own folder', async () => {
    const dir = tree({ '.gitdiff.yaml': ignoreAll, 'k8s/app.yaml': configMap('settings', '1'), 'live.yaml': configMap('settings', '2') });
    const result = await runGitdiff(['kube', path.join(dir, 'k8s'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(1);
  });

  it('reads the repository root\'s file, and names it on stderr when a rule from it set something aside', async () => {
    const dir = tree({ 'repo/.git/HEAD': 'ref: refs/heads/main\n', 'repo/.gitdiff.yaml': ignoreAll, 'repo/k8s/app.yaml': configMap('settings', '1'), 'live.yaml': configMap('settings', '2') });
    const args = ['kube', path.join(dir, 'repo/k8s'), '--live-from', path.join(dir, 'live.yaml')];
    const result = await runGitdiff(args);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(path.join(dir, 'repo/.gitdiff.yaml'));
    const unused = await runGitdiff(['kube', path.join(dir, 'repo/k8s'), '--live-from', path.join(dir, 'repo/k8s/app.yaml')]);
    expect(unused.code).toBe(0);
    expect(unused.stderr).toBe('');
  });

  it.each([
    ['at the top', 'kube: {}\nkub:\n  ignore: []\n', /unknown field kub/],
    ['under kube', 'kube:\n  ignoreHPAReplicas: false\n', /`kube` has unknown field ignoreHPAReplicas/],
  ])('stops the run on an unknown key %s (exit 2)', async (_where, text, error) => {
    const dir = tree({ 'k8s/.gitdiff.yaml': text, 'k8s/app.yaml': configMap('settings', '1'), 'live.yaml': configMap('settings', '1') });
    const result = await runGitdiff(['kube', path.join(dir, 'k8s'), '--live-from', path.join(dir, 'live.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(error);
    expect(result.stderr).toContain('.gitdiff.yaml');
  });
});
