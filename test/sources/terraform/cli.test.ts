// gitdiff terraform --plan-json end to end, as a process: exit codes, what a
// person reads, the JSON shape, and secrets that never come out.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitdiffBin, repoRoot, runGitdiff } from '../../support/run-cli.js';

const plans = path.join(repoRoot, 'fixtures/terraform/plans');
const plan = (name: string) => path.join(plans, name);

describe('gitdiff terraform --plan-json', () => {
  it('in sync: exit 0, the headline and the summary', async () => {
    const result = await runGitdiff(['terraform', '--plan-json', plan('in-sync.json')]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Drift: 0 changed outside Terraform\. Plan: 0 to add, 0 to change, 0 to destroy\.\n2 in sync \(2 resources, [\d.]+ s\)\n$/);
  });

  it('drift and planned changes: exit 1, grouped, with symbols, actions, reasons and attribute paths', async () => {
    const result = await runGitdiff(['terraform', '--plan-json', plan('drift-and-changes.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toContain('Changes outside Terraform (drift)\n~ aws_instance.web\n    action: update in place\n    drift: updated outside Terraform (instance_type)\n    instance_type:\n-     t3.large\n+     t3.micro\n    root_block_device[0].volume_size:\n-     8\n+     20\n');
    expect(out).not.toContain('aws_s3_bucket.logs:');
    expect(out).toContain('note: aws_s3_bucket.logs was updated outside Terraform (tags); the plan would not act on it (the configuration matches, or ignore_changes covers it)\n');
    expect(out).toContain('\nPlanned changes\n');
    expect(out).toContain('-/+ aws_instance.api[0]\n    action: replace (destroy, then create)\n    reason: the provider cannot update it in place\n');
    expect(out).toContain('    ami: (forces replacement)\n-     ami-123\n+     ami-456\n');
    expect(out).toContain('    endpoint:\n-     db-1.example:5432\n+     (known after apply)\n');
    expect(out).toContain('+ aws_instance.worker: missing (to be created)\n');
    expect(out).toContain('- aws_instance.legacy: not declared\n    action: destroy\n    reason: it is no longer in the configuration\n');
    expect(out).toContain('\nChanges to outputs\n~ output.db_password\n');
    expect(out).not.toContain('data.aws_ami.latest');
    expect(out).toMatch(/Drift: 2 changed outside Terraform\. Plan: 2 to add, 3 to change, 2 to destroy\. Outputs: 1 to change\.\n5 diverged, 1 missing, 1 extra, 3 in sync \(10 resources, [\d.]+ s\)\n$/);
  });

  it('-v also lists what is in sync: a data source read, drift the plan would not act on', async () => {
    const result = await runGitdiff(['terraform', '-v', '--plan-json', plan('drift-and-changes.json')]);
    expect(result.stdout).toContain('<= data.aws_ami.latest: in sync\n    action: read (data source, during apply)\n    reason: its configuration depends on values known only after apply\n');
    expect(result.stdout).toContain('~ aws_s3_bucket.logs: in sync\n    drift: updated outside Terraform; the plan would not act on it (the configuration matches, or ignore_changes covers it)\n    tags:\n-     {}\n      (not declared)\n');
  });

  it('-o json: the shared report model, items by address', async () => {
    const result = await runGitdiff(['terraform', '--plan-json', plan('drift-and-changes.json'), '-o', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      source: 'terraform',
      target: 'drift-and-changes.json',
      summary: { total: 10, inSync: 3, diverged: 5, missing: 1, extra: 1, unchecked: 0, errors: 0 },
      headline: 'Drift: 2 changed outside Terraform. Plan: 2 to add, 3 to change, 2 to destroy. Outputs: 1 to change.',
      errors: [],
    });
    expect(report.items.map((item: { address: string; status: string }) => `${item.address} ${item.status}`)).toEqual([
      'aws_instance.web diverged',
      'aws_s3_bucket.logs in-sync',
      'aws_db_instance.main diverged',
      'aws_ssm_parameter.conn diverged',
      'aws_instance.api[0] diverged',
      'aws_instance.worker missing',
      'aws_instance.legacy extra',
      'data.aws_ami.latest in-sync',
      'output.db_password diverged',
      'output.web_type in-sync',
    ]);
    const db = report.items.find((item: { address: string }) => item.address === 'aws_db_instance.main');
    expect(db.changes).toEqual([
      { path: 'password', declared: '(sensitive value)', live: '(sensitive value)', sensitive: true },
      { path: 'settings[0].auth.user', declared: 'app2', live: 'app' },
      { path: 'endpoint', declared: '(known after apply)', live: 'db-1.example:5432' },
    ]);
  });

  it('never prints a sensitive value, in text or JSON, plain or base64', async () => {
    const secrets = ['var-secret-Qw9xL2', 'old-db-pass-K7s2', 'new-db-pass-M3v8', 'nested-token-Zp41'];
    const source = await readFile(plan('drift-and-changes.json'), 'utf8');
    for (const secret of secrets) expect(source).toContain(secret);
    for (const format of [['-o', 'text'], ['-o', 'json'], ['-v'], ['--debug']]) {
      const result = await runGitdiff(['terraform', '--plan-json', plan('drift-and-changes.json'), ...format]);
      for (const secret of secrets) {
        for (const form of [secret, Buffer.from(secret).toString('base64')]) {
          expect(result.stdout).not.toContain(form);
          expect(result.stderr).not.toContain(form);
        }
      }
    }
  });

  it('refresh-only: drift decides; deleted outside Terraform is missing', async () => {
    const result = await runGitdiff(['terraform', '--plan-json', plan('refresh-only-drift.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('~ aws_instance.web\n    drift: updated outside Terraform\n    tags["Owner"]:\n-     someone\n      (not declared)\n');
    expect(result.stdout).toContain('- aws_instance.gone: missing (deleted outside Terraform)\n    drift: deleted outside Terraform\n');
    expect(result.stdout).toMatch(/Drift: 2 changed outside Terraform \(refresh-only plan\)\.\n1 diverged, 1 missing, 0 in sync/);
  });

  // Both read `missing`, but one is the plan's to make and the other someone removed by hand (issue 15).
  it.each<[string, string, string]>([
    ['a planned create', 'drift-and-changes.json', 'aws_instance.worker'],
    ['a resource deleted outside Terraform', 'refresh-only-drift.json', 'aws_instance.gone'],
  ])('%s says which kind of missing it is, in every format', async (_name, file, address) => {
    const reason = file === 'refresh-only-drift.json' ? 'deleted outside Terraform' : 'to be created';
    const other = reason === 'to be created' ? 'deleted outside Terraform' : 'to be created';
    const run = (format: string) => runGitdiff(['terraform', '--plan-json', plan(file), '-o', format]);
    const [text, markdown, junit, github, json] = await Promise.all(['text', 'markdown', 'junit', 'github', 'json'].map(run));
    expect(text.stdout).toMatch(new RegExp(`^[-+] ${address.replace('.', '\\.')}: missing \\(${reason}\\)$`, 'm'));
    expect(markdown.stdout).toContain(`\`${address}\`: missing (${reason})`);
    expect(junit.stdout).toContain(`name="${address}">\n      <failure type="missing" message="missing (${reason})"`);
    expect(github.stdout).toContain(`title=${address}%3A missing::missing (${reason})`);
    const item = JSON.parse(json.stdout).items.find((each: { address: string }) => each.address === address);
    expect(item).toMatchObject({ status: 'missing', error: reason });
    for (const result of [text, markdown, junit, github, json]) {
      expect(result.code).toBe(1);
      expect(result.stdout).not.toContain('missing from the live side');
      expect(result.stdout).not.toContain(other);
    }
  });

  it('reads stdin with -', async () => {
    const input = await readFile(plan('in-sync.json'));
    const result = await runGitdiff(['terraform', '--plan-json', '-', '-o', 'json'], { input });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ target: 'stdin', summary: { inSync: 2 } });
  });

  it('reads UTF-16 with a BOM and CRLF, as PowerShell writes it', async () => {
    const text = (await readFile(plan('drift-and-changes.json'), 'utf8')).replace(/\n/g, '\r\n');
    const input = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const result = await runGitdiff(['terraform', '--plan-json', '-'], { input });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('~ aws_instance.web\n');
  });

  it.each<[string, string[], string | undefined, RegExp]>([
    ['an errored plan', ['--plan-json', plan('errored.json')], undefined, /errored\.json: the plan is marked errored.*\n  hint: run `terraform plan`/],
    ['malformed JSON', ['--plan-json', '-'], '{"format_version": "1.2", "resource_changes": [}', /^gitdiff: error: stdin: not valid JSON \(an unexpected character where a value belongs at line 1, column 48\)\n/],
    ['a text plan', ['--plan-json', '-'], 'Plan: 1 to add, 0 to change, 0 to destroy.\n', /stdin: found human-readable `terraform plan` output/],
    ['a missing file', ['--plan-json', 'no/such/plan.json'], undefined, /^gitdiff: error: no\/such\/plan\.json: no such file\n/],
    ['a directory', ['--plan-json', 'fixtures'], undefined, /^gitdiff: error: fixtures: is a directory, not a saved plan\n/],
    ['a directory and --plan-json', ['somewhere', '--plan-json', plan('in-sync.json')], undefined, /--plan-json reads a saved plan, so no plan runs in somewhere/],
    ['a missing module directory', ['no/such/dir'], undefined, /^gitdiff: error: no\/such\/dir: no such directory\n/],
    ['a file as DIR', ['package.json'], undefined, /^gitdiff: error: package\.json: is a file, not a directory\n/],
  ])('exit 2 for %s, with one clear line and a hint', async (_name, args, input, message) => {
    const result = await runGitdiff(['terraform', ...args], { input });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/\n {2}hint: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists its flags in --help', async () => {
    const result = await runGitdiff(['terraform', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['[dir]', '--plan-json <file>', '--plan <file>', '--refresh-only', '--init', '--bin <path>', '--var-file <file>', '--var <name=value>', '--target <address>', '--output']) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('FILE is relative to where you run gitdiff (not to DIR)');
  });
});

describe('gitdiff terraform DIR, interrupted', () => {
  // Real terraform cannot be made to plan slowly offline, so a stand-in takes its
  // place for this one test: it writes the plan file it was asked for (as
  // terraform does), says it started, and waits. gitdiff must stop it, remove
  // its temporary folder and exit 143.
  it('on SIGTERM: stops terraform, leaves no temporary plan, exits 143', async () => {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'gitdiff-terraform-signal-'));
    try {
      const tmp = path.join(scratch, 'tmp');
      await mkdir(tmp);
      const started = path.join(scratch, 'started');
      const bin = path.join(scratch, 'slow-terraform');
      await writeFile(bin, `#!/bin/sh\nfor arg in "$@"; do case "$arg" in -out=*) echo partial > "\${arg#-out=}";; esac; done\necho "$@" > "${started}"\nexec sleep 30\n`, { mode: 0o755 });
      const child = spawn(process.execPath, [gitdiffBin, 'terraform', scratch, '--bin', bin], { env: { PATH: process.env.PATH, TMPDIR: tmp }, stdio: 'pipe' });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      for (let i = 0; i < 200 && !existsSync(started); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await readFile(started, 'utf8')).toMatch(/^-chdir=.* plan -json -input=false -lock=false -detailed-exitcode -out=.*\/plan\.tfplan\n$/);
      expect((await readdir(tmp)).length).toBe(1);
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
      expect(await readdir(tmp)).toEqual([]);
      expect(stderr).toBe('');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
