// The status page's only stylesheet, inline (no external assets: the page must
// work in an air-gapped cluster). The server allows exactly this block through
// its Content-Security-Policy hash, and nothing else: no script, no remote load.
import { createHash } from 'node:crypto';

export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --panel: #f6f8fa; --line: #d1d9e0;
  --ok: #1a7f37; --ok-bg: #dafbe1; --warn: #9a6700; --warn-bg: #fff8c5; --bad: #cf222e; --bad-bg: #ffebe9; --idle: #59636e; --idle-bg: #eff2f5;
  --live: #b3261e; --declared: #1a7f37; --path: #0550ae; --info: #0969da; --info-bg: #ddf4ff; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --line: #3d444d;
  --ok: #3fb950; --ok-bg: #12261e; --warn: #d29922; --warn-bg: #272115; --bad: #f85149; --bad-bg: #2d1517; --idle: #9198a1; --idle-bg: #212830;
  --live: #ff7b72; --declared: #56d364; --path: #79c0ff; --info: #58a6ff; --info-bg: #121d2f; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 0 0 .5rem; display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; }
h3 { font-size: 1rem; margin: .75rem 0 .25rem; font-weight: 600; overflow-wrap: anywhere; }
h4 { font-size: .95rem; margin: 1rem 0 .25rem; color: var(--muted); }
a { color: var(--path); }
.meta, .muted { color: var(--muted); }
.meta { margin: 0 0 1rem; }
.banner { border: 1px solid var(--bad); background: var(--bad-bg); padding: .6rem .8rem; border-radius: 6px; margin: 0 0 1rem; overflow-wrap: anywhere; }
.banner.info { border-color: var(--warn); background: var(--warn-bg); }
table { border-collapse: collapse; width: 100%; margin: 0 0 1.5rem; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-size: .85rem; font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
.v-in-sync { color: var(--ok); background: var(--ok-bg); }
.v-diverged { color: var(--warn); background: var(--warn-bg); }
.v-error { color: var(--bad); background: var(--bad-bg); }
.v-pending { color: var(--idle); background: var(--idle-bg); }
.v-converging { color: var(--info); background: var(--info-bg); }
.check { border: 1px solid var(--line); border-left: 6px solid var(--idle); border-radius: 6px; padding: 1rem; margin: 0 0 1.25rem; background: var(--panel); }
.check.c-in-sync { border-left-color: var(--ok); }
.check.c-diverged { border-left-color: var(--warn); }
.check.c-error { border-left-color: var(--bad); }
.check.c-converging { border-left-color: var(--info); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
code, pre { font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.command code { overflow-wrap: anywhere; }
.summary { font-weight: 600; }
.run-error { color: var(--bad); overflow-wrap: anywhere; }
.item { border-top: 1px solid var(--line); padding-top: .25rem; }
.item .where { font-weight: 400; color: var(--muted); font-size: .9rem; }
.item .state { font-weight: 400; font-size: .9rem; }
.s-diverged { color: var(--warn); } .s-missing { color: var(--declared); } .s-extra, .s-error { color: var(--bad); } .s-unchecked { color: var(--warn); }
pre.diff { margin: .25rem 0 .5rem; padding: .5rem .75rem; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
.diff .path { color: var(--path); font-weight: 600; }
.diff .live { color: var(--live); }
.diff .declared { color: var(--declared); }
.diff .hunk { color: var(--muted); }
ul.lines { margin: .25rem 0; padding-left: 1.25rem; }
/* Drift ages and the timeline (page-timeline.ts): every kind is a shape and a word as well as a colour. */
.age { margin: 0 0 .25rem; font-size: .9rem; }
.p-diverged { color: var(--warn); } .p-converging { color: var(--info); }
.timeline { margin: .75rem 0 .5rem; }
.timeline figcaption { font-size: .9rem; margin: 0 0 .35rem; }
.lanes { display: grid; grid-template-columns: minmax(8rem, 18rem) 1fr; gap: 3px .75rem; align-items: center; }
.lane-label { font-size: .85rem; overflow-wrap: anywhere; line-height: 1.3; }
.lane-state { font-size: .8rem; }
.strip { display: block; overflow: visible; }
.strip .track { fill: var(--bg); stroke: var(--line); }
.strip .span { fill: var(--warn); }
.strip .span.p-converging { fill: var(--info-bg); stroke: var(--info); stroke-dasharray: 3 2; }
.mark { font-size: 14px; fill: var(--fg); }
.mark.k-appeared, .mark.k-changed, .mark.k-diverged { fill: var(--warn); }
.mark.k-resolved, .mark.k-converged { fill: var(--ok); }
.mark.k-committed { fill: var(--info); }
.axis { display: flex; justify-content: space-between; font-size: .8rem; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .8rem; margin: .35rem 0 0; }
ol.events { list-style: none; margin: .25rem 0 .75rem; padding: 0; font-size: .9rem; }
ol.events li { overflow-wrap: anywhere; }
.kind { font-weight: 600; }
.kind.k-appeared, .kind.k-changed, .kind.k-diverged { color: var(--warn); }
.kind.k-resolved, .kind.k-converged { color: var(--ok); }
.kind.k-committed { color: var(--info); }
footer { color: var(--muted); font-size: .85rem; margin-top: 2rem; }
`;

/** The CSP source that allows exactly PAGE_STYLE. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;
