// GET /api/checks of a real `gitdiff serve` follows the published contract,
// docs/report.schema.json#/$defs/apiChecks, in each state a reader meets:
// before the first runs end, after them (a check per source and one that
// fails before producing a report), and after a refused reload. Each check's
// report is what `gitdiff SOURCE -o json` prints for the same command (docs/serve.md).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiChecksProblems, apiHistoryProblems } from '../support/report-schema.js';
import { repoRoot, runGitdiff } from '../support/run-cli.js';
import { check, reloadRefused, startServe, type ServeProcess } from '../support/serve-process.js';

const ansibleResults = path.join(repoRoot, 'fixtures/ansible/results/site-drifted.json');
const ansiblePlaybook = path.join(repoRoot, 'fixtures/ansible/site.yml');
const checks = [
  { name: 'snapshot', command: ['kube', 'manifests', '--live-from', 'live.yaml'], interval: '1s' },
  { name: 'plan', command: ['terraform', '--plan-json', path.join(repoRoot, 'fixtures/terraform/plans/drift-and-changes.json')], interval: '1s' },
  { name: 'playbook', command: ['ansible', '--results', ansibleResults, ansiblePlaybook], interval: '1s' },
  // Bad input: the run ends before there is a report (report null, lastRun.error says why).
  { name: 'no-snapshot', command: ['kube', 'manifests', '--live-from', 'absent.yaml'], interval: '1s' },
];

let scratch: string;
let serve: ServeProcess;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-api-schema-'));
  cpSync(path.join(repoRoot, 'fixtures/example/manifests'), path.join(scratch, 'manifests'), { recursive: true });
  cpSync(path.join(repoRoot, 'fixtures/example/live.yaml'), path.join(scratch, 'live.yaml'));
  writeFileSync(path.join(scratch, 'gitdiff.yaml'), dump({ concurrency: 2, checks }));
  serve = await startServe(['--config', 'gitdiff.yaml'], { cwd: scratch });
});

afterAll(async () => {
  await serve?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The raw body (not the test helper's typed view), checked against the schema. */
async function validBody(): Promise<Record<string, any>> {
  const { status, body, headers } = await serve.get('/api/checks');
  expect(status).toBe(200);
  expect(headers.get('content-type')).toContain('application/json');
  const value = JSON.parse(body) as Record<string, any>;
  expect(apiChecksProblems(value)).toEqual([]);
  return value;
}

describe('GET /api/checks follows docs/report.schema.json#/$defs/apiChecks', { timeout: 90_000 }, () => {
  it('from the first answer until every check has run, each body valid', async () => {
    const seen = new Set<string>();
    for (let polls = 0; polls < 600; polls++) {
      const body = await validBody();
      for (const each of body.checks) seen.add(each.verdict);
      if (body.checks.every((each: { runs: number }) => each.runs > 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const body = await validBody();
    expect(body.ready).toBe(true);
    expect(body.checks.map((each: { source: string }) => each.source)).toEqual(['kube', 'terraform', 'ansible', 'kube']);
    expect(seen.has('diverged')).toBe(true);
    const failed = body.checks.find((each: { name: string }) => each.name === 'no-snapshot');
    expect(failed).toMatchObject({ verdict: 'error', report: null, lastRun: { exitCode: 2, error: { message: expect.stringContaining('absent.yaml') } } });
  });

  it("a check's report is what `gitdiff SOURCE -o json` prints for the same command", async () => {
    const body = await serve.waitForChecks((api) => check(api, 'snapshot').runs > 0 && check(api, 'playbook').runs > 0, 'the snapshot and playbook checks to run');
    for (const name of ['snapshot', 'playbook']) {
      const { command } = checks.find((each) => each.name === name)!;
      const cli = await runGitdiff([...command, '-o', 'json'], { cwd: scratch });
      expect(cli.code).toBe(check(body, name).lastRun!.exitCode);
      const { durationMs: _cliDuration, ...printed } = JSON.parse(cli.stdout);
      const { durationMs: _serveDuration, ...served } = check(body, name).report as Record<string, unknown>;
      expect(served).toEqual(printed);
    }
  });

  it('without --state-dir: each drifted item with firstSeen, history not kept, and /api/checks/NAME/history follows #/$defs/apiHistory', async () => {
    await serve.waitForChecks((api) => check(api, 'snapshot').runs > 0, 'the snapshot check to run');
    const body = await validBody();
    const snapshot = body.checks.find((each: { name: string }) => each.name === 'snapshot');
    expect(snapshot.history).toEqual({ kept: false });
    expect(snapshot.drift).toEqual([expect.objectContaining({ title: 'apps/v1 Deployment cache/redis', status: 'diverged', firstSeen: expect.any(String), phase: 'diverged' })]);
    const { status, body: text, headers } = await serve.get('/api/checks/snapshot/history?limit=2');
    expect([status, headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
    const history = JSON.parse(text);
    expect(apiHistoryProblems(history)).toEqual([]);
    // Newest first: the check turned diverged (no commit to wait for) as the item's drift appeared.
    expect(history).toMatchObject({ check: 'snapshot', kept: false, next: null, events: [
      { kind: 'diverged', at: snapshot.drift[0].firstSeen, items: ['apps/v1 Deployment cache/redis'] },
      { kind: 'appeared', at: snapshot.drift[0].firstSeen, item: { title: 'apps/v1 Deployment cache/redis' } },
    ] });
  });

  it.each([
    ['/api/checks/snapshot/history?limit=0', 400, 'limit must be a whole number from 1 to 500'],
    ['/api/checks/snapshot/history?limit=501', 400, 'limit must be a whole number from 1 to 500'],
    ['/api/checks/snapshot/history?before=x', 400, 'before must be an event id (a whole number from 1), as `next` gives it'],
    ['/api/checks/snapshot/history?page=2', 400, 'unknown parameter page (use limit and before)'],
    ['/api/checks/nothing/history', 404, 'no check named nothing'],
    ['/api/checks/%E0%A4%A/history', 400, 'bad check name in the path'],
  ])('GET %s: %i with a JSON error', async (pathname, status, error) => {
    const answer = await serve.get(pathname);
    expect([answer.status, answer.headers.get('content-type'), JSON.parse(answer.body)]).toEqual([status, 'application/json; charset=utf-8', { error }]);
  });

  it('after a refused reload: config.error with message, hint and time', async () => {
    await reloadRefused(serve, path.join(scratch, 'gitdiff.yaml'), (good) => good.replace('interval: 1s', 'interval: soon'));
    const body = await validBody();
    expect(body.config.error).toMatchObject({ message: expect.stringContaining('invalid duration "soon"'), at: expect.any(String) });
  });
});
