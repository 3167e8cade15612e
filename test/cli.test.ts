import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runGitdiff } from './support/run-cli.js';
import { sources } from '../src/sources/index.js';
import { readdirSync } from 'node:fs';

describe('gitdiff (the program)', () => {
  it('prints its version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const result = await runGitdiff(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('lists every registered subcommand in --help', async () => {
    const result = await runGitdiff(['--help']);
    expect(result.code).toBe(0);
    for (const source of sources) expect(result.stdout).toContain(`${source.name} `);
    expect(result.stdout).toContain('Exit status: 0 in sync, 1 diverged, 2 could not tell.');
  });

  it('exits 2 on an unknown subcommand or option', async () => {
    expect((await runGitdiff(['nosuch'])).code).toBe(2);
    const result = await runGitdiff(['kube', '--nosuch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown option --nosuch');
  });

  it('registers every folder under src/sources', () => {
    const folders = readdirSync('src/sources', { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(sources.map((source) => source.name).sort()).toEqual(folders.sort());
  });
});
