// gitdiff as a process among others: SIGINT and SIGTERM stop a run promptly
// (exit 130 / 143) with no temp file and no half-written textfile, whether it
// waits for a server or for stdin; a reader that closes the pipe early ends it
// quietly with the verdict still its exit status; external commands run
// without a shell, and their failures are reported with their own words.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitdiffBin, repoRoot, runGitdiff, type CliResult } from '../support/run-cli.js';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';

/** A guard, not a timing assertion: a run that ignores the signal is killed and fails the test. */
const GUARD_MS = 30_000;

let dir: string;
let server: KubeApiServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-process-'));
  server = await startKubeApiServer({ objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'app' }, data: { a: '1' } }] });
  server.addFault({ path: /.*/, action: 'hang' });
});

afterAll(async () => {
  await server?.close();
});

interface Running {
  pid: number;
  stdin: NodeJS.WritableStream;
  /** What it has written to stderr so far. */
  stderr: () => string;
  done: Promise<CliResult>;
}

/** Starts bin/gitdiff with stdin left open (the test decides when, or whether, it closes). */
function start(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [gitdiffBin, ...args], { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: dir, ...env }, stdio: 'pipe' });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => {});
  const guard = setTimeout(() => child.kill('SIGKILL'), GUARD_MS);
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => {
    clearTimeout(guard);
    resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
  }));
  return { pid: child.pid!, stdin: child.stdin, stderr: () => Buffer.concat(stderr).toString('utf8'), done };
}

/** Waits for --debug's first line, which gitdiff writes once its SIGINT and SIGTERM handlers are installed. */
async function handlersInstalled(run: Running): Promise<void> {
  for (let waited = 0; waited < GUARD_MS; waited += 25) {
    if (/^debug: gitdiff .* started$/m.test(run.stderr())) return;
    await sleep(25);
  }
  throw new Error(`process ${run.pid} never started its run`);
}

function tempFilesIn(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.endsWith('.tmp') || name.startsWith('.'));
}

describe('signals stop a run promptly', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s while the API server does not answer: exit %i, the textfile untouched, no temp file', async (signal, code) => {
    const metrics = mkdtempSync(path.join(dir, 'metrics-'));
    const textfile = path.join(metrics, 'gitdiff.prom');
    const previous = '# HELP gitdiff_diverged 1 when the last completed run found a divergence.\n# TYPE gitdiff_diverged gauge\ngitdiff_diverged{source="kube",target="prod"} 0\n';
    writeFileSync(textfile, previous);
    const manifest = path.join(dir, 'settings.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: app\ndata:\n  a: "1"\n');
    const kubeconfig = server.writeKubeconfig(mkdtempSync(path.join(dir, 'kc-')));
    const before = server.requests.length;
    const run = start(['kube', manifest, '--kubeconfig', kubeconfig, '--request-timeout', '0', '--metrics-textfile', textfile, '--target', 'prod', '--debug']);
    await handlersInstalled(run);
    while (server.requests.length === before) await sleep(50); // mid-run: a request is hanging
    process.kill(run.pid, signal);
    const result = await run.done;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/^\s+at |gitdiff: error/m);
    expect(readFileSync(textfile, 'utf8')).toBe(previous);
    expect(tempFilesIn(metrics)).toEqual([]);
  });

  it.each([
    ['kube -', ['kube', '-']],
    ['kube --live-from -', ['kube', 'fixtures/example/manifests', '--live-from', '-']],
    ['terraform --plan-json -', ['terraform', '--plan-json', '-']],
    ['ansible --results -', ['ansible', '--results', '-']],
  ])('SIGTERM while %s waits for stdin that never closes: exit 143', async (_name, args) => {
    const run = start([...args, '--debug']);
    await handlersInstalled(run);
    run.stdin.write('apiVersion: v1\n'); // something arrived, the rest never will
    process.kill(run.pid, 'SIGTERM');
    const result = await run.done;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(143);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('the run deadline ends a read of stdin that never closes: exit 2, naming --timeout', async () => {
    const run = start(['kube', '-', '--timeout', '1s']);
    const result = await run.done;
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('gitdiff: error: gave up after --timeout 1s: the run took too long\n  hint: raise --timeout (0 for no limit); --debug shows what was slow\n');
  });
});

describe('a reader that closes the pipe early', () => {
  it('`gitdiff ... | head -1` ends quietly, with the verdict as exit status and the metrics written', async () => {
    const declared = path.join(dir, 'many.yaml');
    const live = path.join(dir, 'many-live.yaml');
    const documents = Array.from({ length: 2000 }, (_, n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${n}\n  namespace: app\ndata:\n  key: declared-${n}\n`);
    writeFileSync(declared, documents.join('---\n'));
    writeFileSync(live, documents.join('---\n').replaceAll('declared-', 'live-'));
    const textfile = path.join(mkdtempSync(path.join(dir, 'pipe-')), 'gitdiff.prom');
    const gitdiff = spawn(process.execPath, [gitdiffBin, 'kube', declared, '--live-from', live, '--metrics-textfile', textfile], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const head = spawn('head', ['-1'], { stdio: ['pipe', 'pipe', 'inherit'] });
    gitdiff.stdout.pipe(head.stdin);
    head.stdin.on('error', () => {});
    let stderr = '';
    gitdiff.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    let firstLine = '';
    head.stdout.on('data', (chunk: Buffer) => { firstLine += chunk.toString(); });
    const [code] = await Promise.all([
      new Promise<number | null>((resolve) => gitdiff.on('close', resolve)),
      new Promise((resolve) => head.on('close', resolve)),
    ]);
    expect(firstLine).toBe(`~ v1 ConfigMap app/cm-0 (${declared}:1)\n`);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(readFileSync(textfile, 'utf8')).toMatch(/^gitdiff_diverged\{source="kube",target="many-live\.yaml"\} 1$/m);
  });
});

describe('external commands', () => {
  let pwned: string;
  let fakes: string;
  beforeAll(() => {
    pwned = path.join(dir, 'PWNED');
    fakes = path.join(dir, 'fake-bin');
    mkdirSync(fakes);
    /** Test doubles: scripts that fail as the real tools do, after a screenful of noise. */
    const fake = (name: string, lines: string[], exit: number) => {
      const file = path.join(fakes, name);
      writeFileSync(file, `#!/bin/sh\ni=0\nwhile [ $i -lt 40 ]; do echo "noise line $i" >&2; i=$((i+1)); done\n${lines.map((line) => `echo '${line}' >&2`).join('\n')}\nexit ${exit}\n`);
      chmodSync(file, 0o755);
    };
    fake('terraform', ['Error: Failed to query available provider packages', '', 'Could not retrieve the list of available versions for provider hashicorp/aws'], 1);
    fake('ansible-playbook', ['ERROR! the role webserver was not found in /srv/roles'], 1);
    fake('kubectl', ['error: accumulating resources: accumulation err=accumulating resources from ../base: missing'], 1);
    fake('noisy-terraform', ['the last words of a crash'], 3);
  });

  it.each([
    ['terraform --bin', (p: string) => ['terraform', 'fixtures/terraform/configs/basic', '--bin', `/nonexistent/terraform; touch ${p}`], {}, /terraform; touch .*PWNED: not found/],
    ['GITDIFF_TERRAFORM_BIN', () => ['terraform', 'fixtures/terraform/configs/basic'], { GITDIFF_TERRAFORM_BIN: 'true && touch PWNED_PATH' }, /true && touch .*PWNED: not found/],
    ['ansible --bin', (p: string) => ['ansible', 'fixtures/ansible/site.yml', '--bin', `/nonexistent/ansible $(touch ${p})`], {}, /ansible-playbook not found: \/nonexistent\/ansible \$\(touch .*PWNED\)/],
    ['kube -k', (p: string) => ['kube', '-k', `fixtures/example; touch ${p}`, '--live-from', 'fixtures/example/live.yaml'], {}, /-k fixtures\/example; touch .*PWNED/],
  ] as [string, (pwned: string) => string[], Record<string, string>, RegExp][])('%s with shell syntax in it runs nothing else', async (_name, args, env, message) => {
    const resolvedEnv = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value.replace('PWNED_PATH', pwned)]));
    const result = await runGitdiff(args(pwned), { env: { HOME: dir, ...resolvedEnv } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(pwned)).toBe(false);
  });

  it.each([
    ['terraform', () => ['terraform', 'fixtures/terraform/configs/basic', '--bin', path.join(fakes, 'terraform')],
      /^gitdiff: error: terraform plan failed in fixtures\/terraform\/configs\/basic \(exit 1\): Failed to query available provider packages\n {2}Could not retrieve the list of available versions for provider hashicorp\/aws$/m],
    ['terraform without an Error: line', () => ['terraform', 'fixtures/terraform/configs/basic', '--bin', path.join(fakes, 'noisy-terraform')], /\(exit 3\): .*\n(.*\n)*.*the last words of a crash/],
    ['ansible-playbook', () => ['ansible', 'fixtures/ansible/site.yml', '--bin', path.join(fakes, 'ansible-playbook')], /^gitdiff: error: ansible-playbook: the role webserver was not found in \/srv\/roles$/m],
    ['kubectl kustomize', () => ['kube', '-k', 'fixtures/example', '--live-from', 'fixtures/example/live.yaml'], /^gitdiff: error: -k fixtures\/example: kubectl kustomize failed: accumulating resources: accumulation err=accumulating resources from ..\/base: missing$/m],
  ] as [string, () => string[], RegExp][])('a failing %s is reported in its own words, not its noise', async (_name, args, message) => {
    const result = await runGitdiff(args(), { env: { HOME: dir, PATH: `${fakes}:${process.env.PATH}` } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('noise line 0');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
