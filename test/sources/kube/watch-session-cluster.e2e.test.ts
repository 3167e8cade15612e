// The kube watch session over a real watched cluster (the test API server): after a series of
// live changes through the server's mutation API, each run's Findings are exactly those of a
// fresh `gitdiff kube` against the same server, and a run after one change compares one object.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunContext, WatchedRun } from '../../../src/sources/types.js';
import { kube } from '../../../src/sources/kube/index.js';
import { runKube } from '../../../src/sources/kube/run.js';
import { repoRoot } from '../../support/run-cli.js';
import { nextChange } from '../../support/watched-snapshot.js';
import { startKubeApiServer, type KubeApiServer } from '../../../tools/kube-api-server/index.js';

const exampleManifests = loadAll(readFileSync(path.join(repoRoot, 'fixtures/example/manifests/redis.yaml'), 'utf8')) as Record<string, any>[];
const scaledTo = (replicas: number) => exampleManifests.map((object) => (object.kind === 'Deployment' ? { ...object, spec: { ...object.spec, replicas } } : object));

let server: KubeApiServer;
let dir: string;
let kubeconfig: string;
let session: WatchedRun | undefined;

beforeAll(async () => {
  server = await startKubeApiServer({ objects: scaledTo(3) });
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-session-'));
  cpSync(path.join(repoRoot, 'fixtures/example/manifests'), path.join(dir, 'manifests'), { recursive: true });
  kubeconfig = server.writeKubeconfig(dir, { context: 'test-cluster' });
});

afterAll(async () => {
  session?.close();
  await server?.close();
});

function context(lines: string[] = []): RunContext {
  return {
    verbose: false, debug: true, log: (line) => lines.push(line), notice: () => {}, progress: () => {},
    stdin: Readable.from([]), signal: new AbortController().signal, cwd: dir, env: { PATH: process.env.PATH, HOME: dir },
  };
}


describe('the kube watch session over a watched cluster', () => {
  it('gives the findings of a fresh run after each live change, comparing only what changed', async () => {
    const options = kube.options({ args: ['manifests'], flags: { kubeconfig }, cwd: dir, env: {} });
    session = kube.watch!(options, { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, log: () => {} })!;
    expect(session).toBeDefined();
    const fresh = () => runKube(options, context());
    const sameAsFresh = async (lines: string[] = []) => {
      const watched = await session!.run(context(lines));
      expect(watched).toEqual(await fresh());
      return watched;
    };
    expect((await sameAsFresh()).items.map((item) => item.status)).toContain('diverged');

    const changes: [string, () => void][] = [
      ['a scale to what Git says', () => server.update('apps/v1', 'Deployment', 'cache', 'redis', (live) => (live.spec.replicas = 4), { manager: 'kubectl-scale' })],
      ['a label added live', () => server.update('v1', 'Service', 'cache', 'redis', (live) => (live.metadata.labels = { ...live.metadata.labels, extra: 'x' }), { manager: 'kubectl-label' })],
      ['a ConfigMap value edited', () => server.update('v1', 'ConfigMap', 'cache', 'redis-config', (live) => (live.data = { ...live.data, extra: '1' }), { manager: 'kubectl-edit' })],
      ['the Service deleted', () => server.remove('v1', 'Service', 'cache', 'redis')],
    ];
    for (const [what, change] of changes) {
      const told = nextChange(session);
      change();
      await told.catch((error) => { throw new Error(`${what}: ${error.message}`); });
      const lines: string[] = [];
      await sameAsFresh(lines);
      expect(lines.join('\n'), what).toMatch(/\(1 compared, 3 unchanged since the last run\)/);
    }
  }, 60_000);
});
