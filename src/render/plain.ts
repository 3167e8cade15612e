// Uncolored pieces of the text format, shared by the formats other programs
// read (JUnit, GitHub workflow commands, Markdown): the same words and the same
// `-` live / `+` declared lines a person sees in the terminal, without escapes.
import { chalkFor } from '../color.js';
import { summarize, type Item, type Report } from '../report.js';
import { changeLines, summaryLine } from './text.js';
import { visibleText } from '../visible-text.js';

const PLAIN = chalkFor(0);

/** The item's changes as text-format lines: the path, then `-` live and `+` declared values. */
export function changeTextLines(item: Item): string[] {
  return item.changes.flatMap((change) => changeLines(change, PLAIN));
}

/** `1 diverged, 3 in sync (4 objects, 0.2 s)`. */
export function plainSummaryLine(report: Report): string {
  return summaryLine(summarize(report), report.durationMs, PLAIN, report.noun);
}

/** Where an item is declared: `manifests/redis.yaml:8`, or undefined. */
export function declaredAt(item: Item): string | undefined {
  if (!item.file) return undefined;
  const file = visibleText(item.file);
  return item.line ? `${file}:${item.line}` : file;
}

/** The changed paths for a one-line message, at most `limit` of them. */
export function changedPaths(item: Item, limit = 5): string {
  const paths = [...new Set(item.changes.map((change) => change.path))];
  if (paths.length <= limit) return paths.join(', ');
  return `${paths.slice(0, limit).join(', ')} and ${paths.length - limit} more`;
}
