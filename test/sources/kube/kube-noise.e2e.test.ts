// Issue 15's kube dead ends, end to end through bin/gitdiff: a cluster that
// cannot be reached is one run-level error in every format (not one per object,
// and no autoscaler note from a cluster never reached); an object with
// metadata.generateName is set aside, shown and counted, while the rest is
// compared; a declared Secret whose data is not base64 stops the run naming the
// file, the object and the key, never the value.
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGitdiff } from '../../support/run-cli.js';
import { startKubeApiServer, type KubeApiServer } from '../../../tools/kube-api-server/index.js';
import { revealingForms } from '../../reliability/secret-values.js';

const MANIFESTS = 'fixtures/example/manifests';
const OBJECTS = 4;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-noise-'));
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function kubeconfigFor(server: string): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.kubeconfig`);
  writeFileSync(file, [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: c, cluster: {server: "${server}"}}]`,
    'contexts: [{name: nowhere, context: {cluster: c, user: u}}]',
    'current-context: nowhere',
    'users: [{name: u, user: {}}]',
    '',
  ].join('\n'));
  return file;
}

/** Occurrences of `pattern` in `text`. */
const count = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern.source, `${pattern.flags}g`))?.length ?? 0;

describe('a cluster that cannot be reached at all is one run-level error, in every format', () => {
  let refused: string;
  let url: string;
  beforeAll(async () => {
    url = `http://127.0.0.1:${await closedPort()}`;
    refused = kubeconfigFor(url);
  });
  const run = (format: string) => runGitdiff(['kube', MANIFESTS, '--kubeconfig', refused, '-o', format, '--request-timeout', '2s']);
  const cause = /cannot reach server http:\/\/127\.0\.0\.1:\d+: connection refused/;

  it('text: the cause once, each object listed as not checked without it, the count in the summary', async () => {
    const result = await run('text');
    expect(result.code).toBe(2);
    expect(count(result.stdout, cause)).toBe(1);
    expect(count(result.stdout, /^\? .*: unchecked \(the server was not reached\)$/m)).toBe(OBJECTS);
    expect(result.stdout).toMatch(new RegExp(`^${OBJECTS} unchecked, 1 error, 0 in sync \\(${OBJECTS} objects, `, 'm'));
    expect(result.stdout).not.toMatch(/HorizontalPodAutoscaler/);
    // stderr repeats the run's error once, with its hint once.
    expect(count(result.stderr, /^gitdiff: error: /m)).toBe(1);
    expect(count(result.stderr, /^ {2}hint: /m)).toBe(1);
    expect(result.stderr).toMatch(cause);
  });

  it('json: one entry in errors, every object unchecked with no copy of the cause, no notes', async () => {
    const result = await run('json');
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0].message).toMatch(cause);
    expect(report.errors[0].hint).toBeTruthy();
    expect(report.items).toHaveLength(OBJECTS);
    for (const item of report.items) {
      expect(item.status).toBe('unchecked');
      expect(item.error).toBe('the server was not reached');
      expect(item.hint).toBeUndefined();
    }
    expect(report.summary).toMatchObject({ total: OBJECTS, unchecked: OBJECTS, errors: 1, inSync: 0 });
    expect(report.notes).toEqual([]);
    expect(count(result.stdout, cause)).toBe(1);
  });

  it('junit: one error testcase, the objects skipped', async () => {
    const result = await run('junit');
    expect(result.code).toBe(2);
    expect(count(result.stdout, /<error /)).toBe(1);
    expect(count(result.stdout, /<skipped /)).toBe(OBJECTS);
    expect(count(result.stdout, /<testcase /)).toBe(OBJECTS + 1);
    expect(result.stdout).toMatch(/<testsuite [^>]*errors="1" skipped="4"/);
    expect(count(result.stdout, cause)).toBe(1);
    expect(result.stdout).not.toMatch(/HorizontalPodAutoscaler/);
  });

  it('github: one ::error annotation, a warning per unchecked object that does not repeat the cause', async () => {
    const result = await run('github');
    expect(result.code).toBe(2);
    expect(count(result.stdout, /^::error /m)).toBe(1);
    expect(count(result.stdout, /^::warning file=fixtures\/example\/manifests\/redis\.yaml,line=\d+,.*::unchecked \(the server was not reached\)$/m)).toBe(OBJECTS);
    expect(count(result.stdout, cause)).toBe(1);
    expect(result.stdout).not.toMatch(/HorizontalPodAutoscaler/);
  });

  it('markdown: one run error, the objects counted as unchecked', async () => {
    const result = await run('markdown');
    expect(result.code).toBe(2);
    expect(count(result.stdout, /\*\*run error\*\*/)).toBe(1);
    expect(count(result.stdout, cause)).toBe(1);
    expect(result.stdout).toMatch(/\| unchecked \| 4 \|/);
    expect(result.stdout).not.toMatch(/HorizontalPodAutoscaler/);
  });

  it('rejected credentials (401 on discovery) are the same one error', async () => {
    const guarded = await startKubeApiServer({ objects: [], token: 'right-token', tls: true });
    try {
      const wrong = guarded.writeKubeconfig(mkdtempSync(path.join(os.tmpdir(), 'gitdiff-kc-')), { token: 'wrong-token' });
      const result = await runGitdiff(['kube', MANIFESTS, '--kubeconfig', wrong, '-o', 'json']);
      expect(result.code).toBe(2);
      const report = JSON.parse(result.stdout);
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0].message).toMatch(/unauthorized \(401\)/);
      expect(report.items.map((item: { status: string }) => item.status)).toEqual(Array(OBJECTS).fill('unchecked'));
      expect(count(result.stderr, /^gitdiff: error: /m)).toBe(1);
    } finally {
      await guarded.close();
    }
  });
});

describe('a cluster reached for some kinds only keeps its errors per object', () => {
  let server: KubeApiServer;
  beforeAll(async () => {
    server = await startKubeApiServer({ objects: [] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a failing group-version fails its own objects, the others are compared', async () => {
    server.addFault({ path: /^\/apis\/apps\/v1$/, status: 500, times: 4 });
    const kubeconfig = server.writeKubeconfig(dir, { context: 'partial' });
    const result = await runGitdiff(['kube', MANIFESTS, '--kubeconfig', kubeconfig, '-o', 'json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.errors).toEqual([]);
    const statuses = Object.fromEntries(report.items.map((item: { kind: string; status: string }) => [item.kind, item.status]));
    expect(statuses).toEqual({ Namespace: 'missing', Deployment: 'error', Service: 'missing', ConfigMap: 'missing' });
  });
});

describe('an object with metadata.generateName', () => {
  const job = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: db-migrate-\n  namespace: shop\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: migrate:1}]\n';
  const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  mode: fast\n';
  const live = (data: string) => `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: settings, namespace: shop}\n  data: {mode: ${data}}\n`;
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('is set aside as unchecked, named with its reason, and the rest decides the exit status', async () => {
    const manifests = write('hook.yaml', `${configMap}---\n${job}`);
    const inSync = await runGitdiff(['kube', manifests, '--live-from', write('live-same.yaml', live('fast'))]);
    expect(inSync.stderr).toBe('');
    expect(inSync.code).toBe(0);
    expect(inSync.stdout).toMatch(/^\? batch\/v1 Job shop\/db-migrate- \(.*hook\.yaml:9\): unchecked \(named by metadata\.generateName: the server chooses its name when it creates it, so no live object can be matched with it\)$/m);
    expect(inSync.stdout).toMatch(/^1 unchecked, 1 in sync \(2 objects, /m);

    const diverged = await runGitdiff(['kube', manifests, '--live-from', write('live-other.yaml', live('slow')), '-o', 'json']);
    expect(diverged.code).toBe(1);
    const report = JSON.parse(diverged.stdout);
    const generated = report.items.find((item: { kind: string }) => item.kind === 'Job');
    expect(generated).toMatchObject({ apiVersion: 'batch/v1', namespace: 'shop', name: 'db-migrate-', status: 'unchecked', line: 9 });
    expect(generated.error).toMatch(/^named by metadata\.generateName: /);
    expect(report.summary).toMatchObject({ total: 2, diverged: 1, unchecked: 1 });
  });

  it('alone, leaves nothing to compare: exit 2 naming the file', async () => {
    const manifests = write('only-hook.yaml', job);
    const result = await runGitdiff(['kube', manifests, '--live-from', write('live-alone.yaml', live('fast'))]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^gitdiff: error: nothing to compare in .*only-hook\.yaml: every object uses metadata\.generateName \(.*only-hook\.yaml:1\)/m);
    expect(result.stderr).toMatch(/^ {2}hint: give an object a fixed metadata\.name/m);
  });

  it('still has its name checked as any name is (no control characters reach the output)', async () => {
    const manifests = write('hostile-hook.yaml', `${configMap}---\n${job.replace('db-migrate-', '"db\\u001b[31m-"')}`);
    const result = await runGitdiff(['kube', manifests, '--live-from', write('live-hostile.yaml', live('fast'))]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/metadata\.generateName "db\\u001b\[31m-" holds spaces or control characters/);
    expect(result.stdout + result.stderr).not.toContain('\u001b');
  });
});

describe('a declared Secret whose data is not base64', () => {
  const value = 'hunter2 is my password!';
  const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\ndata:\n  user: YWRtaW4=\n  password: "${value}"\n`;
  const snapshot = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: db, namespace: shop}\n  data: {user: YWRtaW4=, password: aHVudGVyMg==}\n';

  it.each(['text', 'json', 'junit', 'github', 'markdown'])('exits 2 naming the file, the object and the key, never the value (-o %s)', async (format) => {
    const manifests = path.join(dir, `secret-${format}.yaml`);
    writeFileSync(manifests, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n---\n${secret}`);
    const live = path.join(dir, `secret-live-${format}.yaml`);
    writeFileSync(live, snapshot);
    const result = await runGitdiff(['kube', manifests, '--live-from', live, '-o', format, '--debug']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^gitdiff: error: .*secret-\w+\.yaml:5: v1 Secret shop\/db: data\.password is not valid base64, which kubectl and the API server refuse$/m);
    expect(result.stderr).toMatch(/^ {2}hint: encode the value/m);
    for (const form of revealingForms(value)) expect(result.stdout + result.stderr).not.toContain(form);
  });

  it('accepts base64 as the API server does: padded, with line breaks, empty or null', async () => {
    const manifests = path.join(dir, 'secret-ok.yaml');
    writeFileSync(manifests, 'apiVersion: v1\nkind: Secret\nmetadata: {name: ok, namespace: shop}\ndata:\n  a: "YWRt\\naW4="\n  b: ""\n  d: YQ==\n');
    const live = path.join(dir, 'secret-ok-live.yaml');
    writeFileSync(live, 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: ok, namespace: shop}\n  data: {a: YWRtaW4=, b: "", d: YQ==}\n');
    const result = await runGitdiff(['kube', manifests, '--live-from', live]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
 
    // null is an empty value to the API server: compared (the live Secret has no key c), not refused.
    writeFileSync(manifests, 'apiVersion: v1\nkind: Secret\nmetadata: {name: ok, namespace: shop}\ndata:\n  a: YWRtaW4=\n  b: ""\n  c: null\n  d: YQ==\n');
    const withNull = await runGitdiff(['kube', manifests, '--live-from', live]);
    expect(withNull.stderr).toBe('');
    expect(withNull.code).toBe(1);
  });
});
