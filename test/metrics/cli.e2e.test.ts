// The export through bin/gitdiff, as a CronJob or a systemd timer runs it:
// `gitdiff kube` on the built-in example, into a real node_exporter and a real
// Pushgateway; failures of the export; signals during a run and an export.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWith } from '../support/binaries.js';
import { gitdiffBin, repoRoot, runGitdiff } from '../support/run-cli.js';
import {
  expectPromtoolAccepts, freePort, INSTALL, scrape, startNodeExporter, startPushgateway, valueOf, type Component,
} from '../support/prometheus.js';

const manifests = 'fixtures/example/manifests';
const divergedSnapshot = 'fixtures/example/live.yaml'; // redis runs 3 replicas, Git says 4
const itComponents = itWith(['prometheus-node-exporter', 'prometheus-pushgateway', 'promtool'], INSTALL);
let directory: string;
let inSyncSnapshot: string;
let nodeExporter: Component | undefined;
let pushgateway: Component | undefined;

beforeAll(async () => {
  directory = mkdtempSync(path.join(tmpdir(), 'gitdiff-metrics-cli-'));
  // The in-sync snapshot sits in a subfolder: node_exporter reads only *.prom files of the directory itself.
  const snapshots = path.join(directory, 'in-sync');
  inSyncSnapshot = path.join(snapshots, 'live.yaml');
  const live = readFileSync(path.join(repoRoot, divergedSnapshot), 'utf8').replace(/replicas: 3$/gm, 'replicas: 4');
  mkdirSync(snapshots);
  writeFileSync(inSyncSnapshot, live);
  if (itComponents === it) [nodeExporter, pushgateway] = await Promise.all([startNodeExporter(directory), startPushgateway()]);
});
afterAll(async () => {
  await Promise.all([nodeExporter?.stop(), pushgateway?.stop()]);
  rmSync(directory, { recursive: true, force: true });
});

const textfile = (name: string) => path.join(directory, name);
/** The summary line without the run's duration, which differs from run to run (0.0 s on an idle machine, 0.1 s under load). */
const withoutDuration = (stdout: string) => stdout.replace(/, \d+\.\d s\)\n$/, ', … s)\n');
const tempFiles = () => readdirSync(directory).filter((name) => name.endsWith('.tmp'));

describe('gitdiff kube with metrics export', () => {
  itComponents('a diverged run shows gitdiff_diverged 1 in node_exporter, labelled with the snapshot name', async () => {
    const result = await runGitdiff(['kube', manifests, '--live-from', divergedSnapshot, '--metrics-textfile', textfile('kube.prom')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('1 diverged, 3 in sync');
    expectPromtoolAccepts(readFileSync(textfile('kube.prom'), 'utf8'));
    const families = await scrape(nodeExporter!);
    expect(valueOf(families, 'node_textfile_scrape_error')).toBe(0);
    expect(valueOf(families, 'gitdiff_diverged', { source: 'kube', target: 'live.yaml' })).toBe(1);
    expect(valueOf(families, 'gitdiff_run_success', { source: 'kube', target: 'live.yaml' })).toBe(1);
  });

  itComponents('a diverged run shows gitdiff_diverged 1 in the Pushgateway; a failed run keeps it; an in-sync run sets 0', async () => {
    const group = { job: 'gitdiff', source: 'kube', target: 'example', env: 'test' };
    const push = ['--pushgateway', pushgateway!.url, '--target', 'example', '--metrics-label', 'env=test'];
    expect((await runGitdiff(['kube', manifests, '--live-from', divergedSnapshot, ...push])).code).toBe(1);
    let families = await scrape(pushgateway!);
    expect(valueOf(families, 'gitdiff_diverged', group)).toBe(1);
    const lastSuccess = valueOf(families, 'gitdiff_last_success_timestamp_seconds', group);

    const failed = await runGitdiff(['kube', manifests, '--live-from', 'fixtures/example/absent.yaml', ...push]);
    expect(failed.code).toBe(2);
    families = await scrape(pushgateway!);
    expect(valueOf(families, 'gitdiff_run_success', group)).toBe(0);
    expect(valueOf(families, 'gitdiff_diverged', group)).toBe(1);
    expect(valueOf(families, 'gitdiff_last_success_timestamp_seconds', group)).toBe(lastSuccess);

    expect((await runGitdiff(['kube', manifests, '--live-from', inSyncSnapshot, ...push])).code).toBe(0);
    families = await scrape(pushgateway!);
    expect([valueOf(families, 'gitdiff_diverged', group), valueOf(families, 'gitdiff_run_success', group)]).toEqual([0, 1]);
  });

  it('Pushgateway down: the report is printed in full, one error names the server (not the password), exit 2', async () => {
    const port = await freePort();
    const plain = await runGitdiff(['kube', manifests, '--live-from', divergedSnapshot]);
    const result = await runGitdiff(['kube', manifests, '--live-from', divergedSnapshot, '--pushgateway', `http://gitdiff:s3cret-pw@127.0.0.1:${port}`]);
    expect(result.code).toBe(2);
    expect(withoutDuration(result.stdout)).toBe(withoutDuration(plain.stdout));
    expect(result.stderr).toBe([
      `gitdiff: error: Pushgateway http://127.0.0.1:${port}/: PUT /metrics/job/gitdiff/source/kube/target/live.yaml failed: connection refused`,
      '  hint: is the Pushgateway running and reachable at that address?', '',
    ].join('\n'));
    const debug = await runGitdiff(['kube', manifests, '--live-from', divergedSnapshot, '--debug', '--pushgateway', `http://gitdiff:s3cret-pw@127.0.0.1:${port}`]);
    expect(debug.stderr).toContain(`debug: metrics: PUT http://127.0.0.1:${port}/metrics/job/gitdiff/source/kube/target/live.yaml (retry)`);
    for (const secret of ['s3cret-pw', Buffer.from('gitdiff:s3cret-pw').toString('base64')]) expect(debug.stdout + debug.stderr).not.toContain(secret);
  });

  it('textfile directory missing: the report is printed in full, one error names the file, exit 2', async () => {
    const missing = path.join(directory, 'absent/gitdiff.prom');
    const result = await runGitdiff(['kube', manifests, '--live-from', inSyncSnapshot, '--metrics-textfile', missing]);
    expect(result.code).toBe(2);
    expect(withoutDuration(result.stdout)).toBe('4 in sync (4 objects, … s)\n');
    expect(result.stderr.split('\n')[0]).toBe(`gitdiff: error: metrics textfile ${missing}: cannot write: the directory does not exist`);
  });

  it.each([
    [['--metrics-textfile', 'gitdiff.txt'], 'gitdiff: error: --metrics-textfile gitdiff.txt: the file name must end in .prom'],
    [['--pushgateway', 'http://127.0.0.1:9', '--metrics-label', 'bad'], 'gitdiff: error: --metrics-label bad: expected NAME=VALUE'],
    [['--metrics-per-object'], 'gitdiff: error: --metrics-per-object given, but no metrics destination'],
  ])('%j: exit 2 before running anything', async (flags, message) => {
    const result = await runGitdiff(['kube', manifests, '--live-from', divergedSnapshot, ...flags]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toContain(message);
  });

  it('never writes a Secret value into the metrics, plain or base64, even per object', async () => {
    const secrets = path.join(directory, 'in-sync/secret');
    mkdirSync(secrets);
    writeFileSync(path.join(secrets, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: app\nstringData:\n  password: declared-pa55word\n');
    const live = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'app' }, data: { password: Buffer.from('live-pa55word').toString('base64') } };
    writeFileSync(path.join(secrets, 'live.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [live] }));
    const file = textfile('secret.prom');
    const result = await runGitdiff(['kube', path.join(secrets, 'secret.yaml'), '--live-from', path.join(secrets, 'live.json'), '--metrics-textfile', file, '--metrics-per-object']);
    expect(result.code).toBe(1);
    const metrics = readFileSync(file, 'utf8');
    expect(metrics).toContain('gitdiff_object_diverged{source="kube",target="live.json",api_version="v1",kind="Secret",namespace="app",name="db"} 1');
    for (const value of ['declared-pa55word', 'live-pa55word']) {
      expect(metrics).not.toContain(value);
      expect(metrics).not.toContain(Buffer.from(value).toString('base64'));
    }
  });

  it('lists the metrics flags in every subcommand\'s --help', async () => {
    const result = await runGitdiff(['kube', '--help']);
    for (const flag of ['--metrics-textfile', '--pushgateway', '--metrics-job', '--target', '--metrics-label', '--metrics-per-object']) {
      expect(result.stdout).toContain(flag);
    }
  });
});

/** Starts bin/gitdiff and resolves when it has exited; `child` is there to signal it. */
function startGitdiff(args: string[]) {
  const child = spawn(process.execPath, [gitdiffBin, ...args], { cwd: repoRoot, env: { PATH: process.env.PATH }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, exited, stderr: () => stderr };
}

async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 200 && !condition(); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(condition()).toBe(true);
}

describe('signals', () => {
  it('SIGTERM during the run: exit 143, and an interrupted run exports nothing (no textfile, no temp file)', async () => {
    const file = textfile('interrupted.prom');
    // --debug: its "kube started" line says the signal handlers are in place (a fixed wait lost the
    // race on a loaded machine: SIGTERM came before them and killed the process outright, code null).
    const run = startGitdiff(['kube', '-', '--live-from', divergedSnapshot, '--metrics-textfile', file, '--debug']);
    await until(() => run.stderr().includes(': kube started')); // it is reading the manifests from stdin
    run.child.kill('SIGTERM');
    // The kube source finishes reading stdin before it looks at the signal: give it its input.
    run.child.stdin.end(readFileSync(path.join(repoRoot, manifests, 'redis.yaml')));
    expect((await run.exited).code).toBe(143);
    expect(existsSync(file)).toBe(false);
    expect(tempFiles()).toEqual([]);
  });

  it('SIGINT while the push hangs: exit 130 promptly; the textfile written before it is whole; no temp file', async () => {
    let pushes = 0;
    const hanging = http.createServer((request) => { pushes++; request.resume(); });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const file = textfile('before-push.prom');
    try {
      const run = startGitdiff([
        'kube', manifests, '--live-from', divergedSnapshot, '--metrics-textfile', file,
        '--pushgateway', `http://127.0.0.1:${(hanging.address() as { port: number }).port}`,
      ]);
      await until(() => pushes === 1);
      run.child.kill('SIGINT');
      const result = await run.exited;
      expect(result.code).toBe(130);
      expect(result.stdout).toContain('1 diverged, 3 in sync');
      expect(readFileSync(file, 'utf8')).toContain('gitdiff_diverged{source="kube",target="live.yaml"} 1\n');
      expect(pushes, 'no retry after the interrupt').toBe(1);
      expect(tempFiles()).toEqual([]);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
