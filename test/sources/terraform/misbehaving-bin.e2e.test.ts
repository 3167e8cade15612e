// `gitdiff terraform --bin` pointed at a tool that misbehaves: one that floods
// its output, one that ignores SIGTERM while a child it started keeps the
// output open. Either way gitdiff ends with exit 2, within bounds, quoting a
// bounded part of what the tool said.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGitdiff } from '../../support/run-cli.js';
import { writeScript } from '../../support/scripts.js';

let scratch: string;
let dir: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-terraform-bin-'));
  dir = path.join(scratch, 'infra');
  mkdirSync(dir);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a misbehaving terraform', () => {
  it.each([
    ['one 20 MB line after the error', 'echo "Error: flooded" >&2\nhead -c 20000000 /dev/zero | tr "\\0" "x" >&2\nexit 1'],
    ['20 MB of lines before the error', 'yes "Warning: noise" | head -c 20000000 >&2\necho "Error: flooded" >&2\nexit 1'],
    ['20 MB of plan -json output, then a crash', 'yes \'{"@message":"noise"}\' | head -c 20000000\nexit 1'],
  ])('that floods (%s) ends in exit 2 with a bounded error', async (_name, body) => {
    const result = await runGitdiff(['terraform', dir, '--bin', writeScript(scratch, `flood-${Math.random().toString(16).slice(2)}.sh`, body)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: terraform plan failed in .* \(exit 1\)/m);
    expect(result.stderr.length).toBeLessThan(8000);
  }, 60_000);

  it('that never lets go of its output ends at --timeout, well before its child does', async () => {
    const hang = writeScript(scratch, 'hang.sh', 'trap "" TERM\nsleep 40 &\nsleep 40');
    const startedAt = Date.now();
    const result = await runGitdiff(['terraform', dir, '--bin', hang, '--timeout', '1s'], { timeoutMs: 35_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: gave up after --timeout 1s/m);
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  }, 60_000);
});
