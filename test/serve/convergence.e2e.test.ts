// The GitOps loop end to end: gitdiff serve checks manifests in a Git work tree
// against snapshots; a commit makes them differ. Within converge-within the
// check is converging (page, /api/checks, /metrics), and converged once the
// live side matches; past it, diverged. Real git, the real serve process.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { parseExposition } from '../../src/metrics/exposition.js';
import { itWith } from '../support/binaries.js';
import { repoRoot } from '../support/run-cli.js';
import { check, startServe, type ApiChecks, type ServeProcess } from '../support/serve-process.js';
import { expectPromtoolAccepts, INSTALL, valueOf } from '../support/prometheus.js';

const it = itWith(['git', 'promtool'], `apt-get install git; ${INSTALL}`);
const example = path.join(repoRoot, 'fixtures/example');

let scratch: string;
let serve: ServeProcess | undefined;
const repo = () => path.join(scratch, 'repo');
const redis = () => path.join(repo(), 'manifests/redis.yaml');
const liveOf = (name: string) => path.join(scratch, `live-${name}.yaml`);

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=gitdiff tests', '-c', 'user.email=tests@gitdiff.invalid', ...args], { cwd: repo(), encoding: 'utf8' }).trim();
}

async function metrics() {
  const { body } = await serve!.get('/metrics');
  return { body, families: parseExposition(body) };
}

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-converge-'));
  // The first commit declares what the snapshots hold: redis at 3 replicas, in sync.
  cpSync(path.join(example, 'manifests'), path.join(repo(), 'manifests'), { recursive: true });
  writeFileSync(redis(), readFileSync(redis(), 'utf8').replace('replicas: 4', 'replicas: 3'));
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'redis at 3');
  for (const name of ['slow', 'fast']) cpSync(path.join(example, 'live.yaml'), liveOf(name));
  const checks = [
    { name: 'slow', 'converge-within': '1h' },
    { name: 'fast', 'converge-within': '3s' },
  ].map((each) => ({ ...each, command: ['kube', 'repo/manifests', '--live-from', liveOf(each.name)], interval: '1s' }));
  writeFileSync(path.join(scratch, 'gitdiff.yaml'), dump({ checks }));
});

afterAll(async () => {
  await serve?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Commits redis at 4 replicas. A run reads the manifests and asks git for HEAD
 * separately, so a run that straddled the commit could pair the new manifests
 * with the old commit (drift from before the commit, diverged at once). The
 * snapshots are moved away meanwhile: such a run could not tell, and a run that
 * could not tell changes nothing.
 */
async function commitWhileRunsCannotTell(): Promise<string> {
  for (const name of ['slow', 'fast']) renameSync(liveOf(name), `${liveOf(name)}.away`);
  writeFileSync(redis(), readFileSync(redis(), 'utf8').replace('replicas: 3', 'replicas: 4'));
  git('commit', '-q', '-am', 'redis at 4');
  const committedAt = Date.now();
  const failedSince = (body: ApiChecks, name: string) => {
    const { lastRun } = check(body, name);
    return lastRun?.verdict === 'error' && Date.parse(lastRun.startedAt) > committedAt;
  };
  await serve!.waitForChecks((body) => failedSince(body, 'slow') && failedSince(body, 'fast'), 'a run of each check that started after the commit and could not tell');
  for (const name of ['slow', 'fast']) renameSync(`${liveOf(name)}.away`, liveOf(name));
  return git('rev-parse', 'HEAD');
}

describe('gitdiff serve: convergence after a commit', () => {
  it('converging within converge-within, converged when the live side matches, diverged past it', async () => {
    serve = await startServe(['--config', path.join(scratch, 'gitdiff.yaml')]);
    await serve.waitForChecks((body) => body.ready && body.checks.every((each) => each.verdict === 'in-sync'), 'both checks in sync');
    const commit = await commitWhileRunsCannotTell();
    const short = commit.slice(0, 12);

    // slow (1h to converge): converging, while the run itself says what a command line would: diverged, exit 1.
    const converging = check(await serve.waitForChecks((body) => check(body, 'slow').verdict === 'converging', 'slow converging'), 'slow');
    expect([converging.lastRun?.verdict, converging.lastRun?.exitCode]).toEqual(['diverged', 1]);
    const page = await serve.get('/');
    expect(page.body).toMatch(/<span class="badge v-converging">converging<\/span> slow/);
    let scraped = await metrics();
    expect(valueOf(scraped.families, 'gitdiff_check_converging', { target: 'slow' })).toBe(1);
    expect(valueOf(scraped.families, 'gitdiff_diverged', { target: 'slow' })).toBe(1); // the shared metric set is unchanged
    expect(valueOf(scraped.families, 'gitdiff_drift_events_total', { target: 'slow', event: 'committed' })).toBe(1);
    expect(valueOf(scraped.families, 'gitdiff_drift_oldest_first_seen_timestamp_seconds', { target: 'slow' })).toBeUndefined();

    // fast (3 s to converge): converging first, then diverged, with the drift's first-seen time.
    await serve.waitForChecks((body) => check(body, 'fast').verdict === 'diverged', 'fast diverged after 3s', 20_000);
    await serve.waitForStderr(`check fast: diverged from revision ${short}: apps/v1 Deployment cache/redis`);
    const log = serve.stderr();
    expect(log.indexOf('check fast: converging:')).toBeGreaterThan(-1);
    expect(log.indexOf('check fast: converging:')).toBeLessThan(log.indexOf(`check fast: diverged from revision ${short}`));
    expect(log).toContain(`check fast: revision ${short} committed (was `);
    scraped = await metrics();
    expect(valueOf(scraped.families, 'gitdiff_check_converging', { target: 'fast' })).toBe(0);
    expect(valueOf(scraped.families, 'gitdiff_drift_events_total', { target: 'fast', event: 'diverged' })).toBe(1);
    const firstSeen = valueOf(scraped.families, 'gitdiff_drift_oldest_first_seen_timestamp_seconds', { target: 'fast' });
    expect(firstSeen).toBeGreaterThan(Date.parse(converging.lastRun!.endedAt) / 1000 - 60);

    // The live side of slow catches up: converged, timed.
    writeFileSync(liveOf('slow'), readFileSync(liveOf('slow'), 'utf8').replace('\n    replicas: 3\n', '\n    replicas: 4\n'));
    await serve.waitForChecks((body) => check(body, 'slow').verdict === 'in-sync', 'slow in sync');
    await serve.waitForStderr(`check slow: converged to revision ${short} in `);
    scraped = await metrics();
    expect(valueOf(scraped.families, 'gitdiff_drift_events_total', { target: 'slow', event: 'converged' })).toBe(1);
    expect(valueOf(scraped.families, 'gitdiff_convergence_duration_seconds_count', { target: 'slow' })).toBe(1);
    expect(valueOf(scraped.families, 'gitdiff_check_converging', { target: 'slow' })).toBe(0);
    expect(valueOf(scraped.families, 'gitdiff_drift_events_total', { target: 'fast', event: 'converged' })).toBe(0);
    expectPromtoolAccepts(scraped.body);
  });
});
