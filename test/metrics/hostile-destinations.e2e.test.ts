// Metrics destinations that misbehave, through bin/gitdiff: a Pushgateway that
// redirects (a 303 would turn the PUT into a GET: metrics silently lost), one
// that answers an endless error body, credentials whose password breaks URL
// parsing (`/`, `#`, `?`, `@`, `%`), and a textfile path that is a FIFO (a
// blocking open would hang the run for ever, SIGTERM and --timeout included).
// Every one ends in exit 2 within bounds, naming the problem, and never
// printing a byte of the password.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runGitdiff } from '../support/run-cli.js';

const manifests = path.join(repoRoot, 'fixtures/example/manifests');
const live = path.join(repoRoot, 'fixtures/example/live.yaml');
const run = ['kube', manifests, '--live-from', live];

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;
interface Seen { method: string; url: string; authorization?: string }

let scratch: string;
let handler: Handler = (_request, response) => response.end();
const seen: Seen[] = [];
let server: http.Server;
let port: number;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-hostile-metrics-'));
  server = http.createServer((request, response) => {
    seen.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization });
    request.resume();
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

describe('a Pushgateway that misbehaves', () => {
  it.each([301, 302, 303, 307, 308])('a %i redirect is an error naming it, and nothing is sent elsewhere', async (status) => {
    seen.length = 0;
    handler = (request, response) => {
      if (request.method === 'GET') return response.end('not a push');
      response.writeHead(status, { Location: `http://127.0.0.1:${port}/elsewhere` }).end();
    };
    const result = await runGitdiff([...run, '--pushgateway', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^gitdiff: error: Pushgateway http://127.0.0.1:${port}/: PUT /metrics/\\S+ failed: HTTP ${status}`, 'm'));
    expect(seen.map((each) => each.method)).toEqual(['PUT']);
  });

  it('an endless error body is read only in part: the run ends, the error line stays short', async () => {
    let written = 0;
    handler = (_request, response) => {
      response.writeHead(500, { 'Content-Type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'e');
      const pump = () => {
        while (!response.destroyed && written < 2 ** 30) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
      };
      pump();
    };
    const startedAt = Date.now();
    const result = await runGitdiff([...run, '--pushgateway', `http://127.0.0.1:${port}`], { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/failed: HTTP 500: e+/);
    expect(result.stderr.length).toBeLessThan(2000);
    expect(Date.now() - startedAt).toBeLessThan(20_000);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});

describe('credentials that break URL parsing', () => {
  it.each([
    ['a slash', 'pa/ss-7Q'],
    ['a slash after digits (parses as a port)', '9091/pa-7Q'],
    ['a hash', 'pa#ss-7Q'],
    ['a question mark', 'pa?ss-7Q'],
    ['an at sign', 'p@ss-7Q'],
    ['a percent sign', 'pa%ss-7Q'],
    ['a colon', 'pa:ss-7Q'],
  ])('a password with %s is never printed, and is sent as written', async (_name, password) => {
    seen.length = 0;
    handler = (_request, response) => response.end();
    const url = `http://gitdiff:${password}@127.0.0.1:${port}`;
    const pushed = await runGitdiff([...run, '--debug', '--pushgateway', url]);
    const secretBytes = [password, encodeURIComponent(password), Buffer.from(`gitdiff:${password}`).toString('base64'), password.slice(0, 5)];
    for (const shown of [pushed.stdout, pushed.stderr]) for (const secret of secretBytes) expect(shown).not.toContain(secret);
    expect(pushed.code).toBe(1); // diverged, and pushed
    expect(seen.map((each) => each.authorization)).toEqual([`Basic ${Buffer.from(`gitdiff:${password}`).toString('base64')}`]);

    // Refused before the run (a bad port) or failing at the server: still not printed.
    for (const broken of [`http://gitdiff:${password}@127.0.0.1:99999`, `http://gitdiff:${password}@127.0.0.1:1`]) {
      const failed = await runGitdiff([...run, '--debug', '--pushgateway', broken]);
      expect(failed.code).toBe(2);
      expect(failed.stderr).toMatch(/^gitdiff: error: .*(--pushgateway|Pushgateway)/m);
      for (const secret of secretBytes) expect(failed.stderr + failed.stdout).not.toContain(secret);
    }
  }, 60_000);
});

describe('a textfile path that is not a regular file', () => {
  it('a FIFO is refused up front: exit 2 at once, naming it, never opened', async () => {
    const fifo = path.join(scratch, 'gitdiff.prom');
    execFileSync('mkfifo', [fifo]);
    const startedAt = Date.now();
    // A failed run reads the previous textfile: the path that used to block for ever.
    const failed = await runGitdiff(['kube', manifests, '--live-from', path.join(scratch, 'missing.yaml'), '--metrics-textfile', fifo], { timeoutMs: 20_000 });
    const diverged = await runGitdiff([...run, '--metrics-textfile', fifo], { timeoutMs: 20_000 });
    for (const result of [failed, diverged]) {
      expect(result.signal).toBeNull();
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`gitdiff: error: metrics textfile ${fifo}: not a regular file (a FIFO)`);
    }
    expect(Date.now() - startedAt).toBeLessThan(20_000);
  }, 60_000);

  it('a directory at the path is refused the same way', async () => {
    const directory = path.join(scratch, 'dir.prom');
    mkdirSync(directory);
    const result = await runGitdiff([...run, '--metrics-textfile', directory]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`gitdiff: error: metrics textfile ${directory}: not a regular file (a directory)`);
  });
});
