// Uncolored pieces of the text format, shared by the formats other programs
// read (JUnit, GitHub workflow commands, Markdown): the same words and the same
// `-` live / `+` declared lines a person sees in the terminal, without escapes.
import { chalkFor } from '../color.js';
import { summarize, type Item, type Report } from '../report.js';
import { changeLines, summaryLine } from './text.js';

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
  const file = visibleFileName(item.file);
  return item.line ? `${file}:${item.line}` : file;
}

/**
 * Text from outside as it can be shown: control characters (legal in a Unix file name, in a
 * ConfigMap's value, in a server's answer) become `\xNN`, so that a name from a repository or a
 * value from a cluster cannot move the cursor, recolor a terminal or start a CI log command.
 * A tab may be kept (`keepTabs`) where it is layout, as in the lines of a config file.
 */
export function visibleText(text: string, keepTabs = false): string {
  const control = keepTabs ? /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g : /[\u0000-\u001f\u007f-\u009f]/g;
  return text.replace(control, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A file name as it can be shown (see visibleText). */
export function visibleFileName(file: string): string {
  return visibleText(file);
}

/** The changed paths for a one-line message, at most `limit` of them. */
export function changedPaths(item: Item, limit = 5): string {
  const paths = [...new Set(item.changes.map((change) => change.path))];
  if (paths.length <= limit) return paths.join(', ');
  return `${paths.slice(0, limit).join(', ')} and ${paths.length - limit} more`;
}
