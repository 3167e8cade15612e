// Stand-in tools for tests: a shell script that misbehaves the way a real one can.
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes `#!/bin/sh` + `body` to DIR/NAME, executable; returns its path. */
export function writeScript(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}
