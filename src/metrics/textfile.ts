// The node_exporter textfile: written atomically, so the collector never reads
// half a file. The temp file sits in the same directory (rename is atomic only
// within one file system) and is named `.NAME.prom.PID.RANDOM.tmp`: the
// collector reads only `*.prom`, so it never sees it. Everything here is
// synchronous on purpose: a SIGINT/SIGTERM handler cannot run in the middle of
// the write, so an interrupted gitdiff never leaves a temp file behind; one left
// by a SIGKILL is removed by the next run.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { GitdiffError } from '../errors.js';
import { fileProblem } from '../system-errors.js';
import { notRegularTextfile } from './options.js';

const FILE_MODE = 0o644;

/** After "cannot write: ". The textfile is written as a new temp file beside it: a missing name there is a missing directory. */
function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'the directory does not exist' : code === 'EISDIR' ? 'it is a directory' : fileProblem(error);
}

function textfileError(file: string, action: string, error: unknown): GitdiffError {
  return new GitdiffError(`metrics textfile ${file}: cannot ${action}: ${describe(error)}`, {
    hint: 'the directory must exist and be writable by gitdiff (node_exporter --collector.textfile.directory)',
    cause: error,
  });
}

/**
 * The file's text, or undefined when there is none yet. Opened without
 * blocking and checked again, so a FIFO put there since the run started
 * cannot hang it either.
 */
export function readTextfile(file: string): string | undefined {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = fstatSync(descriptor);
    if (!info.isFile()) throw notRegularTextfile(file, info);
    return readFileSync(descriptor, 'utf8');
  } catch (error) {
    if (error instanceof GitdiffError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw textfileError(file, 'read the previous values', error);
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

function tempNamePattern(base: string): RegExp {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp files of this textfile whose writer is gone (killed with SIGKILL mid-write). */
function removeAbandonedTemps(directory: string, base: string): void {
  const pattern = tempNamePattern(base);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return; // the write below reports what is wrong with the directory
  }
  for (const name of names) {
    const match = pattern.exec(name);
    if (match && Number(match[1]) !== process.pid && !processIsAlive(Number(match[1]))) {
      removeQuietly(path.join(directory, name));
    }
  }
}

/** Removes a file if it is there; a path that cannot hold one (ENOTDIR) has nothing to remove. */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // nothing was created there
  }
}

/** Replaces `file` with `content` atomically: temp file, fsync, rename, mode 0644. */
export function writeTextfileAtomically(file: string, content: string): void {
  const directory = path.dirname(file);
  const base = path.basename(file);
  removeAbandonedTemps(directory, base);
  const temp = path.join(directory, `.${base}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(temp, 'wx', FILE_MODE);
    fchmodSync(descriptor, FILE_MODE); // the umask may have narrowed it; node_exporter often runs as another user
    const bytes = Buffer.from(content, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written);
    fsyncSync(descriptor);
    closeSync(descriptor);
    descriptor = undefined;
    renameSync(temp, file);
  } catch (error) {
    if (descriptor !== undefined) closeSync(descriptor);
    removeQuietly(temp);
    throw textfileError(file, 'write', error);
  }
  syncDirectory(directory);
}

/** Makes the rename itself durable; some file systems refuse to fsync a directory, which is harmless here. */
function syncDirectory(directory: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(directory, 'r');
    fsyncSync(descriptor);
  } catch {
    // best effort
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}
