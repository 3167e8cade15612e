// How the status page writes times: a wall clock in UTC (the page is read from
// many time zones) and elapsed times short enough for a table cell. Shared by
// the page and its drift timeline.
import { formatMs } from '../duration.js';
import { html, type Markup } from './html.js';

/** `8s`, `3m 12s`, `2h 5m`, `3d 4h`: precise enough for "how long", short enough for a table cell. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 3600) return formatMs(seconds * 1000);
  if (seconds < 86_400) return formatMs(Math.floor(seconds / 60) * 60_000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  return hours ? `${days}d ${hours}h` : `${days}d`;
}

/** `2026-11-23 11:18:01 UTC`. */
export function clock(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** `11:18:01`: the time of day, for marks within a day of now (the date is on the strip's axis). */
export function timeOfDay(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** A machine-readable time with its clock and how long ago (or how soon). */
export function when(ms: number | undefined, now: number): Markup {
  if (ms === undefined) return html`<span class="muted">never</span>`;
  const relative = ms <= now ? `${formatElapsed(now - ms)} ago` : `in ${formatElapsed(ms - now)}`;
  return html`<time datetime="${new Date(ms).toISOString()}">${clock(ms)}</time> <span class="muted">(${relative})</span>`;
}
