// Runs `bin/gitdiff serve` as a real process on a free port (--listen
// 127.0.0.1:0; the port is read from its "listening on" line), with bounded
// waits for what the tests expect to see. Always stop() it in afterAll.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { gitdiffBin, repoRoot } from './run-cli.js';

export interface ServeProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  stderr(): string;
  get(pathname: string): Promise<{ status: number; body: string; headers: Headers }>;
  /** The parsed /api/checks body. */
  checks(): Promise<ApiChecks>;
  /** Polls /api/checks until `predicate` holds (at most `timeoutMs`); returns the body that satisfied it. */
  waitForChecks(predicate: (body: ApiChecks) => boolean, what: string, timeoutMs?: number): Promise<ApiChecks>;
  /** Waits until stderr contains `text`, counted from `from` (a previous stderr().length). */
  waitForStderr(text: string | RegExp, from?: number, timeoutMs?: number): Promise<void>;
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit status once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not ended within 30 s. */
  stop(): Promise<void>;
}

export interface ApiCheck {
  name: string;
  source: string;
  command: string[];
  mode: 'watch' | 'interval';
  verdict: 'pending' | 'in-sync' | 'converging' | 'diverged' | 'error';
  runs: number;
  running: boolean;
  lastRun: { startedAt: string; endedAt: string; verdict: string; exitCode: number; error: { message: string; hint?: string } | null } | null;
  lastSuccess: { endedAt: string } | null;
  divergedSince: string | null;
  report: { source: string; summary: Record<string, number>; items: Array<Record<string, unknown>>; errors: unknown[] } | null;
}

export interface ApiChecks {
  ready: boolean;
  config: { file: string; error: { message: string; hint: string | null } | null };
  checks: ApiCheck[];
}

export function check(body: ApiChecks, name: string): ApiCheck {
  const found = body.checks.find((each) => each.name === name);
  if (!found) throw new Error(`no check ${name} in ${JSON.stringify(body.checks.map((each) => each.name))}`);
  return found;
}

/** Rewrites the config file with `edit`, sends SIGHUP and waits until serve refuses it; returns where its stderr stood before. */
export async function reloadRefused(serve: ServeProcess, file: string, edit: (config: string) => string): Promise<number> {
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  const from = serve.stderr().length;
  serve.signal('SIGHUP');
  await serve.waitForStderr('config refused, keeping the running one', from);
  return from;
}

export async function startServe(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ServeProcess> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...options.env };
  const child: ChildProcess = spawn(process.execPath, [gitdiffBin, 'serve', '--listen', '127.0.0.1:0', ...args], {
    cwd: options.cwd ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));

  const waitFor = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void exited.then(() => (ended = true));
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (ended) throw new Error(`gitdiff serve exited while waiting for ${what}\nstdout: ${stdout}\nstderr: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nstderr: ${stderr}`);
      await sleep(100);
    }
  };

  const port = await waitFor(async () => /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr)?.[1], 'the "listening on" line', 20_000);
  const url = `http://127.0.0.1:${port}`;
  const get = async (pathname: string) => {
    const response = await fetch(url + pathname, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.text(), headers: response.headers };
  };
  const checks = async () => JSON.parse((await get('/api/checks')).body) as ApiChecks;
  return {
    url,
    stderr: () => stderr,
    get,
    checks,
    waitForChecks: (predicate, what, timeoutMs = 30_000) =>
      waitFor(async () => {
        const body = await checks();
        return predicate(body) ? body : undefined;
      }, what, timeoutMs),
    waitForStderr: (text, from = 0, timeoutMs = 20_000) =>
      waitFor(async () => {
        const tail = stderr.slice(from);
        return (typeof text === 'string' ? tail.includes(text) : text.test(tail)) ? true : undefined;
      }, `stderr to show ${text}`, timeoutMs).then(() => {}),
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
