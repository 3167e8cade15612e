// Tests use the real components (kubectl, terraform, ansible-playbook, promtool,
// pushgateway, node_exporter). When one is missing: on a developer's machine the
// test skips loudly (a warning on stderr naming what to install); in CI
// (CI=true) it fails, so a green CI always means the real component ran.
import { it } from 'vitest';
import { whichBinary } from '../../tools/binaries.js';

export { whichBinary };

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * `it` when every binary is present. Otherwise: in CI, a test that fails saying
 * what is missing; elsewhere, a skipped test plus a warning on stderr.
 */
export function itWith(binaries: string[], install: string): typeof it {
  const missing = binaries.filter((name) => !whichBinary(name));
  return itUnless(missing.length === 0 ? undefined : `missing ${missing.join(', ')} (install: ${install})`);
}

/**
 * `it` when `lacking` is undefined; otherwise the same failing-in-CI or
 * loudly skipped test as itWith, saying what is lacking (a component too old, say).
 */
export function itUnless(lacking: string | undefined): typeof it {
  if (lacking === undefined) return it;
  if (inCI) {
    return ((name: string) => it(name, () => { throw new Error(`CI=true and ${lacking}`); })) as unknown as typeof it;
  }
  process.stderr.write(`\n*** SKIPPING tests that need ${lacking} ***\n`);
  return it.skip as unknown as typeof it;
}
