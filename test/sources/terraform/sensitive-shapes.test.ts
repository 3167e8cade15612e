// Terraform's sensitive marks follow values only so far: a sensitive string
// used as a map key, and sensitive numbers and bools copied into an unmarked
// attribute (terraform_data's `output`), reach the plan unmarked. A real
// terraform applies fixtures/terraform/configs/sensitive-shapes, then plans
// with every sensitive variable changed; no format, nor serve's page and API,
// may show a key, a number or a bool of them. And an attribute that was
// sensitive and becomes unknown reads (known after apply), not (sensitive value).
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { renderers } from '../../../src/render/index.js';
import { itWith, whichBinary } from '../../support/binaries.js';
import { repoRoot } from '../../support/run-cli.js';
import { startServe } from '../../support/serve-process.js';
import { runInProcess } from '../../support/in-process.js';

const it = itWith(['terraform'], 'terraform 1.x: https://developer.hashicorp.com/terraform/install (one binary on PATH)');

/** The sensitive variables' values: the config's defaults (applied), then the planned ones. */
const APPLIED = { key: 'sensitive-key-7a3b9c', pin: 48213977, flag: true };
const PLANNED = { key: 'sensitive-key-d41e08', pin: 55512345, flag: false };
const TEXTS = [APPLIED.key, PLANNED.key, String(APPLIED.pin), String(PLANNED.pin)];

let scratch: string;
let planFile: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'gitdiff-sensitive-shapes-'));
  if (!whichBinary('terraform')) return; // the tests say what is missing, through itWith
  const dir = path.join(scratch, 'config');
  await cp(path.join(repoRoot, 'fixtures/terraform/configs/sensitive-shapes'), dir, { recursive: true });
  const env = { PATH: process.env.PATH, HOME: scratch, TMPDIR: scratch, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  const terraform = (...args: string[]) => execFileSync('terraform', [`-chdir=${dir}`, ...args], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  terraform('init', '-input=false', '-no-color');
  terraform('apply', '-auto-approve', '-input=false', '-no-color');
  terraform('plan', '-out=tfplan', '-input=false', '-no-color', '-var', `key=${PLANNED.key}`, '-var', `pin=${PLANNED.pin}`, '-var', `flag=${PLANNED.flag}`, '-var', 'generation=2');
  planFile = path.join(scratch, 'plan.json');
  await writeFile(planFile, terraform('show', '-json', 'tfplan'));
}, 180_000);

afterAll(() => rm(scratch, { recursive: true, force: true }));

type Json = Record<string, any>;

/** Every change of one resource in gitdiff's JSON report. */
function changesOf(report: Json, address: string): Json[] {
  const item = (report.items as Json[]).find((candidate) => candidate.address === address);
  expect(item, address).toBeDefined();
  return item!.changes as Json[];
}

/** Every boolean anywhere in a value. */
function booleansIn(value: unknown): boolean[] {
  if (typeof value === 'boolean') return [value];
  if (Array.isArray(value)) return value.flatMap(booleansIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(booleansIn);
  return [];
}

describe('terraform: sensitive keys, numbers and bools that the plan does not mark where they are copied', () => {
  it('no output format shows a sensitive map key or number', async () => {
    for (const format of Object.keys(renderers)) {
      const result = await runInProcess(['terraform', '--plan-json', planFile, '-o', format, '-v']);
      expect(result.code, `${format}: ${result.stderr}`).toBe(1);
      const shown = TEXTS.filter((text) => (result.stdout + result.stderr).includes(text));
      expect(shown, format).toEqual([]);
    }
  });

  it('a sensitive bool copied into output is masked, not shown as true or false', async () => {
    const report = JSON.parse((await runInProcess(['terraform', '--plan-json', planFile, '-o', 'json'])).stdout) as Json;
    const values = changesOf(report, 'terraform_data.numbers').flatMap((change) => [change.live, change.declared]);
    expect(values.length).toBeGreaterThan(0);
    expect(booleansIn(values)).toEqual([]);
  });

  it('an attribute that was sensitive and will be known only after apply reads (known after apply)', async () => {
    const report = JSON.parse((await runInProcess(['terraform', '--plan-json', planFile, '-o', 'json'])).stdout) as Json;
    const input = changesOf(report, 'terraform_data.becomes_unknown').find((change) => change.path === 'input');
    expect(input).toMatchObject({ live: '(sensitive value)', sensitive: true });
    const text = (await runInProcess(['terraform', '--plan-json', planFile])).stdout;
    const block = text.slice(text.indexOf('terraform_data.becomes_unknown'));
    expect(block).toMatch(/ {4}output:\n-\s+\(sensitive value\)\n\+\s+\(known after apply\)/);
  });

  it("serve's page and /api/checks show none of them", async () => {
    const config = path.join(scratch, 'serve.yaml');
    await writeFile(config, dump({ checks: [{ name: 'plan', command: ['terraform', '--plan-json', planFile], interval: '1h' }] }));
    const serve = await startServe(['--config', config, '-v']);
    try {
      await serve.waitForChecks((body) => body.ready, 'the check to have run', 60_000);
      const pages = await Promise.all(['/', '/api/checks', '/metrics'].map((pathname) => serve.get(pathname)));
      expect(pages.map((page) => page.status)).toEqual([200, 200, 200]);
      const bytes = pages.map((page) => page.body).join('\n') + serve.stderr();
      expect(bytes).toContain('terraform_data.keyed');
      expect(TEXTS.filter((text) => bytes.includes(text))).toEqual([]);
    } finally {
      await serve.stop();
    }
  }, 90_000);
});
