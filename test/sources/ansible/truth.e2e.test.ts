// Issue 14, class 18, with the real ansible-playbook (local connection, check
// mode): runs that ansible itself calls a success but that checked less than
// they seem to must never be "in sync".
// - an inventory source ansible cannot parse (a missing file, a failing or
//   garbled dynamic inventory) is only a warning to ansible, and plays whose
//   hosts lived there match nothing: exit 2, with ansible's warning shown;
// - a task that ran outside check mode and changed the host: exit 2, said plainly;
// - a failure the play hides (ignore_errors, rescue): exit 2;
// - the callback's events file holds one run: an earlier run's final stats
//   cannot vouch for a run that was killed half-way.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { itWith } from '../../support/binaries.js';
import { repoRoot, runGitdiff, type CliResult } from '../../support/run-cli.js';
import { ansibleEnv, fingerprint, fixtures, install, makeHost, type TestHost } from './host-files.js';

const it = itWith(['ansible-playbook'], install);
const callbackDir = path.join(repoRoot, 'dist/sources/ansible/callback');

let host: TestHost | undefined;
afterEach(() => host?.cleanup());

async function gitdiff(playbook: string, args: string[]): Promise<CliResult> {
  host ??= makeHost('in-sync');
  const before = fingerprint(host.root);
  const result = await runGitdiff(['ansible', playbook, '-e', `root=${host.root}`, ...args], { cwd: fixtures, env: ansibleEnv(host) });
  expect(fingerprint(host.root)).toBe(before);
  return result;
}

/** A dynamic inventory script in the host's scratch folder. */
function script(name: string, body: string): string {
  const file = path.join(host!.home, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('an inventory source ansible cannot parse is "could not tell"', () => {
  it('a good inventory and a missing one: exit 2, with ansible\'s warning, on one line', async () => {
    host = makeHost('in-sync');
    const result = await gitdiff('two-plays.yml', ['-i', 'local.ini', '-i', 'db-hosts-missing.ini']);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toMatch(/^! error: ansible-playbook could not parse inventory source .*db-hosts-missing\.ini: its hosts were not checked$/m);
    expect(result.stderr).toMatch(/^gitdiff: error: ansible-playbook could not parse inventory source .*db-hosts-missing\.ini/m);
    expect(result.stdout).toMatch(/hint: ansible said: Unable to parse .*db-hosts-missing\.ini as an inventory source/);
    // What could be checked is still shown.
    expect(result.stdout).toMatch(/web-01: 0 would change, 1 ok/);
  });

  it('a dynamic inventory script that fails: exit 2, with the script\'s own words from ansible, escaped', async () => {
    host = makeHost('in-sync');
    const failing = script('db-inventory.sh', "printf 'cannot reach the CMDB \\033[2J\\n' >&2\nexit 1");
    const result = await gitdiff('two-plays.yml', ['-i', 'local.ini', '-i', failing]);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toMatch(/^! error: ansible-playbook could not parse inventory source .*db-inventory\.sh: its hosts were not checked$/m);
    expect(result.stdout).toMatch(/hint: ansible said: .*had an execution error: cannot reach the CMDB \\x1b\[2J/);
    expect(result.stdout + result.stderr).not.toContain('\x1b[2J');
  });

  it('a dynamic inventory script that prints garbage: exit 2', async () => {
    host = makeHost('in-sync');
    const garbled = script('db-inventory.sh', 'echo this is not json');
    const result = await gitdiff('two-plays.yml', ['-i', 'local.ini', '-i', garbled]);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toMatch(/could not parse inventory source .*db-inventory\.sh/);
  });

  it('a play whose hosts are in no parsed inventory, all sources parsed: still the note, not an error', async () => {
    host = makeHost('in-sync');
    const result = await gitdiff('two-plays.yml', ['-i', 'local.ini']);
    expect(result.stdout).toContain('note: play "databases" matched no hosts');
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});

describe('a task that ran outside check mode, or a failure the play hid, is never in sync', () => {
  it('check_mode: false and changed: exit 2, "ran outside check mode: changed the host"', async () => {
    host = makeHost('in-sync');
    const result = await gitdiff('outside-check-mode.yml', ['-i', 'local.ini']);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toMatch(/^! web-01: TASK \[stamp the host for real\] \(outside-check-mode\.yml:\d+\): error: ran outside check mode \(check_mode: false\): changed the host/m);
    expect(result.stdout).not.toMatch(/^\d+ in sync/m);
  });

  it('check_mode: false that changed nothing (changed_when: false): in sync', async () => {
    host = makeHost('in-sync');
    const result = await gitdiff('outside-check-mode.yml', ['-i', 'local.ini', '-e', 'read_only=true']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it.each([
    ['ignore_errors', 'false', /error: failed, hidden by ignore_errors: not checked: .*release-that-does-not-exist/],
    ['a rescue block', 'true', /error: failed, hidden by a rescue: not checked: .*release-that-does-not-exist/],
  ])('a failure hidden by %s: exit 2, saying it was not checked', async (_how, rescue, error) => {
    host = makeHost('in-sync');
    const result = await gitdiff('hidden-failure.yml', ['-i', 'local.ini', '-e', `rescue=${rescue}`]);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout).toMatch(error);
  });
});

describe("the callback's events file holds one run", () => {
  function playbook(events: string, name: string): ReturnType<typeof spawn> {
    return spawn('ansible-playbook', ['--check', '--diff', '-i', 'local.ini', '-e', `root=${host!.root}`, name], {
      cwd: fixtures,
      env: { PATH: process.env.PATH, HOME: host!.home, ANSIBLE_STDOUT_CALLBACK: 'gitdiff', ANSIBLE_CALLBACK_PLUGINS: callbackDir, GITDIFF_ANSIBLE_EVENTS: events },
      stdio: 'ignore',
    });
  }

  it('a second run to the same file replaces the first', () => {
    host = makeHost('in-sync');
    const events = path.join(host.home, 'events.jsonl');
    for (let run = 0; run < 2; run++) {
      const done = spawnSync('ansible-playbook', ['--check', '--diff', '-i', 'local.ini', '-e', `root=${host.root}`, 'two-plays.yml'], {
        cwd: fixtures,
        env: { PATH: process.env.PATH, HOME: host.home, ANSIBLE_STDOUT_CALLBACK: 'gitdiff', ANSIBLE_CALLBACK_PLUGINS: callbackDir, GITDIFF_ANSIBLE_EVENTS: events },
      });
      expect(done.status).toBe(0);
    }
    const starts = readFileSync(events, 'utf8').split('\n').filter((line) => line.includes('"event": "start"'));
    expect(starts).toHaveLength(1);
  });

  it('a run killed half-way after a complete one: --results exits 2 (no final stats of its own)', async () => {
    host = makeHost('in-sync');
    const events = path.join(host.home, 'events.jsonl');
    const first = playbook(events, 'two-plays.yml');
    expect(await new Promise((resolve) => first.on('close', resolve))).toBe(0);
    const second = playbook(events, 'slow.yml');
    const killed = new Promise((resolve) => second.on('close', (_code, signal) => resolve(signal)));
    // Kill it once it is waiting in its second task.
    for (let waited = 0; !(existsSync(events) && readFileSync(events, 'utf8').includes('"task": "wait"')); waited += 100) {
      if (waited > 30_000) throw new Error('the slow run never reached its wait task');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    second.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');
    const result = await runGitdiff(['ansible', '--results', events], { cwd: fixtures, env: ansibleEnv(host) });
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/the run ended before ansible's final stats/);
  });

  it('a file that holds two runs (appended by hand or by an older callback): exit 2', async () => {
    host = makeHost('in-sync');
    const one = path.join(host.home, 'one.jsonl');
    const done = spawnSync('ansible-playbook', ['--check', '--diff', '-i', 'local.ini', '-e', `root=${host.root}`, 'two-plays.yml'], {
      cwd: fixtures,
      env: { PATH: process.env.PATH, HOME: host.home, ANSIBLE_STDOUT_CALLBACK: 'gitdiff', ANSIBLE_CALLBACK_PLUGINS: callbackDir, GITDIFF_ANSIBLE_EVENTS: one },
    });
    expect(done.status).toBe(0);
    const run = readFileSync(one, 'utf8');
    expect((await runGitdiff(['ansible', '--results', '-'], { cwd: fixtures, env: ansibleEnv(host), input: run })).code).toBe(0);
    const result = await runGitdiff(['ansible', '--results', '-'], { cwd: fixtures, env: ansibleEnv(host), input: run + run });
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/holds 2 runs/);
  });
});
