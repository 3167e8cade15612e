// Tests use the real components (kubectl, terraform, ansible-playbook, promtool,
// pushgateway, node_exporter). When one is missing: on a developer's machine the
// test skips loudly (a warning on stderr naming what to install); in CI
// (CI=true) it fails, so a green CI always means the real component ran.
import { spawnSync } from 'node:child_process';
import { it } from 'vitest';

const found = new Map<string, string | undefined>();

/** The absolute path of a binary on PATH, or undefined. */
export function whichBinary(name: string): string | undefined {
  if (!found.has(name)) {
    const result = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' });
    found.set(name, result.status === 0 ? result.stdout.trim() : undefined);
  }
  return found.get(name);
}

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * `it` when every binary is present. Otherwise: in CI, a test that fails saying
 * what is missing; elsewhere, a skipped test plus a warning on stderr.
 */
export function itWith(binaries: string[], install: string): typeof it {
  const missing = binaries.filter((name) => !whichBinary(name));
  if (missing.length === 0) return it;
  const message = `missing ${missing.join(', ')} (install: ${install})`;
  if (inCI) {
    return ((name: string) => it(name, () => { throw new Error(`CI=true and ${message}`); })) as unknown as typeof it;
  }
  process.stderr.write(`\n*** SKIPPING tests that need ${message} ***\n`);
  return it.skip as unknown as typeof it;
}
