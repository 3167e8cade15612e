// Finding a real component (kubectl, terraform, ansible-playbook, promtool...) on PATH.
// Tests (test/support/binaries.ts decides what a missing one means there) and bench
// scenarios both ask; it lives here so that bench never imports from test/.
import { spawnSync } from 'node:child_process';

const found = new Map<string, string | undefined>();

/** The absolute path of a binary on PATH, or undefined. */
export function whichBinary(name: string): string | undefined {
  if (!found.has(name)) {
    const result = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' });
    found.set(name, result.status === 0 ? result.stdout.trim() : undefined);
  }
  return found.get(name);
}
