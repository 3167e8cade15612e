// serve's watch mode end to end, as a process against the test API server: a kube
// check against a cluster is watched (run at start, then on each change, its hour-long
// interval never waited for), one that says `watch: false` polls on its interval, and
// both the live side (a change through the server's mutation API) and the declared
// side (a manifest edited on disk) reach /api/checks within moments.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dump, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';
import { repoRoot } from '../support/run-cli.js';
import { check, startServe, type ServeProcess } from '../support/serve-process.js';

const exampleManifests = loadAll(readFileSync(path.join(repoRoot, 'fixtures/example/manifests/redis.yaml'), 'utf8')) as Record<string, any>[];
const scaledTo = (replicas: number) => exampleManifests.map((object) => (object.kind === 'Deployment' ? { ...object, spec: { ...object.spec, replicas } } : object));

let scratch: string;
let kube: KubeApiServer;
let serve: ServeProcess;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-serve-watch-'));
  cpSync(path.join(repoRoot, 'fixtures/example/manifests'), path.join(scratch, 'manifests'), { recursive: true });
  // Git says 4 replicas; the cluster runs 3.
  kube = await startKubeApiServer({ objects: scaledTo(3) });
  const kubeconfig = kube.writeKubeconfig(scratch, { context: 'test-cluster' });
  writeFileSync(path.join(scratch, 'gitdiff-serve.yaml'), dump({
    checks: [
      { name: 'watched', command: ['kube', 'manifests', '--kubeconfig', kubeconfig], interval: '1h' },
      { name: 'polled', command: ['kube', 'manifests', '--kubeconfig', kubeconfig], interval: '1s', watch: false },
    ],
  }));
  serve = await startServe([], { cwd: scratch });
  await serve.waitForChecks((api) => api.ready, 'the first runs');
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  await kube?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('gitdiff serve, watch mode', () => {
  it('says how each check is run, and runs a watched check only when something changed', async () => {
    const body = await serve.checks();
    expect([check(body, 'watched'), check(body, 'polled')].map((each) => [each.verdict, each.mode]))
      .toEqual([['diverged', 'watch'], ['diverged', 'interval']]);
    const polledRuns = check(body, 'polled').runs;
    await sleep(2500);
    const later = await serve.checks();
    expect(check(later, 'watched').runs).toBe(1);
    expect(check(later, 'polled').runs).toBeGreaterThan(polledRuns);
    expect((await serve.get('/')).body).toContain('watched: runs on every change');
  });

  it('reflects a live change within a second, its interval (1h) far off', async () => {
    const changed = Date.now();
    kube.update('apps/v1', 'Deployment', 'cache', 'redis', (live) => (live.spec.replicas = 4), { manager: 'kubectl-scale' });
    const body = await serve.waitForChecks((api) => check(api, 'watched').verdict === 'in-sync', 'the watched check to see the scale', 10_000);
    expect(Date.now() - changed).toBeLessThan(1000 + 200); // a second, and /api/checks polled every 100 ms
    expect(check(body, 'watched').runs).toBe(2);
  });

  it('picks up a manifest edited on disk (git pull) within a poll of the files', async () => {
    const manifest = path.join(scratch, 'manifests/redis.yaml');
    const changed = Date.now();
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('replicas: 4', 'replicas: 5'));
    const body = await serve.waitForChecks((api) => check(api, 'watched').verdict === 'diverged', 'the watched check to see the edit', 10_000);
    expect(Date.now() - changed).toBeLessThan(2500);
    const items = check(body, 'watched').report!.items.filter((item) => item.status === 'diverged');
    expect(items.map((item) => item.kind)).toEqual(['Deployment']);
  });
});
