// The status page in a real browser (headless Chromium driven by
// playwright-core): verdicts in color, a readable diff, text from a hostile
// manifest shown as text and never run, no request beyond the server itself,
// and the page following a drift as it disappears (auto-refresh); a drift that
// appears and resolves, with its age and on the check's timeline. The
// screenshots are kept in test-artifacts/serve-status.png and
// test-artifacts/serve-timeline.png.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { itWith } from '../support/binaries.js';
import { repoRoot } from '../support/run-cli.js';
import { check, startServe, type ServeProcess } from '../support/serve-process.js';

const it = itWith(['chromium'], 'apt-get install chromium');
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SCREENSHOT = path.join(repoRoot, 'test-artifacts/serve-status.png');
const TIMELINE_SCREENSHOT = path.join(repoRoot, 'test-artifacts/serve-timeline.png');
const PAYLOAD = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">';

/** What the page's own globals offer (the tests compile without the DOM library). */
interface InPage {
  getComputedStyle(element: unknown): { color: string };
  pwned?: number;
}

const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'web' }, data });

let scratch: string;
let serve: ServeProcess;
let browser: BrowserContext | undefined;
const FLAPPING_IN_SYNC = dump({ apiVersion: 'v1', kind: 'List', items: [configMap('flags', { beta: 'off' })] });

/** A page of the one headless Chromium the tests share. */
async function newPage() {
  browser ??= await chromium.launchPersistentContext(mkdtempSync(path.join(scratch, 'chromium-profile-')), {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1280, height: 900 },
  });
  return browser.newPage();
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-serve-page-'));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
    writeFileSync(path.join(scratch, file), text);
  };
  write('example/live.yaml', readFileSync(path.join(repoRoot, 'fixtures/example/live.yaml'), 'utf8'));
  // A manifest that tries to get markup onto the page, in a value and in its file name.
  write('hostile/<b>page</b>.yaml', dump(configMap('banner', { html: PAYLOAD })));
  write('hostile/live.yaml', dump({ apiVersion: 'v1', kind: 'List', items: [configMap('banner', { html: 'plain text' })] }));
  write('steady/app.yaml', dump(configMap('settings', { mode: 'fast' })));
  write('steady/live.yaml', dump({ apiVersion: 'v1', kind: 'List', items: [configMap('settings', { mode: 'fast' })] }));
  write('flapping/app.yaml', dump(configMap('flags', { beta: 'off' })));
  write('flapping/live.yaml', FLAPPING_IN_SYNC);
  const manifests = path.join(repoRoot, 'fixtures/example/manifests');
  write('gitdiff.yaml', dump({
    checks: [
      { name: 'example', command: ['kube', manifests, '--live-from', 'example/live.yaml'], interval: '1s' },
      { name: 'hostile', command: ['kube', 'hostile/<b>page</b>.yaml', '--live-from', 'hostile/live.yaml'], interval: '1s' },
      { name: 'steady', command: ['kube', 'steady/app.yaml', '--live-from', 'steady/live.yaml'], interval: '1s' },
      { name: 'broken', command: ['kube', manifests, '--live-from', 'nowhere/live.yaml'], interval: '1s' },
      { name: 'flapping', command: ['kube', 'flapping/app.yaml', '--live-from', 'flapping/live.yaml'], interval: '1s' },
    ],
  }));
  serve = await startServe(['--config', 'gitdiff.yaml'], { cwd: scratch });
  await serve.waitForChecks((body) => body.ready, 'a first run of every check');
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the status page in Chromium', () => {
  it('shows colored verdicts and a readable diff, keeps manifest text inert, and follows a drift as it goes away', async () => {
    const page = await newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(serve.url + '/');

    const badge = (name: string) => page.locator(`#check-${name} h2 .badge`);
    await expect.poll(() => badge('example').textContent()).toBe('diverged');
    expect(await badge('hostile').textContent()).toBe('diverged');
    expect(await badge('steady').textContent()).toBe('in sync');
    expect(await badge('broken').textContent()).toBe('could not tell');
    const colors = await Promise.all(['example', 'steady', 'broken'].map((name) => badge(name).evaluate((element) => (globalThis as unknown as InPage).getComputedStyle(element).color)));
    expect(new Set(colors).size).toBe(3);

    const example = page.locator('#check-example');
    await expect.poll(() => example.locator('.item').getByText('apps/v1 Deployment cache/redis').isVisible()).toBe(true);
    expect(await example.locator('.diff .path').first().textContent()).toContain('spec.replicas:');
    expect(await example.locator('.diff .live').first().textContent()).toBe('-     3');
    expect(await example.locator('.diff .declared').first().textContent()).toBe('+     4');
    expect(await page.locator('#check-broken .run-error').textContent()).toContain('nowhere/live.yaml');

    // The payload is on the page as text, in the diff and in the file name, and nothing of it ran.
    const hostile = page.locator('#check-hostile');
    expect(await hostile.locator('.diff .declared').first().textContent()).toBe(`+     ${PAYLOAD}`);
    expect(await hostile.locator('.where').textContent()).toContain('hostile/<b>page</b>.yaml');
    expect(await page.evaluate(() => (globalThis as unknown as InPage).pwned)).toBeUndefined();
    expect(await page.locator('script, img, b').count()).toBe(0);
    expect(dialogs).toEqual([]);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // The drift disappears live: the snapshot now matches Git, and the page refreshes itself.
    const live = path.join(scratch, 'example/live.yaml');
    writeFileSync(live, readFileSync(live, 'utf8').replace(/^(\s+)replicas: 3$/m, '$1replicas: 4'));
    await expect.poll(() => badge('example').textContent(), { timeout: 30_000, interval: 500 }).toBe('in sync');
    expect(requests.every((url) => url.startsWith(serve.url + '/'))).toBe(true);
    expect(requests.length).toBeGreaterThan(1);
  }, 90_000);

  it('shows a drift that appears with its age, then resolves, on the check\'s timeline', async () => {
    const page = await newPage();
    await page.goto(serve.url + '/');
    const flapping = page.locator('#check-flapping');
    expect(await flapping.locator('h2 .badge').textContent()).toBe('in sync');
    expect(await flapping.locator('.timeline-none').textContent()).toBe('Drift timeline: no drift seen yet.');
    // Without --state-dir the page says what a restart forgets.
    expect(await page.locator('.history-note').textContent()).toContain('history is not kept across restarts (start serve with --state-dir DIR)');

    // The drift appears: someone flips the flag in the cluster.
    const live = path.join(scratch, 'flapping/live.yaml');
    writeFileSync(live, FLAPPING_IN_SYNC.replace('beta: \'off\'', 'beta: \'on\''));
    await serve.waitForChecks((body) => check(body, 'flapping').verdict === 'diverged', 'the flapping drift to appear');
    await page.reload();
    const ageOf = async () => {
      const [, seconds, since] = /^diverged for (\d+)s \(first seen (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)\)$/.exec((await flapping.locator('.age').textContent())!)!;
      return { seconds: Number(seconds), since };
    };
    const first = await ageOf();
    // The age counts from the first run that saw the drift, not from the latest run: it grows, its start stays.
    await expect.poll(async () => (await page.reload(), (await ageOf()).seconds), { timeout: 10_000, interval: 500 }).toBeGreaterThan(first.seconds);
    expect((await ageOf()).since).toBe(first.since);
    expect(await flapping.locator('.lane-label:has(.lane-title)').textContent()).toBe('v1 ConfigMap web/flags drifting now');

    // And is resolved: the page follows by itself (it refreshes every 10 s).
    writeFileSync(live, FLAPPING_IN_SYNC);
    await expect.poll(() => flapping.locator('h2 .badge').textContent(), { timeout: 30_000, interval: 500 }).toBe('in sync');
    const timeline = flapping.locator('figure.timeline');
    expect(await timeline.locator('figcaption').textContent()).toMatch(/: 1 drift appeared, 1 resolved, 1 diverged; nothing drifting now\.$/);
    // A live change with no commit pending: the check turned diverged at once (docs/serve.md "Convergence").
    expect(await flapping.locator('ol.events li').allTextContents()).toEqual([
      expect.stringMatching(/ UTC ✓ resolved v1 ConfigMap web\/flags$/),
      expect.stringMatching(/ UTC ✕ diverged v1 ConfigMap web\/flags$/),
      expect.stringMatching(/ UTC ▲ drift appeared v1 ConfigMap web\/flags$/),
    ]);
    expect(await flapping.locator('.lane-label:has(.lane-title)').textContent()).toBe('v1 ConfigMap web/flags resolved');
    // The strip has a text alternative (its SVG's title), and draws the appearance before the resolution, with a span between.
    await expect.poll(() => page.getByRole('img', { name: /^v1 ConfigMap web\/flags: drifting from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d \(\d+s\)$/ }).count()).toBe(1);
    const box = async (selector: string) => (await timeline.locator(selector).boundingBox())!;
    const [appeared, resolved, span] = await Promise.all(['.mark.k-appeared', '.mark.k-resolved', 'rect.span'].map(box));
    expect(appeared.x).toBeLessThan(resolved.x);
    expect(span.width).toBeGreaterThan(0);
    expect(span.x).toBeGreaterThanOrEqual(appeared.x - appeared.width);
    expect(span.x + span.width).toBeLessThanOrEqual(resolved.x + resolved.width);
    expect(await page.locator('#check-flapping .age').count()).toBe(0);

    mkdirSync(path.dirname(TIMELINE_SCREENSHOT), { recursive: true });
    await flapping.screenshot({ path: TIMELINE_SCREENSHOT });
  }, 90_000);
});
