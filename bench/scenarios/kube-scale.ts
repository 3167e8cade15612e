// Kube at scale: 1,000 and 10,000 declared objects (Deployments, Services,
// ConfigMaps, Secrets, ServiceAccounts across 50 namespaces) against the
// project's test API server on 127.0.0.1 (TLS and a bearer token, as a real
// cluster), side by side with what kubediff does (one `kubectl get -o json` per
// object, in sequence) and with the floor of a kubectl script (one
// `kubectl get KIND -A -o json` per kind). The server runs in this process: its
// CPU per run is measured too, to show it is not what limits the others.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCluster, KINDS_PER_APP, type GeneratedCluster } from '../inputs/kube-cluster.js';
import { compareCommands, measureCommand, repoRoot, stats, type Repeated, type RepeatPlan, type Stats } from '../measure.js';
import { ratio, type BenchContext, type Row, type Scenario, type ScenarioResult, type Target } from '../scenario.js';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';

const gitdiff = path.join(repoRoot, 'bin/gitdiff');
const SCENARIO = 'Kube at scale';
const RESOURCES: Record<string, string> = {
  Deployment: 'deployments.apps', Service: 'services', ConfigMap: 'configmaps', Secret: 'secrets', ServiceAccount: 'serviceaccounts',
};

interface Subject {
  name: string;
  command: string;
  args: string[];
  okExitCodes: number[];
}

interface SubjectResult extends Repeated {
  /** Requests the server received in one run (the median; they do not vary), and how many of them were discovery. */
  requests: number;
  discoveryRequests: number;
  /** CPU the server (this process) spent during one run, median. */
  serverCpuMs: Stats;
}

/**
 * compareCommands, also counting each run's requests and the server's CPU
 * (this process's, measured around the run: the bench does nothing else meanwhile).
 */
async function measureSideBySide(plan: RepeatPlan, server: KubeApiServer, subjects: Subject[]): Promise<SubjectResult[]> {
  const readings = subjects.map(() => ({ requests: [] as number[], discovery: [] as number[], serverCpu: [] as number[] }));
  let cpuBefore = process.cpuUsage();
  const results = await compareCommands(plan, subjects.map((subject, index) => ({
    command: subject.command,
    args: subject.args,
    options: {
      okExitCodes: subject.okExitCodes,
      before: () => {
        server.requests.length = 0;
        cpuBefore = process.cpuUsage();
      },
      after: () => {
        const cpu = process.cpuUsage(cpuBefore);
        readings[index].requests.push(server.requests.length);
        readings[index].discovery.push(server.requests.filter(({ path: requested }) => isDiscovery(requested)).length);
        readings[index].serverCpu.push((cpu.user + cpu.system) / 1000);
      },
    },
  })));
  // The hooks ran for the warm-ups too: keep the measured runs' readings.
  const measured = (values: number[]): Stats => stats(values.slice(-plan.repeats));
  return results.map((result, index) => ({
    ...result,
    requests: measured(readings[index].requests).median,
    discoveryRequests: measured(readings[index].discovery).median,
    serverCpuMs: measured(readings[index].serverCpu),
  }));
}

/** Discovery and schema documents (/version, /api, /api/v1, /apis, /apis/G, /apis/G/V, /openapi/...), not objects. */
function isDiscovery(requested: string): boolean {
  return /^\/(version|openapi)(\/|$)/.test(requested) || /^\/api(\/[^/]+)?\/?$/.test(requested) || /^\/apis(\/[^/]+){0,2}\/?$/.test(requested);
}

/** The stage times `gitdiff kube --debug` logs ("read 10000 declared objects (812 ms)"), as one phrase. */
async function stagesOf(manifests: string, kubeconfig: string): Promise<string> {
  const run = await measureCommand(gitdiff, ['kube', manifests, '--kubeconfig', kubeconfig, '--debug'], { okExitCodes: [1] });
  const stages = [...run.stderr.matchAll(/^debug: (read \d+ declared objects|scoped \d+ kinds|fetched \d+ live objects)[^(]*\((\d+) ms\)$/gm)]
    .map((match) => `${match[1]} by ${match[2]} ms`);
  return `${stages.join(', ')}, exit at ${run.wallMs.toFixed(0)} ms`;
}

/** Every n-th declared object, `count` in all: the sample the per-object loop reads. */
function sampleOf<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  const step = items.length / count;
  return Array.from({ length: count }, (_, index) => items[Math.floor(index * step)]);
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function scaled(value: Stats, factor: number): Stats {
  return { median: value.median * factor, min: value.min * factor, max: value.max * factor, samples: value.samples };
}

interface SizeResult {
  rows: Row[];
  targets: Target[];
  notes: string[];
}

async function measureSize(context: BenchContext, objects: number, namespaces: number, sampleSize: number, judge: boolean): Promise<SizeResult> {
  const label = `${objects.toLocaleString('en-US')} objects`;
  const dir = path.join(context.workDir, `kube-scale-${objects}`);
  const manifests = path.join(dir, 'manifests');
  context.log(`${SCENARIO}: generating ${label} in ${namespaces} namespaces`);
  const cluster: GeneratedCluster = generateCluster(manifests, { objects, namespaces });
  const server = await startKubeApiServer({ tls: true, token: 'bench-token' });
  try {
    const loadStart = performance.now();
    for (const object of cluster.live) server.apply(object);
    const loadMs = performance.now() - loadStart;
    const kubeconfig = server.writeKubeconfig(dir, { token: 'bench-token' });
    const cacheDir = path.join(dir, 'kubectl-cache');
    const kubectl = `kubectl --kubeconfig ${shellQuote(kubeconfig)} --cache-dir ${shellQuote(cacheDir)}`;
    // Warm kubectl's discovery cache once, as on a workstation that has used the cluster before.
    await measureCommand('sh', ['-c', `${kubectl} api-resources >/dev/null`]);

    const sample = sampleOf(cluster.declared, sampleSize);
    const perObjectScript = path.join(dir, 'per-object.sh');
    writeFileSync(perObjectScript, sample.map(({ kind, namespace, name }) =>
      `${kubectl} get ${RESOURCES[kind]} ${shellQuote(name)} -n ${shellQuote(namespace)} -o json >/dev/null || exit 2`).join('\n') + '\n');
    const perKindScript = path.join(dir, 'per-kind.sh');
    writeFileSync(perKindScript, KINDS_PER_APP.map((kind) => `${kubectl} get ${RESOURCES[kind]} -A -o json >/dev/null || exit 2`).join('\n') + '\n');

    const plan: RepeatPlan = context.quick ? context.plan : { warmups: 1, repeats: 5 };
    // The machine may be shared: its load says how much other work competed with the runs.
    const loadBefore = os.loadavg()[0];
    const [ours, perObject, perKind] = await measureSideBySide(plan, server, [
      { name: 'gitdiff', command: gitdiff, args: ['kube', manifests, '--kubeconfig', kubeconfig], okExitCodes: [1] },
      { name: 'per object', command: 'sh', args: [perObjectScript], okExitCodes: [0] },
      { name: 'per kind', command: 'sh', args: [perKindScript], okExitCodes: [0] },
    ]);
    const load = `the 1-minute load average was ${loadBefore.toFixed(1)} before and ${os.loadavg()[0].toFixed(1)} after the runs, on ${os.cpus().length} cores`;
    // The text report's last line: "100 diverged, 9900 in sync (10000 objects, 2.1 s)".
    const summary = /(\d+) diverged, (\d+) in sync \((\d+) objects/.exec(ours.last.stdout);
    const diverged = summary ? Number(summary[1]) : -1;
    if (diverged !== cluster.drifted || Number(summary![3]) !== cluster.declared.length) {
      throw new Error(`${SCENARIO}: gitdiff found ${diverged} objects out of sync, the generator drifted ${cluster.drifted}`);
    }
    const factor = cluster.declared.length / sample.length;
    const perObjectWall = scaled(perObject.wallMs, factor);
    const perObjectRequestsPerObject = perObject.requests / sample.length;
    const speedup = perObjectWall.median / ours.wallMs.median;
    const serverNote = (result: SubjectResult): string => `server CPU ${result.serverCpuMs.median.toFixed(0)} ms`;

    const rows: Row[] = [
      {
        scenario: SCENARIO, subject: `gitdiff kube, ${label}`, wallMs: ours.wallMs, cpuMs: ours.cpuMs, peakRssMb: ours.peakRssMb, requests: ours.requests,
        note: `${ours.discoveryRequests} of the requests discovery/OpenAPI; ${diverged} drifted found; ${serverNote(ours)}`,
      },
      {
        scenario: SCENARIO, subject: `kubectl get per object (kubediff), ${label}`, wallMs: perObjectWall, cpuMs: scaled(perObject.cpuMs, factor),
        peakRssMb: perObject.peakRssMb, requests: Math.round(perObjectRequestsPerObject * cluster.declared.length),
        note: `EXTRAPOLATED x${factor.toFixed(0)} from ${sample.length} objects (${perObject.wallMs.median.toFixed(0)} ms measured); ${ratio(perObjectWall.median, ours.wallMs.median)} gitdiff`,
      },
      {
        scenario: SCENARIO, subject: `kubectl get KIND -A per kind, ${label}`, wallMs: perKind.wallMs, cpuMs: perKind.cpuMs, peakRssMb: perKind.peakRssMb, requests: perKind.requests,
        note: `${KINDS_PER_APP.length} kinds, lists only (no comparison); ${ratio(perKind.wallMs.median, ours.wallMs.median)} gitdiff; ${serverNote(perKind)}`,
      },
    ];
    const notes = [
      `${label}: ${cluster.files} files (${(cluster.bytes / 1024 ** 2).toFixed(1)} MB of YAML, five documents each) in ${namespaces} namespace folders; ${cluster.drifted} objects drifted live. Loading the server took ${(loadMs / 1000).toFixed(1)} s (not measured).`,
      `${label}: the per-object kubectl loop ran on ${sample.length} of the ${cluster.declared.length} objects (every ${factor.toFixed(0)}th) and its wall, CPU and requests are multiplied by ${factor.toFixed(0)}: extrapolated linearly, not measured at full size (it would take ${(perObjectWall.median / 60_000).toFixed(0)} min). Its peak RSS is that of one kubectl.`,
      `${label}: where gitdiff's time goes (one more run with --debug, not counted): ${await stagesOf(manifests, kubeconfig)}; ${load}.`,
    ];
    if (!judge) return { rows, targets: [], notes };

    const kindCount = KINDS_PER_APP.length;
    const requestBudget = kindCount * namespaces + ours.discoveryRequests;
    const autoscalerLists = ours.requests - requestBudget;
    const yamlMb = (cluster.bytes / 1024 ** 2).toFixed(1);
    const targets: Target[] = [
      {
        scenario: SCENARIO, target: `${label} in under 3 s wall`, measured: `${(ours.wallMs.median / 1000).toFixed(2)} s`, met: ours.wallMs.median < 3000,
        why: `one process does it all on one thread: walking and parsing ${yamlMb} MB of YAML (js-yaml), JSON-parsing every LIST body (${cluster.declared.length} objects with managedFields and last-applied annotations) and comparing them with the published schemas, on cores shared with the API server (${load}); the notes give the stage split`,
      },
      {
        scenario: SCENARIO, target: 'requests no more than (kinds x namespaces) + discovery',
        measured: `${ours.requests} (budget ${kindCount} x ${namespaces} + ${ours.discoveryRequests} discovery = ${requestBudget})`, met: ours.requests <= requestBudget,
        why: `${autoscalerLists === 1 ? 'the one request' : `the ${autoscalerLists} requests`} over budget: gitdiff also reads the live HorizontalPodAutoscalers (one cluster-wide LIST, per namespace only where that is forbidden), so that spec.replicas an autoscaler manages is not reported as drift (--no-ignore-hpa-replicas turns it off)`,
      },
      { scenario: SCENARIO, target: 'peak RSS under 400 MB', measured: `${ours.peakRssMb.median.toFixed(0)} MB`, met: ours.peakRssMb.median < 400 },
      {
        scenario: SCENARIO, target: 'at least 50x faster than per-object kubectl', measured: `${speedup.toFixed(0)}x (per-object kubectl extrapolated from ${sample.length} objects)`, met: speedup >= 50,
        why: `gitdiff's fixed cost (start-up, discovery, the OpenAPI documents, ${ours.requests} requests) weighs most at ${label}, while the per-object loop only grows with the count`,
      },
    ];
    return { rows, targets, notes };
  } finally {
    await server.close();
  }
}

export const kubeScaleScenario: Scenario = {
  id: 'kube-scale',
  title: SCENARIO,
  async run(context: BenchContext): Promise<ScenarioResult> {
    mkdirSync(context.workDir, { recursive: true });
    const sizes = context.quick
      ? [{ objects: 100, namespaces: 5, sample: 10, judge: true }]
      : [{ objects: 1000, namespaces: 50, sample: 50, judge: false }, { objects: 10_000, namespaces: 50, sample: 100, judge: true }];
    const results: SizeResult[] = [];
    for (const size of sizes) results.push(await measureSize(context, size.objects, size.namespaces, size.sample, size.judge));
    return {
      rows: results.flatMap((result) => result.rows),
      targets: results.flatMap((result) => result.targets),
      notes: results.flatMap((result) => result.notes),
    };
  },
};
