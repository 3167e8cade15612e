// serve watching vs serve polling, side by side in one run: 10,000 declared
// objects in 50 namespaces against the project's test API server (TLS, a
// token), one kube check. After the first verdict, the bench changes one live
// ConfigMap at a time (20 changes: drift, then back) and times each change to
// the verdict that reflects it: `gitdiff_objects{status="diverged"}` moves on
// /metrics, and the run that moved it ended at `gitdiff_last_run_timestamp_seconds`.
// Then it reads the server's request log (no LIST between resyncs), serve's CPU
// over an idle stretch (/proc/PID/stat) and its peak RSS (/proc/PID/status VmHWM).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateCluster, type GeneratedCluster } from '../inputs/kube-cluster.js';
import { repoRoot, stats, type Stats } from '../measure.js';
import { ratio, type BenchContext, type Row, type Scenario, type ScenarioResult, type Target } from '../scenario.js';
import { startKubeApiServer, type KubeApiServer, type RecordedRequest } from '../../tools/kube-api-server/index.js';

const SCENARIO = 'serve: watch vs poll';
const gitdiff = path.join(repoRoot, 'bin/gitdiff');
const CLOCK_TICKS = 100; // USER_HZ on Linux: /proc/PID/stat counts CPU in 1/100 s

type Obj = Record<string, any>;

interface ModeResult {
  mode: 'watch' | 'poll';
  latencies: number[];
  /** LIST requests the server received after the first verdict. */
  listsAfterFirst: number;
  firstVerdictMs: number;
  idleCpuPercent: number;
  peakRssMb: number;
  idleSeconds: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A LIST: a GET of a collection path (no object name after the resource), not a watch. */
function isList(request: RecordedRequest): boolean {
  if (request.method !== 'GET' || request.query.watch === '1' || request.query.watch === 'true') return false;
  const parts = request.path.split('/').filter(Boolean);
  // /api/v1/[namespaces/NS/]RESOURCE  or  /apis/G/V/[namespaces/NS/]RESOURCE
  const rest = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : undefined;
  if (!rest || rest.length === 0) return false;
  const afterNamespace = rest[0] === 'namespaces' && rest.length >= 3 ? rest.slice(2) : rest;
  return afterNamespace.length === 1 && !(rest[0] === 'namespaces' && rest.length === 2);
}

async function metricsOf(port: number): Promise<{ diverged?: number; lastRun?: number }> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const diverged = /^gitdiff_objects\{[^}]*status="diverged"[^}]*\} (\S+)$/m.exec(text)?.[1];
    const lastRun = /^gitdiff_last_run_timestamp_seconds\{[^}]*\} (\S+)$/m.exec(text)?.[1];
    return { diverged: diverged === undefined ? undefined : Number(diverged), lastRun: lastRun === undefined ? undefined : Number(lastRun) * 1000 };
  } catch {
    return {};
  }
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  throw new Error(`${SCENARIO}: timed out after ${timeoutMs} ms waiting for ${what}`);
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15, counted after the command name)
}

function peakRssMb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** One live ConfigMap, changed (LOG_LEVEL) or put back as Git declares it. */
function withLogLevel(configMap: Obj, level: string): Obj {
  const copy = structuredClone(configMap);
  copy.data = { ...copy.data, LOG_LEVEL: level };
  return copy;
}

async function runMode(context: BenchContext, mode: 'watch' | 'poll', cluster: GeneratedCluster, dir: string, changes: number, pollInterval: string): Promise<ModeResult> {
  const server: KubeApiServer = await startKubeApiServer({ tls: true, token: 'bench-token' });
  let child: ChildProcess | undefined;
  try {
    for (const object of cluster.live) server.apply(object);
    const kubeconfig = server.writeKubeconfig(dir, { token: 'bench-token' });
    const config = path.join(dir, `gitdiff-serve-${mode}.yaml`);
    writeFileSync(config, [
      'checks:',
      '  - name: cluster',
      `    command: [kube, ${JSON.stringify(cluster.dir)}, --kubeconfig, ${JSON.stringify(kubeconfig)}]`,
      `    interval: ${mode === 'watch' ? '1h' : pollInterval}`,
      '    timeout: 5m',
      ...(mode === 'poll' ? ['    watch: false'] : []),
      '',
    ].join('\n'));
    const port = await freePort();
    const started = Date.now();
    child = spawn(process.execPath, [gitdiff, 'serve', '--config', config, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    const first = await until('the first verdict', 300_000, async () => {
      if (child!.exitCode !== null) throw new Error(`${SCENARIO}: serve exited ${child!.exitCode}: ${stderr}`);
      const read = await metricsOf(port);
      return read.diverged !== undefined ? read : undefined;
    }, 200);
    const firstVerdictMs = Date.now() - started;
    const requestsAtFirst = server.requests.length;

    // The ConfigMaps declared and in sync live: each change drifts one, the next puts it back.
    const inSync = cluster.live.filter((object) => object.kind === 'ConfigMap' && object.data?.LOG_LEVEL !== 'bench');
    const latencies: number[] = [];
    let expected = first.diverged!;
    for (let change = 0; change < changes; change++) {
      const target = inSync[Math.floor(change / 2) * 7 % inSync.length];
      const drifting = change % 2 === 0;
      const before = await metricsOf(port);
      const changedAt = Date.now();
      server.apply(drifting ? withLogLevel(target, 'bench') : target);
      expected += drifting ? 1 : -1;
      const seen = await until(`change ${change + 1} to reach the verdict`, 600_000, async () => {
        const read = await metricsOf(port);
        return read.diverged === expected && read.lastRun !== before.lastRun ? read : undefined;
      }, mode === 'watch' ? 20 : 200);
      latencies.push(Math.max(0, seen.lastRun! - changedAt));
      context.log(`${SCENARIO}: ${mode}: change ${change + 1}/${changes} in the verdict after ${latencies.at(-1)} ms`);
    }

    // Steady state: nothing changes; serve should do (almost) nothing.
    const idleSeconds = context.quick ? 2 : 10;
    await sleep(1000);
    const ticksBefore = cpuTicks(child.pid!);
    const idleStart = performance.now();
    await sleep(idleSeconds * 1000);
    const idleCpuPercent = ((cpuTicks(child.pid!) - ticksBefore) / CLOCK_TICKS) / ((performance.now() - idleStart) / 1000) * 100;
    const listsAfterFirst = server.requests.slice(requestsAtFirst).filter(isList).length;
    return { mode, latencies, listsAfterFirst, firstVerdictMs, idleCpuPercent, peakRssMb: peakRssMb(child.pid!), idleSeconds };
  } finally {
    child?.kill('SIGTERM');
    if (child && child.exitCode === null) await new Promise((resolve) => child!.once('exit', resolve));
    await server.close();
  }
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

function row(result: ModeResult, label: string, changes: number): Row {
  const latency: Stats = stats(result.latencies);
  return {
    scenario: SCENARIO,
    subject: `gitdiff serve, ${result.mode === 'watch' ? 'watching' : 'polling'}, ${label}`,
    wallMs: latency,
    peakRssMb: { median: result.peakRssMb, min: result.peakRssMb, max: result.peakRssMb, samples: 1 },
    requests: result.listsAfterFirst,
    note: `wall = change to verdict over ${changes} changes (p99 ${p99(result.latencies).toFixed(0)} ms); requests = LISTs after the first verdict; idle CPU ${result.idleCpuPercent.toFixed(2)}% of a core over ${result.idleSeconds} s; first verdict after ${(result.firstVerdictMs / 1000).toFixed(1)} s`,
  };
}

export const serveWatchScenario: Scenario = {
  id: 'serve-watch',
  title: SCENARIO,
  async run(context: BenchContext): Promise<ScenarioResult> {
    const shape = context.quick ? { objects: 100, namespaces: 5 } : { objects: 10_000, namespaces: 50 };
    const changes = context.quick ? 4 : 20;
    const pollChanges = context.quick ? 2 : 6;
    const pollInterval = context.quick ? '2s' : '30s';
    const label = `${shape.objects.toLocaleString('en-US')} objects in ${shape.namespaces} namespaces`;
    const dir = path.join(context.workDir, 'serve-watch');
    mkdirSync(dir, { recursive: true });
    context.log(`${SCENARIO}: generating ${label}`);
    const cluster = generateCluster(path.join(dir, 'manifests'), shape);
    const watch = await runMode(context, 'watch', cluster, dir, changes, pollInterval);
    const poll = await runMode(context, 'poll', cluster, dir, pollChanges, pollInterval);
    const watchP99 = p99(watch.latencies);
    const pollMedian = stats(poll.latencies).median;
    const targets: Target[] = [
      { scenario: SCENARIO, target: 'change to verdict p99 under 1 s (20+ changes)', measured: `${watchP99.toFixed(0)} ms over ${changes} changes (polling every ${pollInterval}: median ${(pollMedian / 1000).toFixed(1)} s, ${ratio(pollMedian, stats(watch.latencies).median)} watching)`, met: watchP99 < 1000 && (changes >= 20 || context.quick),
        why: `the slowest change took ${watchP99.toFixed(0)} ms: a change waits 75 ms for more to gather (serve's debounce), then one run compares from memory; on ${os.cpus().length} cores shared with the API server and the bench, a garbage collection or a busy core adds the rest` },
      { scenario: SCENARIO, target: 'no LIST between resyncs in steady state', measured: `${watch.listsAfterFirst} LISTs after the first verdict (polling: ${poll.listsAfterFirst})`, met: watch.listsAfterFirst === 0,
        why: 'a LIST after the first verdict means a watch was lost (410 Gone, a dropped connection) and the kind listed again: the server log of the run says which' },
      { scenario: SCENARIO, target: 'idle CPU under 1% of a core', measured: `${watch.idleCpuPercent.toFixed(2)}% over ${watch.idleSeconds} s (polling: ${poll.idleCpuPercent.toFixed(2)}%)`, met: watch.idleCpuPercent < 1,
        why: 'with nothing changing, serve still reads bookmarks (the test API server sends one a second on each watch; a real one about one a minute) and polls the manifests\' stat (at most 0.5% of a core by design: src/sources/kube/watch-session.ts); the watches\' timers and V8\'s own idle work make the rest' },
      { scenario: SCENARIO, target: 'peak RSS under 300 MB', measured: `${watch.peakRssMb.toFixed(0)} MB (polling: ${poll.peakRssMb.toFixed(0)} MB)`, met: watch.peakRssMb < 300,
        why: 'serve holds the declared objects, the live objects (stripped: see src/sources/kube/cluster/held-object.ts), each item of the last run and its report' },
    ];
    return {
      rows: [row(watch, label, changes), row(poll, label, pollChanges)],
      targets,
      notes: [
        `${SCENARIO}: ${label}, one kube check; each change edits one live ConfigMap's LOG_LEVEL through the test API server (drift, then back). Latency is from the change to the end of the run whose verdict shows it (gitdiff_last_run_timestamp_seconds, read from /metrics); idle CPU is serve's own (utime + stime from /proc) over a stretch with no change; ${os.cpus().length} cores shared with the API server and the bench.`,
        `${SCENARIO}: polling re-LISTs every kind and namespace every ${pollInterval} and recompares everything: a change waits for the next interval plus a full run. Each change here is made as soon as the previous one shows, which is just after a poll, so each waits almost a whole interval: the worst case (half an interval on average for changes at random times); ${pollChanges} changes were timed.`,
      ],
    };
  },
};
