// `gitdiff ansible` against real ansible-playbook runs on this machine
// (ansible_connection=local, files in a temporary folder). Each run must leave
// the files exactly as they were.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { itWith } from '../../support/binaries.js';
import { gitdiffBin, runGitdiff } from '../../support/run-cli.js';
import { API_TOKEN, OLD_TOKEN, ansibleEnv, closedPort, fingerprint, fixtures, install, makeHost, type TestHost } from './host-files.js';

const itAnsible = itWith(['ansible-playbook'], install);

let host: TestHost | undefined;
afterEach(() => host?.cleanup());

/** Runs gitdiff ansible on site.yml against the host and checks the host did not change. */
async function check(state: 'in-sync' | 'drifted', extra: string[] = []) {
  host = makeHost(state);
  const before = fingerprint(host.root);
  const result = await runGitdiff(
    ['ansible', 'site.yml', '-i', 'local.ini', '-e', `root=${host.root}`, '-e', `api_token=${API_TOKEN}`, ...extra],
    { cwd: fixtures, env: ansibleEnv(host) },
  );
  expect(fingerprint(host.root)).toBe(before);
  return result;
}

function expectNoSecret(output: string) {
  for (const secret of [API_TOKEN, OLD_TOKEN]) {
    expect(output).not.toContain(secret);
    expect(output).not.toContain(Buffer.from(secret).toString('base64'));
  }
}

describe('gitdiff ansible (real ansible-playbook)', () => {
  itAnsible('a host as the playbook declares it is in sync: exit 0, the command counted as unchecked', async () => {
    const result = await check('in-sync');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('web-01: 0 would change, 6 ok, 0 failed, 0 unreachable, 1 unchecked');
    expect(result.stdout).toMatch(/^1 unchecked, 6 in sync \(7 tasks, /m);
    expect(result.code).toBe(0);
  });

  itAnsible('a drifted host: each drift with task, host and diff, exit 1, nothing changed on the host', async () => {
    const result = await check('drifted');
    const out = result.stdout;
    expect(out).toContain('~ web-01: TASK [write motd] (site.yml:11)');
    expect(out).toContain('    play: web servers');
    expect(out).toContain('    module: ansible.builtin.copy');
    // file content: a unified diff, live (-) against the playbook (+)
    expect(out).toMatch(/-\s+Unmanaged edit\n\+\s+Managed by Ansible/);
    expect(out).toMatch(/-\s+workers = 2\n\+\s+workers = 4/);
    // a missing file
    expect(out).toMatch(new RegExp(`${host!.root}/banner: \\(does not exist\\)`));
    // a mode change, as a field change
    expect(out).toMatch(new RegExp(`${host!.root}/deploy.sh:mode:\\n-\\s+'0755'\\n\\+\\s+'0750'`));
    expect(out).toMatch(/-\s+max_connections=100\n\+\s+max_connections=200/);
    // no_log: by name only
    expect(out).toContain('~ web-01: TASK [write api token]');
    expect(out).toContain('no_log: its values and diff are hidden');
    expectNoSecret(out + result.stderr);
    expect(out).toContain('web-01: 6 would change, 0 ok, 0 failed, 0 unreachable, 1 unchecked');
    expect(out).toMatch(/^6 diverged, 1 unchecked, 0 in sync \(7 tasks, /m);
    expect(result.code).toBe(1);
  });

  itAnsible('-o json: items per host and task with status and changes; no_log values absent', async () => {
    const result = await check('drifted', ['-o', 'json', '-v', '--debug']);
    expect(result.code).toBe(1);
    expectNoSecret(result.stdout + result.stderr);
    // --debug shows the command, with extra-vars masked; -v streams progress
    expect(result.stderr).toContain('debug: running: ansible-playbook --check --diff -i local.ini -e *** -e *** -- site.yml');
    expect(result.stderr).toContain('TASK [write api token]');
    const report = JSON.parse(result.stdout);
    expect(report.source).toBe('ansible');
    expect(report.target).toBe('site.yml');
    expect(report.summary).toMatchObject({ total: 7, diverged: 6, unchecked: 1, inSync: 0, errors: 0 });
    const byTask = Object.fromEntries(report.items.map((item: { task: string }) => [item.task, item]));
    expect(byTask['write motd']).toMatchObject({ host: 'web-01', play: 'web servers', file: 'site.yml', line: 11, status: 'diverged' });
    expect(byTask['write motd'].changes).toEqual([
      { path: `${host!.root}/motd`, declared: 'Welcome to web-01\nManaged by Ansible\n', live: 'Welcome to web-01\nUnmanaged edit\n' },
    ]);
    expect(byTask['restrict script'].changes).toEqual([{ path: `${host!.root}/deploy.sh:mode`, declared: '0750', live: '0755' }]);
    expect(byTask['install banner'].changes[0]).toMatchObject({ path: `${host!.root}/banner`, declared: 'authorized use only\n' });
    expect(byTask['install banner'].changes[0].live).toBeUndefined();
    expect(byTask['write api token']).toMatchObject({ status: 'diverged', changes: [] });
    expect(byTask['reload app']).toMatchObject({ status: 'unchecked', error: 'Command would have run if not in check mode' });
  });

  itAnsible('a failing task and an unreachable host: exit 2, with what was checked anyway', async () => {
    host = makeHost('in-sync');
    const port = await closedPort();
    const inventory = path.join(host.home, 'hosts.ini');
    writeFileSync(
      inventory,
      [
        `web-01 ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"`,
        `db-01 ansible_host=127.0.0.1 ansible_port=${port} ansible_user=gitdiff ansible_timeout=5 ` +
          `ansible_ssh_common_args="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes"`,
        '',
      ].join('\n'),
    );
    const before = fingerprint(host.root);
    const result = await runGitdiff(['ansible', 'failing.yml', '-i', inventory, '-e', `root=${host.root}`], { cwd: fixtures, env: ansibleEnv(host) });
    expect(fingerprint(host.root)).toBe(before);
    expect(result.stdout).toMatch(/! web-01: TASK \[read release file\] \(failing.yml:\d+\): error: failed: .*release-that-does-not-exist/);
    expect(result.stdout).toMatch(/! db-01: TASK \[write motd\] \(failing.yml:\d+\): error: unreachable: .*Connection refused/);
    expect(result.stdout).toContain('web-01: 0 would change, 1 ok, 1 failed, 0 unreachable');
    expect(result.stdout).toContain('db-01: 0 would change, 0 ok, 0 failed, 1 unreachable');
    expect(result.stderr).toContain('gitdiff: error: db-01: TASK [write motd]: unreachable');
    expect(result.code).toBe(2);
  });

  itAnsible('check-mode signals: check_mode: false, raw, a false condition, an ignored failure, a no_log loop, diff: false, a handler', async () => {
    host = makeHost('drifted');
    const before = fingerprint(host.root);
    const result = await runGitdiff(['ansible', 'signals.yml', '-i', 'local.ini', '-e', `root=${host.root}`, '-o', 'json'], { cwd: fixtures, env: ansibleEnv(host) });
    expect(fingerprint(host.root)).toBe(before);
    for (const value of ['sig-secret-one-5150', 'sig-secret-two-8086', 'sig-hidden-content-2718']) expect(result.stdout + result.stderr).not.toContain(value);
    const items = JSON.parse(result.stdout).items as { task: string; status: string; error?: string; changes: unknown[]; notes?: string[] }[];
    expect(items.map((item) => [item.task, item.status])).toEqual([
      ['read motd for real', 'error'],
      ['raw echo', 'unchecked'],
      ['never on this host', 'in-sync'],
      ['tolerated failure', 'error'],
      ['write secrets', 'diverged'],
      ['quiet config', 'diverged'],
      ['announce', 'diverged'],
    ]);
    expect(items[0].error).toMatch(/^ran outside check mode \(check_mode: false\): changed the host/);
    expect(items[3].error).toMatch(/^failed, hidden by ignore_errors: not checked: file not found/);
    expect(items[4]).toMatchObject({ changes: [], notes: ['no_log: its values and diff are hidden'] });
    expect(items[5]).toMatchObject({ changes: [], notes: ['diff hidden by the task (diff: false)'] });
    // A task that ran for real and a hidden failure: the run checked less than it seems (issue 14).
    expect(result.code).toBe(2);
  });

  itAnsible.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s during the run: ansible-playbook stopped, exit %i, no temporary files left', async (signal, code) => {
    host = makeHost('drifted');
    const tmp = path.join(host.home, 'tmp');
    mkdirSync(tmp);
    const child = spawn(process.execPath, [gitdiffBin, 'ansible', 'site.yml', '-i', 'local.ini', '-e', `root=${host.root}`, '-e', `api_token=${API_TOKEN}`, '-v'], {
      cwd: fixtures,
      env: { PATH: process.env.PATH, LANG: 'C.UTF-8', ...ansibleEnv(host), TMPDIR: tmp },
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    // Interrupt once a task has started: ansible-playbook is running and the events file exists.
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('TASK [')) resolve();
      });
    });
    expect(readdirSync(tmp).some((name) => name.startsWith('gitdiff-ansible-'))).toBe(true);
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(readdirSync(tmp).filter((name) => name.startsWith('gitdiff-ansible-'))).toEqual([]);
  });

  itAnsible("a playbook that does not parse: exit 2 with ansible's own message", async () => {
    host = makeHost('in-sync');
    const result = await runGitdiff(['ansible', 'broken.yml', '-i', 'local.ini'], { cwd: fixtures, env: ansibleEnv(host) });
    expect(result.stderr).toMatch(/gitdiff: error: ansible-playbook: We were unable to read either as JSON nor YAML.*broken.yml:\d+:\d+/);
    expect(result.code).toBe(2);
  });

  itAnsible('an inventory that gives no host: exit 2, no results, with what ansible said', async () => {
    host = makeHost('in-sync');
    const result = await runGitdiff(['ansible', 'site.yml', '-i', 'missing-inventory.ini', '-e', `root=${host.root}`], { cwd: fixtures, env: ansibleEnv(host) });
    expect(result.stdout).toMatch(/^! error: ansible-playbook could not parse inventory source .*missing-inventory.ini: its hosts were not checked$/m);
    expect(result.stdout).toMatch(/hint: ansible said: Unable to parse .*missing-inventory.ini as an inventory source/);
    expect(result.code).toBe(2);
  });

  itAnsible("keeps the user's ansible.cfg and other callbacks: an enabled callback from its callback_plugins still runs", async () => {
    host = makeHost('in-sync');
    const plugins = path.join(host.home, 'my_callbacks');
    mkdirSync(plugins);
    writeFileSync(
      path.join(plugins, 'marker.py'),
      [
        'import os',
        'from ansible.plugins.callback import CallbackBase',
        'class CallbackModule(CallbackBase):',
        "    CALLBACK_VERSION = 2.0",
        "    CALLBACK_TYPE = 'aggregate'",
        "    CALLBACK_NAME = 'marker'",
        '    CALLBACK_NEEDS_ENABLED = True',
        '    def v2_playbook_on_stats(self, stats):',
        "        open(os.path.join(os.path.dirname(__file__), 'ran'), 'w').close()",
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(host.home, 'ansible.cfg'), '[defaults]\ncallback_plugins = ./my_callbacks\ncallbacks_enabled = marker\nstdout_callback = minimal\n');
    const result = await runGitdiff(
      ['ansible', path.join(fixtures, 'site.yml'), '-i', path.join(fixtures, 'local.ini'), '-e', `root=${host.root}`, '-e', `api_token=${API_TOKEN}`],
      { cwd: host.home, env: ansibleEnv(host) },
    );
    expect(result.stdout).toContain('1 unchecked, 6 in sync (7 tasks');
    expect(existsSync(path.join(plugins, 'ran'))).toBe(true);
    expect(result.code).toBe(0);
  });
});

describe('gitdiff ansible refuses what a read-only check must not do (ansible-playbook never starts)', () => {
  it.each([
    [['--', '--step'], /refusing ansible-playbook argument --step: it asks before each task/],
    [['--', '--flush-cache'], /refusing ansible-playbook argument --flush-cache: it clears the fact cache/],
    [['-e', 'ansible_check_mode=false'], /refusing extra variables that set ansible_check_mode/],
    [['--', '--extra-vars', '{"ansible_check_mode": false}'], /refusing extra variables that set ansible_check_mode/],
  ])('%j', async (args, message) => {
    const result = await runGitdiff(['ansible', 'site.yml', '-i', 'local.ini', '--bin', '/nonexistent/ansible-playbook', ...args], { cwd: fixtures });
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('hint:');
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });

  it('a vars file that sets ansible_check_mode, read when the run starts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gitdiff-ansible-vars-'));
    try {
      writeFileSync(path.join(dir, 'vars.yml'), 'ansible_check_mode: false\n');
      const result = await runGitdiff(['ansible', 'site.yml', '-i', 'local.ini', '--bin', '/nonexistent/ansible-playbook', '-e', `@${dir}/vars.yml`], { cwd: fixtures });
      expect(result.stderr).toContain(`gitdiff: error: refusing extra variables that set ansible_check_mode (@${dir}/vars.yml)`);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--bin', '/nonexistent/ansible-playbook'], {}],
    [[], { GITDIFF_ANSIBLE_BIN: '/nonexistent/ansible-playbook' }],
  ])('an ansible-playbook that is not there: exit 2, naming it (%j %j)', async (args, env) => {
    const result = await runGitdiff(['ansible', 'site.yml', ...args], { cwd: fixtures, env });
    expect(result.stderr).toContain('gitdiff: error: ansible-playbook not found: /nonexistent/ansible-playbook');
    expect(result.stderr).toContain('hint: install ansible-core');
    expect(result.code).toBe(2);
  });

  it('no playbook: exit 2 with usage', async () => {
    const result = await runGitdiff(['ansible']);
    expect(result.stderr).toContain('gitdiff: error: missing PLAYBOOK');
    expect(result.code).toBe(2);
  });
});
