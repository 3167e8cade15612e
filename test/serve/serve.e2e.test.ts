// gitdiff serve end to end, as a process: checks against the local test API
// server (through a kubeconfig), real terraform (offline, terraform_data), real
// ansible-playbook (on this machine, files in a temporary folder) and a
// snapshot; the verdicts flip when the live side changes; /metrics passes
// promtool; SIGHUP reloads (a bad config is refused, the old one kept);
// SIGTERM stops it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { parseExposition } from '../../src/metrics/exposition.js';
import { itWith, whichBinary } from '../support/binaries.js';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';
import { repoRoot } from '../support/run-cli.js';
import { check, reloadRefused, startServe, type ServeProcess } from '../support/serve-process.js';
import { expectPromtoolAccepts, valueOf } from '../support/prometheus.js';
import { API_TOKEN, fixtures as ansibleFixtures, makeHost, type TestHost } from '../sources/ansible/host-files.js';

const NEEDS = ['terraform', 'ansible-playbook', 'promtool'];
const it = itWith(NEEDS, 'terraform 1.x (https://developer.hashicorp.com/terraform/install), apt-get install --no-install-recommends ansible-core prometheus');

const exampleManifests = loadAll(readFileSync(path.join(repoRoot, 'fixtures/example/manifests/redis.yaml'), 'utf8')) as Record<string, any>[];
const scaledTo = (replicas: number) => exampleManifests.map((object) => (object.kind === 'Deployment' ? { ...object, spec: { ...object.spec, replicas } } : object));
// A Secret whose value differs: the page, the API and the metrics must say so without either value.
const GIT_SECRET = 'git-secret-value-4b2e71';
const LIVE_SECRET = 'live-secret-value-9c1d05';
const TF_SECRET = 'initial-secret-3f9a2c';
const secretManifest = (value: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'redis-auth', namespace: 'cache' }, stringData: { password: value } });

let scratch: string;
let kube: KubeApiServer;
let kubeconfig: string;
let tfDir: string;
let host: TestHost;
let serve: ServeProcess;
const tfEnv = () => ({ HOME: path.join(scratch, 'home'), TMPDIR: scratch, CHECKPOINT_DISABLE: '1' });

function configYaml(checks: object[]): string {
  return dump({ concurrency: 2, checks });
}

function checksFor(kubeconfig: string) {
  return [
    { name: 'cluster', command: ['kube', path.join(repoRoot, 'fixtures/example/manifests'), 'secret.yaml', '--kubeconfig', kubeconfig], interval: '1s' },
    { name: 'infra', command: ['terraform', tfDir, '--var', `secret=${TF_SECRET}`], interval: '2s', timeout: '2m' },
    {
      name: 'hosts',
      command: ['ansible', path.join(ansibleFixtures, 'site.yml'), '-i', path.join(ansibleFixtures, 'local.ini'), '-e', `root=${host.root}`, '-e', `api_token=${API_TOKEN}`],
      interval: '2s', timeout: '2m',
    },
    // Relative paths: from the config file's folder.
    { name: 'snapshot', command: ['kube', 'manifests', '--live-from', 'live.yaml'], interval: '1s' },
  ];
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-serve-e2e-'));
  cpSync(path.join(repoRoot, 'fixtures/example/manifests'), path.join(scratch, 'manifests'), { recursive: true });
  cpSync(path.join(repoRoot, 'fixtures/example/live.yaml'), path.join(scratch, 'live.yaml'));
  writeFileSync(path.join(scratch, 'secret.yaml'), dump(secretManifest(GIT_SECRET)));
  kube = await startKubeApiServer({ objects: [...scaledTo(3), secretManifest(LIVE_SECRET)] });
  kubeconfig = kube.writeKubeconfig(scratch, { context: 'test-cluster' });
  tfDir = path.join(scratch, 'infra');
  cpSync(path.join(repoRoot, 'fixtures/terraform/configs/basic'), tfDir, { recursive: true });
  if (!NEEDS.every(whichBinary)) return; // the tests skip (or fail in CI)
  host = makeHost('in-sync');
  const terraform = (...args: string[]) => execFileSync('terraform', [`-chdir=${tfDir}`, ...args, '-input=false', '-no-color'], { env: { PATH: process.env.PATH, ...tfEnv() }, stdio: 'pipe' });
  terraform('init');
  terraform('apply', '-auto-approve');
  writeFileSync(path.join(scratch, 'gitdiff.yaml'), configYaml(checksFor(kubeconfig)));
  serve = await startServe(['--config', 'gitdiff.yaml', '--grace-period', '30s'], { cwd: scratch, env: tfEnv() });
}, 120_000);

afterAll(async () => {
  await serve?.stop();
  await kube?.close();
  host?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function metrics() {
  const { status, body, headers } = await serve.get('/metrics');
  expect(status).toBe(200);
  expect(headers.get('content-type')).toContain('text/plain');
  return { body, families: parseExposition(body) };
}

// terraform and ansible-playbook runs take seconds each, more on a busy machine.
describe('gitdiff serve', { timeout: 150_000 }, () => {
  it('runs every check, becomes ready, and serves the verdicts as JSON, HTML and metrics that promtool accepts', async () => {
    const body = await serve.waitForChecks((api) => api.checks.every((each) => each.runs > 0), 'a first run of every check', 90_000);
    expect(check(body, 'cluster').verdict).toBe('diverged');
    expect(check(body, 'infra').verdict).toBe('in-sync');
    expect(check(body, 'hosts').verdict).toBe('in-sync');
    expect(check(body, 'hosts').report!.summary).toMatchObject({ inSync: 6, unchecked: 1 });
    expect(check(body, 'snapshot').verdict).toBe('diverged');
    const cluster = check(body, 'cluster').report!;
    expect(cluster.source).toBe('kube');
    expect(cluster.items.find((item) => item.kind === 'Deployment')).toMatchObject({ status: 'diverged', changes: [{ path: 'spec.replicas', declared: 4, live: 3 }] });
    expect(cluster.items.find((item) => item.kind === 'Secret')).toMatchObject({ status: 'diverged', changes: [{ path: 'stringData.password', sensitive: true }] });
    expect((await serve.get('/readyz')).status).toBe(200);
    expect((await serve.get('/healthz')).body).toBe('ok\n');

    const { body: exposition, families } = await metrics();
    expectPromtoolAccepts(exposition);
    expect(valueOf(families, 'gitdiff_diverged', { source: 'kube', target: 'cluster' })).toBe(1);
    expect(valueOf(families, 'gitdiff_diverged', { source: 'terraform', target: 'infra' })).toBe(0);
    expect(valueOf(families, 'gitdiff_diverged', { source: 'ansible', target: 'hosts' })).toBe(0);
    expect(valueOf(families, 'gitdiff_objects', { target: 'hosts', status: 'unchecked' })).toBe(1);
    expect(valueOf(families, 'gitdiff_objects', { target: 'cluster', status: 'in_sync' })).toBe(3);
    expect(valueOf(families, 'gitdiff_run_success', { target: 'snapshot' })).toBe(1);
    expect(valueOf(families, 'gitdiff_serve_config_last_reload_successful')).toBe(1);
    expect(exposition).toMatch(/^gitdiff_check_duration_seconds_count\{source="terraform",target="infra"\} [1-9]/m);
    expect(exposition).toMatch(/^process_cpu_user_seconds_total /m);

    const page = await serve.get('/');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('apps/v1 Deployment cache/redis');
    expect(page.body).toContain('spec.replicas:');
    // The terraform variable's value is masked where the command is shown.
    expect(check(body, 'infra').command).toEqual(['terraform', tfDir, '--var', 'secret=***']);
    expect(check(body, 'hosts').command.slice(-2)).toEqual(['-e', 'api_token=***']);
    expect(page.body).toContain('secret=***');
    const everything = page.body + JSON.stringify(body) + exposition + serve.stderr();
    for (const secret of [GIT_SECRET, LIVE_SECRET, TF_SECRET, API_TOKEN]) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });

  it('flips a verdict on the next run after the live side or the declared side changes', async () => {
    for (const object of scaledTo(4)) kube.apply(object);
    kube.apply(secretManifest(GIT_SECRET));
    const main = path.join(tfDir, 'main.tf');
    writeFileSync(main, readFileSync(main, 'utf8').replace('Name = "web"', 'Name = "api"'));
    writeFileSync(path.join(host.root, 'motd'), 'Welcome to web-01\nUnmanaged edit\n');
    const body = await serve.waitForChecks(
      (api) => check(api, 'cluster').verdict === 'in-sync' && check(api, 'infra').verdict === 'diverged' && check(api, 'hosts').verdict === 'diverged',
      'cluster in sync, infra and hosts diverged',
      90_000,
    );
    const hosts = check(body, 'hosts').report!;
    expect(hosts.items.filter((item) => item.status === 'diverged').map((item) => item.task)).toEqual(['write motd']);
    expect(readFileSync(path.join(host.root, 'motd'), 'utf8')).toContain('Unmanaged edit');
    const infra = check(body, 'infra');
    expect(infra.divergedSince).not.toBeNull();
    expect(JSON.stringify(infra.report!.items)).toContain('"declared":"api"');
    expect(check(body, 'cluster').divergedSince).toBeNull();

    const { families } = await metrics();
    expect(valueOf(families, 'gitdiff_diverged', { target: 'cluster' })).toBe(0);
    expect(valueOf(families, 'gitdiff_diverged', { target: 'infra' })).toBe(1);
    expect(valueOf(families, 'gitdiff_diverged', { target: 'hosts' })).toBe(1);
    await serve.waitForStderr(/check infra: diverged: .*1 diverged/);
  });

  it('keeps the last verdict in /metrics while a check cannot tell, and shows why', async () => {
    const before = check(await serve.checks(), 'snapshot');
    expect(before.verdict).toBe('diverged');
    renameSync(path.join(scratch, 'live.yaml'), path.join(scratch, 'live.yaml.away'));
    try {
      const body = await serve.waitForChecks((api) => check(api, 'snapshot').verdict === 'error', 'the snapshot check to fail');
      const failed = check(body, 'snapshot');
      expect(failed.lastRun!.exitCode).toBe(2);
      expect(failed.lastRun!.error!.message).toContain('live.yaml');
      expect(failed.divergedSince).toBe(before.divergedSince);
      const { families } = await metrics();
      expect(valueOf(families, 'gitdiff_run_success', { target: 'snapshot' })).toBe(0);
      expect(valueOf(families, 'gitdiff_diverged', { target: 'snapshot' })).toBe(1);
      const page = (await serve.get('/')).body;
      expect(page).toContain('could not tell');
      expect(page).toContain('The last run that could tell');
    } finally {
      renameSync(path.join(scratch, 'live.yaml.away'), path.join(scratch, 'live.yaml'));
    }
    await serve.waitForChecks((api) => check(api, 'snapshot').verdict === 'diverged', 'the snapshot check to recover');
  });

  it('on SIGHUP refuses a bad config (keeping the running one, saying why) and applies a good one', async () => {
    const file = path.join(scratch, 'gitdiff.yaml');
    let from = await reloadRefused(serve, file, (good) => good.replace('interval: 1s', 'interval: soon'));
    expect(serve.stderr().slice(from)).toMatch(/interval: invalid duration "soon"/);
    const refused = await serve.checks();
    expect(refused.config.error!.message).toContain('invalid duration "soon"');
    expect(refused.checks.map((each) => each.name)).toEqual(['cluster', 'infra', 'hosts', 'snapshot']);
    expect((await serve.get('/')).body).toContain('was refused; the previous config is still running');
    expect(valueOf((await metrics()).families, 'gitdiff_serve_config_last_reload_successful')).toBe(0);
    // The snapshot check runs on its interval (the cluster check is watched: it runs on changes only).
    const runs = check(refused, 'snapshot').runs;
    await serve.waitForChecks((api) => check(api, 'snapshot').runs > runs, 'the old config to keep running');

    const [cluster, , , snapshot] = checksFor(kubeconfig);
    writeFileSync(file, configYaml([cluster, snapshot, { name: 'snapshot-again', command: ['kube', 'manifests', '--live-from', 'live.yaml'], interval: '1s' }]));
    from = serve.stderr().length;
    serve.signal('SIGHUP');
    await serve.waitForStderr('added: snapshot-again; removed: infra, hosts; changed: none', from);
    const body = await serve.waitForChecks((api) => check(api, 'snapshot-again').runs > 0, 'the added check to run');
    expect(body.config.error).toBeNull();
    expect(body.checks.map((each) => each.name)).toEqual(['cluster', 'snapshot', 'snapshot-again']);
    const { body: exposition } = await metrics();
    expect(exposition).not.toMatch(/target="(infra|hosts)"/);
    expectPromtoolAccepts(exposition);
  });

  it('stops on SIGTERM once the running checks are done, with exit status 0', async () => {
    serve.signal('SIGTERM');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    expect(serve.stderr()).toMatch(/SIGTERM: stopping/);
    expect(serve.stderr()).toMatch(/stopped\n$/);
  });
});
