// The one small interface every subcommand implements. A subcommand is a
// folder under src/sources/ whose index.ts exports a Source; the registry in
// src/sources/index.ts lists them. Nothing outside a folder knows its internals.
import type { Command } from 'commander';
import type { Report } from '../report.js';

/** What the CLI layer hands a source for one run: I/O edges and global flags, already decided. */
export interface RunContext {
  /** -v: list in-sync items, stream tool output. */
  verbose: boolean;
  /** --debug: request logs and stack traces on stderr. */
  debug: boolean;
  /** Writes one line of debug output to stderr (no-op unless --debug). Never pass secrets. */
  log: (line: string) => void;
  /**
   * One line for the person running gitdiff, on stderr whatever the flags (`gitdiff: note: ...`):
   * something that shaped the verdict from outside the command line, such as the config file
   * whose rules set differences aside. Never pass secrets.
   */
  notice: (line: string) => void;
  /** Progress for people watching a terminal: a no-op when stderr is not a TTY (CI logs stay clean) unless -v. */
  progress: (line: string) => void;
  /** Standard input, for '-' arguments. */
  stdin: NodeJS.ReadableStream;
  /**
   * Aborted on SIGINT/SIGTERM and when the run's deadline (--timeout) passes,
   * with a GitdiffError as the reason: sources stop child processes and
   * requests. Standard input is destroyed with it, so a read of '-' ends too.
   */
  signal: AbortSignal;
  /** The working directory paths are relative to. */
  cwd: string;
  /** The process environment (tests pass their own). */
  env: NodeJS.ProcessEnv;
}

export interface Source {
  /** The subcommand name: `gitdiff <name>`. */
  name: string;
  /** One line for `gitdiff --help`. */
  summary: string;
  /**
   * The default of `--timeout`, the whole run's deadline ('5m'); '0' or absent
   * for none. A source whose runs have no natural bound (a plan, a playbook)
   * leaves it to the user.
   */
  defaultTimeout?: string;
  /**
   * Declares the subcommand's own arguments and options on its commander
   * Command. Output, color, debug, verbose and metrics flags are added by the
   * CLI layer for every source; do not add them here.
   */
  define(command: Command): void;
  /**
   * Runs one comparison. `args` are the positional arguments, `options` the
   * parsed flags (commander's `opts()`). Bad input throws a GitdiffError;
   * per-item failures become items with status 'error'. Keep this module
   * light: import heavy modules (the Kubernetes client, execa) inside run().
   */
  run(args: string[], options: Record<string, unknown>, context: RunContext): Promise<Report>;
  /**
   * The subcommand's command-line arguments as anything that shows a command
   * shows them (serve's page and API): every value that may be secret masked
   * with maskedAssignment, by the rules of the parser that reads it. Absent
   * when no argument can hold a secret.
   */
  maskArguments?(args: readonly string[]): string[];
}
