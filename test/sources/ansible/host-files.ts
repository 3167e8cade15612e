// The "host" the end-to-end tests check: files in a temporary folder that
// fixtures/ansible/site.yml manages, either as the playbook declares them or
// drifted, plus a fingerprint (names, modes, contents) to prove a run changed
// nothing.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../support/run-cli.js';

export const fixtures = path.join(repoRoot, 'fixtures/ansible');
export const install = 'apt-get install --no-install-recommends ansible-core';

/** The value `-e api_token=...` gives the no_log task, and the one on the drifted host: neither may be printed. */
export const API_TOKEN = 'tok-4f1b9c2e-declared-secret';
export const OLD_TOKEN = 'tok-77aa01-live-secret';

export interface TestHost {
  /** Scratch folder: HOME for ansible and the cwd of runs that need one. */
  home: string;
  /** The managed files (`-e root=...`). */
  root: string;
  cleanup: () => void;
}

export function makeHost(state: 'in-sync' | 'drifted'): TestHost {
  const home = mkdtempSync(path.join(tmpdir(), 'gitdiff-ansible-test-'));
  const root = path.join(home, 'host');
  mkdirSync(root);
  const write = (name: string, content: string, mode: number) => {
    writeFileSync(path.join(root, name), content);
    chmodSync(path.join(root, name), mode);
  };
  if (state === 'in-sync') {
    write('motd', 'Welcome to web-01\nManaged by Ansible\n', 0o644);
    write('app.conf', '# managed by ansible\nlisten = 0.0.0.0:8080\nworkers = 4\n', 0o644);
    write('banner', 'authorized use only\n', 0o644);
    write('deploy.sh', '#!/bin/sh\necho deploy\n', 0o750);
    write('limits.conf', 'max_connections=200\n', 0o644);
    write('token', `${API_TOKEN}\n`, 0o600);
  } else {
    write('motd', 'Welcome to web-01\nUnmanaged edit\n', 0o644);
    write('app.conf', '# managed by ansible\nlisten = 0.0.0.0:8080\nworkers = 2\n', 0o644);
    // banner: missing
    write('deploy.sh', '#!/bin/sh\necho deploy\n', 0o755);
    write('limits.conf', 'max_connections=100\n', 0o644);
    write('token', `${OLD_TOKEN}\n`, 0o600);
  }
  return { home, root, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Names, modes and contents of every file under the folder. */
export function fingerprint(folder: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      const stat = statSync(file);
      hash.update(`${path.relative(folder, file)} ${stat.mode.toString(8)}\n`);
      if (stat.isDirectory()) walk(file);
      else hash.update(readFileSync(file));
    }
  };
  walk(folder);
  return hash.digest('hex');
}

/** A port on 127.0.0.1 that nothing listens on (it was just closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** An environment for runs: HOME in the scratch folder, so ansible's temp files and ssh state stay there. */
export function ansibleEnv(host: TestHost, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { HOME: host.home, ...extra };
}
