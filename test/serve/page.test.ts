// The status page, rendered from hand-made statuses: every verdict, the diff
// lines, masked values, and text from manifests that must stay text.
import { describe, expect, it } from 'vitest';
import type { Item, Report } from '../../src/report.js';
import { isDrift, SENSITIVE } from '../../src/report.js';
import { sources } from '../../src/sources/index.js';
import type { CheckView, ServeView } from '../../src/serve/api.js';
import { apiJson } from '../../src/serve/api.js';
import { parseServeConfig } from '../../src/serve/checks-file.js';
import { escapeHtml, html } from '../../src/serve/html.js';
import { renderPage } from '../../src/serve/page.js';
import { formatElapsed } from '../../src/serve/page-time.js';
import { newStatus, recordRun, runRecord, type CheckStatus } from '../../src/serve/state.js';
import { cacheDeployment, everyStatus, hostileText, reportOf } from '../support/sample-reports.js';
import { emptyTracked, type DriftEvent, type StoredEvent, type TrackedCheck } from '../../src/serve/drift/events.js';
import { track } from '../../src/serve/drift/track.js';

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

type Remembered = Pick<CheckView, 'tracked' | 'history'>;

/** What serve would remember of a check after these runs (the real tracker), plus events about revisions. */
function remembered(check: string, runs: Array<{ at: number; report: Report }>, revisionEvents: DriftEvent[] = [], kept = false): Remembered {
  let tracked: TrackedCheck = emptyTracked();
  const events: DriftEvent[] = [];
  for (const run of runs) {
    const next = track(tracked, run.report, { check, at: run.at });
    tracked = next.state;
    events.push(...next.events);
  }
  const stored: StoredEvent[] = [...events, ...revisionEvents].sort((a, b) => a.at - b.at).map((event, index) => ({ ...event, id: index + 1 }));
  return { tracked, history: { kept, recent: stored.reverse() } };
}

function viewOf(statuses: CheckStatus[], extra: Partial<ServeView> = {}, drift: Record<string, Remembered> = {}): ServeView {
  return {
    now: NOW, startedAt: NOW - 60 * MINUTE, ready: true, shuttingDown: false,
    config: { file: config.file, loadedAt: NOW - 60 * MINUTE },
    checks: statuses.map((status): CheckView => ({
      status, nextRunAt: NOW + MINUTE, queued: false, mode: 'interval',
      ...(drift[status.check.name] ?? { tracked: emptyTracked(), history: { kept: false, recent: [] } }),
    })),
    ...extra,
  };
}

/**
 * Every item status but error, diverged for 42 minutes (and a Deployment that drifted in the first run
 * only, after a commit); in sync; a run that threw after a divergence; pending; a partial report (an item
 * could not be checked).
 */
function sampleView(items: Item[] = tellingItems, extra: Partial<Report> = {}, revision = 'b7e5a1f'): ServeView {
  const divergedReport = reportOf(items, extra);
  const firstReport = reportOf([...items, cacheDeployment('diverged', 'web')], extra);
  const diverging = ran(ran(newStatus(cluster), NOW - 42 * MINUTE, { report: firstReport }), NOW - 2 * MINUTE, { report: divergedReport });
  // Remembered as if both runs could tell (with a run-level error the tracker changes nothing), so the
  // timeline shows the items even when `extra` adds errors.
  const couldTell = (report: Report) => ({ ...report, errors: [] });
  const clusterDrift = remembered('cluster', [{ at: NOW - 42 * MINUTE + 1500, report: couldTell(firstReport) }, { at: NOW - 2 * MINUTE + 1500, report: couldTell(divergedReport) }], [
    { check: 'cluster', kind: 'committed', at: NOW - 43 * MINUTE, revision, previousRevision: revision },
    { check: 'cluster', kind: 'diverged', at: NOW - 30 * MINUTE, revision, items: items.filter((item) => isDrift(item.status)).map((item) => item.title) },
    { check: 'cluster', kind: 'converged', at: NOW - 20 * MINUTE, revision, convergedInMs: 23 * MINUTE },
  ]);
  const inSync = ran(newStatus(infra), NOW - MINUTE, { report: reportOf([everyStatus[0]], { source: 'terraform' }) });
  const broken = ran(ran(newStatus(hosts), NOW - 30 * MINUTE, { report: reportOf([everyStatus[1]]) }), NOW - MINUTE, {
    error: { message: 'snapshot live.yaml: no such file', hint: 'check the path' },
  });
  const failing = ran(newStatus(partial), NOW - MINUTE, { report: reportOf([failedItem, everyStatus[1]]) });
  return viewOf([diverging, inSync, broken, newStatus(fresh), failing], {}, { cluster: clusterDrift });
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

  it('shows how long each drifting object has diverged, since the first run that saw it', () => {
    const ages = page.match(/<p class="age[^"]*">.*?<\/p>/g)!;
    // diverged, the Secret, missing and extra; not the unchecked one (never tracked as drift).
    expect(ages).toHaveLength(4);
    expect(ages[0]).toBe('<p class="age p-diverged">diverged for 41m 58s <span class="muted">(first seen <time datetime="2026-11-23T11:18:01.500Z">2026-11-23 11:18:01 UTC</time>)</span></p>');
  });

  it('draws the drift timeline: a mark and a word per event, a span per object, the latest events listed', () => {
    expect(page).toContain('<figcaption>Drift timeline, the last 44m 43s (since 2026-11-23 11:15:16 UTC): 5 drift appeared, 1 resolved, 1 committed, 1 converged, 2 diverged; 4 objects drifting now.</figcaption>');
    expect(page).toMatch(/<text class="mark k-resolved" x="95.58%" y="14" text-anchor="middle">✓<title>11:58:01 resolved: apps\/v1 Deployment cache\/web<\/title><\/text>/);
    expect(page).toContain('<span class="lane-title">apps/v1 Deployment cache/web</span> <span class="lane-state muted">resolved</span>');
    expect(page).toContain('<title>apps/v1 Deployment cache/web: drifting from 11:18:01 to 11:58:01 (40m)</title><rect class="track" width="100%" height="100%"></rect><rect class="span p-diverged" x="6.14%" y="2" width="89.44%" height="10"></rect>');
    expect(page).toContain('<span class="lane-title">apps/v1 Deployment cache/redis</span> <span class="lane-state p-diverged">drifting now</span>');
    const events = page.match(/<ol class="events"[^>]*>(.*?)<\/ol>/)![1].match(/<li>.*?<\/li>/g)!.map((line) => line.replace(/<[^>]*>/g, ''));
    expect(events.slice(0, 3)).toEqual([
      '2026-11-23 11:58:01 UTC ✓ resolved apps/v1 Deployment cache/web',
      '2026-11-23 11:40:00 UTC ★ converged revision b7e5a1f, in 23m',
      '2026-11-23 11:30:00 UTC ✕ diverged from revision b7e5a1f: apps/v1 Deployment cache/redis, v1 Secret cache/auth, v1 ConfigMap cache/settings and 1 more',
    ]);
    expect(events).toHaveLength(10); // with the diverged event of the first drift (the check turning diverged, no commit pending)
    // Checks with no drift remembered say so instead of drawing an empty strip.
    expect(page.match(/Drift timeline: no drift seen yet\./g)).toHaveLength(4);
  });

  it('says when drift history is not kept across restarts, and not when it is', () => {
    expect(page).toContain('Drift history is not kept across restarts (start serve with <code>--state-dir DIR</code>).');
    const status = ran(newStatus(cluster), NOW - MINUTE, { report: reportOf([everyStatus[1]]) });
    const kept = renderPage(viewOf([status], {}, { cluster: remembered('cluster', [{ at: NOW - MINUTE, report: reportOf([everyStatus[1]]) }], [], true) }));
    expect(kept).not.toContain('not kept across restarts');
    expect(kept).toContain('drift appeared');
  });

  it('says an object is converging and when its commit was seen, and shows the converging verdict', () => {
    const report = reportOf([everyStatus[1]]);
    // The run itself diverged; its only drift being converging makes the check's verdict `converging`.
    const converging = ran(newStatus(cluster), NOW - 2 * MINUTE, { report });
    const drift = remembered('cluster', [{ at: NOW - 2 * MINUTE, report }]);
    const [item] = drift.tracked.items.values();
    drift.tracked.items.set(item.key, { ...item, phase: 'converging' });
    drift.tracked.commit = { revision: 'c0ffee1', at: NOW - 3 * MINUTE };
    const markup = renderPage(viewOf([converging], {}, { cluster: drift }));
    expect(markup).toContain('<title>gitdiff: 1 converging</title>');
    expect(markup).toMatch(/<span class="badge v-converging">converging<\/span> cluster/);
    expect(markup).toContain('<section class="check c-converging"');
    expect(markup).toContain('<p class="age p-converging">converging, committed 3m ago <span class="muted">(drift first seen');
    expect(markup).toContain('<span class="lane-state p-converging">converging now</span>');
    expect(markup).toMatch(/<rect class="span p-converging open" x="[\d.]+%"/);
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
    const benign = renderPage(sampleView([everywhere('plain')], { errors: [{ message: 'plain', hint: 'plain' }], notes: ['plain'], headline: 'plain' }, 'plain'));
    const hostile = renderPage(sampleView([everywhere(payload)], { errors: [{ message: payload, hint: payload }], notes: [payload], headline: payload }, payload));
    // The timeline names the object and the revision too: in lanes, marks' titles and the event list.
    expect(hostile.match(/<span class="lane-title">/g)).toHaveLength(2);
    expect(hostile).toContain(`<span class="subject">revision ${escapeHtml(payload)} (was ${escapeHtml(payload)})</span>`);
    expect(tags(hostile)).toEqual(tags(benign));
    expect(hostile).not.toMatch(/<script|<img|onerror="/i);
    expect(hostile).toContain(escapeHtml('<script>window.pwned=1</script>'));
  });

  it.each(hostileText)('keeps %s readable and inert', (_name, text) => {
    const markup = renderPage(sampleView([everywhere(text)], {}, text));
    // Line breaks make more diff lines, so compare the kinds of tags: none may be new.
    const known = new Set(tags(renderPage(sampleView([everywhere('plain')], {}, 'plain'))));
    expect(tags(markup)!.filter((tag) => !known.has(tag))).toEqual([]);
    expect(markup).toContain(escapeHtml(text.split(/[\r\n]/)[0]));
  });
});

describe('a check whose drift is converging', () => {
  it('shows `converging` on the page and in /api/checks while its run still exits 1', () => {
    const settings = { check: 'cluster', convergeWithinMs: 5 * MINUTE };
    const report = reportOf([cacheDeployment('diverged', 'redis')], { revision: 'b' });
    const before = track(emptyTracked(), reportOf([cacheDeployment('in-sync', 'redis')], { revision: 'a' }), { ...settings, at: NOW - 3 * MINUTE }).state;
    const tracked = track(before, report, { ...settings, at: NOW - MINUTE }).state;
    const status = ran(newStatus(cluster), NOW - MINUTE - 1500, { report });
    const view = viewOf([status]);
    view.checks[0].tracked = tracked;
    const shown = renderPage(view);
    expect(shown).toContain('<title>gitdiff: 1 converging</title>');
    expect(shown).toMatch(/<section class="check c-converging" id="check-cluster">\n<h2><span class="badge v-converging">converging<\/span> cluster/);
    const [check] = JSON.parse(apiJson(view)).checks;
    expect([check.verdict, check.lastRun.verdict, check.lastRun.exitCode]).toEqual(['converging', 'diverged', 1]);
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
