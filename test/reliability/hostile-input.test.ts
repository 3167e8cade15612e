// The hostile-input corpus (fixtures/hostile, plus cases only a test can make:
// symlink loops, unreadable files, a named pipe, 20 MB values), run through
// the whole CLI as a process. Each case ends in a clear error naming the file
// (exit 2) or in the correct verdict; within the process timeout, under a
// 1 GB heap, and never with a stack trace or a line an input could forge.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGitdiff, type CliResult } from '../support/run-cli.js';
import { hostileCases, type Expectation, type HostileCase } from './hostile-cases.js';

/** A hang or a runaway allocation fails the case: killed after this long, or out of this heap. */
const PROCESS_TIMEOUT_MS = 45_000;
const HEAP_LIMIT = '--max-old-space-size=1024';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-hostile-'));
});

afterAll(() => {
  // Restore permissions so the temp folder can be removed by anyone.
  try {
    execFileSync('chmod', ['-R', 'u+rwX', dir]);
  } catch {
    // best effort
  }
});

async function run(testCase: HostileCase): Promise<CliResult> {
  const args = typeof testCase.args === 'function' ? testCase.args(dir) : testCase.args;
  // Root reads a mode-000 file: run those cases without root's file capabilities.
  const withoutRootFileAccess = testCase.unreadable === true && process.getuid?.() === 0;
  return runGitdiff(args, { env: { NODE_OPTIONS: HEAP_LIMIT }, timeoutMs: PROCESS_TIMEOUT_MS, withoutRootFileAccess });
}

function expectOutcome(result: CliResult, expected: Expectation): void {
  expect(result.signal, 'killed: it hung or ran out of time').toBeNull();
  expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace
  expect(result.stderr).not.toMatch(/heap out of memory|Maximum call stack/);
  // Every stderr line is an error, its hint or an indented detail: input cannot forge a line of its own.
  for (const line of result.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^(gitdiff: error: |gitdiff: warning: | )/);
  if ('error' in expected) {
    expect(result.code).toBe(2);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('gitdiff: error: '));
    expect(errors.some((line) => line.includes(expected.file) && expected.error.test(line)), result.stderr).toBe(true);
    if (!expected.partial) expect(result.stdout).toBe('');
    else expect(result.stdout).toMatch(/\(\d+ \w+, \d+\.\d s\)/); // the report of what could be read
  } else {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(expected.code);
    expect(result.stdout).toMatch(expected.stdout);
    // Not a terminal, so no colors: an escape character in the output could only come from the input.
    expect(result.stdout).not.toContain('\u001b');
  }
}

describe('hostile input', () => {
  beforeAll(() => prepareGeneratedCases());

  it('has at least 40 cases', () => {
    expect(hostileCases.length).toBeGreaterThanOrEqual(40);
  });

  it.concurrent.each(hostileCases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    expectOutcome(await run(testCase), typeof testCase.expect === 'function' ? testCase.expect(dir) : testCase.expect);
  });
});

/** The cases a repository cannot hold: links, permissions, a named pipe, 20 MB values. */
function prepareGeneratedCases(): void {
  const good = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: hostile\ndata:\n  a: "1"\n';
  const folder = (name: string) => {
    const at = path.join(dir, name);
    mkdirSync(at, { recursive: true });
    writeFileSync(path.join(at, 'good.yaml'), good);
    return at;
  };
  symlinkSync('..', path.join(folder('link-loop/inner'), 'up'));
  symlinkSync('self.yaml', path.join(folder('self-link'), 'self.yaml'));
  symlinkSync('gone.yaml', path.join(folder('dangling-link'), 'dangling.yaml'));
  const unreadable = path.join(folder('unreadable-file'), 'secret.yaml');
  writeFileSync(unreadable, good.replace('settings', 'hidden'));
  chmodSync(unreadable, 0o000);
  const closed = path.join(folder('unreadable-folder'), 'closed');
  mkdirSync(closed);
  chmodSync(closed, 0o000);
  execFileSync('mkfifo', [path.join(folder('named-pipe'), 'pipe.yaml')]);
  writeFileSync(path.join(folder('newline-name'), 'bad\nname.yaml'), 'a: [\n');
  const escapes = folder('escapes-in-file-name');
  renameSync(path.join(escapes, 'good.yaml'), path.join(escapes, '\u001b[2J\n::error::x.yaml'));
  writeFileSync(path.join(escapes, '\u001b[2J\n::error::x.yaml'), good.replace('a: "1"', 'a: "2"'));
  copyFileSync('fixtures/hostile/kube/manifests/alias-bomb.yaml', path.join(folder('mixed'), 'zz-bomb.yaml'));

  // One 20 MB value on each side.
  const big = 'v'.repeat(20 * 1024 * 1024);
  writeFileSync(path.join(dir, 'big-declared.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: hostile\ndata:\n  blob: "${big}"\n`);
  writeFileSync(path.join(dir, 'big-live.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'hostile' }, data: { blob: big } }] }));
  const change = { actions: ['update'], before: { input: big }, after: { input: `${big}!` }, before_sensitive: {}, after_sensitive: {}, after_unknown: {} };
  writeFileSync(path.join(dir, 'big-plan.json'), JSON.stringify({ format_version: '1.2', planned_values: {}, resource_changes: [{ address: 'terraform_data.big', mode: 'managed', type: 'terraform_data', name: 'big', change }] }));
  const events = [
    { event: 'start', format: 'gitdiff-ansible-events/1', ansible_version: '2.14.18' },
    { event: 'play', play: 'big', check_mode: true },
    { event: 'task', play: 'big', task: 'write blob', path: 'big.yml:3', action: 'ansible.builtin.copy', handler: false },
    { event: 'result', status: 'changed', host: 'web-01', play: 'big', task: 'write blob', path: 'big.yml:3', action: 'ansible.builtin.copy', check_mode: true, changed: true, no_log: false, diff: [{ before: `${big}\n`, after: `${big}!\n`, before_header: '/srv/blob', after_header: '/srv/blob' }] },
    { event: 'stats', hosts: { 'web-01': { ok: 1, failures: 0, unreachable: 0, changed: 1, skipped: 0, rescued: 0, ignored: 0 } } },
  ];
  writeFileSync(path.join(dir, 'big.events.jsonl'), `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
}
