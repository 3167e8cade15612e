// The status page, rendered from hand-made statuses: every verdict, the diff
// lines, masked values, and text from manifests that must stay text.
import { describe, expect, it } from 'vitest';
import type { Item, Report } from '../../src/report.js';
import { SENSITIVE } from '../../src/report.js';
import { sources } from '../../src/sources/index.js';
import type { CheckView, ServeView } from '../../src/serve/api.js';
import { apiJson } from '../../src/serve/api.js';
import { parseServeConfig } from '../../src/serve/checks-file.js';
import { escapeHtml, html } from '../../src/serve/html.js';
import { formatElapsed, renderPage } from '../../src/serve/page.js';
import { newStatus, recordRun, runRecord, type CheckStatus } from '../../src/serve/state.js';
import { everyStatus, hostileText, reportOf } from '../support/sample-reports.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const MINUTE = 60_000;

const config = parseServeConfig(
  `checks:
  - {name: cluster, command: [kube, manifests, --context, prod]}
  - {name: infra, command: [terraform, infra, --var, "db_password=hunter2"]}
  - {name: hosts, command: [kube, m, --live-from, live.yaml]}
  - {name: fresh, command: [kube, m]}
  - {name: partial, command: [kube, m, --context, staging]}
`, '/srv/gitdiff.yaml', sources, {});
const [cluster, infra, hosts, fresh, partial] = config.checks;
const failedItem = everyStatus.find((item) => item.status === 'error')!;
const tellingItems = everyStatus.filter((item) => item !== failedItem);

function ran(status: CheckStatus, startedAt: number, outcome: { report: Report } | { error: { message: string; hint?: string } }): CheckStatus {
  return recordRun(status, runRecord(startedAt, startedAt + 1500, outcome));
}

function viewOf(statuses: CheckStatus[], extra: Partial<ServeView> = {}): ServeView {
  return {
    now: NOW, startedAt: NOW - 60 * MINUTE, ready: true, shuttingDown: false,
    config: { file: config.file, loadedAt: NOW - 60 * MINUTE },
    checks: statuses.map((status): CheckView => ({ status, nextRunAt: NOW + MINUTE, queued: false, mode: 'interval' })),
    ...extra,
  };
}

/**
 * Every item status but error, diverged for 42 minutes; in sync; a run that threw after a divergence;
 * pending; a partial report (an item could not be checked).
 */
function sampleView(items: Item[] = tellingItems, extra: Partial<Report> = {}): ServeView {
  const divergedReport = reportOf(items, extra);
  const diverging = ran(ran(newStatus(cluster), NOW - 42 * MINUTE, { report: divergedReport }), NOW - 2 * MINUTE, { report: divergedReport });
  const inSync = ran(newStatus(infra), NOW - MINUTE, { report: reportOf([everyStatus[0]], { source: 'terraform' }) });
  const broken = ran(ran(newStatus(hosts), NOW - 30 * MINUTE, { report: reportOf([everyStatus[1]]) }), NOW - MINUTE, {
    error: { message: 'snapshot live.yaml: no such file', hint: 'check the path' },
  });
  const failing = ran(newStatus(partial), NOW - MINUTE, { report: reportOf([failedItem, everyStatus[1]]) });
  return viewOf([diverging, inSync, broken, newStatus(fresh), failing]);
}

describe('renderPage', () => {
  const page = renderPage(sampleView());

  it('shows each check with its verdict, its times and how long its divergence has lasted', () => {
    expect(page).toContain('<title>gitdiff: 1 diverged, 2 could not tell, 1 in sync, 1 pending</title>');
    expect(page).toMatch(/<span class="badge v-diverged">diverged<\/span> cluster/);
    expect(page).toMatch(/<span class="badge v-in-sync">in sync<\/span> infra/);
    expect(page).toMatch(/<span class="badge v-error">could not tell<\/span> hosts/);
    expect(page).toMatch(/<span class="badge v-pending">pending<\/span> fresh/);
    expect(page).toContain('<dt>diverged for</dt><dd>41m 58s (first seen 2026-11-23 11:18:01 UTC)</dd>');
    expect(page).toContain('2026-11-23 11:58:01 UTC</time> <span class="muted">(1m 58s ago)</span>, took 1.2s, exit 1');
    expect(page).toContain('2026-11-23 11:59:01 UTC</time> <span class="muted">(58s ago)</span>, took 1.5s, exit 2');
    expect(page).toContain('<meta http-equiv="refresh" content="10">');
  });

  it('shows the diff in the text format’s words: paths, live (-) and declared (+) values, masked secrets', () => {
    expect(page).toContain('<span class="path">    spec.replicas: (changed by kubectl at 2026-11-20 10:02 UTC)</span>');
    expect(page).toContain('<span class="live">-     3</span>');
    expect(page).toContain('<span class="declared">+     4</span>');
    expect(page).toContain(`<span class="live">-     ${SENSITIVE}</span>`);
    expect(page).toContain('missing (not in the snapshot live.yaml)');
    expect(page).toContain('error: forbidden: get namespaces');
    expect(page).toContain('hint: allow get on namespaces');
    // In-sync items are counted, not listed.
    expect(page).not.toContain('v1 Service cache/redis');
  });

  it('shows why a check could not tell, and the last verdict it could tell', () => {
    expect(page).toContain('error: snapshot live.yaml: no such file<br>hint: check the path');
    expect(page).toContain('The last run that could tell (2026-11-23 11:30:01 UTC) found:');
  });

  it('masks variable values in the command it shows', () => {
    expect(page).toContain('<code>gitdiff terraform infra --var &#39;db_password=***&#39;</code>');
    expect(page + apiJson(sampleView())).not.toContain('hunter2');
  });

  it('shows a refused reload and a shutdown', () => {
    const refused = renderPage(viewOf([], { config: { file: config.file, loadedAt: NOW, error: { message: 'config x: checks[0]: <b>bad</b>', hint: 'fix it', at: NOW } }, shuttingDown: true }));
    expect(refused).toContain('The config reload at 2026-11-23 12:00:00 UTC was refused; the previous config is still running.</strong><br>config x: checks[0]: &lt;b&gt;bad&lt;/b&gt;<br>hint: fix it');
    expect(refused).toContain('Shutting down');
  });

  const payload = `<script>window.pwned=1</script><img src=x onerror="window.pwned=2">" onmouseover="x' &amp; </pre></section>`;
  const everywhere = (text: string): Item => ({
    ref: { name: text }, title: text, status: 'diverged', file: text, line: 3, group: text,
    details: { [text]: text }, notes: [text], hint: text, error: text,
    changes: [
      { path: text, declared: text, live: text, note: text, manager: text, time: text },
      { path: text, declared: `${text}\nsecond line`, live: `first\n${text}` },
      { path: text, declared: { [text]: [text] }, live: undefined },
    ],
  });
  const tags = (markup: string) => markup.match(/<[^>]*>/g);

  it('keeps text from manifests text: a hostile value in every field changes no markup', () => {
    const benign = renderPage(sampleView([everywhere('plain')], { errors: [{ message: 'plain', hint: 'plain' }], notes: ['plain'], headline: 'plain' }));
    const hostile = renderPage(sampleView([everywhere(payload)], { errors: [{ message: payload, hint: payload }], notes: [payload], headline: payload }));
    expect(tags(hostile)).toEqual(tags(benign));
    expect(hostile).not.toMatch(/<script|<img|onerror="/i);
    expect(hostile).toContain(escapeHtml('<script>window.pwned=1</script>'));
  });

  it.each(hostileText)('keeps %s readable and inert', (_name, text) => {
    const markup = renderPage(sampleView([everywhere(text)]));
    // Line breaks make more diff lines, so compare the kinds of tags: none may be new.
    const known = new Set(tags(renderPage(sampleView([everywhere('plain')]))));
    expect(tags(markup)!.filter((tag) => !known.has(tag))).toEqual([]);
    expect(markup).toContain(escapeHtml(text.split(/[\r\n]/)[0]));
  });
});

describe('html', () => {
  it.each([
    ['a string', html`<p>${'<b>&"\''}</p>`.text, '<p>&lt;b&gt;&amp;&quot;&#39;</p>'],
    ['a number', html`<p>${42}</p>`.text, '<p>42</p>'],
    ['nothing', html`<p>${undefined}${null}${false}</p>`.text, '<p></p>'],
    ['markup', html`<p>${html`<b>${'<i>'}</b>`}</p>`.text, '<p><b>&lt;i&gt;</b></p>'],
    ['a list', html`<ul>${['<a>', html`<li>b</li>`]}</ul>`.text, '<ul>&lt;a&gt;<li>b</li></ul>'],
  ])('interpolates %s', (_case, actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe('formatElapsed', () => {
  it.each([
    [0, '0s'],
    [8_400, '8s'],
    [192_000, '3m 12s'],
    [7_500_000, '2h 5m'],
    [3 * 86_400_000 + 4 * 3_600_000 + 5_000, '3d 4h'],
    [2 * 86_400_000, '2d'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});
