// Runs the CLI's main() in the test process, with its own stdout, stderr and
// stdin: the whole pipeline from flags to rendered output and exit status,
// without a process start, so property tests can afford hundreds of runs.
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli.js';
import { repoRoot, type CliResult } from './run-cli.js';

function collector(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
}

export async function runInProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const code = await main(['node', 'gitdiff', ...args], {
    stdout: collector(stdout),
    stderr: collector(stderr),
    stdin: Readable.from(options.input === undefined ? [] : [Buffer.from(options.input)]),
    env: { ...options.env },
    cwd: options.cwd ?? repoRoot,
  });
  return { code, signal: null, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
}
