// Durations past what one Node timer holds (2^31-1 ms, 24.8 days): Node fires
// such a timer after 1 ms, so a long --timeout or --request-timeout used to
// abort the run at once. Every flag that takes a duration must mean it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../tools/kube-api-server/index.js';
import { repoRoot, runGitdiff } from './support/run-cli.js';

const manifests = path.join(repoRoot, 'fixtures/example/manifests');
const live = path.join(repoRoot, 'fixtures/example/live.yaml');
let scratch: string;
let kube: KubeApiServer;
let kubeconfig: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-long-durations-'));
  kube = await startKubeApiServer({ objects: [] });
  kubeconfig = kube.writeKubeconfig(scratch, { context: 'test-cluster' });
});
afterAll(async () => {
  await kube?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('durations longer than 24.8 days', () => {
  it.each(['720h', '30d', '2592000'])('--timeout %s lets the run finish (exit 1: it diverged), with no timer warning', async (timeout) => {
    const short = await runGitdiff(['kube', manifests, '--live-from', live, '--timeout', '1h']);
    const long = await runGitdiff(['kube', manifests, '--live-from', live, '--timeout', timeout]);
    expect(short.code).toBe(1);
    expect(long.stderr).not.toMatch(/TimeoutOverflowWarning|gave up/);
    expect(long.code).toBe(short.code);
  });

  it('--request-timeout 30d waits for the API server as 1h does', async () => {
    const args = ['kube', manifests, '--kubeconfig', kubeconfig];
    const short = await runGitdiff([...args, '--request-timeout', '1h']);
    const long = await runGitdiff([...args, '--request-timeout', '30d']);
    expect(short.stderr).not.toMatch(/no answer/);
    expect(long.stderr).not.toMatch(/no answer|TimeoutOverflowWarning/);
    expect(long.code).toBe(short.code);
  });

  it('a duration too long to count in milliseconds is refused, naming the flag', async () => {
    const result = await runGitdiff(['kube', manifests, '--live-from', live, '--timeout', `${'9'.repeat(30)}h`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: --timeout: duration "9+h" is too long$/m);
  });
});
