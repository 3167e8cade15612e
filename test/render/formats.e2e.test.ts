// The CI formats and flags end to end: bin/gitdiff on the built-in example, as a pipeline runs it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGitdiff } from '../support/run-cli.js';
import { countedCases, junitProblems, readJunit } from './junit-reader.js';

const example = ['kube', 'fixtures/example/manifests', '--live-from', 'fixtures/example/live.yaml'];
const summaryPattern = /^1 diverged, 3 in sync \(4 objects, \d+\.\d s\)$/;

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'gitdiff-ci-'));
}

/** A kubeconfig whose server refuses connections: every object becomes an error item. */
async function refusingKubeconfig(dir: string): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const file = path.join(dir, 'kubeconfig');
  writeFileSync(file, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]
users: [{name: u, user: {}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`);
  return file;
}

describe('CI output formats', () => {
  it('-o junit: valid JUnit XML with one failing testcase for the diverged Deployment', async () => {
    const result = await runGitdiff([...example, '-o', 'junit']);
    expect(result.code).toBe(1);
    expect(await junitProblems(result.stdout)).toEqual([]);
    const [suite] = readJunit(result.stdout).suites;
    expect(suite.counts).toEqual({ tests: 4, failures: 1, errors: 0, skipped: 0 });
    expect(countedCases(suite)).toEqual(suite.counts);
    const failed = suite.cases.filter((testcase) => testcase.outcome === 'failure');
    expect(failed).toMatchObject([{ classname: 'kube.cache.Deployment', name: 'apps/v1 Deployment cache/redis', message: 'diverged: spec.replicas' }]);
    expect(failed[0].body).toMatch(/^declared in fixtures\/example\/manifests\/redis\.yaml:8\n {4}spec\.replicas: .*\n- {5}3\n\+ {5}4$/);
    expect(result.stderr).toBe('');
  });

  it('-o junit: a cluster never reached is one error case, its objects skipped, and the run exits 2', async () => {
    const kubeconfig = await refusingKubeconfig(tempDir());
    const result = await runGitdiff(['kube', 'fixtures/example/manifests', '--kubeconfig', kubeconfig, '-o', 'junit']);
    expect(result.code).toBe(2);
    expect(await junitProblems(result.stdout)).toEqual([]);
    const [suite] = readJunit(result.stdout).suites;
    expect(suite.counts).toEqual({ tests: 5, failures: 0, errors: 1, skipped: 4 });
    expect(suite.cases.filter((testcase) => testcase.outcome === 'error').map((testcase) => testcase.message)).toEqual([expect.stringMatching(/^cannot reach server http:\/\/127\.0\.0\.1:\d+/)]);
  });

  it('-o github: an error annotation at the manifest line, then the summary', async () => {
    const result = await runGitdiff([...example, '-o', 'github']);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      '::error file=fixtures/example/manifests/redis.yaml,line=8,title=apps/v1 Deployment cache/redis%3A diverged::' +
        '    spec.replicas: (changed by kubectl at 2026-11-20 10:02 UTC)%0A-     3%0A+     4',
    );
    expect(lines[1]).toMatch(summaryPattern);
  });

  it('-o github appends the Markdown report to $GITHUB_STEP_SUMMARY', async () => {
    const file = path.join(tempDir(), 'step-summary.md');
    writeFileSync(file, 'from an earlier step\n');
    const withSummary = await runGitdiff([...example, '-o', 'github'], { env: { GITHUB_STEP_SUMMARY: file } });
    const markdown = await runGitdiff([...example, '-o', 'markdown']);
    expect(withSummary.code).toBe(1);
    const written = readFileSync(file, 'utf8');
    expect(written.startsWith('from an earlier step\n### gitdiff kube: 1 diverged, 3 in sync')).toBe(true);
    // Same report as -o markdown prints (up to the measured duration).
    const withoutTimes = (text: string) => text.replace(/\d+\.\d s\)/g, 'T s)');
    expect(withoutTimes(written.slice('from an earlier step\n'.length))).toBe(withoutTimes(markdown.stdout));
    expect(withSummary.stdout).not.toContain('<details>');
  });

  it('-o github still reports and exits by the verdict when the step summary cannot be written', async () => {
    const result = await runGitdiff([...example, '-o', 'github'], { env: { GITHUB_STEP_SUMMARY: path.join(tempDir(), 'no/such/dir/summary.md') } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error file=fixtures/example/manifests/redis.yaml');
    expect(result.stderr).toMatch(/^gitdiff: warning: could not append the step summary to .*summary\.md: no such file or directory\n$/);
  });

  it('-o markdown: the table and the collapsed diff of the Deployment', async () => {
    const result = await runGitdiff([...example, '-o', 'markdown']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^### gitdiff kube: 1 diverged, 3 in sync \(4 objects, \d+\.\d s\)\n/);
    expect(result.stdout).toContain('| diverged | 1 |\n| in sync | 3 |');
    expect(result.stdout).toContain(
      '<details><summary><code>apps/v1 Deployment cache/redis</code> diverged (fixtures/example/manifests/redis.yaml:8)</summary>\n\n```diff\n' +
        '    spec.replicas: (changed by kubectl at 2026-11-20 10:02 UTC)\n-     3\n+     4\n```\n\n</details>',
    );
  });
});

describe('CI flags', () => {
  it('-q prints nothing and exits by the verdict', async () => {
    const result = await runGitdiff([...example, '-q']);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: '' });
  });

  it('-q still explains errors on stderr', async () => {
    const result = await runGitdiff(['kube', 'no/such/dir', '--live-from', 'fixtures/example/live.yaml', '-q']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('gitdiff: error: no/such/dir: no such file or directory\n  hint: name manifest files or folders that exist\n');
  });

  it('--summary prints the summary line only', async () => {
    const result = await runGitdiff([...example, '--summary']);
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd()).toMatch(summaryPattern);
    expect(result.stdout.split('\n')).toHaveLength(2);
  });

  it.each([
    [['--summary', '-q'], 'gitdiff: error: kube: --summary and --quiet cannot be used together\n  hint: give one of them; run gitdiff kube --help\n'],
    [['--summary', '-o', 'json'], 'gitdiff: error: --summary prints the text summary line: it does not combine with -o json'],
  ])('rejects %j before running (exit 2)', async (flags, message) => {
    const result = await runGitdiff([...example, ...flags]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });

  it('--no-error-on-diff exits 0 on a divergence, and still prints it', async () => {
    const result = await runGitdiff([...example, '--no-error-on-diff']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('~ apps/v1 Deployment cache/redis');
  });

  it('--no-error-on-diff still exits 2 when something could not be checked', async () => {
    const kubeconfig = await refusingKubeconfig(tempDir());
    const unreachable = await runGitdiff(['kube', 'fixtures/example/manifests', '--kubeconfig', kubeconfig, '--no-error-on-diff', '-q']);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('cannot reach server');
    const badInput = await runGitdiff(['kube', 'no/such/dir', '--live-from', 'fixtures/example/live.yaml', '--no-error-on-diff']);
    expect(badInput.code).toBe(2);
  });
});

describe('Secrets in the CI formats', () => {
  it.each(['junit', 'github', 'markdown'])('-o %s shows that a Secret key differs, never its value', async (format) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: auth, namespace: cache}\nstringData:\n  password: declared-Pa55-value\n');
    const live = Buffer.from('live-Pa55-value').toString('base64');
    writeFileSync(path.join(dir, 'live.yaml'), `apiVersion: v1\nkind: Secret\nmetadata: {name: auth, namespace: cache}\ndata:\n  password: ${live}\n`);
    const result = await runGitdiff(['kube', path.join(dir, 'secret.yaml'), '--live-from', path.join(dir, 'live.yaml'), '-o', format]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('password');
    expect(result.stdout).toContain('(sensitive value)');
    for (const secret of ['declared-Pa55-value', 'live-Pa55-value', live, Buffer.from('declared-Pa55-value').toString('base64')]) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  });
});
