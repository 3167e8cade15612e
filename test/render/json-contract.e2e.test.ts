// The real `-o json` output of every subcommand, from bin/gitdiff as a process,
// validated against docs/report.schema.json (closed shapes: a field that is
// printed but not documented fails here). Each run is chosen for the shapes it
// prints: every status, ignored changes, masked values, run-level errors,
// error items with hints, terraform details and ansible notes.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWith } from '../support/binaries.js';
import { startKubeApiServer } from '../../tools/kube-api-server/index.js';
import { reportProblems } from '../support/report-schema.js';
import { repoRoot, runGitdiff, type CliOptions } from '../support/run-cli.js';
import { hostileCases, type Expectation } from '../reliability/hostile-cases.js';
import { API_TOKEN, OLD_TOKEN, ansibleEnv, closedPort, fixtures as ansibleFixtures, install as ansibleInstall, makeHost } from '../sources/ansible/host-files.js';

const itTerraform = itWith(['terraform'], 'terraform 1.x: https://developer.hashicorp.com/terraform/install (one binary on PATH)');
const itAnsible = itWith(['ansible-playbook'], ansibleInstall);
// A real ansible-playbook or terraform run took 35 s on a busy 2-core machine: room beyond runGitdiff's 50 s default.
const SLOW_RUN_MS = 150_000;

interface JsonReport {
  source: string;
  summary: Record<string, number>;
  errors: Array<{ message: string; hint?: string }>;
  items: Array<Record<string, any>>;
}

/** Runs gitdiff with `-o json`; returns the parsed report after checking it against the schema and the exit status. */
async function jsonReport(args: string[], exit: number, options: CliOptions = {}): Promise<{ report: JsonReport; output: string }> {
  const result = await runGitdiff([...args, '-o', 'json'], options);
  expect(result.code, result.stderr).toBe(exit);
  const report = JSON.parse(result.stdout) as JsonReport;
  expect(reportProblems(report)).toEqual([]);
  return { report, output: result.stdout + result.stderr };
}

const statuses = (report: JsonReport) => new Set(report.items.map((item) => item.status));

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-json-contract-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('gitdiff kube -o json', () => {
  const example = path.join(repoRoot, 'fixtures/example');
  const GIT_SECRET = 'git-secret-5d1c2a';
  const LIVE_SECRET = 'live-secret-8e4b7f';

  it('the built-in example against its snapshot', async () => {
    const { report } = await jsonReport(['kube', path.join(example, 'manifests'), '--live-from', path.join(example, 'live.yaml')], 1);
    expect(report.summary).toMatchObject({ diverged: 1, inSync: 3 });
    expect(report.items.find((item) => item.kind === 'Deployment')!.changes[0]).toMatchObject({ path: 'spec.replicas', manager: 'kubectl' });
  });

  it('every kube status but error at once, with ignored changes, a masked Secret and an orphan (--strict, --ignore, --prune-selector)', async () => {
    const dir = path.join(scratch, 'kube-every-status');
    cpSync(path.join(example, 'manifests'), path.join(dir, 'manifests'), { recursive: true });
    writeFileSync(path.join(dir, 'manifests/more.yaml'), dump({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'cache' }, data: { a: '1' } })
      + '---\n' + dump({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'auth', namespace: 'cache' }, stringData: { password: GIT_SECRET } }));
    const live = (loadAll(readFileSync(path.join(example, 'live.yaml'), 'utf8'))[0]) as { items: object[] };
    live.items.push(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old', namespace: 'cache', labels: { app: 'redis' } }, data: { x: 'y' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'auth', namespace: 'cache' }, type: 'Opaque', data: { password: Buffer.from(LIVE_SECRET).toString('base64') } },
    );
    writeFileSync(path.join(dir, 'live.yaml'), dump(live));
    const { report, output } = await jsonReport(
      ['kube', 'manifests', '--live-from', 'live.yaml', '--strict', '--ignore', 'Deployment:spec.replicas', '--prune-selector', 'app=redis', '--prune-kinds', 'ConfigMap'],
      1, { cwd: dir },
    );
    expect(statuses(report)).toEqual(new Set(['in-sync', 'diverged', 'missing', 'extra']));
    expect(report.summary.ignored).toBeGreaterThan(0);
    expect(report.items.find((item) => item.kind === 'Secret')!.changes).toContainEqual(expect.objectContaining({ sensitive: true }));
    for (const secret of [GIT_SECRET, LIVE_SECRET]) expect(output).not.toContain(secret);
  });

  it('against an API server: changes name their field manager', async () => {
    const manifests = loadAll(readFileSync(path.join(example, 'manifests/redis.yaml'), 'utf8')) as Array<Record<string, any>>;
    const server = await startKubeApiServer({ objects: manifests.map((object) => (object.kind === 'Deployment' ? { ...object, spec: { ...object.spec, replicas: 2 } } : object)) });
    try {
      const kubeconfig = server.writeKubeconfig(scratch, { context: 'json-contract' });
      const { report } = await jsonReport(['kube', path.join(example, 'manifests'), '--kubeconfig', kubeconfig], 1);
      expect(report.items.find((item) => item.kind === 'Deployment')!.changes[0]).toMatchObject({ path: 'spec.replicas', declared: 4, live: 2, manager: expect.any(String) });
    } finally {
      await server.close();
    }
  });

  it('a run-level error: a --prune-kinds kind the snapshot holds none of (exit 2)', async () => {
    const { report } = await jsonReport(['kube', path.join(example, 'manifests'), '--live-from', path.join(example, 'live.yaml'), '--prune-selector', 'app=redis', '--prune-kinds', 'Job'], 2);
    expect(report.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('Job'), hint: expect.any(String) })]);
  });

  it('a server that cannot be reached (exit 2)', async () => {
    const port = await closedPort();
    const kubeconfig = path.join(scratch, 'unreachable.kubeconfig');
    writeFileSync(kubeconfig, dump({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'gone',
      clusters: [{ name: 'gone', cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: 'nobody', user: {} }],
      contexts: [{ name: 'gone', context: { cluster: 'gone', user: 'nobody' } }],
    }));
    const { report } = await jsonReport(['kube', path.join(example, 'manifests'), '--kubeconfig', kubeconfig, '--request-timeout', '2s'], 2);
    // Per item or for the whole run (either is documented): never a report that looks checked.
    expect(report.summary.errors).toBeGreaterThan(0);
    expect(report.summary.inSync).toBe(0);
  });
});

describe('gitdiff terraform -o json', () => {
  const plans = path.join(repoRoot, 'fixtures/terraform/plans');

  it.each([
    ['drift-and-changes.json', 1],
    ['refresh-only-drift.json', 1],
    ['in-sync.json', 0],
  ])('--plan-json %s', async (plan, exit) => {
    const { report } = await jsonReport(['terraform', '--plan-json', path.join(plans, plan)], exit);
    expect(report.source).toBe('terraform');
  });

  it('a plan terraform marked errored: exit 2 before anything is compared, so nothing on stdout (as documented)', async () => {
    const result = await runGitdiff(['terraform', '--plan-json', path.join(plans, 'errored.json'), '-o', 'json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^gitdiff: error: .*errored\.json/);
  });

  itTerraform('a real plan, offline (terraform_data): an update and a replacement, a sensitive variable masked', { timeout: SLOW_RUN_MS + 30_000 }, async () => {
    const dir = path.join(scratch, 'terraform-basic');
    cpSync(path.join(repoRoot, 'fixtures/terraform/configs/basic'), dir, { recursive: true });
    const env = { HOME: scratch, TMPDIR: scratch, CHECKPOINT_DISABLE: '1' };
    const terraform = (...args: string[]) => execFileSync('terraform', [`-chdir=${dir}`, ...args, '-input=false', '-no-color'], { env: { PATH: process.env.PATH, ...env }, stdio: 'pipe' });
    terraform('init');
    terraform('apply', '-auto-approve');
    const changedSecret = 'changed-secret-7a2f91';
    const { report, output } = await jsonReport(['terraform', dir, '--var', 'size=20', '--var', 'generation=2', '--var', `secret=${changedSecret}`], 1, { env, timeoutMs: SLOW_RUN_MS });
    expect(report.items.map((item) => item.details?.action)).toEqual(expect.arrayContaining(['update in place', 'replace (destroy, then create)']));
    expect(output).not.toContain(changedSecret);
    expect(output).not.toContain('initial-secret-3f9a2c');
  });
});

describe('gitdiff ansible -o json', () => {
  it('saved results (--results)', async () => {
    const { report } = await jsonReport(['ansible', '--results', path.join(ansibleFixtures, 'results/site-drifted.json'), path.join(ansibleFixtures, 'site.yml')], 1);
    expect(statuses(report)).toEqual(new Set(['diverged', 'unchecked']));
  });

  // Each run changes nothing: check mode, against files in a temporary folder (see host-files.ts).
  itAnsible('a real playbook in check mode against a drifted host: changes, no_log notes, an unchecked task', { timeout: SLOW_RUN_MS + 30_000 }, async () => {
    const host = makeHost('drifted');
    try {
      const { report, output } = await jsonReport(
        ['ansible', 'site.yml', '-i', 'local.ini', '-e', `root=${host.root}`, '-e', `api_token=${API_TOKEN}`], 1, { cwd: ansibleFixtures, env: ansibleEnv(host), timeoutMs: SLOW_RUN_MS },
      );
      expect(report.items.some((item) => item.notes?.includes('no_log: its values and diff are hidden'))).toBe(true);
      for (const secret of [API_TOKEN, OLD_TOKEN]) expect(output).not.toContain(secret);
    } finally {
      host.cleanup();
    }
  });

  itAnsible('a failing task and an unreachable host (exit 2)', { timeout: SLOW_RUN_MS + 30_000 }, async () => {
    const host = makeHost('in-sync');
    try {
      const port = await closedPort();
      const inventory = path.join(host.home, 'hosts.ini');
      writeFileSync(inventory, [
        'web-01 ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"',
        `db-01 ansible_host=127.0.0.1 ansible_port=${port} ansible_user=gitdiff ansible_timeout=5 `
          + 'ansible_ssh_common_args="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes"',
        '',
      ].join('\n'));
      const { report } = await jsonReport(['ansible', 'failing.yml', '-i', inventory, '-e', `root=${host.root}`], 2, { cwd: ansibleFixtures, env: ansibleEnv(host), timeoutMs: SLOW_RUN_MS });
      expect(new Set(report.items.filter((item) => item.status === 'error').map((item) => item.host))).toEqual(new Set(['web-01', 'db-01']));
    } finally {
      host.cleanup();
    }
  });
});

// The hostile-input corpus (fixtures/hostile) at the edges of each source: the cases that print a
// report (a verdict, or what could be read before an error) print one the schema accepts.
describe('hostile inputs that print a report', () => {
  const printing = hostileCases.flatMap((hostile) => {
    const expected = hostile.expect as Expectation;
    return Array.isArray(hostile.args) && typeof hostile.expect !== 'function' && ('code' in expected || expected.partial)
      ? [{ name: hostile.name, args: hostile.args, exit: 'code' in expected ? expected.code : 2 }]
      : [];
  });

  it('include every source', () => {
    expect(new Set(printing.map((each) => each.args[0]))).toEqual(new Set(['kube', 'terraform', 'ansible']));
  });

  it.each(printing)('$name', async ({ args, exit }) => {
    await jsonReport(args, exit);
  });
});
