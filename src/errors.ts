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

/** The message of anything thrown, without a stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
