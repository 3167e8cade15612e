// `gitdiff ansible --results`: saved results made by real ansible-playbook runs
// (fixtures/ansible/results, see make.sh there; and fresh ones made here), in
// the three shapes it reads, give the same verdict as a live run.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { itWith } from '../../support/binaries.js';
import { repoRoot, runGitdiff } from '../../support/run-cli.js';
import { API_TOKEN, OLD_TOKEN, ansibleEnv, fingerprint, fixtures, install, makeHost, type TestHost } from './host-files.js';

const saved = path.join(fixtures, 'results');
const SHAPES = [
  ['gitdiff callback events', 'site-drifted.events.jsonl'],
  ['ansible.posix json callback', 'site-drifted.json'],
  ['default callback text log', 'site-drifted.log'],
] as const;

function secretsIn(text: string): string[] {
  return [API_TOKEN, OLD_TOKEN].flatMap((secret) => [secret, Buffer.from(secret).toString('base64')]).filter((value) => text.includes(value));
}

interface JsonItem {
  host: string;
  task: string;
  status: string;
  changes: { path: string; declared?: unknown; live?: unknown }[];
}

describe('gitdiff ansible --results (saved by real ansible)', () => {
  it.each(SHAPES)('%s: the drifted host diverges (exit 1), and no no_log value is anywhere', async (_shape, file) => {
    const input = readFileSync(path.join(saved, file), 'utf8');
    expect(secretsIn(input)).toEqual([]);
    const text = await runGitdiff(['ansible', '--results', path.join(saved, file)]);
    expect(text.stdout).toContain('web-01: 6 would change, 0 ok, 0 failed, 0 unreachable, 1 unchecked');
    expect(text.stdout).toMatch(/^6 diverged, 1 unchecked, 0 in sync \(7 tasks, /m);
    expect(text.code).toBe(1);
    const json = await runGitdiff(['ansible', '--results', path.join(saved, file), '-o', 'json']);
    const items = JSON.parse(json.stdout).items as JsonItem[];
    expect(items.map((item) => [item.host, item.task, item.status])).toEqual([
      ['web-01', 'write motd', 'diverged'],
      ['web-01', 'render app config', 'diverged'],
      ['web-01', 'install banner', 'diverged'],
      ['web-01', 'restrict script', 'diverged'],
      ['web-01', 'set max connections', 'diverged'],
      ['web-01', 'write api token', 'diverged'],
      ['web-01', 'reload app', 'unchecked'],
    ]);
    const motd = items[0].changes[0];
    expect(motd).toMatchObject({ path: '/tmp/gitdiff-fixture-host/motd' });
    expect(String(motd.declared)).toContain('Managed by Ansible');
    expect(String(motd.live)).toContain('Unmanaged edit');
    expect(items[3].changes).toEqual([{ path: '/tmp/gitdiff-fixture-host/deploy.sh:mode', declared: '0750', live: '0755' }]);
    expect(items[5].changes).toEqual([]);
    expect(secretsIn(text.stdout + text.stderr + json.stdout + json.stderr)).toEqual([]);
  });

  it('reads stdin with --results -, and takes the target from the playbook named', async () => {
    const input = readFileSync(path.join(saved, 'site-drifted.events.jsonl'));
    const result = await runGitdiff(['ansible', 'site.yml', '--results', '-', '-o', 'json'], { input });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ source: 'ansible', target: 'site.yml', summary: { diverged: 6, unchecked: 1 } });
  });

  it.each([
    ['events cut in the middle of a line', 'site-drifted.events.jsonl', (text: string) => text.slice(0, text.indexOf('"diff"', text.indexOf('set max connections')) + 12), /is not complete JSON/],
    ['events without the final stats', 'site-drifted.events.jsonl', (text: string) => text.split('\n').filter((line) => !line.includes('"stats"')).join('\n'), /incomplete results: the run ended before ansible's final stats/],
    ['a text log without its PLAY RECAP', 'site-drifted.log', (text: string) => text.slice(0, text.indexOf('PLAY RECAP')), /no PLAY RECAP: the log is incomplete/],
  ])('%s: exit 2, with what was read reported anyway', async (_name, file, cut, message) => {
    const input = cut(readFileSync(path.join(saved, file), 'utf8'));
    const result = await runGitdiff(['ansible', '--results', '-'], { input });
    expect(result.stdout).toMatch(message);
    expect(result.stdout).toContain('~ web-01: TASK [write motd]');
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it.each([
    ['an empty file', '', /stdin is empty: no results/],
    ['JSON that is not ansible results', '{"kind": "List"}', /stdin is JSON, but not ansible results/],
    ['a cut json callback output', readFileSync(path.join(saved, 'site-drifted.json'), 'utf8').slice(0, 2000), /stdin is cut short/],
    ['text that is no ansible log', 'hello\nworld\n', /stdin is not ansible results/],
  ])('%s: exit 2 with one clear line', async (_name, input, message) => {
    const result = await runGitdiff(['ansible', '--results', '-'], { input });
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('hint:');
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });

  it('refuses run options with --results', async () => {
    const result = await runGitdiff(['ansible', '--results', path.join(saved, 'site-drifted.log'), '-i', 'hosts.ini']);
    expect(result.stderr).toContain('gitdiff: error: -i, -l, -e and ansible-playbook arguments only apply to a run, not to --results');
    expect(result.code).toBe(2);
  });
});

describe('results saved from a real run with gitdiff\'s callback', () => {
  let host: TestHost | undefined;
  afterEach(() => host?.cleanup());

  itWith(['ansible-playbook'], install)('ansible-playbook with the callback on stdout, then --results: same verdict, no secret in the saved bytes', async () => {
    host = makeHost('drifted');
    const before = fingerprint(host.root);
    const events = execFileSync('ansible-playbook', ['--check', '--diff', '-i', 'local.ini', '-e', `root=${host.root}`, '-e', `api_token=${API_TOKEN}`, 'site.yml'], {
      cwd: fixtures,
      env: {
        ...process.env,
        ...ansibleEnv(host),
        ANSIBLE_STDOUT_CALLBACK: 'gitdiff',
        ANSIBLE_CALLBACK_PLUGINS: path.join(repoRoot, 'src/sources/ansible/callback'),
        ANSIBLE_NOCOLOR: '1',
      },
      encoding: 'utf8',
    });
    expect(fingerprint(host.root)).toBe(before);
    expect(secretsIn(events)).toEqual([]);
    expect(events).not.toContain('"invocation"');
    const file = path.join(host.home, 'saved.jsonl');
    writeFileSync(file, events);
    const result = await runGitdiff(['ansible', '--results', file]);
    expect(result.stdout).toContain('web-01: 6 would change, 0 ok, 0 failed, 0 unreachable, 1 unchecked');
    expect(secretsIn(result.stdout + result.stderr)).toEqual([]);
    expect(result.code).toBe(1);
  });
});
