// The status page: every check with its colored verdict, when it last ran and
// succeeded, how long its divergence has lasted, its drift timeline
// (page-timeline.ts), and its latest diff in the terminal's own words (the text
// renderer's change lines: `-` live, `+` Git), each object with its drift's age.
// Pure: a ServeView in, a string out. Every value passes through `html`, which
// escapes it: manifest content can never become markup here.
import { summarize, type Item, type Report } from '../report.js';
import { changeTextLines, plainSummaryLine } from '../render/plain.js';
import { declaredAt, statusPhrase } from '../render/wording.js';
import type { CheckView, ServeView } from './api.js';
import { commandLine, shownCommand } from './check-command.js';
import { html, Markup } from './html.js';
import { PAGE_STYLE } from './page-style.js';
import { formatMs } from '../duration.js';
import { clock, formatElapsed, when } from './page-time.js';
import { verdictOf, type CheckVerdict } from './state.js';
import { itemAge, timelineOf, type ItemAge } from './page-drift.js';
import { timelineSection } from './page-timeline.js';

export const REFRESH_SECONDS = 10;
/** Beyond this many items a check's section lists no more: the JSON API has them all. */
const MAX_ITEMS_SHOWN = 100;

const VERDICT_WORDS: Record<CheckVerdict, string> = {
  pending: 'pending', 'in-sync': 'in sync', converging: 'converging', diverged: 'diverged', error: 'could not tell',
};

function tookSeconds(ms: number): string {
  return ms < 1000 ? `${(ms / 1000).toFixed(2)}s` : formatMs(Math.round(ms / 100) * 100);
}

function badge(verdict: CheckVerdict, running: boolean): Markup {
  const words = verdict === 'pending' && running ? 'running' : VERDICT_WORDS[verdict];
  return html`<span class="badge v-${verdict}">${words}</span>`;
}

function anchor(name: string): string {
  return `check-${name}`;
}

export function renderPage(view: ServeView): string {
  const verdicts = view.checks.map(({ status, tracked }) => verdictOf(status, tracked));
  const count = (verdict: CheckVerdict) => verdicts.filter((each) => each === verdict).length;
  const title = (['diverged', 'error', 'converging', 'in-sync', 'pending'] as const)
    .filter((verdict) => count(verdict) > 0)
    .map((verdict) => `${count(verdict)} ${VERDICT_WORDS[verdict]}`)
    .join(', ');
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>gitdiff: ${title}</title>
<style>${new Markup(PAGE_STYLE)}</style>
</head>
<body>
<header>
<h1>gitdiff serve</h1>
<p class="meta">${view.checks.length} ${view.checks.length === 1 ? 'check' : 'checks'} from <code>${view.config.file}</code>, loaded ${when(view.config.loadedAt, view.now)}. This page refreshes every ${REFRESH_SECONDS} s. Also: <a href="api/checks">JSON</a>, <a href="metrics">metrics</a>.</p>
${view.checks.some((check) => !check.history.kept) && html`<p class="meta history-note">Drift history is not kept across restarts (start serve with <code>--state-dir DIR</code>).</p>`}
</header>
${view.shard && html`<p class="meta">Shard ${view.shard.index} of ${view.shard.count} (0-based): ${view.shard.skipped} more ${view.shard.skipped === 1 ? 'check' : 'checks'} of the file run on the other replicas.</p>`}
${view.config.error && html`<p class="banner" role="alert"><strong>The config reload at ${clock(view.config.error.at)} was refused; the previous config is still running.</strong><br>${view.config.error.message}${view.config.error.hint && html`<br>hint: ${view.config.error.hint}`}</p>`}
${view.shuttingDown && html`<p class="banner info" role="status">Shutting down: finishing the checks in flight.</p>`}
${!view.ready && !view.shuttingDown && html`<p class="banner info" role="status">Starting: waiting for the first run of every check.</p>`}
<table>
<thead><tr><th>check</th><th>verdict</th><th>last run</th><th>last success</th><th>diverged for</th></tr></thead>
<tbody>
${view.checks.map((check) => overviewRow(check, view.now))}
</tbody>
</table>
${view.checks.map((check) => checkSection(check, view.now))}
<footer>In diffs, <span class="diff"><span class="live">-</span></span> is the live value and <span class="diff"><span class="declared">+</span></span> the declared one (Git), as in <code>kubectl diff</code>. Secret and sensitive values are masked.</footer>
</body>
</html>
`;
  return page.text;
}

function overviewRow({ status, tracked }: CheckView, now: number): Markup {
  const divergedFor = status.divergedSince === undefined ? html`<span class="muted">-</span>` : formatElapsed(now - status.divergedSince);
  return html`<tr><td><a href="#${anchor(status.check.name)}">${status.check.name}</a></td><td>${badge(verdictOf(status, tracked), status.runningSince !== undefined)}</td><td>${when(status.lastRun?.endedAt, now)}</td><td>${when(status.lastSuccess?.endedAt, now)}</td><td>${divergedFor}</td></tr>
`;
}

function checkSection({ status, nextRunAt, queued, mode, tracked, history }: CheckView, now: number): Markup {
  const { check, lastRun, lastSuccess } = status;
  const verdict = verdictOf(status, tracked);
  const next = status.runningSince !== undefined
    ? html`running since ${when(status.runningSince, now)}`
    : queued ? 'due, waiting for a free slot' : mode === 'watch' ? 'on the next change' : nextRunAt === undefined ? html`<span class="muted">-</span>` : when(nextRunAt, now);
  // When the last run could not tell, the last verdict it could tell is still worth seeing.
  const shownReport = lastRun?.report ?? lastSuccess?.report;
  return html`<section class="check c-${verdict}" id="${anchor(check.name)}">
<h2>${badge(verdict, status.runningSince !== undefined)} ${check.name}</h2>
<p class="command"><code>${commandLine(shownCommand(check.command))}</code> <span class="muted">${mode === 'watch' ? 'watched: runs on every change' : `every ${check.interval}`}</span></p>
${check.webhook && html`<p class="muted">webhook: <code>${check.webhook.shownUrl}</code> (${check.webhook.events.join(', ')})</p>`}
<dl class="facts">
<dt>last run</dt><dd>${lastRun ? html`${when(lastRun.endedAt, now)}, took ${tookSeconds(lastRun.durationMs)}, exit ${lastRun.exitCode}` : html`<span class="muted">not yet</span>`}</dd>
<dt>last success</dt><dd>${when(lastSuccess?.endedAt, now)}</dd>
${status.divergedSince !== undefined && html`<dt>diverged for</dt><dd>${formatElapsed(now - status.divergedSince)} (first seen ${clock(status.divergedSince)})</dd>`}
<dt>next run</dt><dd>${next}</dd>
</dl>
${timelineSection(timelineOf(tracked, history.recent, now), now)}
${lastRun?.error && html`<p class="run-error">error: ${lastRun.error.message}${lastRun.error.hint && html`<br>hint: ${lastRun.error.hint}`}</p>`}
${shownReport && shownReport !== lastRun?.report && html`<p class="muted">The last run that could tell (${clock(lastSuccess!.endedAt)}) found:</p>`}
${shownReport && reportBody(shownReport, (item) => itemAge(tracked, item, now))}
</section>
`;
}

function reportBody(report: Report, ageOf: (item: Item) => ItemAge | undefined): Markup {
  const notInSync = report.items.filter((item) => item.status !== 'in-sync');
  const shown = notInSync.slice(0, MAX_ITEMS_SHOWN);
  let group: string | undefined;
  const items = shown.map((item) => {
    const heading = item.group !== undefined && item.group !== group ? html`<h4>${item.group}</h4>` : undefined;
    group = item.group ?? group;
    return html`${heading}${itemBlock(item, ageOf(item))}`;
  });
  const ignored = summarize(report).ignored;
  return html`<p class="summary">${plainSummaryLine(report)}</p>
${report.headline && html`<p>${report.headline}</p>`}
${report.errors.length > 0 && html`<ul class="lines run-error">${report.errors.map((error) => html`<li>error: ${error.message}${error.hint && html` (hint: ${error.hint})`}</li>`)}</ul>`}
${report.notes.length > 0 && html`<ul class="lines muted">${report.notes.map((note) => html`<li>${note}</li>`)}</ul>`}
${items}
${notInSync.length > shown.length && html`<p class="muted">and ${notInSync.length - shown.length} more: see <a href="api/checks">the JSON</a>.</p>`}
${ignored > 0 && html`<p class="muted">${ignored} ignored ${ignored === 1 ? 'difference' : 'differences'} (ignore rules) not shown.</p>`}`;
}

function itemBlock(item: Item, age: ItemAge | undefined): Markup {
  const where = declaredAt(item);
  const state = item.status === 'diverged' ? undefined : statusPhrase(item);
  return html`<article class="item">
<h3><span class="s-${item.status}">${item.symbol ? `${item.symbol} ` : ''}${item.title}</span>${where && html` <span class="where">${where}</span>`}${state && html` <span class="state s-${item.status}">${state}</span>`}</h3>
${age && ageLine(age)}
${Object.keys(item.details ?? {}).length > 0 && html`<ul class="lines muted">${Object.entries(item.details!).map(([key, value]) => html`<li>${key}: ${value}</li>`)}</ul>`}
${item.status === 'error' && item.hint && html`<p class="muted">hint: ${item.hint}</p>`}
${item.changes.length > 0 && html`<pre class="diff">${diffLines(item)}</pre>`}
${(item.notes ?? []).length > 0 && html`<ul class="lines muted">${item.notes!.map((note) => html`<li>${note}</li>`)}</ul>`}
</article>`;
}

/** How long an object has drifted: "diverged for 3h 12m", or "converging, committed 2m ago" within a commit's grace period. */
function ageLine(age: ItemAge): Markup {
  const since = html`<time datetime="${new Date(age.since).toISOString()}">${clock(age.since)}</time>`;
  if (age.phase === 'converging') {
    const words = age.committedAgoMs === undefined ? `converging for ${formatElapsed(age.elapsedMs)}` : `converging, committed ${formatElapsed(age.committedAgoMs)} ago`;
    return html`<p class="age p-converging">${words} <span class="muted">(drift first seen ${since})</span></p>`;
  }
  return html`<p class="age p-diverged">diverged for ${formatElapsed(age.elapsedMs)} <span class="muted">(first seen ${since})</span></p>`;
}

/** The text renderer's change lines, classed by their first column: the path, `-` live, `+` declared, `@@` hunks. */
function diffLines(item: Item): Markup[] {
  return changeTextLines(item).map((line) => {
    const kind = line.startsWith('-') ? 'live' : line.startsWith('+') ? 'declared' : line.startsWith('      @@') ? 'hunk' : line.startsWith('      ') ? 'context' : 'path';
    return html`<span class="${kind}">${line}</span>\n`;
  });
}
