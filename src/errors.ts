// Errors are values: a message a person can act on, plus a hint. Only the CLI
// layer prints them (one line each, stack only with --debug) and exits 2.

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
 * as escapes, and every line after the first is indented, so an error can add
 * detail lines (terraform's) but can never forge a `gitdiff:` line of its own.
 */
export function errorText(text: string): string {
  const escapes: Record<string, string> = { '\r': '\\r', '\t': '\\t' };
  return text
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, (character) => escapes[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .split('\n')
    .map((line, index) => (index === 0 || /^\s/.test(line) ? line : `  ${line}`))
    .join('\n');
}
