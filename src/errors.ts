// Errors are values: a message a person can act on, plus a hint. Only the CLI
// layer prints them (one line each, stack only with --debug) and exits 2.
import { visibleText } from './visible-text.js';

export class GitdiffError extends Error {
  readonly hint?: string;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GitdiffError';
    this.hint = options.hint;
  }
}

/**
 * The message of anything thrown, without a stack. Total: whatever was thrown
 * (an object without a prototype, a toString that throws itself), the answer
 * is a string, so reporting a failure can never become a second one.
 */
export function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'an error that cannot be shown as text';
  }
}

/**
 * Error text fit for a terminal and a log: control characters (a server's
 * message with terminal escapes, a carriage return in a file name) are written
 * as escapes (visible-text.ts), and every line after the first is indented, so
 * an error can add detail lines (terraform's) but can never forge a `gitdiff:`
 * line of its own.
 */
export function errorText(text: string): string {
  return visibleText(text, { newlines: true })
    .split('\n')
    .map((line, index) => (index === 0 || /^\s/.test(line) ? line : `  ${line}`))
    .join('\n');
}
