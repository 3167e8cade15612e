// gitdiff serve's start and stop, as a process: a bad config or address exits
// 2 with one clear line; SIGTERM/SIGINT let a running check finish (exit 0), or
// abort it when the grace period ends or a second signal comes (exit 143/130).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';
import { repoRoot, runGitdiff } from '../support/run-cli.js';
import { check, startServe, type ServeProcess } from '../support/serve-process.js';

let scratch: string;
const started: ServeProcess[] = [];
const servers: KubeApiServer[] = [];

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-serve-life-'));
});

afterAll(async () => {
  await Promise.all(started.map((each) => each.stop()));
  await Promise.all(servers.map((each) => each.close()));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const goodCheck = (name: string) => ({
  name,
  command: ['kube', path.join(repoRoot, 'fixtures/example/manifests'), '--live-from', path.join(repoRoot, 'fixtures/example/live.yaml')],
  interval: '1s',
});

function writeConfig(name: string, text: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  return file;
}

describe('gitdiff serve refuses to start on bad input, with exit status 2', () => {
  it.each([
    ['a missing config', ['--config', 'nowhere.yaml'], /^gitdiff: error: config .*nowhere\.yaml: no such file or directory\n  hint: give the checks to run with --config FILE/],
    ['an invalid check', ['--config', 'bad-flag.yaml'], /^gitdiff: error: config .*bad-flag\.yaml: checks\[0\] \(example\): command: unknown option --colour\n  hint: a check takes what `gitdiff kube` takes/],
    ['an address without a host', ['--config', 'good.yaml', '--listen', '9720'], /^gitdiff: error: --listen 9720: expected HOST:PORT\n  hint: e\.g\. --listen 127\.0\.0\.1:9720/],
    // Every flag parses, but `gitdiff kube` refuses the combination: refused at load, not on every run.
    ['a check the source refuses', ['--config', 'bad-combination.yaml'], /^gitdiff: error: config .*bad-combination\.yaml: checks\[1\] \(server-side\): command: --server-side asks the API server for a dry-run apply: it cannot compare with a snapshot \(--live-from\)\n  hint: drop --server-side/],
  ])('%s', async (_case, args, stderr) => {
    writeConfig('bad-flag.yaml', dump({ checks: [{ name: 'example', command: ['kube', 'fixtures/example/manifests', '--colour'] }] }));
    writeConfig('bad-combination.yaml', dump({ checks: [goodCheck('example'), { name: 'server-side', command: ['kube', 'manifests', '--live-from', 'live.yaml', '--server-side'] }] }));
    writeConfig('good.yaml', dump({ checks: [goodCheck('example')] }));
    const result = await runGitdiff(['serve', ...args], { cwd: scratch });
    expect(result.stderr).toMatch(stderr);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(2);
    expect(result.code).toBe(2);
  });

  it('an address in use', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const config = writeConfig('in-use.yaml', dump({ checks: [{ name: 'example', command: ['kube', 'm'] }] }));
      const result = await runGitdiff(['serve', '--config', config, '--listen', `127.0.0.1:${port}`]);
      expect(result.stderr).toBe(`gitdiff: error: cannot listen on 127.0.0.1:${port}: the address is in use\n  hint: choose another address with --listen HOST:PORT\n`);
      expect(result.code).toBe(2);
    } finally {
      taken.close();
    }
  });
});

describe('gitdiff serve on SIGHUP', () => {
  it('refuses a config with a check the source refuses: keeps the running config, logs the check and why', async () => {
    const config = writeConfig('reload.yaml', dump({ checks: [goodCheck('example')] }));
    const serve = await startServe(['--config', config]);
    started.push(serve);
    await serve.waitForChecks((body) => check(body, 'example').runs > 0, 'the first run');
    writeConfig('reload.yaml', dump({ checks: [goodCheck('example'), { name: 'server-side', command: ['kube', 'manifests', '--live-from', 'live.yaml', '--server-side'] }] }));
    const from = serve.stderr().length;
    serve.signal('SIGHUP');
    await serve.waitForStderr('config refused, keeping the running one', from);
    expect(serve.stderr().slice(from)).toMatch(/^gitdiff serve: error: SIGHUP: config refused, keeping the running one: config .*reload\.yaml: checks\[1\] \(server-side\): command: --server-side asks the API server for a dry-run apply: it cannot compare with a snapshot \(--live-from\)\n  hint: drop --server-side/m);
    const refused = await serve.checks();
    expect(refused.config.error!.message).toContain('checks[1] (server-side)');
    expect(refused.checks.map((each) => each.name)).toEqual(['example']);
    const runs = check(refused, 'example').runs;
    await serve.waitForChecks((body) => check(body, 'example').runs > runs, 'the old config to keep running');
  });
});

describe('gitdiff serve stops on a signal', () => {
  it('a SIGTERM as soon as it says it listens stops it cleanly (exit 0), never kills it', async () => {
    const config = writeConfig('early-term.yaml', dump({ checks: [goodCheck('example')] }));
    const serve = await startServe(['--config', config]);
    started.push(serve);
    serve.signal('SIGTERM');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    expect(serve.stderr()).toMatch(/SIGTERM: stopping/);
  });

  /** A serve process whose one check is held up by the API server (every request answers after `delayMs`), caught running. */
  async function withSlowCheck(name: string, delayMs: number, args: string[] = []): Promise<ServeProcess> {
    const kube = await startKubeApiServer();
    servers.push(kube);
    kube.addFault({ path: /.*/, delayMs });
    const kubeconfig = kube.writeKubeconfig(mkdtempSync(path.join(scratch, 'kube-')));
    const config = writeConfig(`${name}.yaml`, dump({ checks: [{ name, command: ['kube', path.join(repoRoot, 'fixtures/example/manifests'), '--kubeconfig', kubeconfig], interval: '1h' }] }));
    const serve = await startServe(['--config', config, ...args]);
    started.push(serve);
    await serve.waitForChecks((body) => check(body, name).running, `${name} to be running`);
    return serve;
  }

  it('SIGTERM: finishes the running check, then exits 0', async () => {
    const serve = await withSlowCheck('finishes', 800);
    const unready = await serve.get('/readyz');
    expect([unready.status, unready.body]).toEqual([503, 'not ready: waiting for the first run of finishes\n']);
    serve.signal('SIGTERM');
    await serve.waitForStderr('SIGTERM: stopping');
    // Still answering while the check finishes, but no longer ready.
    const stopping = await serve.get('/readyz');
    expect([stopping.status, stopping.body]).toEqual([503, 'not ready: shutting down\n']);
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    // The check's verdict was logged after the signal and before the end: it was allowed to finish.
    expect(serve.stderr()).toMatch(/SIGTERM: stopping; 1 check running, waiting up to 25s for them\n[^]*check finishes: diverged: [^]*\ngitdiff serve: stopped\n$/);
  });

  it('SIGTERM: aborts a check still running after the grace period, and exits 143', async () => {
    const serve = await withSlowCheck('cut-short', 60_000, ['--grace-period', '1s']);
    serve.signal('SIGTERM');
    expect(await serve.exited).toEqual({ code: 143, signal: null });
    expect(serve.stderr()).toMatch(/SIGTERM: aborting the running check: cut-short\n[^]*stopped, with checks cut short\n$/);
  });

  it('SIGINT twice: the second one aborts at once, exit 130', async () => {
    const serve = await withSlowCheck('interrupted', 60_000);
    serve.signal('SIGINT');
    await serve.waitForStderr('SIGINT: stopping');
    serve.signal('SIGINT');
    expect(await serve.exited).toEqual({ code: 130, signal: null });
    expect(serve.stderr()).toContain('SIGINT: aborting the running check: interrupted');
  });
});
