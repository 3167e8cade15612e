// Issue 14, class 17: Terraform JSON that is not a plan, made by the real
// terraform, must never be read as an empty plan that is in sync; and a
// --target that matches nothing checked nothing. Each is exit 2, saying what it
// found. The same checks for a plan that is one: a target that matches, a
// refresh-only plan of a target that did not drift, stay in sync.
import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it as plainIt } from 'vitest';
import { itWith } from '../../support/binaries.js';
import { repoRoot, runGitdiff, type CliResult } from '../../support/run-cli.js';

const it = itWith(['terraform'], 'terraform 1.x: https://developer.hashicorp.com/terraform/install (one binary on PATH)');
const configs = path.join(repoRoot, 'fixtures/terraform/configs');

let scratch: string;
let env: NodeJS.ProcessEnv;
/** The basic config, applied: in sync, with state. */
let basic: string;
/** The config with a local module, applied. */
let withModule: string;

function terraform(dir: string, ...args: string[]): string {
  return execFileSync('terraform', [`-chdir=${dir}`, ...args], { env: { PATH: process.env.PATH, ...env, TF_IN_AUTOMATION: '1' }, encoding: 'utf8' });
}

async function applied(name: string): Promise<string> {
  const dir = path.join(scratch, name);
  await cp(path.join(configs, name), dir, { recursive: true });
  terraform(dir, 'init', '-input=false', '-no-color');
  terraform(dir, 'apply', '-auto-approve', '-input=false', '-no-color');
  return dir;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'gitdiff-not-a-plan-'));
  const home = path.join(scratch, 'home');
  const tmp = path.join(scratch, 'tmp');
  await Promise.all([home, tmp].map((dir) => mkdir(dir, { recursive: true })));
  env = { HOME: home, TMPDIR: tmp, CHECKPOINT_DISABLE: '1' };
  try {
    [basic, withModule] = await Promise.all([applied('basic'), applied('with-module')]);
  } catch {
    // No terraform: the tests below skip (or fail in CI) on their own.
  }
}, 120_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function gitdiff(args: string[], input?: string): Promise<CliResult> {
  return runGitdiff(['terraform', ...args], { cwd: scratch, env, input });
}

/** Exit 2, one error line naming stdin and saying what was found, a hint, nothing on stdout. */
function expectRefused(result: CliResult, found: RegExp): void {
  expect(result.code, result.stdout + result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  const [first, second] = result.stderr.split('\n');
  expect(first).toMatch(/^gitdiff: error: stdin: /);
  expect(first).toMatch(found);
  expect(second).toMatch(/^ {2}hint: /);
}

describe('terraform JSON that is not a plan is never an empty plan in sync', () => {
  it('`terraform show -json` of a state (no plan file): exit 2, "this is Terraform state"', async () => {
    const state = terraform(basic, 'show', '-json');
    expectRefused(await gitdiff(['--plan-json', '-'], state), /Terraform state .*not a plan/);
  });

  it('`terraform show -json` where there is no state yet ({"format_version":"1.0"}): exit 2', async () => {
    const empty = path.join(scratch, 'empty');
    await mkdir(empty, { recursive: true });
    const shown = terraform(empty, 'show', '-json');
    expect(JSON.parse(shown)).toEqual({ format_version: expect.any(String) });
    expectRefused(await gitdiff(['--plan-json', '-'], shown), /empty Terraform state.*not a plan/);
  });

  it('`terraform validate -json`: exit 2, "validation result"', async () => {
    const validated = terraform(basic, 'validate', '-json');
    expect(JSON.parse(validated)).toMatchObject({ valid: true });
    expectRefused(await gitdiff(['--plan-json', '-'], validated), /`terraform validate -json`.*not a plan/);
  });

  it('`terraform version -json`: exit 2', async () => {
    expectRefused(await gitdiff(['--plan-json', '-'], terraform(basic, 'version', '-json')), /`terraform version -json`.*not a plan/);
  });

  it('a real plan stripped of planned_values (a plan\'s required member): exit 2', async () => {
    terraform(basic, 'plan', '-out=in-sync.tfplan', '-input=false', '-no-color');
    const plan = JSON.parse(terraform(basic, 'show', '-json', 'in-sync.tfplan')) as Record<string, unknown>;
    expect((await gitdiff(['--plan-json', '-'], JSON.stringify(plan))).code).toBe(0);
    delete plan.planned_values;
    expectRefused(await gitdiff(['--plan-json', '-'], JSON.stringify(plan)), /not a plan/);
  });
});

describe('--target that matches nothing checked nothing', () => {
  it('a --target naming no resource: exit 2, naming the target', async () => {
    const result = await gitdiff([basic, '--target', 'terraform_data.nope']);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toMatch(/--target terraform_data\.nope matched no resource in the plan: nothing was checked for it/);
    expect(result.stdout).not.toMatch(/^0 in sync/m);
  });

  it('one target that matches and one that does not: still exit 2', async () => {
    const result = await gitdiff([basic, '--target', 'terraform_data.server', '--target', 'terraform_data.serverx']);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toMatch(/--target terraform_data\.serverx matched no resource/);
    expect(result.stdout).not.toMatch(/--target terraform_data\.server matched/);
  });

  it('targets that match a resource, a module, or a module resource: in sync (exit 0)', async () => {
    for (const [dir, target] of [[basic, 'terraform_data.server'], [withModule, 'module.app'], [withModule, 'module.app.terraform_data.app']] as const) {
      const result = await gitdiff([dir, '--target', target]);
      expect(result.code, `${target}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  });

  it('a refresh-only plan of a target that did not drift: in sync (the target was refreshed)', async () => {
    const result = await gitdiff([basic, '--refresh-only', '--target', 'terraform_data.server']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('a refresh-only plan of a target that names nothing: exit 2', async () => {
    const result = await gitdiff([basic, '--refresh-only', '--target', 'terraform_data.nope']);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toMatch(/--target terraform_data\.nope matched no resource/);
  });
});

describe('a misbehaving terraform whose `show -json` prints something other than a plan', () => {
  /** A terraform that plans successfully, then shows `shown` for the plan file. */
  async function fakeTerraform(shown: string): Promise<string> {
    const dir = await mkdtemp(path.join(scratch, 'fake-'));
    const bin = path.join(dir, 'terraform');
    await writeFile(path.join(dir, 'shown.json'), shown);
    await writeFile(bin, `#!/bin/sh\nfor a in "$@"; do case "$a" in plan) exit 0;; show) cat "${path.join(dir, 'shown.json')}"; exit 0;; esac; done\nexit 0\n`);
    await chmod(bin, 0o755);
    return bin;
  }

  plainIt.each([
    ['an empty state', '{"format_version":"1.0"}', /found an empty Terraform state/],
    ['state', '{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{}}}', /found Terraform state as `terraform show -json` prints it/],
    ['a validation result', '{"format_version":"1.0","valid":true,"error_count":0,"warning_count":0,"diagnostics":[]}', /found `terraform validate -json` output/],
    ['nothing at all', '', /is empty/],
  ])('%s: exit 2 within bounds, naming what it printed', async (_name, shown, found) => {
    const bin = await fakeTerraform(shown);
    const started = Date.now();
    const result = await runGitdiff(['terraform', path.join(configs, 'basic'), '--bin', bin], { cwd: scratch, env: { HOME: scratch }, timeoutMs: 30_000 });
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: terraform show -json \(plan of .*basic\): /);
    expect(result.stderr).toMatch(found);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
