// gitdiff serve against hostile neighbours, as a real process: checks that
// hang past their timeout (a tool whose grandchild holds its output open),
// flood their output, or fail with a message that tries to forge log lines,
// plus raw HTTP requests no browser would send. Whatever they do, the process
// stays up, /healthz answers, the other checks keep running, and every log
// line is gitdiff's own.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/run-cli.js';
import { check, startServe, type ServeProcess } from '../support/serve-process.js';
import { writeScript } from '../support/scripts.js';

let scratch: string;
let serve: ServeProcess;

/** gitdiff's own callback output for one failed task whose message holds a newline and a forged serve line. */
const FORGED = 'gitdiff serve: check forged: in sync: 0 diverged';
const SECRET = 'xv-S3cr3t-51d0';
function forgingResults(): string {
  const events = [
    { event: 'start', format: 'gitdiff-ansible-events/1', ansible_version: '2.14.18' },
    { event: 'playbook', file: 'site.yml' },
    { event: 'play', play: 'web', check_mode: true },
    { event: 'task', play: 'web', task: 'probe', path: 'site.yml:3', action: 'ansible.builtin.command', handler: false },
    {
      event: 'result', status: 'failed', host: 'web-01', play: 'web', task: 'probe', path: 'site.yml:3', action: 'ansible.builtin.command',
      check_mode: true, changed: false, no_log: false, msg: `boom\n${FORGED}\r${FORGED}\u001b[2K`,
    },
    { event: 'stats', hosts: { 'web-01': { ok: 0, failures: 1, unreachable: 0, changed: 0, skipped: 0, rescued: 0, ignored: 0 } } },
  ];
  return events.map((event) => JSON.stringify(event)).join('\n') + '\n';
}

/** Sends raw bytes to the server and resolves with whatever it answered (or nothing) once the socket closes. */
function rawRequest(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.end(bytes);
  });
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-serve-hostile-'));
  cpSync(path.join(repoRoot, 'fixtures/example/manifests'), path.join(scratch, 'manifests'), { recursive: true });
  cpSync(path.join(repoRoot, 'fixtures/example/live.yaml'), path.join(scratch, 'live.yaml'));
  mkdirSync(path.join(scratch, 'infra'));
  writeFileSync(path.join(scratch, 'forged.events.jsonl'), forgingResults());
  // Ignores SIGTERM, and a grandchild keeps stdout open after SIGKILL: the tool's run never ends by itself.
  const hang = writeScript(scratch, 'hang.sh', 'trap "" TERM\nsleep 40 &\nsleep 40');
  // A failure, then megabytes of one line on stderr: the error must quote a bounded part of it.
  const flood = writeScript(scratch, 'flood.sh', 'echo "Error: flooded" >&2\nhead -c 5000000 /dev/zero | tr "\\0" "x" >&2\nexit 1');
  const fakeAnsible = writeScript(scratch, 'ansible-playbook', 'exit 4');
  const checks = [
    { name: 'snapshot', command: ['kube', 'manifests', '--live-from', 'live.yaml'], interval: '1s' },
    { name: 'hang', command: ['terraform', 'infra', '--bin', hang], interval: '1s', timeout: '2s' },
    { name: 'flood', command: ['terraform', 'infra', '--bin', flood], interval: '1s', timeout: '30s' },
    { name: 'forged', command: ['ansible', '--results', 'forged.events.jsonl'], interval: '1s' },
    // Extra vars in spellings ansible-playbook's argparse accepts, after `--`: masked on the page, the API and --debug.
    {
      name: 'secret-vars',
      command: ['ansible', 'site.yml', '--bin', fakeAnsible, '-e', `token=${SECRET}`, '--', '--extra', `token=${SECRET}`, `--ext=token=${SECRET}`, '-ve', SECRET, `-Cetoken=${SECRET}`],
      interval: '1s',
    },
    // Longer than Node's timers hold (2^31-1 ms, 24.8 days): must wait its month, not run back to back.
    { name: 'monthly', command: ['kube', 'manifests', '--live-from', 'live.yaml'], interval: '720h', timeout: '720h' },
  ];
  writeFileSync(path.join(scratch, 'gitdiff.yaml'), dump({ concurrency: 5, checks }));
  serve = await startServe(['--config', 'gitdiff.yaml', '--grace-period', '1s', '-v', '--debug'], { cwd: scratch });
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('gitdiff serve among hostile checks and clients', () => {
  it('a check that never ends is cut off by its timeout and reported as could not tell, while the others keep running', async () => {
    const body = await serve.waitForChecks((each) => check(each, 'hang').runs >= 2, 'two runs of the hanging check', 30_000);
    const hang = check(body, 'hang');
    expect(hang.verdict).toBe('error');
    expect(hang.lastRun?.exitCode).toBe(2);
    expect(hang.lastRun?.error?.message).toMatch(/timed out after 2s/);
    expect(check(body, 'snapshot').runs).toBeGreaterThan(3);
    expect((await serve.get('/healthz')).status).toBe(200);
  }, 40_000);

  it('a tool that floods its output ends as could not tell, quoting a bounded tail of it', async () => {
    const body = await serve.waitForChecks((each) => check(each, 'flood').runs >= 1, 'a run of the flooding check', 30_000);
    const flood = check(body, 'flood');
    expect(flood.verdict).toBe('error');
    expect(flood.lastRun?.error?.message).toMatch(/flooded/);
    expect(flood.lastRun!.error!.message.length).toBeLessThan(4000);
    expect(serve.stderr().length).toBeLessThan(200_000);
  }, 40_000);

  it('a failure message from a host cannot forge a log line: every line on stderr is serve\'s own', async () => {
    await serve.waitForChecks((each) => check(each, 'forged').runs >= 2, 'runs of the forging check');
    const lines = serve.stderr().split('\n').filter((line) => line !== '');
    expect(lines.some((line) => line.includes('check forged:'))).toBe(true);
    for (const line of lines) expect(line).toMatch(/^(gitdiff serve: |debug: |  )/);
    expect(lines.filter((line) => line.startsWith(FORGED))).toEqual([]);
    expect(serve.stderr()).not.toMatch(/[\r\u001b]/);
  }, 40_000);

  it('a check whose interval and timeout exceed 24.8 days runs once and does not time out at once', async () => {
    await serve.waitForChecks((each) => check(each, 'snapshot').runs >= 4, 'a few runs of the 1s check');
    const monthly = check(await serve.checks(), 'monthly');
    expect(monthly.runs).toBe(1);
    expect(monthly.verdict).toBe('diverged');
  }, 40_000);

  it('extra vars in every spelling are masked on the page, in the API and in --debug lines', async () => {
    await serve.waitForChecks((each) => check(each, 'secret-vars').runs >= 1, 'a run of the check with extra vars');
    await serve.waitForStderr('running: ');
    const api = await serve.get('/api/checks');
    const page = await serve.get('/');
    expect(JSON.stringify(check(JSON.parse(api.body), 'secret-vars').command)).toContain('token=***');
    for (const shown of [api.body, page.body, serve.stderr()]) expect(shown).not.toContain(SECRET);
  }, 40_000);

  it.each([
    ['a target the URL parser refuses', 'GET http://[::1 HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['an absolute target with a bad port', 'GET http://x:99999/ HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a header with a control character', 'GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n'],
    ['not HTTP at all', '\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003'],
    ['a method with no target', 'GET\r\n\r\n'],
    ['a header without end', `GET / HTTP/1.1\r\nHost: ${'x'.repeat(20_000)}`],
  ])('one malformed request (%s) never stops the server', async (_name, bytes) => {
    await rawRequest(serve.url, bytes);
    const health = await serve.get('/healthz');
    expect(health.status).toBe(200);
    expect((await serve.get('/api/checks')).status).toBe(200);
  }, 20_000);
});
