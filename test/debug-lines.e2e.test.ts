// --debug lines carry words from outside (paths from a repository, a server's URLs and answers):
// they reach the same terminal as everything else, so they are made visible the same way.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runGitdiff } from './support/run-cli.js';

it('--debug prints a folder name holding control characters escaped, never raw', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'gitdiff-debug-'));
  const folder = path.join(root, 'team\u001b[2Jred');
  mkdirSync(folder);
  const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\ndata: {mode: fast}\n';
  writeFileSync(path.join(folder, 'app.yaml'), manifest);
  writeFileSync(path.join(folder, 'live.yaml'), manifest);
  writeFileSync(path.join(folder, '.gitdiff.yaml'), 'kube:\n  ignore: []\n');
  const result = await runGitdiff(['kube', 'app.yaml', '--live-from', 'live.yaml', '--debug', '--no-color'], { cwd: folder });
  expect(result.code).toBe(0);
  const debugLines = result.stderr.split('\n').filter((line) => line.startsWith('debug: '));
  expect(debugLines.some((line) => line.includes('team\\x1b[2Jred'))).toBe(true);
  expect(result.stderr).not.toContain('\u001b');
});
