// The webhook end to end: `gitdiff serve` as a process, a kube check whose
// snapshot differs from Git (a Deployment's replicas and a Secret's value), and
// local receivers. The tracker's appeared/resolved events arrive with the
// documented body and no secret value; a receiver that hangs delays no verdict;
// the API and the page show the URL with its credentials masked; /metrics counts
// the deliveries; SIGTERM gives up on what the grace period could not send.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/metrics/exposition.js';
import { apiChecksProblems } from '../support/report-schema.js';
import { repoRoot } from '../support/run-cli.js';
import { check, startServe, type ServeProcess } from '../support/serve-process.js';
import { expectPromtoolAccepts, valueOf } from '../support/prometheus.js';
import { itWith } from '../support/binaries.js';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const GIT_SECRET = 'git-hook-secret-6d1f93';
const LIVE_SECRET = 'live-hook-secret-2a7c48';
const base64 = (text: string) => Buffer.from(text).toString('base64');
const secretManifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'redis-auth', namespace: 'cache' }, stringData: { password: GIT_SECRET } };
const liveSecret = (value: string) => ({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'redis-auth', namespace: 'cache' }, data: { password: base64(value) } });
const exampleLive = () => load(readFileSync(path.join(repoRoot, 'fixtures/example/live.yaml'), 'utf8')) as { items: Array<Record<string, any>> };

let scratch: string;
let hook: WebhookReceiver;
let slowHook: WebhookReceiver;
let serve: ServeProcess;

/** The example's live side (replicas scaled to 3) plus the Secret with `secret`; `replicas` rewrites the Deployment's. */
function writeLive(file: string, secret: string, replicas?: number): void {
  const live = exampleLive();
  if (replicas !== undefined) {
    for (const object of live.items) if (object.kind === 'Deployment') object.spec.replicas = replicas;
  }
  writeFileSync(path.join(scratch, file), dump({ ...live, items: [...live.items, liveSecret(secret)] }));
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-webhook-e2e-'));
  cpSync(path.join(repoRoot, 'fixtures/example/manifests'), path.join(scratch, 'manifests'), { recursive: true });
  writeFileSync(path.join(scratch, 'manifests/secret.yaml'), dump(secretManifest));
  writeLive('live.yaml', LIVE_SECRET);
  writeLive('slow-live.yaml', LIVE_SECRET);
  hook = await startReceiver(() => ({ status: 204 }));
  // Answers nothing for a minute: its deliveries wait, the runs must not.
  slowHook = await startReceiver(() => ({ status: 200, delayMs: 60_000 }));
  const checks = [
    { name: 'cluster', command: ['kube', 'manifests', '--live-from', 'live.yaml'], interval: '1s', webhook: { url: hook.url, events: ['appeared', 'resolved'], headers: { 'X-Team': 'platform' } } },
    { name: 'slow', command: ['kube', 'manifests', '--live-from', 'slow-live.yaml'], interval: '1s', webhook: { url: slowHook.url, events: ['appeared', 'resolved'], timeout: '2m' } },
    // Credentials in the URL: shown masked; no event of this kind comes from a snapshot, so nothing is sent.
    { name: 'masked', command: ['kube', 'manifests', '--live-from', 'live.yaml'], interval: '1m', webhook: { url: 'https://bot:hunter2-pw@127.0.0.1:9/hook', events: ['committed'] } },
  ];
  writeFileSync(path.join(scratch, 'gitdiff-serve.yaml'), dump({ concurrency: 3, checks }));
  serve = await startServe(['--config', 'gitdiff-serve.yaml', '--grace-period', '1s'], { cwd: scratch });
});

afterAll(async () => {
  await serve?.stop();
  await hook?.close();
  await slowHook?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('gitdiff serve with webhooks', () => {
  it('POSTs an appeared event per drifted item: the documented body, paths only, no secret value', async () => {
    const [first, second] = await hook.waitFor(2);
    expect([first, second].map((request) => request.headers['content-type'])).toEqual(['application/json', 'application/json']);
    expect(first.headers['x-team']).toBe('platform');
    const bodies = [first.body, second.body].sort((a, b) => a.items[0].title.localeCompare(b.items[0].title));
    for (const body of bodies) {
      expect(Object.keys(body).sort()).toEqual(['at', 'check', 'convergedInSeconds', 'event', 'id', 'items', 'revision']);
      expect(body).toMatchObject({ check: 'cluster', event: 'appeared', revision: null, convergedInSeconds: null });
      expect(body.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(bodies.map((body) => body.items)).toEqual([
      [{ title: 'apps/v1 Deployment cache/redis', status: 'diverged', changes: ['spec.replicas'] }],
      [{ title: 'v1 Secret cache/redis-auth', status: 'diverged', changes: ['stringData.password'] }],
    ]);
    for (const request of [first, second]) {
      for (const secret of [GIT_SECRET, LIVE_SECRET, base64(GIT_SECRET), base64(LIVE_SECRET)]) expect(request.text).not.toContain(secret);
    }
  });

  it('POSTs resolved when the live side matches Git again, and nothing for runs that change nothing', async () => {
    const before = hook.received.length;
    expect(before).toBe(2);
    writeLive('live.yaml', GIT_SECRET);
    const [resolved] = (await hook.waitFor(3)).slice(2);
    expect(resolved.body).toMatchObject({ check: 'cluster', event: 'resolved', items: [{ title: 'v1 Secret cache/redis-auth', status: 'diverged', changes: [] }] });
    expect(resolved.body.id).toBeGreaterThan(Math.max(hook.received[0].body.id, hook.received[1].body.id));
    // Several more runs (interval 1s) find the same: no more deliveries.
    const runs = check(await serve.checks(), 'cluster').runs;
    await serve.waitForChecks((body) => check(body, 'cluster').runs >= runs + 2, 'two more runs of cluster');
    expect(hook.received).toHaveLength(3);
  });

  it('keeps running a check whose receiver hangs: the next verdict is not delayed by the delivery', async () => {
    await slowHook.waitFor(1);
    const waitingSince = Date.now();
    writeLive('slow-live.yaml', GIT_SECRET, 4);
    await serve.waitForChecks((body) => check(body, 'slow').verdict === 'in-sync', 'slow to be in sync', 10_000);
    expect(Date.now() - waitingSince).toBeLessThan(10_000);
    // The receiver still holds the first delivery; the rest wait behind it, in order.
    expect(slowHook.received).toHaveLength(1);
  });

  it('shows each webhook in the API and on the page as scheme and host, credentials masked, never the headers', async () => {
    const body = await serve.checks();
    expect(apiChecksProblems(body)).toEqual([]);
    const webhooks = Object.fromEntries(body.checks.map((each: any) => [each.name, each.webhook]));
    expect(webhooks).toEqual({
      // Scheme and host only: a receiver's token is often its path.
      cluster: { url: hook.url.replace(/\/hook$/, '/***'), events: ['appeared', 'resolved'] },
      slow: { url: slowHook.url.replace(/\/hook$/, '/***'), events: ['appeared', 'resolved'] },
      masked: { url: 'https://***@127.0.0.1:9/***', events: ['committed'] },
    });
    const page = (await serve.get('/')).body;
    expect(page).toContain('webhook: <code>https://***@127.0.0.1:9/***</code> (committed)');
    for (const text of [JSON.stringify(body), page, serve.stderr()]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('platform');
    }
  });

  itWith(['promtool'], 'apt-get install prometheus')('counts deliveries in gitdiff_webhook_deliveries_total{target,outcome}, which promtool accepts', async () => {
    const exposition = (await serve.get('/metrics')).body;
    expectPromtoolAccepts(exposition);
    const families = parseExposition(exposition);
    expect(valueOf(families, 'gitdiff_webhook_deliveries_total', { target: 'cluster', outcome: 'delivered' })).toBe(3);
    expect(valueOf(families, 'gitdiff_webhook_deliveries_total', { target: 'slow', outcome: 'delivered' })).toBeUndefined();
  });

  it('on SIGTERM, gives the hanging deliveries the grace period, then gives up on them in one line and exits 0', async () => {
    const from = serve.stderr().length;
    serve.signal('SIGTERM');
    const { code } = await serve.exited;
    const tail = serve.stderr().slice(from);
    expect(tail).toMatch(/gitdiff serve: webhook: shutting down: gave up on [1-9]\d* undelivered events? after the grace period \(slow: [1-9]\d*\)\n/);
    expect(tail).toContain('gitdiff serve: stopped\n');
    expect(code).toBe(0);
  });
});
