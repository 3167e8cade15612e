// The one small interface every subcommand implements. A subcommand is a
// folder under src/sources/ whose index.ts exports a Source; the registry in
// src/sources/index.ts lists them. Nothing outside a folder knows its internals.
import type { Command } from 'commander';
import type { Findings } from '../report.js';

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

/** What a source's options() reads: the command line as commander parsed it, and where it runs. */
export interface SourceInput {
  /** The positional arguments. */
  args: string[];
  /** The parsed flags (commander's `opts()`), the CLI's common ones included: a source reads its own. */
  flags: Record<string, unknown>;
  /** The working directory relative paths start from (serve: the config file's folder). */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The one small interface every subcommand implements, in two phases
 * (kubectl's Complete + Validate, then Run): `options()` turns a command line
 * into the source's own typed options or refuses it, before anything runs (serve
 * calls it for every check when it loads its config); `run()` does the work.
 */
export interface Source<O> {
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
   * Completes and validates: the typed options of one run, or a GitdiffError
   * with a hint for a command line the source refuses. Pure: no I/O beyond what
   * validation must read, and only light modules (it runs at start-up and at
   * every serve config load).
   */
  options(input: SourceInput): O;
  /**
   * Runs one comparison. Bad input found only now throws a GitdiffError;
   * per-item failures become items with status 'error'. The caller stamps the
   * source's name and the run's duration (src/sources/run-lifecycle.ts). Keep
   * index.ts light: import heavy modules (the Kubernetes client, execa) inside run().
   */
  run(options: O, context: RunContext): Promise<Findings>;
  /**
   * The subcommand's command-line arguments as anything that shows a command
   * shows them (serve's page and API): every value that may be secret masked
   * with maskedAssignment, by the rules of the parser that reads it. Absent
   * when no argument can hold a secret.
   */
  maskArguments?(args: readonly string[]): string[];
  /**
   * A session that keeps this command's inputs current (serve's watch mode, `gitdiff kube --wait`):
   * each run() compares what is held now and recompares only what changed; onChange says when a run
   * would find something new. Undefined when the command cannot be watched (a snapshot, terraform,
   * ansible): serve runs it on its interval. Cheap until the first run() (no connection, no
   * timer): serve asks for a session at config load to know whether a check can be watched.
   */
  watch?(options: O, setup: WatchSetup): WatchedRun | undefined;
}

/** What a watch session lives on: where relative paths start, the environment, and a debug log. */
export interface WatchSetup {
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** How often the live side's cache is read again in full (serve's `resync:`); undefined: the cache's default. */
  resyncMs?: number;
}

/** A command kept current by watching: see Source.watch. */
export interface WatchedRun {
  /** One comparison against what is held now (the first fills the caches); the same Findings a run() gives. */
  run(context: RunContext): Promise<Findings>;
  /** Calls `listener` when a new run would find something new (a live change, a changed file, a new revision); returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Ends the watches and file polling. */
  close(): void;
}

/**
 * Any registered source. The registry lists sources of different option types;
 * each pairs its options with its own run(), so nothing outside a source's
 * folder needs to know what they hold.
 */
export type AnySource = Source<any>;

/** Declares a source, typed by its options (the registry only sees AnySource). */
export function defineSource<O>(source: Source<O>): Source<O> {
  return source;
}
