// Runs ansible-playbook once, with gitdiff's callback writing its events to a
// file in a private temporary folder (ansible's own stdout then only carries
// `PLAY [..]` / `TASK [..]` lines, used as progress, and can never corrupt the
// events). I/O only: what the run means is decided by the parsers and verdict.ts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { GitdiffError } from '../../errors.js';
import { fileProblem } from '../../system-errors.js';
import type { RunContext } from '../types.js';
import { describeArgv } from './args.js';
import { callbackPluginPath, findAnsibleConfig, playbookEnvironment } from './playbook-environment.js';

/** Where callback/gitdiff.py is: beside this module (the build copies it into dist/). */
export const callbackDir = fileURLToPath(new URL('./callback/', import.meta.url)).replace(/\/$/, '');

const STDERR_LINES_KEPT = 200;

export interface PlaybookOutcome {
  /** ansible-playbook's exit status; undefined when it was killed by a signal. */
  exitCode?: number;
  signal?: string;
  /** What the callback wrote ('' when ansible stopped before loading it). */
  events: string;
  /** The end of ansible-playbook's stderr (its ERROR! and [WARNING] lines). */
  stderr: string[];
}

export async function runPlaybook(bin: string, argv: string[], context: RunContext): Promise<PlaybookOutcome> {
  if (!existsSync(path.join(callbackDir, 'gitdiff.py'))) {
    throw new GitdiffError(`gitdiff's ansible callback is missing from ${callbackDir}`, {
      hint: 'the install is incomplete: reinstall gitdiff, or run npm run build in its checkout',
    });
  }
  const folder = await mkdtemp(path.join(tmpdir(), 'gitdiff-ansible-'));
  try {
    const eventsFile = path.join(folder, 'events.jsonl');
    const plugins = callbackPluginPath(callbackDir, context.env, findAnsibleConfig(context.cwd, context.env));
    context.log(`running: ${describeArgv(bin, argv)}`);
    context.log(`ANSIBLE_CALLBACK_PLUGINS=${plugins}`);
    const child = execa(bin, argv, {
      cwd: context.cwd,
      env: playbookEnvironment(context.env, plugins, eventsFile),
      extendEnv: false,
      // Prompts (become or vault passwords) work at a terminal; unattended runs must not wait for one.
      stdin: (context.stdin as { isTTY?: boolean }).isTTY ? 'inherit' : 'ignore',
      buffer: false,
      reject: false,
      cancelSignal: context.signal,
      // The run's signal stops ansible-playbook; execa's own exit hook would re-raise SIGINT/SIGTERM at gitdiff.
      cleanup: false,
    });
    const stderr: string[] = [];
    const done = Promise.all([
      eachLine(child.stdout, (line) => context.progress(line)),
      eachLine(child.stderr, (line) => {
        if (context.verbose) context.progress(line);
        stderr.push(line);
        if (stderr.length > STDERR_LINES_KEPT) stderr.shift();
      }),
    ]);
    const result = await child;
    await done;
    if (result.failed && result.code === 'ENOENT') {
      throw new GitdiffError(`ansible-playbook not found: ${bin}`, {
        hint: 'install ansible-core (apt-get install ansible-core, or pip install ansible-core), or name it with --bin or GITDIFF_ANSIBLE_BIN',
      });
    }
    if (result.isCanceled) throw context.signal.reason ?? new GitdiffError('interrupted');
    if (result.failed && result.exitCode === undefined && !result.signal) {
      throw new GitdiffError(`could not run ${bin}: ${result.code ? fileProblem(result) : result.shortMessage}`, { hint: 'check --bin / GITDIFF_ANSIBLE_BIN' });
    }
    const events = existsSync(eventsFile) ? await readFile(eventsFile, 'utf8') : '';
    return { exitCode: result.exitCode, signal: result.signal, events, stderr };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function eachLine(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): Promise<void> {
  if (!stream) return;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) onLine(line);
}
