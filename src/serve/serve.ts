// `gitdiff serve`: load the config, listen, run the checks on their schedule,
// and live until SIGTERM/SIGINT. SIGHUP reloads the config; a bad one is
// refused (stderr, the page, gitdiff_serve_config_last_reload_successful 0) and
// the running one kept. The process's only long-lived state is here.
import { hostname } from 'node:os';
import { parseDuration } from '../duration.js';
import { errorText, GitdiffError, messageOf } from '../errors.js';
import { plainSummaryLine } from '../render/plain.js';
import type { ReportError } from '../report.js';
import { sources } from '../sources/index.js';
import { signalExitStatus } from '../sources/run-lifecycle.js';
import { delay } from '../timers.js';
import type { CheckView, ServeView } from './api.js';
import { loadServeConfig, type Check, type ServeConfig } from './checks-file.js';
import { chooseChecksFile } from './checks-file-name.js';
import { parseListen, startHttpServer } from './http.js';
import { ServeMetrics } from './metrics.js';
import { formatMs } from '../duration.js';
import { runCheck } from './run-check.js';
import { Scheduler } from './scheduler.js';
import { WatchedChecks } from './watched-checks.js';
import { DriftKeeper } from './drift/keeper.js';
import { historySettings, type HistoryOptions, type HistorySettings } from './history/settings.js';
import { MemoryHistory, type HistoryStore } from './history/store.js';
import { checksOfShard, parseShard, shardFromHostname, type Shard } from './shard.js';
import { bodiesFor } from './webhook/payload.js';
import { WebhookSender } from './webhook/sender.js';
import { eventLogLine } from './drift/event-log.js';
import { carryStatuses, recordRun, sameCommand, verdictOf, type CheckStatus, type CheckVerdict, type RunRecord } from './state.js';

export interface ServeOptions extends HistoryOptions {
  /** The checks file; undefined: the default (see chooseChecksFile). */
  config?: string;
  listen: string;
  gracePeriod: string;
  verbose: boolean;
  debug: boolean;
  /** --shard INDEX/COUNT: run only this replica's share of the checks (shard.ts). */
  shard?: string;
  /** --shard-from-hostname COUNT: the same, the index from the host name's ordinal (a StatefulSet pod's). */
  shardFromHostname?: string;
}

export interface ServeIo {
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** `1 check`, `2 checks`. */
function checks(count: number): string {
  return `${count} ${count === 1 ? 'check' : 'checks'}`;
}

const VERDICT_LOG: Record<CheckVerdict, string> = { pending: 'pending', 'in-sync': 'in sync', converging: 'converging', diverged: 'diverged', error: 'could not tell' };

/** Events of each check the page's timeline shows (newest first); /api/checks/NAME/history pages through all. */
const RECENT_EVENTS = 50;

/** After the grace period, how long aborted checks get to stop before serve exits anyway. */
const ABORT_WAIT_MS = 5000;

/** In memory, or with --state-dir in SQLite (loaded only then: its binding is heavy). */
async function openHistory(settings: HistorySettings): Promise<HistoryStore> {
  if (settings.stateDir === undefined) return new MemoryHistory();
  const { SqliteHistory } = await import('./history/sqlite.js');
  return SqliteHistory.open(settings.stateDir, settings);
}

/** Runs until a signal stops it; resolves with the exit status (see docs/serve.md). Bad options and config throw (exit 2). */
export async function serve(options: ServeOptions, io: ServeIo): Promise<number> {
  const address = parseListen(options.listen);
  const graceMs = parseDuration(options.gracePeriod, '--grace-period');
  const shard: Shard | undefined = options.shard !== undefined ? parseShard(options.shard)
    : options.shardFromHostname !== undefined ? shardFromHostname(hostname(), options.shardFromHostname) : undefined;
  const history = historySettings(options);
  const { file, note } = chooseChecksFile(options.config, io.cwd);
  if (note) io.stderr.write(`gitdiff: note: ${note}\n`);
  // Lines carry text from hosts and clusters (a task's failure message, a server's error): escaped as
  // the CLI's error lines are, so none can add a line of its own (`check x: in sync`).
  const log = (line: string) => io.stderr.write(`gitdiff serve: ${errorText(line)}\n`);
  const logError = (error: ReportError, prefix = '') => {
    log(`error: ${prefix}${error.message}`);
    if (error.hint) io.stderr.write(`  hint: ${errorText(error.hint)}\n`);
  };

  // Every replica validates the whole file; each runs its shard's checks.
  const loadShare = (): { config: ServeConfig; skipped: number } => {
    const whole = loadServeConfig(file, sources, io.env);
    const { checks: mine, skipped } = checksOfShard(whole.checks, shard);
    return { config: { ...whole, checks: mine }, skipped };
  };
  let { config, skipped } = loadShare();
  let loadedAt = Date.now();
  let configError: (ReportError & { at: number }) | undefined;
  let statuses = carryStatuses(new Map(), config.checks);
  const metrics = new ServeMetrics();
  // What each check's drift was, since when, and what happened to it (docs/serve.md "History").
  const drift = new DriftKeeper(await openHistory(history));
  drift.onEvents((events) => {
    const check = statuses.get(events[0].check)?.check;
    if (check) metrics.observeEvents(check, events);
    for (const event of events) {
      const line = eventLogLine(event);
      if (line) log(`check ${event.check}: ${line}`);
    }
  });
  metrics.configLoaded(true, loadedAt);
  if (shard) metrics.shardLoaded(shard, skipped);
  // Drift events POSTed to each check's webhook: queued here, sent off the runs' path (webhook/sender.ts).
  const webhooks = new WebhookSender({
    log,
    debugLog: options.debug ? (line) => io.stderr.write(`debug: ${errorText(line)}\n`) : undefined,
    count: (check, outcome) => metrics.webhookDelivery(check, outcome),
  });
  drift.onEvents((events) => {
    const status = statuses.get(events[0].check);
    const target = status?.check.webhook;
    if (target) webhooks.send(status.check.name, target, bodiesFor(events, target.events, status.lastRun?.report));
  });
  const startedAt = Date.now();
  const inFlight = new Map<string, AbortController>();
  let readySince: number | undefined;
  let shuttingDown = false;

  // Checks a source can keep current run on its changes (watched-checks.ts), the others on their interval.
  const watched = new WatchedChecks((name) => scheduler.trigger(name), {
    cwd: () => config.dir,
    env: io.env,
    log: (name, line) => options.debug && io.stderr.write(`debug: ${errorText(`${name}: ${line}`)}\n`),
  });
  const scheduled = (list: readonly Check[]) => list.map(({ name, intervalMs }) => ({ name, intervalMs, watched: watched.mode(name) === 'watch' }));

  const scheduler = new Scheduler(async (name) => {
    const status = statuses.get(name);
    if (!status) return;
    const { check } = status;
    const controller = new AbortController();
    inFlight.set(name, controller);
    statuses.set(name, { ...status, runningSince: Date.now() });
    const debugLog = options.debug ? (line: string) => io.stderr.write(`debug: ${errorText(line)}\n`) : undefined;
    const run = await runCheck(check, { cwd: config.dir, env: io.env, debugLog, signal: controller.signal, session: watched.session(name) });
    if (inFlight.get(name) === controller) inFlight.delete(name);
    const current = statuses.get(name);
    // Removed or changed by a reload while it ran: this result describes a check that no longer exists.
    if (!current || !sameCommand(current.check, check)) return;
    const shownBefore = verdictOf(current, drift.state(name));
    statuses.set(name, recordRun(current, run));
    try {
      drift.afterRun(name, run, { convergeWithinMs: current.check.convergeWithinMs });
    } catch (error) {
      logError({ message: messageOf(error), hint: error instanceof GitdiffError ? error.hint : undefined }, `check ${name}: `);
    }
    metrics.observeRun(current.check, run);
    logRun(name, current, run, { before: shownBefore, after: verdictOf(statuses.get(name)!, drift.state(name)) });
    markReadyOnceAllRan();
    // A watched check that could not tell may wait for no change at all (a cluster back in reach): its interval retries it.
    return run.verdict === 'error' ? 'retry' : undefined;
  }, config.concurrency);

  /** A line per run with -v; otherwise only when the verdict or the error changes, so a broken check does not flood the log. */
  function logRun(name: string, before: CheckStatus, run: RunRecord, shown: { before: CheckVerdict; after: CheckVerdict }): void {
    const changed = shown.before !== shown.after || before.lastRun?.error?.message !== run.error?.message;
    if (!changed && !options.verbose) return;
    if (run.error) {
      logError(run.error, `check ${name}: `);
    } else {
      const report = run.report!;
      const failedItem = report.items.find((item) => item.status === 'error');
      const why = report.errors[0]?.message ?? (failedItem && `${failedItem.title}: ${failedItem.error ?? 'could not be checked'}`);
      log(`check ${name}: ${VERDICT_LOG[shown.after]}: ${plainSummaryLine(report)}${why ? ` (${why})` : ''}`);
    }
  }

  const view = (): ServeView => ({
    now: Date.now(),
    startedAt,
    ready: notReady() === undefined,
    shuttingDown,
    config: { file, loadedAt, error: configError },
    ...(shard ? { shard: { ...shard, skipped } } : {}),
    checks: [...statuses.values()].map((status): CheckView => ({
      status,
      nextRunAt: scheduler.nextRunAt(status.check.name),
      queued: scheduler.isQueued(status.check.name),
      mode: watched.mode(status.check.name),
      tracked: drift.state(status.check.name),
      history: { kept: drift.store.kept, recent: drift.store.events(status.check.name, { limit: RECENT_EVENTS }).events },
    })),
  });

  /** Every check has finished a first run; true at once for a shard the hash gave no check (3 replicas, 2 checks). */
  function markReadyOnceAllRan(): void {
    if (readySince === undefined && [...statuses.values()].every((each) => each.runs > 0)) readySince = Date.now();
  }

  // Ready once every configured check has finished a run (whatever it found): until then the page and
  // /metrics would be incomplete. Once ready, a reload that adds checks does not make a serving pod
  // unready. Unready again while shutting down.
  function notReady(): string | undefined {
    if (shuttingDown) return 'shutting down';
    if (readySince !== undefined) return undefined;
    const waiting = [...statuses.values()].filter((status) => status.runs === 0).map((status) => status.check.name);
    return `waiting for the first run of ${waiting.join(', ')}`;
  }

  function reload(): void {
    if (shuttingDown) return; // nothing more will run: a new config would only be shown, never used
    let next: ServeConfig;
    let nextSkipped: number;
    try {
      ({ config: next, skipped: nextSkipped } = loadShare());
    } catch (error) {
      configError = { message: messageOf(error), hint: error instanceof GitdiffError ? error.hint : undefined, at: Date.now() };
      metrics.configLoaded(false, configError.at);
      logError(configError, 'SIGHUP: config refused, keeping the running one: ');
      return;
    }
    const nextNames = new Set(next.checks.map((check) => check.name));
    const removed = [...statuses.values()].filter((status) => !nextNames.has(status.check.name));
    const changed = next.checks.filter((check) => statuses.has(check.name) && !sameCommand(statuses.get(check.name)!.check, check));
    const added = next.checks.filter((check) => !statuses.has(check.name));
    for (const name of [...removed.map((status) => status.check.name), ...changed.map((check) => check.name)]) {
      inFlight.get(name)?.abort(new GitdiffError('the check changed on reload'));
      metrics.forget(statuses.get(name)!.check);
    }
    statuses = carryStatuses(statuses, next.checks);
    config = next;
    skipped = nextSkipped;
    if (shard) metrics.shardLoaded(shard, skipped);
    loadedAt = Date.now();
    configError = undefined;
    metrics.configLoaded(true, loadedAt);
    const reopened = watched.update(next.checks, new Set(changed.map((check) => check.name)));
    scheduler.update(scheduled(next.checks), next.concurrency, new Set([...changed.map((check) => check.name), ...reopened]));
    markReadyOnceAllRan();
    const names = (list: { name: string }[]) => list.map((each) => each.name).join(', ') || 'none';
    log(`SIGHUP: reloaded ${file}: ${checks(next.checks.length)} (added: ${names(added)}; removed: ${names(removed.map((status) => status.check))}; changed: ${names(changed)})`);
  }

  // Signals: the first SIGTERM/SIGINT stops scheduling and lets the checks in flight finish, up to the
  // grace period; a second one (or the end of the grace period) aborts them. Listened for before the
  // server says it listens: a SIGTERM right after that line must stop serve, not kill it.
  let firstSignal: NodeJS.Signals | undefined;
  let cleanupSignals = () => {};
  let abortNow: () => void = () => {};
  const interrupted = new Promise<void>((resolve) => (abortNow = resolve));
  const stopping = new Promise<NodeJS.Signals>((resolve) => {
    const onStop = (signal: NodeJS.Signals) => {
      if (firstSignal) return abortNow();
      firstSignal = signal;
      resolve(signal);
    };
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    process.on('SIGHUP', reload);
    cleanupSignals = () => {
      process.removeListener('SIGTERM', onStop);
      process.removeListener('SIGINT', onStop);
      process.removeListener('SIGHUP', reload);
    };
  });

  const http = await startHttpServer(address, {
    view,
    notReady,
    metrics: async () => ({ contentType: metrics.contentType, body: await metrics.exposition(statuses.values(), (name) => drift.state(name)) }),
    history: (name, page) => (statuses.has(name) ? { kept: drift.store.kept, page: drift.store.events(name, page) } : undefined),
  });
  const shown = http.address.host.includes(':') ? `[${http.address.host}]` : http.address.host;
  const share = shard ? `; shard ${shard.index}/${shard.count}: ${checks(skipped)} left to the other replicas` : '';
  log(`listening on http://${shown}:${http.address.port}/ (${checks(config.checks.length)} from ${file}${share})`);
  watched.update(config.checks, new Set());
  scheduler.update(scheduled(config.checks), config.concurrency);
  markReadyOnceAllRan();

  const signal = await stopping;
  const graceEndsAt = Date.now() + graceMs;
  shuttingDown = true;
  log(`${signal}: stopping; ${scheduler.running === 0 ? 'no check running' : `${checks(scheduler.running)} running, waiting up to ${formatMs(graceMs)} for them`}`);
  const stopped = scheduler.stop();
  const grace = new AbortController();
  const finishedInTime = await Promise.race([
    stopped.then(() => true),
    delay(graceMs, grace.signal).then(() => false),
    interrupted.then(() => false),
  ]);
  grace.abort();
  if (!finishedInTime) {
    log(`${signal}: aborting ${inFlight.size === 1 ? 'the running check' : `${checks(inFlight.size)} running`}: ${[...inFlight.keys()].join(', ')}`);
    for (const controller of inFlight.values()) controller.abort(new GitdiffError(`interrupted by ${signal}`));
    const wait = new AbortController();
    await Promise.race([stopped, delay(ABORT_WAIT_MS, wait.signal)]);
    wait.abort();
  }
  watched.closeAll();
  // The last runs' events get what is left of the grace period.
  await webhooks.close(graceEndsAt - Date.now());
  await http.close();
  drift.close();
  cleanupSignals();
  log(finishedInTime ? 'stopped' : 'stopped, with checks cut short');
  return finishedInTime ? 0 : signalExitStatus(signal);
}
