// gitdiff kube --wait end to end, as a deploy job runs it: against the test API
// server, whose mutation API plays the rollout (or the lack of one).
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runGitdiff } from '../../support/run-cli.js';
import { startKubeApiServer, type KubeApiServer } from '../../../tools/kube-api-server/index.js';

const exampleManifests = loadAll(readFileSync(path.join(repoRoot, 'fixtures/example/manifests/redis.yaml'), 'utf8')) as Record<string, any>[];
const scaledTo = (replicas: number) => exampleManifests.map((object) => (object.kind === 'Deployment' ? { ...object, spec: { ...object.spec, replicas } } : object));

let server: KubeApiServer;
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  server = await startKubeApiServer({ objects: scaledTo(3) });
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  // Git says 4 replicas; the cluster runs 3.
  for (const object of scaledTo(3)) server.apply(object);
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-wait-'));
  cpSync(path.join(repoRoot, 'fixtures/example/manifests'), path.join(dir, 'manifests'), { recursive: true });
  kubeconfig = server.writeKubeconfig(dir, { context: 'test-cluster' });
});

function waitFor(wait: string, extra: string[] = [], kubeconfigFile = kubeconfig) {
  return runGitdiff(['kube', 'manifests', '--kubeconfig', kubeconfigFile, '--wait', wait, ...extra], { cwd: dir });
}

const scaleTo4 = () => server.update('apps/v1', 'Deployment', 'cache', 'redis', (live) => (live.spec.replicas = 4), { manager: 'kubectl-rollout' });

describe('gitdiff kube --wait', () => {
  it('exits 0 at once when the first run is in sync', async () => {
    scaleTo4();
    const started = Date.now();
    const result = await waitFor('1m');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^4 in sync \(4 objects/m);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('exits 0, printing the in-sync report, as soon as the cluster comes to match', async () => {
    const started = Date.now();
    const running = waitFor('1m');
    await sleep(1500);
    scaleTo4();
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^4 in sync \(4 objects/m);
    expect(result.stdout).not.toContain('spec.replicas');
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('exits 0 when the manifests come to match the cluster (a revert pulled into the folder)', async () => {
    const running = waitFor('1m');
    await sleep(1500);
    const manifest = path.join(dir, 'manifests/redis.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('replicas: 4', 'replicas: 3'));
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^4 in sync \(4 objects/m);
  }, 60_000);

  it('exits 1 with the last diff when the time is up', async () => {
    const started = Date.now();
    const result = await waitFor('2s');
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('~ apps/v1 Deployment cache/redis (manifests/redis.yaml:8)');
    expect(result.stdout).toMatch(/spec\.replicas:.*\n-\s+3\n\+\s+4\n/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  }, 60_000);

  it('exits 2 when the last run could not tell (no server), naming the server', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = path.join(dir, 'nowhere.kubeconfig');
    writeFileSync(nowhere, readFileSync(kubeconfig, 'utf8').replace(new URL(server.url).host, `127.0.0.1:${port}`));
    const result = await waitFor('2s', [], nowhere);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: .*127\.0\.0\.1/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('tries again a run that could not tell: no change may come to say the cluster is answering again', async () => {
    scaleTo4();
    server.addFault({ method: 'GET', path: /\/deployments(\/redis)?$/, status: 403, times: 2 }); // the LIST, and the GET it falls back to
    const started = Date.now();
    const result = await waitFor('30s', ['-v']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('could not tell; waiting for a change');
    expect(Date.now() - started).toBeGreaterThan(4000); // one retry (RETRY_MS), not the 30 s
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);

  it('refuses bad input at once, not after the wait: a manifest path that does not exist', async () => {
    const started = Date.now();
    const result = await runGitdiff(['kube', 'missing/', '--kubeconfig', kubeconfig, '--wait', '5m'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: missing\/: no such file or directory\n  hint: /);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it.each<[string, string, string[], RegExp, string | undefined]>([
    ['a snapshot (--live-from)', '1m', ['--live-from', path.join(repoRoot, 'fixtures/example/live.yaml')], /--wait watches a cluster for changes: a snapshot \(--live-from\) never changes/, '--kubeconfig'],
    ['--server-side', '1m', ['--server-side'], /--wait does not combine with --server-side/, 'drop one'],
    ['a duration that is not one', 'soon', [], /--wait: invalid duration "soon"/, undefined],
  ])('refuses %s at once (exit 2, with a hint)', async (_name, wait, extra, message, hint) => {
    const target = extra.includes('--live-from') ? [] : ['--kubeconfig', kubeconfig];
    const result = await runGitdiff(['kube', 'manifests', '--wait', wait, ...target, ...extra], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    if (hint) expect(result.stderr).toMatch(new RegExp(`\\n  hint: .*${hint}`));
  });
});
