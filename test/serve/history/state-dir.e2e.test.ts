// `gitdiff serve --state-dir` as a user runs it (bin/gitdiff): a dir it cannot
// use is exit 2 naming it; a second serve on the same dir is exit 2; the
// history file never holds a secret; and the bodies follow the published schema.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { apiChecksProblems, apiHistoryProblems } from '../../support/report-schema.js';
import { repoRoot, runGitdiff } from '../../support/run-cli.js';
import { check, startServe } from '../../support/serve-process.js';
import { kubeSecretValues, revealingForms, withCanaries } from '../../reliability/secret-values.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-state-dir-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const exampleCheck = (name: string) => ({ name, command: ['kube', path.join(repoRoot, 'fixtures/example/manifests'), '--live-from', path.join(repoRoot, 'fixtures/example/live.yaml')], interval: '1h' });

function configFile(name: string, checks: unknown[]): string {
  const file = path.join(scratch, name);
  writeFileSync(file, dump({ checks }));
  return file;
}

/** serve that should refuse to start: its exit status and stderr lines. */
async function refused(args: string[], options: { withoutRootFileAccess?: boolean } = {}) {
  const config = configFile('refused.yaml', [exampleCheck('example')]);
  const result = await runGitdiff(['serve', '--listen', '127.0.0.1:0', '--config', config, ...args], { timeoutMs: 20_000, ...options });
  return { code: result.code, lines: result.stderr.trimEnd().split('\n') };
}

describe('serve --state-dir: what it cannot use is exit 2, naming it', { timeout: 60_000 }, () => {
  it('a path under a file', async () => {
    const file = path.join(scratch, 'a-file');
    writeFileSync(file, '');
    const { code, lines } = await refused(['--state-dir', path.join(file, 'state')]);
    expect(code).toBe(2);
    expect(lines[0]).toMatch(new RegExp(`^gitdiff: error: --state-dir ${path.join(file, 'state')}: cannot create it: ENOTDIR`));
    expect(lines[1]).toBe('  hint: serve needs a directory it can write to for its history');
    expect(lines).toHaveLength(2);
  });

  it('a dir it may not write to', async () => {
    const dir = path.join(scratch, 'read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    const { code, lines } = await refused(['--state-dir', dir], { withoutRootFileAccess: true });
    expect(code).toBe(2);
    expect(lines[0]).toMatch(new RegExp(`^gitdiff: error: --state-dir ${dir}: cannot create ${path.join(dir, 'gitdiff-history.lock')}: EACCES`));
    expect(lines[1]).toMatch(/^ {2}hint: /);
  });

  it('a damaged history file', async () => {
    const dir = path.join(scratch, 'damaged');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'gitdiff-history.sqlite'), 'not a database, '.repeat(200));
    const { code, lines } = await refused(['--state-dir', dir]);
    expect(code).toBe(2);
    expect(lines[0]).toContain(`gitdiff: error: --state-dir: cannot open the history ${path.join(dir, 'gitdiff-history.sqlite')}: `);
    expect(lines[1]).toContain('hint: if the file is damaged, move it aside');
  });

  it.each([
    [['--history-retention', 'forever'], 'gitdiff: error: --history-retention: invalid duration "forever"'],
    [['--history-max-events', '0'], 'gitdiff: error: --history-max-events: expected a whole number from 1 to 1000000, not "0"'],
  ])('%j', async (args, message) => {
    const { code, lines } = await refused(['--state-dir', path.join(scratch, 'flags'), ...args]);
    expect(code).toBe(2);
    expect(lines[0]).toBe(message);
  });

  it('a second serve on the same dir, while the first runs', async () => {
    const dir = path.join(scratch, 'shared-dir');
    const first = await startServe(['--config', configFile('first.yaml', [exampleCheck('example')]), '--state-dir', dir]);
    try {
      const { code, lines } = await refused(['--state-dir', dir]);
      expect(code).toBe(2);
      expect(lines[0]).toMatch(new RegExp(`^gitdiff: error: --state-dir ${dir}: another gitdiff serve \\(pid \\d+ on .+\\) keeps its history there$`));
      expect(lines[1]).toBe(`  hint: give each serve its own --state-dir; if that serve is gone, delete ${path.join(dir, 'gitdiff-history.lock')} (a lock not renewed for 30s is taken over)`);
    } finally {
      await first.stop();
    }
    expect(await first.exited).toEqual({ code: 0, signal: null });
    // Stopped cleanly: the dir is free again.
    const again = await startServe(['--config', configFile('first.yaml', [exampleCheck('example')]), '--state-dir', dir]);
    // After a run: serve installs its SIGTERM handler just after the "listening" line, and a SIGTERM in between kills it.
    await again.waitForChecks((api) => api.checks[0].runs > 0, 'a run on the freed dir');
    await again.stop();
    expect(await again.exited).toEqual({ code: 0, signal: null });
  });
});

describe('the history file holds no secret', { timeout: 60_000 }, () => {
  it("a kube check's Secret data and a plan's sensitive values never reach DIR's files", async () => {
    const kube = path.join(repoRoot, 'fixtures/secrets/kube');
    const { plan, canaries } = withCanaries(JSON.parse(readFileSync(path.join(repoRoot, 'fixtures/terraform/plans/drift-and-changes.json'), 'utf8')), 'history');
    expect(canaries.length).toBeGreaterThan(0);
    const planFile = path.join(scratch, 'plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const dir = path.join(scratch, 'secret-state');
    const config = configFile('secrets.yaml', [
      { name: 'secrets', command: ['kube', path.join(kube, 'manifests.yaml'), '--live-from', path.join(kube, 'live.json'), '--strict'], interval: '1h' },
      { name: 'plan', command: ['terraform', '--plan-json', planFile], interval: '1h' },
    ]);
    const serve = await startServe(['--config', config, '--state-dir', dir]);
    let body;
    try {
      body = await serve.waitForChecks((api) => api.checks.every((each) => each.runs > 0), 'both checks to run');
      expect(apiChecksProblems(body)).toEqual([]);
      for (const name of ['secrets', 'plan']) {
        const history = JSON.parse((await serve.get(`/api/checks/${name}/history?limit=500`)).body);
        expect(apiHistoryProblems(history)).toEqual([]);
        expect(history.events.length).toBeGreaterThan(0); // the secrets' drift was recorded: masked, not absent
      }
    } finally {
      await serve.stop();
    }
    expect(check(body, 'secrets').verdict).toBe('diverged');
    const objects = [kube + '/manifests.yaml', kube + '/live.json'].flatMap((file) => loadAll(readFileSync(file, 'utf8')) as Record<string, any>[]);
    const forms = [...kubeSecretValues(objects).flatMap((value) => revealingForms(value)), ...canaries.flatMap((value) => revealingForms(value))];
    expect(forms.length).toBeGreaterThan(10);
    const files = readdirSync(dir);
    expect(files).toContain('gitdiff-history.sqlite');
    let all = '';
    for (const file of files) {
      const bytes = readFileSync(path.join(dir, file)).toString('latin1');
      expect(forms.filter((form) => bytes.includes(Buffer.from(form).toString('latin1'))), file).toEqual([]);
      all += bytes;
    }
    // The scan reads what was stored, in the clear: the Secrets' drift is there, their values are not.
    expect(all).toContain('v1 Secret shop/app-credentials');
  });
});
