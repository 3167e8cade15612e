// The status page: every check with its colored verdict, when it last ran and
// succeeded, how long its divergence has lasted, and its latest diff in the
// terminal's own words (the text renderer's change lines: `-` live, `+` Git).
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
import { verdictOf, type CheckVerdict } from './state.js';

export const REFRESH_SECONDS = 10;
/** Beyond this many items a check's section lists no more: the JSON API has them all. */
const MAX_ITEMS_SHOWN = 100;

const VERDICT_WORDS: Record<CheckVerdict, string> = { pending: 'pending', 'in-sync': 'in sync', diverged: 'diverged', error: 'could not tell' };

/** `8s`, `3m 12s`, `2h 5m`, `3d 4h`: precise enough for "how long", short enough for a table cell. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 3600) return formatMs(seconds * 1000);
  if (seconds < 86_400) return formatMs(Math.floor(seconds / 60) * 60_000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  return hours ? `${days}d ${hours}h` : `${days}d`;
}

function tookSeconds(ms: number): string {
  return ms < 1000 ? `${(ms / 1000).toFixed(2)}s` : formatMs(Math.round(ms / 100) * 100);
}

function clock(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function when(ms: number | undefined, now: number): Markup {
  if (ms === undefined) return html`<span class="muted">never</span>`;
  const relative = ms <= now ? `${formatElapsed(now - ms)} ago` : `in ${formatElapsed(ms - now)}`;
  return html`<time datetime="${new Date(ms).toISOString()}">${clock(ms)}</time> <span class="muted">(${relative})</span>`;
}

function badge(verdict: CheckVerdict, running: boolean): Markup {
  const words = verdict === 'pending' && running ? 'running' : VERDICT_WORDS[verdict];
  return html`<span class="badge v-${verdict}">${words}</span>`;
}

function anchor(name: string): string {
  return `check-${name}`;
}

export function renderPage(view: ServeView): string {
  const verdicts = view.checks.map(({ status }) => verdictOf(status));
  const count = (verdict: CheckVerdict) => verdicts.filter((each) => each === verdict).length;
  const title = (['diverged', 'error', 'in-sync', 'pending'] as const)
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
</header>
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

function overviewRow({ status }: CheckView, now: number): Markup {
  const divergedFor = status.divergedSince === undefined ? html`<span class="muted">-</span>` : formatElapsed(now - status.divergedSince);
  return html`<tr><td><a href="#${anchor(status.check.name)}">${status.check.name}</a></td><td>${badge(verdictOf(status), status.runningSince !== undefined)}</td><td>${when(status.lastRun?.endedAt, now)}</td><td>${when(status.lastSuccess?.endedAt, now)}</td><td>${divergedFor}</td></tr>
`;
}

function checkSection({ status, nextRunAt, queued, mode }: CheckView, now: number): Markup {
  const { check, lastRun, lastSuccess } = status;
  const verdict = verdictOf(status);
  const next = status.runningSince !== undefined
    ? html`running since ${when(status.runningSince, now)}`
    : queued ? 'due, waiting for a free slot' : mode === 'watch' ? 'on the next change' : nextRunAt === undefined ? html`<span class="muted">-</span>` : when(nextRunAt, now);
  // When the last run could not tell, the last verdict it could tell is still worth seeing.
  const shownReport = lastRun?.report ?? lastSuccess?.report;
  return html`<section class="check c-${verdict}" id="${anchor(check.name)}">
<h2>${badge(verdict, status.runningSince !== undefined)} ${check.name}</h2>
<p class="command"><code>${commandLine(shownCommand(check.command))}</code> <span class="muted">${mode === 'watch' ? 'watched: runs on every change' : `every ${check.interval}`}</span></p>
<dl class="facts">
<dt>last run</dt><dd>${lastRun ? html`${when(lastRun.endedAt, now)}, took ${tookSeconds(lastRun.durationMs)}, exit ${lastRun.exitCode}` : html`<span class="muted">not yet</span>`}</dd>
<dt>last success</dt><dd>${when(lastSuccess?.endedAt, now)}</dd>
${status.divergedSince !== undefined && html`<dt>diverged for</dt><dd>${formatElapsed(now - status.divergedSince)} (first seen ${clock(status.divergedSince)})</dd>`}
<dt>next run</dt><dd>${next}</dd>
</dl>
${lastRun?.error && html`<p class="run-error">error: ${lastRun.error.message}${lastRun.error.hint && html`<br>hint: ${lastRun.error.hint}`}</p>`}
${shownReport && shownReport !== lastRun?.report && html`<p class="muted">The last run that could tell (${clock(lastSuccess!.endedAt)}) found:</p>`}
${shownReport && reportBody(shownReport)}
</section>
`;
}

function reportBody(report: Report): Markup {
  const notInSync = report.items.filter((item) => item.status !== 'in-sync');
  const shown = notInSync.slice(0, MAX_ITEMS_SHOWN);
  let group: string | undefined;
  const items = shown.map((item) => {
    const heading = item.group !== undefined && item.group !== group ? html`<h4>${item.group}</h4>` : undefined;
    group = item.group ?? group;
    return html`${heading}${itemBlock(item)}`;
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

function itemBlock(item: Item): Markup {
  const where = declaredAt(item);
  const state = item.status === 'diverged' ? undefined : statusPhrase(item);
  return html`<article class="item">
<h3><span class="s-${item.status}">${item.symbol ? `${item.symbol} ` : ''}${item.title}</span>${where && html` <span class="where">${where}</span>`}${state && html` <span class="state s-${item.status}">${state}</span>`}</h3>
${Object.keys(item.details ?? {}).length > 0 && html`<ul class="lines muted">${Object.entries(item.details!).map(([key, value]) => html`<li>${key}: ${value}</li>`)}</ul>`}
${item.status === 'error' && item.hint && html`<p class="muted">hint: ${item.hint}</p>`}
${item.changes.length > 0 && html`<pre class="diff">${diffLines(item)}</pre>`}
${(item.notes ?? []).length > 0 && html`<ul class="lines muted">${item.notes!.map((note) => html`<li>${note}</li>`)}</ul>`}
</article>`;
}

/** The text renderer's change lines, classed by their first column: the path, `-` live, `+` declared, `@@` hunks. */
function diffLines(item: Item): Markup[] {
  return changeTextLines(item).map((line) => {
    const kind = line.startsWith('-') ? 'live' : line.startsWith('+') ? 'declared' : line.startsWith('      @@') ? 'hunk' : line.startsWith('      ') ? 'context' : 'path';
    return html`<span class="${kind}">${line}</span>\n`;
  });
}
