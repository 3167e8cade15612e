// Start-up stays fast because heavy packages load only on the paths that use
// them. Traced, not guessed: bench/trace-modules.mjs records every module a
// real gitdiff process resolves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { heavyPackagesLoaded } from '../../bench/scenarios/startup.js';
import { startKubeApiServer } from '../../tools/kube-api-server/index.js';

const example = ['kube', 'fixtures/example/manifests', '--live-from', 'fixtures/example/live.yaml'];

describe('heavy packages load lazily', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-lazy-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    ['--version', ['--version']],
    ['kube --help', ['kube', '--help']],
    ['kube --live-from (text)', example],
    ['kube --live-from -o json', [...example, '-o', 'json']],
    ['terraform --plan-json', ['terraform', '--plan-json', 'fixtures/terraform/plans/drift-and-changes.json']],
    ['ansible --results', ['ansible', '--results', 'fixtures/ansible/results/site-drifted.events.jsonl']],
    ['serve --help', ['serve', '--help']],
  ])('%s loads none of the Kubernetes client, execa, prom-client or the SQLite binding', async (_name, args) => {
    expect(await heavyPackagesLoaded(args, scratch)).toEqual([]);
  });

  it('a cluster through a plain kubeconfig (a token, over TLS) does not load the Kubernetes client either', async () => {
    // Over TLS: credentials go to no plain-http server.
    const server = await startKubeApiServer({ tls: true, token: 'secret-token', objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { k: 'v' } }] });
    try {
      const kubeconfig = server.writeKubeconfig(scratch, { token: 'secret-token' });
      expect(await heavyPackagesLoaded(['kube', 'fixtures/example/manifests', '--kubeconfig', kubeconfig], scratch)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('the tracer sees them where they are used: execa when terraform runs', async () => {
    // Planning goes through execa, even when the binary turns out not to exist: the trace must show it.
    expect(await heavyPackagesLoaded(['terraform', 'fixtures/terraform/configs/basic', '--bin', path.join(scratch, 'no-terraform')], scratch, [2])).toContain('execa');
  });
});
