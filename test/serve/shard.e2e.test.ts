// Sharding end to end: replicas of `gitdiff serve` on one checks file each run
// their share (together: every check, once), and each says which shard it is
// and how many checks it left to the others, on the page, in the API and on
// /metrics. Bad shard flags exit 2 before anything runs.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/metrics/exposition.js';
import { apiChecksProblems } from '../support/report-schema.js';
import { repoRoot, runGitdiff } from '../support/run-cli.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { expectPromtoolAccepts, valueOf } from '../support/prometheus.js';
import { itWith } from '../support/binaries.js';

// Over 3 shards these give 4, 3 and none: a replica with no check is ready at once, not waiting forever.
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta'];
let scratch: string;
let replicas: ServeProcess[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-shard-e2e-'));
  cpSync(path.join(repoRoot, 'fixtures/example/manifests'), path.join(scratch, 'manifests'), { recursive: true });
  cpSync(path.join(repoRoot, 'fixtures/example/live.yaml'), path.join(scratch, 'live.yaml'));
  const checks = NAMES.map((name) => ({ name, command: ['kube', 'manifests', '--live-from', 'live.yaml'], interval: '1m' }));
  writeFileSync(path.join(scratch, 'gitdiff-serve.yaml'), dump({ checks }));
  replicas = await Promise.all([0, 1, 2].map((index) => startServe(['--shard', `${index}/3`], { cwd: scratch })));
});

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('gitdiff serve --shard', () => {
  it('runs each check on exactly one of three replicas, each saying its shard and what it skipped', async () => {
    const bodies = await Promise.all(replicas.map((replica) => replica.waitForChecks((body) => body.ready, 'ready')));
    const shares = bodies.map((body) => body.checks.map((check) => check.name));
    expect(shares.map((share) => share.length)).toEqual([4, 3, 0]);
    expect((await replicas[2].get('/readyz')).status).toBe(200);
    expect(shares.flat().sort()).toEqual([...NAMES].sort());
    expect(new Set(shares.flat()).size).toBe(NAMES.length);
    bodies.forEach((body, index) => {
      expect(apiChecksProblems(body)).toEqual([]);
      expect((body as any).shard).toEqual({ index, count: 3, skipped: NAMES.length - shares[index].length });
    });
    for (const [index, replica] of replicas.entries()) {
      const skipped = NAMES.length - shares[index].length;
      expect(replica.stderr()).toContain(`(${shares[index].length} ${shares[index].length === 1 ? 'check' : 'checks'} from ${path.join(scratch, 'gitdiff-serve.yaml')}; shard ${index}/3: ${skipped} ${skipped === 1 ? 'check' : 'checks'} left to the other replicas)`);
      const families = parseExposition((await replica.get('/metrics')).body);
      expect(valueOf(families, 'gitdiff_serve_shard_info', { index: String(index), count: '3' })).toBe(1);
      expect(valueOf(families, 'gitdiff_serve_shard_skipped_checks')).toBe(skipped);
      expect((await replica.get('/')).body).toContain(`Shard ${index} of 3 (0-based): ${skipped} more ${skipped === 1 ? 'check' : 'checks'} of the file run on the other replicas.`);
    }
  });

  itWith(['promtool'], 'apt-get install prometheus')('serves /metrics with its shard series that promtool accepts', async () => {
    for (const replica of replicas) expectPromtoolAccepts((await replica.get('/metrics')).body);
  });

  it('says nothing of shards without the flag', async () => {
    const single = await startServe([], { cwd: scratch });
    try {
      const body = await single.checks();
      expect((body as any).shard).toBeNull();
      expect(body.checks).toHaveLength(NAMES.length);
      expect((await single.get('/metrics')).body).not.toContain('gitdiff_serve_shard_info{');
    } finally {
      await single.stop();
    }
  });

  it.each([
    [['--shard', '3/3'], 'gitdiff: error: --shard 3/3: the index must be below the count (0 to 2)\n  hint: e.g. --shard 0/3'],
    [['--shard', 'one'], 'gitdiff: error: --shard one: expected INDEX/COUNT\n'],
    [['--shard-from-hostname', '0'], 'gitdiff: error: --shard-from-hostname 0: the number of replicas must be a whole number from 1 to 1024\n'],
    [['--shard', '0/2', '--shard-from-hostname', '2'], 'gitdiff: error: serve: --shard and --shard-from-hostname cannot be used together\n'],
  ])('exits 2 at start on %j', async (args, message) => {
    const result = await runGitdiff(['serve', '--config', path.join(scratch, 'gitdiff-serve.yaml'), '--listen', '127.0.0.1:0', ...args]);
    expect(result.stderr).toContain(message);
    expect(result.code).toBe(2);
  });
});
