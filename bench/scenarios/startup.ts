// Start-up: `gitdiff --version` against a bare `node -e 0`, a whole small
// `gitdiff kube --live-from` run, and which heavy packages each path loads
// (traced with bench/trace-modules.mjs, not guessed).
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { compareCommands, measureCommand, repoRoot } from '../measure.js';
import { ratio, type BenchContext, type Scenario, type ScenarioResult } from '../scenario.js';

const gitdiff = path.join(repoRoot, 'bin/gitdiff');
const example = ['kube', 'fixtures/example/manifests', '--live-from', 'fixtures/example/live.yaml'];

/** Packages that must load only on the paths that use them. */
export const HEAVY_PACKAGES = ['@kubernetes/client-node', 'execa', 'prom-client', 'node-sqlite3-wasm'];

/** The heavy packages a gitdiff command loads, by tracing every module it resolves. */
export async function heavyPackagesLoaded(args: string[], workDir: string, okExitCodes = [0, 1]): Promise<string[]> {
  const traceFile = path.join(workDir, `modules-${process.hrtime.bigint()}.txt`);
  try {
    await measureCommand(process.execPath, ['--import', path.join(repoRoot, 'bench/trace-modules.mjs'), gitdiff, ...args], {
      env: { ...process.env, GITDIFF_TRACE_MODULES: traceFile },
      okExitCodes,
    });
    const loaded = readFileSync(traceFile, 'utf8');
    return HEAVY_PACKAGES.filter((name) => loaded.includes(`/node_modules/${name}/`));
  } finally {
    rmSync(traceFile, { force: true });
  }
}

export const startupScenario: Scenario = {
  id: 'startup',
  title: 'Start-up',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const plan = context.quick ? context.plan : { warmups: 3, repeats: 20 };
    const [bareNode, version, kubeSmall] = await compareCommands(plan, [
      { command: process.execPath, args: ['-e', '0'] },
      { command: gitdiff, args: ['--version'] },
      { command: gitdiff, args: example, options: { okExitCodes: [1] } },
    ]);
    const versionRatio = version.wallMs.median / bareNode.wallMs.median;
    const scenario = 'Start-up';
    const paths: [string, string[]][] = [
      ['gitdiff --version', ['--version']],
      ['gitdiff kube --live-from (4 objects)', example],
      ['gitdiff kube --live-from -o json', [...example, '-o', 'json']],
    ];
    const loaded = await Promise.all(paths.map(([, args]) => heavyPackagesLoaded(args, context.workDir)));
    const offenders = paths.flatMap(([name], index) => (loaded[index].length ? [`${name} loads ${loaded[index].join(', ')}`] : []));
    return {
      rows: [
        { scenario, subject: 'node -e 0', wallMs: bareNode.wallMs, cpuMs: bareNode.cpuMs, peakRssMb: bareNode.peakRssMb },
        { scenario, subject: 'gitdiff --version', wallMs: version.wallMs, cpuMs: version.cpuMs, peakRssMb: version.peakRssMb, note: `${ratio(version.wallMs.median, bareNode.wallMs.median)} node -e 0` },
        { scenario, subject: 'gitdiff kube --live-from (4 objects)', wallMs: kubeSmall.wallMs, cpuMs: kubeSmall.cpuMs, peakRssMb: kubeSmall.peakRssMb, note: `${ratio(kubeSmall.wallMs.median, bareNode.wallMs.median)} node -e 0` },
      ],
      targets: [
        { scenario, target: '`gitdiff --version` within 1.5x of `node -e 0`', measured: `${versionRatio.toFixed(2)}x`, met: versionRatio <= 1.5 },
        { scenario, target: '`gitdiff kube --live-from` on one small file under 300 ms', measured: `${kubeSmall.wallMs.median.toFixed(0)} ms`, met: kubeSmall.wallMs.median < 300 },
        {
          scenario,
          target: `${HEAVY_PACKAGES.join(', ')} load only on the paths that use them`,
          measured: offenders.length ? offenders.join('; ') : `none loaded by ${paths.map(([name]) => name).join(', ')}`,
          met: offenders.length === 0,
        },
      ],
      notes: [
        'Each command is a new process, as in a shell or a CronJob; wall time is from spawn to exit. `gitdiff --version` is answered by bin/gitdiff before the CLI (commander, renderers, sources) loads.',
        `Heavy packages are found by tracing every module a run resolves (\`node --import bench/trace-modules.mjs\`): ${HEAVY_PACKAGES.join(', ')} must not appear on the --version path or a snapshot comparison without metrics. The Kubernetes client loads only to connect to a cluster, execa only to run terraform, ansible-playbook, git or kubectl, prom-client only when metrics are exported.`,
      ],
    };
  },
};
