// A check's drift timeline on the status page: a strip of the latest events
// (one mark each) over one row per object with the spans while it drifted,
// then the latest events as a list. Server-rendered SVG: its positions are
// attributes, which the page's Content-Security-Policy allows (inline `style`
// attributes it does not). Every kind of event is a shape and a word, never a
// colour alone; the caption and the list are the text alternative of the strip.
// Positions and spans come from page-drift.ts: nothing is computed here.
import type { DriftEventKind, StoredEvent } from './drift/events.js';
import { html, type Markup } from './html.js';
import type { DriftPhase, Timeline, TimelineLane, TimelineSpan } from './page-drift.js';
import { clock, formatElapsed, timeOfDay } from './page-time.js';

/** Each kind's mark and words. The order is the legend's. */
export const EVENT_KINDS: Record<DriftEventKind, { mark: string; words: string }> = {
  appeared: { mark: '▲', words: 'drift appeared' },
  changed: { mark: '●', words: 'drift changed' },
  resolved: { mark: '✓', words: 'resolved' },
  committed: { mark: '◆', words: 'committed' },
  converged: { mark: '★', words: 'converged' },
  // A commit that did not converge in time, or a live change with no commit: both are the check turning diverged.
  diverged: { mark: '✕', words: 'diverged' },
};

const PHASE_WORDS: Record<DriftPhase, string> = { diverged: 'drifting now', converging: 'converging now' };
/** Titles a `diverged` event names on the page; the JSON has them all. */
const TITLES_SHOWN = 3;

export function timelineSection(timeline: Timeline | undefined, now: number): Markup {
  if (!timeline) return html`<p class="muted timeline-none">Drift timeline: no drift seen yet.</p>`;
  return html`<figure class="timeline">
<figcaption>${caption(timeline, now)}</figcaption>
<div class="lanes">
<span class="lane-label muted">events</span>${markStrip(timeline)}
${timeline.lanes.map((lane) => laneRow(lane))}
<span></span><span class="axis muted">${timeline.ticks.map((at, index) => html`<time datetime="${new Date(at).toISOString()}">${index === timeline.ticks.length - 1 ? 'now' : timeOfDay(at)}</time>`)}</span>
</div>
${timeline.lanesOmitted > 0 && html`<p class="muted">and ${timeline.lanesOmitted} more ${timeline.lanesOmitted === 1 ? 'object' : 'objects'} with drift in this window.</p>`}
<p class="legend muted">${Object.entries(EVENT_KINDS).filter(([kind]) => timeline.counts[kind as DriftEventKind]).map(([, { mark, words }]) => html`<span><span class="mark-glyph" aria-hidden="true">${mark}</span> ${words}</span>`)}</p>
</figure>
${timeline.latest.length > 0 && html`<ol class="events" aria-label="latest drift events, newest first">${timeline.latest.map((event) => eventLine(event))}</ol>`}`;
}

function caption(timeline: Timeline, now: number): Markup {
  const counts = Object.entries(EVENT_KINDS)
    .filter(([kind]) => timeline.counts[kind as DriftEventKind])
    .map(([kind, { words }]) => `${timeline.counts[kind as DriftEventKind]} ${words}`);
  const drifting = timeline.driftingNow === 0 ? 'nothing drifting now' : `${timeline.driftingNow} ${timeline.driftingNow === 1 ? 'object' : 'objects'} drifting now`;
  return html`Drift timeline, the last ${formatElapsed(now - timeline.from)} (since ${clock(timeline.from)}): ${counts.length > 0 ? counts.join(', ') : 'no event'}; ${drifting}.`;
}

function markStrip(timeline: Timeline): Markup {
  return html`<svg class="strip marks" width="100%" height="18" role="img"><title>${timeline.marks.length} ${timeline.marks.length === 1 ? 'event' : 'events'} on the strip, listed below</title><rect class="track" width="100%" height="100%"></rect>${timeline.marks.map(
    ({ event, x }) => html`<text class="mark k-${event.kind}" x="${x}%" y="14" text-anchor="middle">${EVENT_KINDS[event.kind].mark}<title>${timeOfDay(event.at)} ${EVENT_KINDS[event.kind].words}: ${subject(event)}</title></text>`,
  )}</svg>`;
}

function laneRow(lane: TimelineLane): Markup {
  const current = lane.spans.find((span) => span.open);
  const state = current ? PHASE_WORDS[current.phase] : 'resolved';
  return html`<span class="lane-label"><span class="lane-title">${lane.title}</span> <span class="lane-state ${current ? `p-${current.phase}` : 'muted'}">${state}</span></span><svg class="strip" width="100%" height="14" role="img"><title>${lane.title}: ${lane.spans.map(spanWords).join('; ')}</title><rect class="track" width="100%" height="100%"></rect>${lane.spans.map(
    (span) => html`<rect class="span p-${span.phase}${span.open ? ' open' : ''}" x="${span.x}%" y="2" width="${span.width}%" height="10"></rect>`,
  )}</svg>
`;
}

function spanWords(span: TimelineSpan): string {
  const start = span.clipped ? `before ${timeOfDay(span.from)}` : timeOfDay(span.from);
  const end = span.open ? 'now' : timeOfDay(span.to);
  return `${span.phase === 'converging' ? 'converging' : 'drifting'} from ${start} to ${end} (${formatElapsed(span.to - span.from)}${span.clipped ? ' or more' : ''})`;
}

function eventLine(event: StoredEvent): Markup {
  const { mark, words } = EVENT_KINDS[event.kind];
  return html`<li><time datetime="${new Date(event.at).toISOString()}">${clock(event.at)}</time> <span class="kind k-${event.kind}"><span aria-hidden="true">${mark}</span> ${words}</span> <span class="subject">${subject(event)}</span></li>`;
}

/** What an event is about, in words: the object, or the revision. */
function subject(event: StoredEvent): string {
  if (event.item) return event.item.title;
  const revision = event.revision === undefined ? 'a new revision' : `revision ${event.revision}`;
  if (event.kind === 'committed') return event.previousRevision === undefined ? revision : `${revision} (was ${event.previousRevision})`;
  if (event.kind === 'converged') return event.convergedInMs === undefined ? revision : `${revision}, in ${formatElapsed(event.convergedInMs)}`;
  if (event.kind === 'diverged' && event.items && event.items.length > 0) {
    const more = event.items.length - TITLES_SHOWN;
    const from = event.revision === undefined ? '' : `from revision ${event.revision}: `;
    return `${from}${event.items.slice(0, TITLES_SHOWN).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  }
  return revision;
}
