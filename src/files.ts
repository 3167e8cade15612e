// Small reads of the files gitdiff is pointed at (a settings file, a
// kubeconfig), with the failure in gitdiff's words: one line naming the file.
import { readFileSync, statSync } from 'node:fs';
import { GitdiffError } from './errors.js';
import { fileProblem } from './system-errors.js';

/** The whole file as UTF-8, or a GitdiffError `WHAT FILE: why` (`config /x/.gitdiff.yaml: permission denied`) with the hint. */
export function readTextFile(file: string, what: string, hint: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new GitdiffError(`${what} ${file}: ${fileProblem(error)}`, { hint });
  }
}

/** True for a folder (or a link to one); false for anything else, including a path that does not exist. */
export function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}
