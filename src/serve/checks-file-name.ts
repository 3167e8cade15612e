// Which checks file `gitdiff serve` reads. Apart from checks-file.ts so the CLI's
// flag definitions (command.ts, loaded on every run) can name the default
// without loading the checks' parser.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The checks file serve reads with no --config, in the folder it starts in. */
export const DEFAULT_CHECKS_FILE = 'gitdiff-serve.yaml';
/** Its name before: one dot apart from kube's `.gitdiff.yaml` (ignore rules), so renamed; still read, with a note. */
const FORMER_CHECKS_FILE = 'gitdiff.yaml';

/**
 * The checks file to read: the one --config names, as given; else gitdiff-serve.yaml, or, when only
 * the former default gitdiff.yaml exists, that one with a note saying it was renamed. When neither
 * exists the new name is returned, so the missing-file error names it.
 */
export function chooseChecksFile(given: string | undefined, cwd: string, exists: (file: string) => boolean = existsSync): { file: string; note?: string } {
  if (given !== undefined) return { file: path.resolve(cwd, given) };
  const file = path.resolve(cwd, DEFAULT_CHECKS_FILE);
  const former = path.resolve(cwd, FORMER_CHECKS_FILE);
  if (exists(file) || !exists(former)) return { file };
  return { file: former, note: `reading ${FORMER_CHECKS_FILE}: the checks file is now named ${DEFAULT_CHECKS_FILE} (rename it, or give --config ${FORMER_CHECKS_FILE})` };
}
