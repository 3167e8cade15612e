// Large values: a ConfigMap holding a 5 MB file that differs in one line, a
// ConfigMap holding 100 KB whose every line ending changed (a diff would be
// quadratic: a summary instead), and a Deployment with 500 containers, one of
// them drifted. All are served by the project's test API server (live objects
// with defaults, managedFields and status, as a real server returns them) and
// read by `gitdiff kube` over HTTP.
// Besides time, the output must stay readable: the changed lines with a little
// context, never the whole value.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startKubeApiServer } from '../../tools/kube-api-server/index.js';
import { compareCommands, repoRoot } from '../measure.js';
import type { BenchContext, Row, Scenario, ScenarioResult, Target } from '../scenario.js';

const gitdiff = path.join(repoRoot, 'bin/gitdiff');
const READABLE_MAX_LINES = 40;

interface Case {
  subject: string;
  declared: object;
  live: object;
  /** A line the output must show: the change itself. */
  mustShow: string;
}

/** A config file of `bytes` bytes, numbered lines; `changedLine` reads differently live. */
function configMapCase(bytes: number): Case {
  const lines: string[] = [];
  for (let size = 0; size < bytes; size += lines[lines.length - 1].length + 1) lines.push(`setting.${lines.length} = ${'v'.repeat(48)} # line ${lines.length}`);
  const lineCount = lines.length;
  const changedLine = Math.floor(lineCount / 2);
  const liveLines = [...lines];
  liveLines[changedLine] = `setting.${changedLine} = edited-in-the-cluster`;
  const configMap = (text: string) => ({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'big-config', namespace: 'bench', labels: { app: 'big-config' } },
    data: { 'app.properties': text },
  });
  const size = (lines.join('\n').length / 1024 ** 2).toFixed(1);
  return { subject: `ConfigMap, one ${size} MB value, 1 line differs`, declared: configMap(lines.join('\n')), live: configMap(liveLines.join('\n')), mustShow: `setting.${changedLine} = edited-in-the-cluster` };
}

/** A config file of `bytes` bytes whose every line ending changed live (CRLF): too different to diff, shown as a summary. */
function lineEndingsCase(bytes: number): Case {
  const lines: string[] = [];
  for (let size = 0; size < bytes; size += lines[lines.length - 1].length + 1) lines.push(`setting.${lines.length} = value ${lines.length}`);
  const configMap = (text: string) => ({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'crlf-config', namespace: 'bench', labels: { app: 'crlf-config' } },
    data: { 'app.properties': text },
  });
  return {
    subject: `ConfigMap, one ${Math.round(bytes / 1024)} KB value, every line ending differs`,
    declared: configMap(`${lines.join('\n')}\n`),
    live: configMap(`${lines.join('\r\n')}\r\n`),
    mustShow: 'only the line endings differ',
  };
}

function deploymentCase(containers: number): Case {
  const container = (index: number, image: string) => ({
    name: `worker-${index}`,
    image,
    args: ['--queue', `q-${index}`],
    env: [{ name: 'WORKER_ID', value: String(index) }, { name: 'LOG_LEVEL', value: 'info' }],
    ports: [{ containerPort: 8000 + index, name: `http-${index}` }],
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 8000 + index }, periodSeconds: 10 },
  });
  const drifted = Math.floor(containers / 2);
  const deployment = (imageOf: (index: number) => string) => ({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'many-containers', namespace: 'bench', labels: { app: 'many-containers' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'many-containers' } },
      template: {
        metadata: { labels: { app: 'many-containers' } },
        spec: { containers: Array.from({ length: containers }, (_, index) => container(index, imageOf(index))) },
      },
    },
  });
  return {
    subject: `Deployment, ${containers} containers, 1 image differs`,
    declared: deployment(() => 'registry.example.com/worker:1.4.2'),
    live: deployment((index) => (index === drifted ? 'registry.example.com/worker:1.4.3-hotfix' : 'registry.example.com/worker:1.4.2')),
    mustShow: 'registry.example.com/worker:1.4.3-hotfix',
  };
}

export const largeValuesScenario: Scenario = {
  id: 'large-values',
  title: 'Large values',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const cases = context.quick
      ? [configMapCase(256 * 1024), lineEndingsCase(16 * 1024), deploymentCase(50)]
      : [configMapCase(5 * 1024 ** 2), lineEndingsCase(100 * 1024), deploymentCase(500)];
    const server = await startKubeApiServer({ objects: cases.map((each) => each.live) });
    try {
      const kubeconfig = server.writeKubeconfig(path.join(context.workDir, 'large-values'));
      const commands = cases.map((each, index) => {
        const file = path.join(context.workDir, 'large-values', `case-${index}.yaml`);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, JSON.stringify(each.declared)); // JSON is YAML: a 5 MB block scalar would read the same
        return { command: gitdiff, args: ['kube', file, '--kubeconfig', kubeconfig, '--no-color'], options: { okExitCodes: [1] } };
      });
      const results = await compareCommands(context.plan, commands);
      const scenario = 'Large values';
      const rows: Row[] = [];
      const targets: Target[] = [];
      for (const [index, each] of cases.entries()) {
        const result = results[index];
        const output = result.last.stdout;
        const outputLines = output.trimEnd().split('\n').length;
        const readable = outputLines <= READABLE_MAX_LINES && output.includes(each.mustShow);
        rows.push({ scenario, subject: `gitdiff: ${each.subject}`, wallMs: result.wallMs, cpuMs: result.cpuMs, peakRssMb: result.peakRssMb, note: `output: ${outputLines} lines, ${output.length} bytes` });
        targets.push({ scenario, target: `${each.subject}: under 1 s`, measured: `${result.wallMs.median.toFixed(0)} ms`, met: result.wallMs.median < 1000 });
        targets.push({
          scenario,
          target: `${each.subject}: output readable (the change with context, not the whole value)`,
          measured: `${outputLines} lines; ${output.includes(each.mustShow) ? 'shows' : 'does NOT show'} the change`,
          met: readable,
          why: readable ? undefined : `more than ${READABLE_MAX_LINES} lines, or the changed line is missing`,
        });
      }
      return {
        rows,
        targets,
        notes: [
          'Both objects are stored in the test API server (which adds defaults, managedFields and status as kube-apiserver does) and read by `gitdiff kube FILE --kubeconfig` over HTTP, so the time covers the whole run: start-up, reading the manifest, fetching, comparing and printing.',
          `Readable means at most ${READABLE_MAX_LINES} lines of output that include the changed line: a multi-line value is shown as a unified diff with three lines of context, and list items are named by their key (\`containers[name=worker-250].image\`), not printed whole.`,
        ],
      };
    } finally {
      await server.close();
    }
  },
};
