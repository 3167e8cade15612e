// The status page in a real browser (headless Chromium driven by
// playwright-core): verdicts in color, a readable diff, text from a hostile
// manifest shown as text and never run, no request beyond the server itself,
// and the page following a drift as it disappears (auto-refresh). The
// screenshot is kept in test-artifacts/serve-status.png.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { itWith } from '../support/binaries.js';
import { repoRoot } from '../support/run-cli.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const it = itWith(['chromium'], 'apt-get install chromium');
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SCREENSHOT = path.join(repoRoot, 'test-artifacts/serve-status.png');
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
  const manifests = path.join(repoRoot, 'fixtures/example/manifests');
  write('gitdiff.yaml', dump({
    checks: [
      { name: 'example', command: ['kube', manifests, '--live-from', 'example/live.yaml'], interval: '1s' },
      { name: 'hostile', command: ['kube', 'hostile/<b>page</b>.yaml', '--live-from', 'hostile/live.yaml'], interval: '1s' },
      { name: 'steady', command: ['kube', 'steady/app.yaml', '--live-from', 'steady/live.yaml'], interval: '1s' },
      { name: 'broken', command: ['kube', manifests, '--live-from', 'nowhere/live.yaml'], interval: '1s' },
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
    browser = await chromium.launchPersistentContext(mkdtempSync(path.join(scratch, 'chromium-profile-')), {
      executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1280, height: 900 },
    });
    const page = await browser.newPage();
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
    await expect.poll(() => example.getByText('apps/v1 Deployment cache/redis').isVisible()).toBe(true);
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
});
