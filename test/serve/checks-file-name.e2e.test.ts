// With no --config, `gitdiff serve` reads gitdiff-serve.yaml from the folder it
// starts in. The former default, gitdiff.yaml (one dot from kube's
// .gitdiff.yaml of ignore rules), is still read when it is the only one there,
// with one note saying the file was renamed; an explicit --config reads any name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runGitdiff } from '../support/run-cli.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const checksYaml = (name: string) => dump({
  checks: [{ name, command: ['kube', path.join(repoRoot, 'fixtures/example/manifests'), '--live-from', path.join(repoRoot, 'fixtures/example/live.yaml')], interval: '1h' }],
});
const RENAMED_NOTE = 'gitdiff: note: reading gitdiff.yaml: the checks file is now named gitdiff-serve.yaml';

let scratch: string;
let serve: ServeProcess | undefined;

beforeEach(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-checks-file-'));
});

afterEach(async () => {
  await serve?.stop();
  serve = undefined;
  rmSync(scratch, { recursive: true, force: true });
});

describe('serve: the default checks file', () => {
  it('reads gitdiff-serve.yaml with no --config, and no note', async () => {
    writeFileSync(path.join(scratch, 'gitdiff-serve.yaml'), checksYaml('new-name'));
    writeFileSync(path.join(scratch, 'gitdiff.yaml'), checksYaml('old-name'));
    serve = await startServe([], { cwd: scratch });
    const body = await serve.checks();
    expect(body.config.file).toBe(path.join(scratch, 'gitdiff-serve.yaml'));
    expect(body.checks.map((each) => each.name)).toEqual(['new-name']);
    expect(serve.stderr()).not.toContain('note:');
  });

  it('reads the former default gitdiff.yaml when it is the only one, with one note that it was renamed', async () => {
    writeFileSync(path.join(scratch, 'gitdiff.yaml'), checksYaml('old-name'));
    serve = await startServe([], { cwd: scratch });
    const body = await serve.checks();
    expect(body.config.file).toBe(path.join(scratch, 'gitdiff.yaml'));
    expect(body.checks.map((each) => each.name)).toEqual(['old-name']);
    expect(serve.stderr().split('\n').filter((line) => line.includes('note:'))).toEqual([expect.stringContaining(RENAMED_NOTE)]);
  });

  it('reads --config gitdiff.yaml as given, with no note', async () => {
    writeFileSync(path.join(scratch, 'gitdiff.yaml'), checksYaml('old-name'));
    serve = await startServe(['--config', 'gitdiff.yaml'], { cwd: scratch });
    expect((await serve.checks()).checks.map((each) => each.name)).toEqual(['old-name']);
    expect(serve.stderr()).not.toContain('note:');
  });

  it('with neither file: exit 2, the missing-file error names gitdiff-serve.yaml', async () => {
    const result = await runGitdiff(['serve', '--listen', '127.0.0.1:0'], { cwd: scratch });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: config .*gitdiff-serve\.yaml: /m);
    expect(result.stderr).toContain('  hint: ');
    expect(result.stderr).not.toContain('note:');
  });

  it('--help shows the default name', async () => {
    const help = await runGitdiff(['serve', '--help']);
    expect(help.stdout).toMatch(/--config <file>[^]*?\(default:\s+gitdiff-serve\.yaml/); // wrapped where the option column is wide
  });
});
