// The third-party corpus in ../shared/fixtures (see its SOURCES.md) sits beside
// the checkout on the project's machines and in CI, never in a user's clone. A
// suite that reads it skips loudly where it is absent, so that the README's
// `npm test` passes on a fresh clone; under CI=true its absence fails, so that
// a green CI always means the corpus was read.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { it } from 'vitest';
import { inCI } from './binaries.js';
import { sharedFixtures } from './run-cli.js';

/** The corpus folder at `subpath` of the shared fixtures, and whether it is there (registering a failing test in CI when not). */
export function sharedCorpus(subpath: string, what: string): { dir: string; present: boolean } {
  const dir = path.join(sharedFixtures, subpath);
  const present = existsSync(dir);
  if (!present && inCI) {
    it(`${what}: the shared corpus is present`, () => {
      throw new Error(`CI=true and ${dir} is absent: copy shared/fixtures beside the checkout, or set GITDIFF_SHARED_FIXTURES`);
    });
  } else if (!present) {
    process.stderr.write(`\n*** SKIPPING ${what}: ${dir} is absent (it sits beside the checkout on the project's machines; GITDIFF_SHARED_FIXTURES points elsewhere) ***\n`);
  }
  return { dir, present };
}
