// Uncolored pieces of the text format, shared by the formats other programs
// read (JUnit, GitHub workflow commands, Markdown, serve's page): the same
// `-` live / `+` declared lines a person sees in the terminal, without escapes.
// The words themselves are in wording.ts.
import { chalkFor } from '../color.js';
import { summarize, type Item, type Report } from '../report.js';
import { changeLines } from './text.js';
import { summaryLine } from './wording.js';

const PLAIN = chalkFor(0);

/** The item's changes as text-format lines: the path, then `-` live and `+` declared values. */
export function changeTextLines(item: Item): string[] {
  return item.changes.flatMap((change) => changeLines(change, PLAIN));
}

/** `1 diverged, 3 in sync (4 objects, 0.2 s)`. */
export function plainSummaryLine(report: Report): string {
  return summaryLine(summarize(report), report.durationMs, PLAIN, report.noun);
}
