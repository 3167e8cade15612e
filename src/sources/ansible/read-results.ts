// --results: saved results in any of the three shapes, recognized by content.
import { GitdiffError } from '../../errors.js';
import { findJsonSyntaxError } from '../../json-syntax.js';
import { MAX_NESTING, nestingWithin } from '../../limits.js';
import { looksLikeEvents, parseEvents } from './parse-events.js';
import { isJsonCallbackOutput, parseJsonCallback } from './parse-json.js';
import { looksLikeTextLog, parseTextLog } from './parse-text.js';
import type { PlaybookResults } from './results.js';

export type ResultsFormat = 'events' | 'json' | 'text';

const EXPECTED = "gitdiff's callback events (JSON lines), the ansible.posix json callback's output, or a default-callback log";

export function parseResults(text: string, name: string): { format: ResultsFormat; results: PlaybookResults } {
  if (text.trim() === '') {
    throw new GitdiffError(`${name} is empty: no results`, { hint: `expected ${EXPECTED}` });
  }
  if (looksLikeEvents(text)) return { format: 'events', results: parseEvents(text) };
  const json = jsonDocument(text);
  if (json !== undefined) {
    if (!nestingWithin(json)) throw new GitdiffError(`${name} nests more than ${MAX_NESTING} levels deep: not ansible results`, { hint: `expected ${EXPECTED}` });
    if (isJsonCallbackOutput(json)) return { format: 'json', results: parseJsonCallback(json) };
    throw new GitdiffError(`${name} is JSON, but not ansible results (no "plays" list)`, { hint: `expected ${EXPECTED}` });
  }
  if (looksLikeTextLog(text)) return { format: 'text', results: parseTextLog(text) };
  if (/^\s*\{/.test(text) && text.includes('"plays"')) {
    // Where and why in gitdiff's words (json-syntax.ts): the parser's own message quotes the file, results and all.
    const syntax = findJsonSyntaxError(text);
    const where = syntax ? ` at line ${syntax.line}, column ${syntax.column} (${syntax.reason})` : '';
    throw new GitdiffError(`${name} is cut short: the json callback's output does not parse${where}`, {
      hint: 'the run was interrupted, or the file was truncated; run the playbook again',
    });
  }
  throw new GitdiffError(`${name} is not ansible results`, { hint: `expected ${EXPECTED}` });
}

/**
 * The json callback prints one JSON document; a log captured with 2>&1 may
 * have ansible's warnings before it, so it starts at the first line that is `{`.
 */
function jsonDocument(text: string): unknown {
  const start = text.trimStart().startsWith('{') ? text.indexOf('{') : text.search(/^\{\s*$/m);
  if (start < 0) return undefined;
  try {
    return JSON.parse(text.slice(start));
  } catch {
    return undefined;
  }
}
