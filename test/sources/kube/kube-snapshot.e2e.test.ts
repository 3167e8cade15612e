// gitdiff kube end to end against saved snapshots (--live-from): the process as users run it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGitdiff } from '../../support/run-cli.js';

const example = ['kube', 'fixtures/example/manifests', '--live-from', 'fixtures/example/live.yaml'];

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'gitdiff-kube-'));
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('gitdiff kube --live-from', () => {
  it('prints the replicas difference of the built-in example and exits 1', async () => {
    const result = await runGitdiff(example);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('~ apps/v1 Deployment cache/redis (fixtures/example/manifests/redis.yaml:8)');
    expect(result.stdout).toMatch(/spec\.replicas: \(changed by kubectl at 2026-11-20 10:02 UTC\)\n-\s+3\n\+\s+4\n/);
    expect(result.stdout).toMatch(/^1 diverged, 3 in sync \(4 objects, \d+\.\d s\)$/m);
    expect(result.stderr).toBe('');
  });

  it('exits 0 and prints only the summary once the cluster matches', async () => {
    const dir = tempDir();
    const live = readFileSync('fixtures/example/live.yaml', 'utf8').replace('    replicas: 3\n    revisionHistoryLimit', '    replicas: 4\n    revisionHistoryLimit');
    const snapshot = write(dir, 'live.yaml', live);
    const result = await runGitdiff(['kube', 'fixtures/example/manifests', '--live-from', snapshot]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^4 in sync \(4 objects, \d+\.\d s\)$/);
  });

  it('lists in-sync objects with -v', async () => {
    const result = await runGitdiff([...example, '-v']);
    expect(result.stdout).toContain('= v1 Service cache/redis');
  });

  it('reports an object the snapshot lacks as missing (exit 1)', async () => {
    const dir = tempDir();
    write(dir, 'extra.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new-settings\n  namespace: cache\ndata:\n  a: "1"\n');
    const result = await runGitdiff(['kube', 'fixtures/example/manifests', dir, '--live-from', 'fixtures/example/live.yaml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('+ v1 ConfigMap cache/new-settings');
    expect(result.stdout).toContain('missing (not in the snapshot live.yaml)');
    expect(result.stdout).toMatch(/1 diverged, 1 missing, 3 in sync \(5 objects/);
  });

  it('writes the documented JSON report', async () => {
    const result = await runGitdiff([...example, '-o', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.source).toBe('kube');
    expect(report.summary).toMatchObject({ total: 4, inSync: 3, diverged: 1, missing: 0, errors: 0 });
    const deployment = report.items.find((item: { kind: string }) => item.kind === 'Deployment');
    expect(deployment).toMatchObject({ apiVersion: 'apps/v1', namespace: 'cache', name: 'redis', status: 'diverged', file: 'fixtures/example/manifests/redis.yaml' });
    expect(deployment.changes).toEqual([{ path: 'spec.replicas', declared: 4, live: 3, manager: 'kubectl', time: '2026-11-20T10:02:41Z' }]);
    const namespace = report.items.find((item: { kind: string }) => item.kind === 'Namespace');
    expect(namespace.namespace).toBeNull();
  });

  it('reads manifests from stdin', async () => {
    const result = await runGitdiff(['kube', '-', '--live-from', 'fixtures/example/live.yaml'], { input: readFileSync('fixtures/example/manifests/redis.yaml') });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('cache/redis ((stdin):8)');
  });

  it('reads the snapshot from stdin', async () => {
    const result = await runGitdiff(['kube', 'fixtures/example/manifests', '--live-from', '-'], { input: readFileSync('fixtures/example/live.yaml') });
    expect(result.code).toBe(1);
  });

  it('colors only when asked or on a terminal', async () => {
    const plain = await runGitdiff(example);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await runGitdiff(example, { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\u001b[31m-     3');
    const noColor = await runGitdiff([...example, '--no-color'], { env: { FORCE_COLOR: '1' } });
    expect(noColor.stdout).not.toContain('\u001b[');
  });

  it('never prints Secret values, in text or JSON, plain or base64', async () => {
    const dir = tempDir();
    write(dir, 'secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: app\nstringData:\n  password: declared-pa55word\n  user: admin-user\n');
    const live = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db', namespace: 'app', uid: 'u', resourceVersion: '1',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"password":"live-pa55word"}}' },
      },
      type: 'Opaque',
      data: { password: Buffer.from('live-pa55word').toString('base64'), user: Buffer.from('admin-user').toString('base64') },
    };
    const snapshot = write(dir, 'live.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [live] }));
    const manifests = path.join(dir, 'secret.yaml');
    for (const output of ['text', 'json']) {
      const result = await runGitdiff(['kube', manifests, '--live-from', snapshot, '-o', output, '-v', '--debug']);
      expect(result.code).toBe(1);
      const everything = result.stdout + result.stderr;
      for (const value of ['declared-pa55word', 'live-pa55word', 'admin-user']) {
        expect(everything).not.toContain(value);
        expect(everything).not.toContain(Buffer.from(value).toString('base64'));
      }
      expect(everything).toContain('stringData.password');
      expect(everything).not.toContain('stringData.user');
    }
  });

  it('finds cluster-scoped objects whatever -n says', async () => {
    const dir = tempDir();
    write(dir, 'role.yaml', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: ignored\nrules: []\n');
    const snapshot = write(dir, 'live.yaml', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  uid: x\nrules: null\n');
    const result = await runGitdiff(['kube', path.join(dir, 'role.yaml'), '-n', 'team-a', '--live-from', snapshot, '-v']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('= rbac.authorization.k8s.io/v1 ClusterRole reader');
  });

  it('uses -n for objects that name no namespace', async () => {
    const dir = tempDir();
    write(dir, 'cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n');
    const snapshot = write(dir, 'live.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: team-a\ndata:\n  k: v\n');
    expect((await runGitdiff(['kube', path.join(dir, 'cm.yaml'), '-n', 'team-a', '--live-from', snapshot])).code).toBe(0);
    expect((await runGitdiff(['kube', path.join(dir, 'cm.yaml'), '--live-from', snapshot])).code).toBe(1);
  });

  it('reads a namespaced snapshot object that names no namespace as in the default one (as kubectl apply would)', async () => {
    const dir = tempDir();
    write(dir, 'cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\ndata:\n  k: v\n');
    const snapshot = write(dir, 'live.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: changed\n');
    const result = await runGitdiff(['kube', path.join(dir, 'cm.yaml'), '--live-from', snapshot]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('~ v1 ConfigMap default/c');
    expect(result.stdout).toMatch(/data\.k:\n-\s+changed\n\+\s+v\n/);
    // With -n, the snapshot's unnamed namespace is that one.
    write(dir, 'cm-a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: changed\n');
    expect((await runGitdiff(['kube', path.join(dir, 'cm-a.yaml'), '-n', 'team-a', '--live-from', snapshot])).code).toBe(0);
  });
});

describe('gitdiff kube: bad input exits 2 with one clear line', () => {
  it.each([
    ['bad YAML', 'bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n', /^gitdiff: error: .*bad\.yaml:5:1: invalid YAML: .*\n  hint: /],
    ['not an object', 'scalar.yaml', 'hello\n', /^gitdiff: error: .*scalar\.yaml: not a Kubernetes object \(found a string\)\n/],
    ['no name', 'noname.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', /noname\.yaml: not a Kubernetes object: no metadata\.name/],
    ['declared twice', 'twice.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n', /v1 ConfigMap default\/a is declared twice: .*twice\.yaml:1 and .*twice\.yaml:6/],
  ])('%s', async (_name, file, text, stderr) => {
    const dir = tempDir();
    write(dir, file, text);
    const result = await runGitdiff(['kube', path.join(dir, file), '--live-from', 'fixtures/example/live.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(stderr);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.stdout).toBe('');
  });

  it('names a path that does not exist', async () => {
    const result = await runGitdiff(['kube', 'no/such/dir', '--live-from', 'fixtures/example/live.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('gitdiff: error: no/such/dir: no such file or directory');
  });

  it('refuses stdin for both inputs', async () => {
    const result = await runGitdiff(['kube', '-', '--live-from', '-']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("stdin ('-') can be the manifests or the snapshot, not both");
  });

  it('refuses an unknown output format and a bad timeout', async () => {
    expect((await runGitdiff([...example, '-o', 'yaml'])).code).toBe(2);
    const timeout = await runGitdiff([...example, '--request-timeout', 'soon']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--request-timeout: invalid duration "soon"');
  });

  it('says so when a folder holds no manifests', async () => {
    const dir = tempDir();
    write(dir, 'README.md', '# nothing here\n');
    const result = await runGitdiff(['kube', dir, '--live-from', 'fixtures/example/live.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no Kubernetes objects found in');
  });

  it('prints a stack trace only with --debug', async () => {
    const dir = tempDir();
    write(dir, 'bad.yaml', 'a: [\n');
    const result = await runGitdiff(['kube', path.join(dir, 'bad.yaml'), '--live-from', 'fixtures/example/live.yaml', '--debug']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});
