// Fidelity of the test API server's WATCH, judged by the real kubectl: `kubectl get
// --watch` LISTs, then WATCHes from the list's resourceVersion, and prints what the
// stream says; while it runs, the test changes objects through the server's handle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { itWith } from '../../test/support/binaries.js';
import { startKubeApiServer, type KubeApiServer } from './index.js';

type Obj = Record<string, any>;
const it = itWith(['kubectl'], 'https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/');

const deployment = (name: string): Obj => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop', labels: { app: name } },
  spec: { replicas: 2, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
});

let scratch: string;
let server: KubeApiServer;
let cacheDirs = 0;

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-kubectl-watch-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(async () => server?.close());

/** Starts kubectl against `server` (each run its own discovery cache); resolves with how it ended. */
function kubectl(args: string[]) {
  const kubeconfig = server.writeKubeconfig(path.join(scratch, `config-${cacheDirs}`), { namespace: 'shop' });
  return execa('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', path.join(scratch, `cache-${cacheDirs++}`), ...args],
    { reject: false, extendEnv: false, env: { PATH: process.env.PATH, HOME: scratch }, stdin: 'ignore', timeout: 30_000 });
}

/** Resolves once kubectl's WATCH is open on the server (its LIST answered): changes from now on reach it. */
async function watchOpened(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (server.openWatches() === 0) {
    if (Date.now() > deadline) throw new Error(`kubectl opened no watch; requests: ${server.requests.map((r) => r.path).join(' ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Each change as the test made it: the live object after it (DELETED: the last state at the deletion's resourceVersion). */
async function changeDeployments(): Promise<{ created: Obj; scaled: Obj; deleted: Obj }> {
  const created = server.create(deployment('api')) as Obj;
  const scaled = server.update('apps/v1', 'Deployment', 'shop', 'web', (live) => { live.spec.replicas = 3; }, { manager: 'kubectl-scale' }) as Obj;
  server.remove('apps/v1', 'Deployment', 'shop', 'api');
  const deleted = { ...created, metadata: { ...created.metadata, resourceVersion: server.resourceVersion() } };
  return { created, scaled, deleted };
}

/** kubectl's --output-watch-events -o json: one event a line. */
const events = (stdout: string): Obj[] => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));

describe('kubectl get --watch against the test API server', () => {
  it('--watch --output-watch-events -o json prints the list as ADDED, then every change, in order, ending at --request-timeout', async () => {
    server = await startKubeApiServer({ objects: [deployment('web')] });
    const listed = server.get('apps/v1', 'Deployment', 'shop', 'web');
    const run = kubectl(['get', 'deployments', '-n', 'shop', '--watch', '--output-watch-events', '-o', 'json', '--request-timeout=3s']);
    await watchOpened();
    const { created, scaled, deleted } = await changeDeployments();
    const { exitCode, stdout, stderr } = await run;
    expect([exitCode, stderr]).toEqual([0, '']);
    const printed = events(stdout);
    expect(printed.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED web', 'ADDED api', 'MODIFIED web', 'DELETED api']);
    expect(printed.map((e) => e.object)).toEqual([listed, created, scaled, deleted]);
    // kubectl watched from the LIST's resourceVersion, as client-go's ListWatch does.
    const [list, watch] = server.requests.filter((r) => r.path === '/apis/apps/v1/namespaces/shop/deployments');
    expect(watch.query).toMatchObject({ watch: 'true', resourceVersion: printed[0].object.metadata.resourceVersion });
    expect(list.query.watch).toBeUndefined();
  });

  it('--watch-only prints the changes only', async () => {
    server = await startKubeApiServer({ objects: [deployment('web')] });
    const run = kubectl(['get', 'deployments', '-n', 'shop', '--watch-only', '--output-watch-events', '-o', 'json', '--request-timeout=3s']);
    await watchOpened();
    await changeDeployments();
    const { exitCode, stdout } = await run;
    expect(exitCode).toBe(0);
    expect(events(stdout).map((e) => `${e.type} ${e.object.metadata.name} ${e.object.spec.replicas}`)).toEqual(['ADDED api 2', 'MODIFIED web 3', 'DELETED api 2']);
  });

  it('--watch without -o prints a table row for each event from the server-side Table stream', async () => {
    server = await startKubeApiServer({ objects: [deployment('web')] });
    const run = kubectl(['get', 'deployments', '-n', 'shop', '--watch', '--request-timeout=3s']);
    await watchOpened();
    await changeDeployments();
    const { exitCode, stdout } = await run;
    expect(exitCode).toBe(0);
    const rows = stdout.trim().split('\n').map((line) => line.trim().split(/\s{2,}/).slice(0, 4));
    expect(rows).toEqual([['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE'], ['web', '2/2', '2', '2'], ['api', '2/2', '2', '2'], ['web', '3/3', '3', '3'], ['api', '2/2', '2', '2']]);
  });

  it('get --raw of a watch with timeoutSeconds streams every event and ends when the server ends it', async () => {
    server = await startKubeApiServer({ objects: [deployment('web')], bookmarkIntervalMs: 60_000 });
    const started = Date.now();
    const run = kubectl(['get', '--raw', '/apis/apps/v1/namespaces/shop/deployments?watch=1&timeoutSeconds=2&allowWatchBookmarks=true']);
    await watchOpened();
    await changeDeployments();
    const { exitCode, stdout } = await run;
    expect(exitCode).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(events(stdout).map((e) => `${e.type} ${e.object.metadata.name ?? ''}`)).toEqual(['ADDED web', 'ADDED api', 'MODIFIED web', 'DELETED api', 'BOOKMARK ']);
  });

  it('a 410 Expired between its LIST and WATCH: kubectl 1.32 prints the ERROR event\'s Status and exits 0', async () => {
    server = await startKubeApiServer({ objects: [deployment('web')] });
    // Hold the LIST and the WATCH a moment each; while the WATCH waits, the server forgets the window.
    server.addFault({ path: '/apis/apps/v1/namespaces/shop/deployments', delayMs: 1000, times: 2 });
    const run = kubectl(['get', 'deployments', '-n', 'shop', '--watch', '--output-watch-events', '-o', 'json', '--request-timeout=10s']);
    while (!server.requests.some((r) => r.query.watch === 'true')) await new Promise((resolve) => setTimeout(resolve, 20));
    const listedAt = Number(server.requests.find((r) => r.query.watch === 'true')!.query.resourceVersion);
    server.create(deployment('api'));
    server.compact();
    const { exitCode, stdout, stderr } = await run;
    expect([exitCode, stderr]).toEqual([0, '']);
    expect(events(stdout)).toEqual([
      { type: 'ADDED', object: expect.objectContaining({ kind: 'Deployment', metadata: expect.objectContaining({ name: 'web' }) }) },
      { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
        message: `too old resource version: ${listedAt} (${server.resourceVersion()})`, reason: 'Expired', code: 410 } },
    ]);
  });

  it('a watch connection cut mid-stream ends kubectl get --watch quietly (it does not re-watch)', async () => {
    server = await startKubeApiServer({ objects: [deployment('web')] });
    const run = kubectl(['get', 'deployments', '-n', 'shop', '--watch', '--output-watch-events', '-o', 'json', '--request-timeout=10s']);
    await watchOpened();
    const started = Date.now();
    expect(server.dropWatches()).toBe(1);
    const { exitCode, stdout } = await run;
    expect(exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(events(stdout).map((e) => e.type)).toEqual(['ADDED']);
    expect(server.requests.filter((r) => r.query.watch === 'true')).toHaveLength(1);
  });
});
