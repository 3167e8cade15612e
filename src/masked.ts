// How a value that may be secret is shown where a command line is shown:
// `--var db_password=***`. A status page is read by more people than the
// config file, and a debug log travels further than either.

export const MASK = '***';

/**
 * `NAME=VALUE` keeps its name when it is a variable name (which variable,
 * not its value); anything else (JSON, YAML, a bare value) is masked whole,
 * but `@FILE` (ansible's extra vars from a file) is a file name, not the values.
 */
export function maskedAssignment(value: string): string {
  if (value.startsWith('@')) return value;
  const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)=/.exec(value)?.[1];
  return name === undefined ? MASK : `${name}=${MASK}`;
}
