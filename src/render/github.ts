// GitHub Actions workflow commands: one annotation per item that needs a look,
// pointing at the file and line where it is declared, then the summary line.
// https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
// Every value is escaped as the Actions toolkit does (core/src/command.ts), so
// a command always stays on its one line: text from a manifest or a server can
// neither break it nor start a command of its own.
import { isDrift, type Item, type Report } from '../report.js';
import type { Renderer } from './types.js';
import { collapseUnchecked, statusPhrase } from './wording.js';
import { changeTextLines, plainSummaryLine } from './plain.js';

type Level = 'error' | 'warning';

export const renderGithub: Renderer = (report: Report) => {
  const lines: string[] = [];
  for (const entry of collapseUnchecked(report.items.filter((item) => levelOf(item) !== undefined), report.errors.length)) {
    if ('more' in entry) {
      // One annotation for the rest of the run: a thousand warnings would bury the errors.
      lines.push(workflowCommand('warning', { title: `${entry.more} more ${report.noun ?? 'item'}s: unchecked` }, statusPhrase(entry.example)));
      continue;
    }
    const { item } = entry;
    const level = levelOf(item);
    if (!level) continue;
    const properties: Record<string, string | undefined> = {
      file: item.file,
      line: item.line ? String(item.line) : undefined,
      title: `${item.title}: ${item.status}`,
    };
    // The title names the status; the message adds the reason (missing, error) and the changes.
    const message = [...(item.status === 'diverged' ? [] : [statusPhrase(item)]), ...changeTextLines(item), ...(item.status === 'error' && item.hint ? [`hint: ${item.hint}`] : [])];
    lines.push(workflowCommand(level, properties, message.join('\n')));
  }
  for (const error of report.errors) {
    lines.push(workflowCommand('error', { title: `gitdiff ${report.source}` }, [error.message, ...(error.hint ? [`hint: ${error.hint}`] : [])].join('\n')));
  }
  // Plain lines are kept to one line each: only a line that starts with `::` is a command.
  for (const note of report.notes) lines.push(`note: ${oneLine(note)}`);
  if (report.headline) lines.push(oneLine(report.headline));
  lines.push(plainSummaryLine(report));
  return lines.join('\n') + '\n';
};

/** Drift and failures fail the check: errors. Unchecked items are neither: warnings. */
function levelOf(item: Item): Level | undefined {
  if (isDrift(item.status) || item.status === 'error') return 'error';
  return item.status === 'unchecked' ? 'warning' : undefined;
}

export function workflowCommand(level: Level, properties: Record<string, string | undefined>, message: string): string {
  const given = Object.entries(properties).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  const list = given.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',');
  return `::${level}${list ? ` ${list}` : ''}::${escapeData(message)}`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
