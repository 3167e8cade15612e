// gitdiff terraform against the real terraform binary, offline: the configs in
// fixtures/terraform/configs use only the built-in terraform_data resource and
// a local module, so init, plan and apply need no network.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { itWith } from '../../support/binaries.js';
import { repoRoot, runGitdiff, type CliResult } from '../../support/run-cli.js';

const it = itWith(['terraform'], 'terraform 1.x: https://developer.hashicorp.com/terraform/install (one binary on PATH)');
const configs = path.join(repoRoot, 'fixtures/terraform/configs');
const INITIAL_SECRET = 'initial-secret-3f9a2c';

let scratch: string;
let home: string;
let tmp: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'gitdiff-terraform-test-'));
  home = path.join(scratch, 'home');
  tmp = path.join(scratch, 'tmp');
  await Promise.all([home, tmp].map((dir) => mkdir(dir, { recursive: true })));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A clean environment for gitdiff and terraform: no user CLI config, no update check, temp files where the test can see them. */
function env(): NodeJS.ProcessEnv {
  return { HOME: home, TMPDIR: tmp, CHECKPOINT_DISABLE: '1' };
}

let counter = 0;
async function copyConfig(name: string): Promise<string> {
  const dir = path.join(scratch, `${name}-${++counter}`);
  await cp(path.join(configs, name), dir, { recursive: true });
  return dir;
}

function terraform(dir: string, ...args: string[]): string {
  return execFileSync('terraform', [`-chdir=${dir}`, ...args], { env: { PATH: process.env.PATH, ...env(), TF_IN_AUTOMATION: '1' }, encoding: 'utf8' });
}

async function applied(name: string): Promise<string> {
  const dir = await copyConfig(name);
  terraform(dir, 'init', '-input=false', '-no-color');
  terraform(dir, 'apply', '-auto-approve', '-input=false', '-no-color');
  return dir;
}

async function fingerprint(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = createHash('sha256').update(await readFile(file)).digest('hex');
  }
  return files;
}

async function editConfig(dir: string, from: string, to: string): Promise<void> {
  const file = path.join(dir, 'main.tf');
  const text = await readFile(file, 'utf8');
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
}

function gitdiff(args: string[], cwd = scratch): Promise<CliResult> {
  return runGitdiff(['terraform', ...args], { cwd, env: env() });
}

describe('gitdiff terraform DIR with real terraform', () => {
  it('is in sync after apply (exit 0), and leaves state, working tree and temp folder untouched', async () => {
    const dir = await applied('basic');
    const before = await fingerprint(dir);
    const result = await gitdiff([dir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Drift: 0 changed outside Terraform\. Plan: 0 to add, 0 to change, 0 to destroy\.\n5 in sync \(5 resources, [\d.]+ s\)\n$/);
    expect(await fingerprint(dir)).toEqual(before);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('reports a changed configuration (exit 1) with the changed attribute, and leaves the state byte-identical', async () => {
    const dir = await applied('basic');
    const state = await readFile(path.join(dir, 'terraform.tfstate'));
    await editConfig(dir, 'default = 10', 'default = 20');
    const text = await gitdiff([dir]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('~ terraform_data.server\n    action: update in place\n    input.size:\n-     10\n+     20\n');
    expect(text.stdout).toContain('~ output.size\n');
    expect(text.stdout).toMatch(/Drift: 0 changed outside Terraform\. Plan: 0 to add, 1 to change, 0 to destroy\. Outputs: 1 to change\.\n2 diverged, 3 in sync \(5 resources/);

    const json = await gitdiff([dir, '-o', 'json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ source: 'terraform', target: path.basename(dir), summary: { total: 5, diverged: 2, inSync: 3 } });
    const server = report.items.find((item: { address: string }) => item.address === 'terraform_data.server');
    expect(server).toMatchObject({ status: 'diverged', details: { action: 'update in place' } });
    expect(server.changes).toContainEqual({ path: 'input.size', declared: 20, live: 10 });
    expect(server.changes).toContainEqual({ path: 'output', declared: '(known after apply)', live: { disks: [{ volume_size: 10 }], size: 10, tags: { Name: 'web' } } });
    expect(await readFile(path.join(dir, 'terraform.tfstate'))).toEqual(state);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('shows a replacement with its symbol, reason and the attribute forcing it', async () => {
    const dir = await applied('basic');
    const result = await gitdiff([dir, '--var', 'generation=2']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('-/+ terraform_data.replaced\n    action: replace (destroy, then create)\n    reason: the provider cannot update it in place\n');
    expect(result.stdout).toContain('    triggers_replace[0]: (forces replacement)\n-     1\n+     2\n');
    expect(result.stdout).toContain('Plan: 1 to add, 0 to change, 1 to destroy.');
  });

  it('plans a fresh directory with --init: everything is missing (exit 1)', async () => {
    const dir = await copyConfig('with-module');
    const result = await gitdiff([dir, '--init']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('+ module.app.terraform_data.app: missing (to be created)\n');
    expect(result.stdout).toContain('+ output.id: missing (to be created)\n');
    expect(result.stdout).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy\. Outputs: 1 to change\.\n2 missing, 0 in sync \(2 resources/);
  });

  it('refuses an uninitialised directory without --init (exit 2), with terraform\'s error and a hint', async () => {
    const dir = await copyConfig('with-module');
    const result = await gitdiff([dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^gitdiff: error: terraform plan failed in .*with-module-\d+ \(exit 1\): Module not installed\n {2}on main\.tf line \d+\n/);
    expect(result.stderr).toMatch(/hint: .* is not initialised: add --init/);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('never shows a sensitive value: changed secrets, sensitive outputs, unmarked copies, in every format', async () => {
    const dir = await applied('basic');
    const newSecret = 'rotated-secret-77b1e4';
    const runs = await Promise.all([[], ['-o', 'json'], ['-v'], ['--debug']].map((extra) => gitdiff([dir, '--var', `secret=${newSecret}`, ...extra])));
    for (const result of runs) {
      expect(result.code).toBe(1);
      for (const secret of [INITIAL_SECRET, newSecret]) {
        for (const form of [secret, Buffer.from(secret).toString('base64')]) {
          expect(result.stdout).not.toContain(form);
          expect(result.stderr).not.toContain(form);
        }
      }
    }
    expect(runs[0].stdout).toContain('~ terraform_data.credentials\n    action: update in place\n    input.password:\n-     (sensitive value)\n+     (sensitive value)\n');
    expect(runs[0].stdout).toContain('~ output.secret\n    action: update in place\n    value:\n-     (sensitive value)\n+     (sensitive value)\n');
    const credentials = JSON.parse(runs[1].stdout).items.find((item: { address: string }) => item.address === 'terraform_data.credentials');
    expect(credentials.changes).toContainEqual({ path: 'input.password', declared: '(sensitive value)', live: '(sensitive value)', sensitive: true });
    expect(runs[2].stderr).toMatch(/terraform: terraform_data\.credentials: Plan to update/);
    expect(runs[3].stderr).toMatch(/debug: run: terraform -chdir=.* plan -json .* -var=secret=\(hidden\)/);
  });

  // A refresh-only plan lists only drift: what was refreshed and unchanged is counted from its prior state (issue 15).
  it('--refresh-only after apply is in sync (exit 0), counting every resource it refreshed, listed with -v', async () => {
    const dir = await applied('basic');
    await editConfig(dir, 'default = 10', 'default = 20');
    const result = await gitdiff([dir, '--refresh-only']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^note: refresh-only: output changes were not counted; drift alone decides\n\nDrift: 0 changed outside Terraform \(refresh-only plan\)\.\n3 in sync \(3 resources, [\d.]+ s\)\n$/);
    const verbose = await gitdiff([dir, '--refresh-only', '-v']);
    expect(verbose.stdout).toContain('Unchanged outside Terraform\n= terraform_data.credentials: in sync\n    drift: unchanged\n= terraform_data.replaced: in sync\n');
    expect(verbose.stdout).toContain('= terraform_data.server: in sync\n');
    const targeted = JSON.parse((await gitdiff([dir, '--refresh-only', '--target', 'terraform_data.server', '-o', 'json'])).stdout);
    expect(targeted.items).toEqual([{ address: 'terraform_data.server', status: 'in-sync', details: { drift: 'unchanged' }, changes: [] }]);
    expect(targeted.notes).toContain('the plan is partial (made with -target, or with deferred changes): resources outside it were not checked');
  });

  it('an empty configuration: exit 0, saying there is nothing to differ rather than "0 in sync"', async () => {
    const dir = await copyConfig('empty');
    const result = await gitdiff([dir, '--init']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No resources in the plan: the configuration declares none, so nothing can differ\.\n/);
    const refresh = await gitdiff([dir, '--refresh-only']);
    expect(refresh.code).toBe(0);
    expect(refresh.stdout).toMatch(/^No resources in the state: the refresh had nothing to check, so nothing can have drifted\.\n/);
  });

  it('reads a saved binary plan with --plan, and saved JSON with --plan-json', async () => {
    const dir = await applied('basic');
    terraform(dir, 'plan', '-input=false', '-no-color', '-var', 'size=30', '-out=saved.tfplan');
    const fromPlan = await gitdiff(['--plan', 'saved.tfplan'], dir);
    expect(fromPlan.code).toBe(1);
    expect(fromPlan.stdout).toContain('    input.size:\n-     10\n+     30\n');
    await writeFile(path.join(dir, 'plan.json'), terraform(dir, 'show', '-json', 'saved.tfplan'));
    const fromJson = await gitdiff(['--plan-json', path.join(dir, 'plan.json'), '-o', 'json']);
    expect(fromJson.code).toBe(1);
    expect(JSON.parse(fromJson.stdout)).toMatchObject({ target: 'plan.json', summary: { diverged: 2 } });
  });

  // --plan FILE is read from where you stand (as --var-file and --plan-json are), though `terraform show` runs in DIR (issue 15).
  it('resolves --plan FILE against the working directory, not DIR, and says so when FILE is only inside DIR', async () => {
    const dir = await applied('basic');
    const name = path.basename(dir);
    terraform(dir, 'plan', '-input=false', '-no-color', '-var', 'size=30', '-out=saved.tfplan');
    const fromHere = await gitdiff([name, '--plan', `${name}/saved.tfplan`]);
    expect(fromHere.code).toBe(1);
    expect(fromHere.stdout).toContain('    input.size:\n-     10\n+     30\n');
    const fromDir = await gitdiff([name, '--plan', 'saved.tfplan']);
    expect(fromDir.code).toBe(2);
    expect(fromDir.stdout).toBe('');
    expect(fromDir.stderr).toBe(`gitdiff: error: --plan saved.tfplan: no such file or directory\n  hint: FILE is read from where you run gitdiff, not from DIR: pass ${name}/saved.tfplan\n`);
    const nowhere = await gitdiff([name, '--plan', 'other.tfplan']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toBe('gitdiff: error: --plan other.tfplan: no such file or directory\n  hint: pass the file `terraform plan -out=FILE` wrote (relative to where you run gitdiff)\n');
  });

  it('resolves --var-file against the working directory and passes --target', async () => {
    const dir = await applied('basic');
    const name = path.basename(dir);
    const result = await gitdiff([name, '--var-file', `${name}/prod.tfvars`, '--target', 'terraform_data.server', '-o', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const server = report.items.find((item: { address: string }) => item.address === 'terraform_data.server');
    expect(server.changes).toContainEqual({ path: 'input.size', declared: 40, live: 10 });
    expect(report.items.map((item: { address: string }) => item.address)).not.toContain('terraform_data.replaced');
    expect(report.notes).toContain('the plan is partial (made with -target, or with deferred changes): resources outside it were not checked');
  });

  it('streams terraform\'s progress to stderr with -v only', async () => {
    const dir = await applied('basic');
    const quiet = await gitdiff([dir]);
    const verbose = await gitdiff([dir, '-v']);
    expect(quiet.stderr).toBe('');
    expect(verbose.stderr).toMatch(/^terraform: terraform_data\.server: Refreshing state\.\.\. \[id=/m);
    expect(verbose.stdout).toContain('= terraform_data.server: in sync');
  });

  it('names a missing binary (exit 2) with a hint', async () => {
    const dir = await copyConfig('basic');
    const result = await runGitdiff(['terraform', dir], { cwd: scratch, env: { ...env(), GITDIFF_TERRAFORM_BIN: '/nonexistent/tofu' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('gitdiff: error: /nonexistent/tofu: not found\n  hint: install terraform, or pass --bin PATH (or set GITDIFF_TERRAFORM_BIN), e.g. --bin tofu\n');
  });
});
