// The `serve` subcommand's flags. Not a Source (it compares nothing itself: it
// runs the sources' checks on a schedule), so the CLI registers it on its own.
// Light on purpose: the server and prom-client load only when serve runs.
import { Option, type Command } from 'commander';
import { DEFAULT_CHECKS_FILE } from './checks-file-name.js';
import { DEFAULT_HISTORY_MAX_EVENTS, DEFAULT_HISTORY_RETENTION } from './history/settings.js';

export interface ServeCommandIo {
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Defines `serve` on the command the CLI created; `onExit` receives the exit status when the server stops. */
export function defineServe(command: Command, io: ServeCommandIo, onExit: (status: number) => void): void {
  command
    .description('run checks on a schedule and serve their verdicts: a status page, /api/checks and /metrics')
    .addOption(new Option('-c, --config <file>', `the checks to run (default: ${DEFAULT_CHECKS_FILE}, or a former gitdiff.yaml; see docs/serve.md)`))
    .addOption(new Option('--listen <host:port>', 'address to listen on; the page shows infrastructure details, expose it with care').default('127.0.0.1:9720'))
    .addOption(new Option('--grace-period <duration>', 'on SIGTERM/SIGINT, how long running checks may finish before they are aborted').default('25s'))
    .addOption(new Option('--state-dir <dir>', 'keep the drift history (since when, what changed) in DIR/gitdiff-history.sqlite, across restarts; one serve per dir'))
    .addOption(new Option('--history-retention <duration>', 'with --state-dir: drop events older than this').default(DEFAULT_HISTORY_RETENTION))
    .addOption(new Option('--history-max-events <count>', 'with --state-dir: keep at most this many events per check').default(String(DEFAULT_HISTORY_MAX_EVENTS)))
    .addOption(new Option('--shard <index/count>', 'run only the checks whose name hashes to INDEX of COUNT replicas (0-based; see docs/serve.md "Sharding")').conflicts('shardFromHostname'))
    .addOption(new Option('--shard-from-hostname <count>', "as --shard, the index from the host name's ordinal (a StatefulSet pod: gitdiff-serve-2 is 2)"))
    .option('-v, --verbose', 'log every run, not only verdict changes and errors')
    .option('--debug', "log the checks' requests and commands, and show stack traces, on stderr")
    .addHelpText('after', '\nSignals: SIGHUP reloads the config; SIGTERM/SIGINT stop after the running checks finish.\nExample: gitdiff serve --config gitdiff-serve.yaml --listen 127.0.0.1:9720')
    .action(async (options: { config?: string; listen: string; gracePeriod: string; stateDir?: string; historyRetention: string; historyMaxEvents: string; verbose?: boolean; debug?: boolean; shard?: string; shardFromHostname?: string }) => {
      const { serve } = await import('./serve.js');
      onExit(await serve({ ...options, verbose: Boolean(options.verbose), debug: Boolean(options.debug) }, io));
    });
}
