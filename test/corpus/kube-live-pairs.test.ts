// Real declared/live pairs written by others (../shared/fixtures/kubernetes/live,
// see its SOURCES.md): each with the verdict a careful operator would give, and why.
// gitdiff runs as a process with --live-from, the default (subset) mode; the
// server-side dry-run results (*-predicted-live.json) are replayed by the test
// API server for --server-side.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportProblems } from '../support/report-schema.js';
import { runGitdiff } from '../support/run-cli.js';
import { sharedCorpus } from '../support/shared-corpus.js';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';

const { dir: live, present } = sharedCorpus('kubernetes/live', 'the Kubernetes corpus of declared/live pairs');

interface Pair {
  declared: string;
  live: string;
  namespace?: string;
  status: 'in-sync' | 'diverged';
  /** The changed paths gitdiff must report (all of them, in order), for diverged pairs. */
  paths?: string[];
  why: string;
}

const gitops = 'argocd-gitops-engine-diff';
const PAIRS: Pair[] = [
  { declared: `${gitops}/deployment-config.json`, live: `${gitops}/deployment-live.json`, status: 'in-sync', why: 'defaults and status only; the extra live env var VAR2 is not declared, and subset mode ignores additions (strict mode is for those)' },
  { declared: `${gitops}/elasticsearch-config.json`, live: `${gitops}/elasticsearch-live.json`, namespace: 'elasticsearch4', status: 'in-sync', why: 'StatefulSet defaults, volumeClaimTemplate status and status only' },
  { declared: `${gitops}/aggr-clusterrole-config.json`, live: `${gitops}/aggr-clusterrole-live.json`, status: 'in-sync', why: 'rules are filled in by the aggregation controller; Git declares none' },
  { declared: `${gitops}/grafana-clusterrole-config.json`, live: `${gitops}/grafana-clusterrole-live.json`, status: 'in-sync', why: 'rules: [] in Git is rules: null live: both say no rules' },
  { declared: `${gitops}/endpoints-config.json`, live: `${gitops}/endpoints-live.json`, status: 'in-sync', why: 'managedFields and the default protocol only' },
  { declared: `${gitops}/mutatingwebhookconfig-config.json`, live: `${gitops}/mutatingwebhookconfig-live.json`, status: 'in-sync', why: 'injected caBundle and webhook defaults are additions' },
  { declared: `${gitops}/sealedsecret-config.json`, live: `${gitops}/sealedsecret-live.json`, status: 'in-sync', why: 'server metadata only' },
  { declared: `${gitops}/spinnaker-sa-config.json`, live: `${gitops}/spinnaker-sa-live.json`, status: 'in-sync', why: 'the token secret was added by the token controller' },
  { declared: `${gitops}/wordpress-config.json`, live: `${gitops}/wordpress-live.json`, namespace: 'argocd', status: 'in-sync', why: 'a Secret value "" is stored as empty bytes, which the API returns as null' },
  { declared: `${gitops}/smd-deploy-config.yaml`, live: `${gitops}/smd-deploy-live.yaml`, status: 'in-sync', why: 'defaults, managedFields and status' },
  { declared: `${gitops}/smd-deploy2-config.yaml`, live: `${gitops}/smd-deploy2-live.yaml`, status: 'in-sync', why: 'container ports keyed by containerPort+protocol match in any order' },
  { declared: `${gitops}/smd-service-config.yaml`, live: `${gitops}/smd-service-live.yaml`, status: 'diverged', paths: ['spec.ports[port=1935].targetPort'], why: 'Git says targetPort 1936, live runs 1935' },
  { declared: `${gitops}/smd-service-config-ports.yaml`, live: `${gitops}/smd-service-live.yaml`, status: 'diverged', paths: ['spec.ports[port=1935,protocol=UDP]', 'spec.ports[port=443,protocol=UDP]'], why: 'two UDP ports Git declares are not live (port+protocol is the key)' },
  { declared: `${gitops}/smd-service-config-2-ports.yaml`, live: `${gitops}/smd-service-live-with-type.yaml`, status: 'in-sync', why: 'both declared ports are live; type LoadBalancer fields are additions' },
  { declared: `${gitops}/ssd-configmap-config.yaml`, live: `${gitops}/ssd-configmap-live.yaml`, status: 'in-sync', why: 'same data' },
  { declared: `${gitops}/ssd-deploy-composite-key-config.yaml`, live: `${gitops}/ssd-deploy-composite-key-live.yaml`, status: 'diverged', paths: ['spec.template.spec.containers[name=nginx].ports[containerPort=8080]'], why: 'a declared container port is not live' },
  { declared: `${gitops}/ssd-deploy-nested-config.yaml`, live: `${gitops}/ssd-deploy-nested-live.yaml`, status: 'diverged', paths: ['spec.template.spec.containers[name=main-container].ports[containerPort=443]', 'spec.template.spec.containers[name=main-container].env[name=ENV_VAR2]'], why: 'a declared port and env var are not live' },
  { declared: `${gitops}/ssd-deploy-with-manual-apply-config.yaml`, live: `${gitops}/ssd-deploy-with-manual-apply-live.yaml`, status: 'diverged', paths: ['spec.template.spec.containers[name=main-container].ports[containerPort=40]'], why: 'a declared port is not live (someone applied another by hand)' },
  { declared: `${gitops}/ssd-service-config.yaml`, live: `${gitops}/ssd-service-live.yaml`, status: 'in-sync', why: 'defaults only' },
  { declared: `${gitops}/ssd-svc-no-label-config.yaml`, live: `${gitops}/ssd-svc-label-live.yaml`, status: 'in-sync', why: 'a label removed from Git but still live is an addition: invisible to subset mode by design (strict mode reports it)' },
  { declared: 'argocd-controller/target-deployment.yaml', live: 'argocd-controller/live-deployment.yaml', status: 'diverged', paths: ['spec.replicas', 'metadata.annotations.iksm-version'], why: 'replicas 1 in Git, 4 live; the annotation was changed by another field manager' },
  { declared: 'argocd-controller/target-pdb.yaml', live: 'argocd-controller/live-pdb.yaml', status: 'diverged', paths: ['spec.selector.matchLabels.app', 'spec.selector.matchLabels.version'], why: 'the selector was changed live' },
  { declared: 'kubectl/rc-declared.yaml', live: 'kubectl/rc-live-managedfields-lastapplied.yaml', status: 'in-sync', why: 'defaults, managedFields and status only' },
  { declared: 'kubectl/deploy-declared-recreate.yaml', live: 'kubectl/deploy-live-rollingupdate.yaml', namespace: 'test', status: 'diverged', paths: ['spec.strategy.type', 'spec.strategy.rollingUpdate'], why: 'Git says Recreate (rollingUpdate: null), live runs RollingUpdate' },
  ...['pod1', 'pv1', 'secret1', 'service1', 'role', 'list1'].map((name): Pair => ({
    declared: `kubectl-neat/${name}-neat.json`, live: `kubectl-neat/${name}-raw.json`, status: 'in-sync', why: 'kubectl-neat removed only server-set fields',
  })),
];

/** Objects that carry their last kubectl apply: the annotation is the declared state, the object the live one. */
const LAST_APPLIED: { live: string; status: 'in-sync' | 'diverged'; paths?: string[]; why: string }[] = [
  { live: 'k9s/sts.json', status: 'diverged', paths: ['spec.replicas'], why: '4 replicas live, 2 last applied' },
  ...['cj', 'cm', 'crd', 'dp', 'ds', 'hpa', 'ing', 'np', 'pdb', 'po', 'svc'].map((name) => ({ live: `k9s/${name}.json`, status: 'in-sync' as const, why: 'live matches its last apply' })),
  { live: 'argocd-gitops-engine-health/statefulset.yaml', status: 'in-sync', why: 'live matches its last apply' },
  { live: 'argocd-gitops-engine-health/deployment-progressing.yaml', status: 'in-sync', why: 'a rollout in progress is status, not drift' },
];

/** --strict on the same pairs: additions live has beyond Git become divergence; the platform's own additions do not. */
const STRICT_DIVERGED: Record<string, string[]> = {
  [`${gitops}/deployment-config.json`]: ['spec.template.spec.containers[name=guestbook-ui].env[name=VAR2]'],
  [`${gitops}/ssd-svc-no-label-config.yaml`]: ['metadata.labels.delete-me'],
  [`${gitops}/ssd-configmap-config.yaml`]: ['data.key3'],
  [`${gitops}/smd-deploy2-config.yaml`]: ['spec.template.spec.containers[name=nginx].ports[containerPort=8080,protocol=TCP]'],
  [`${gitops}/smd-service-config-2-ports.yaml`]: ['spec.ports[port=443,protocol=TCP]'],
};

async function verdict(declared: string, liveFile: string, namespace?: string, extra: string[] = []) {
  const args = ['kube', declared, '--live-from', liveFile, '-o', 'json', ...(namespace ? ['-n', namespace] : []), ...extra];
  const result = await runGitdiff(args);
  expect(result.stderr).toBe('');
  const report = JSON.parse(result.stdout);
  expect(reportProblems(report)).toEqual([]);
  return { code: result.code, statuses: report.items.map((item: { status: string }) => item.status), paths: report.items.flatMap((item: { changes: { path: string }[] }) => item.changes.map((change) => change.path)) };
}

describe.skipIf(!present)('Kubernetes corpus: real declared/live pairs', () => {
  it.each(PAIRS)('$declared vs $live: $status ($why)', async (pair) => {
    const { code, statuses, paths } = await verdict(path.join(live, pair.declared), path.join(live, pair.live), pair.namespace);
    expect(statuses.every((status: string) => status === pair.status)).toBe(true);
    expect(code).toBe(pair.status === 'in-sync' ? 0 : 1);
    expect(paths).toEqual(pair.paths ?? []);
  });

  it.each(PAIRS.filter((pair) => pair.status === 'in-sync'))('--strict $declared vs $live', async (pair) => {
    const { code, paths } = await verdict(path.join(live, pair.declared), path.join(live, pair.live), pair.namespace, ['--strict']);
    const expected = STRICT_DIVERGED[pair.declared] ?? [];
    expect(paths).toEqual(expected);
    expect(code).toBe(expected.length > 0 ? 1 : 0);
  });

  it.each(LAST_APPLIED)('$live against its last-applied-configuration: $status ($why)', async (pair) => {
    const object = load(readFileSync(path.join(live, pair.live), 'utf8')) as { metadata: { annotations: Record<string, string> } };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-corpus-'));
    const declared = path.join(dir, 'last-applied.json');
    writeFileSync(declared, object.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    const { code, paths } = await verdict(declared, path.join(live, pair.live));
    expect(code).toBe(pair.status === 'in-sync' ? 0 : 1);
    expect(paths).toEqual(pair.paths ?? []);
  });
});

/**
 * Server-side dry-run results of the matching `*-config.yaml` (`*-predicted-live.json`), against
 * the live object. Where the result is a server's answer, the test API server replays it (its GET
 * answers the live file, its dry-run PATCH the predicted one) and gitdiff runs with --server-side.
 * smd-deploy2's was computed by Argo CD without the server's defaults (no status, no defaulted
 * field): compared with the live file as a manifest in --strict mode, which ignores defaults and
 * reports what live holds beyond it.
 */
const PREDICTED: { pair: string; live?: string; mode: 'server-side' | 'strict'; paths: string[]; why: string }[] = [
  { pair: 'ssd-configmap', mode: 'server-side', paths: ['data.key3'], why: 'argocd-controller owned key3 and the config no longer has it: the apply would remove it' },
  { pair: 'ssd-svc-no-label', live: 'ssd-svc-label-live.yaml', mode: 'server-side', paths: ['metadata.labels.delete-me'], why: 'the label removed from Git would be removed by the apply: what the default mode cannot see' },
  { pair: 'ssd-service', mode: 'server-side', paths: ['metadata.labels.event', 'metadata.labels["app.kubernetes.io/instance"]'], why: 'a mutating webhook would add a label, and the apply would remove the label the config dropped' },
  { pair: 'ssd-deploy-nested', mode: 'server-side', paths: ['spec.template.spec.containers[name=main-container].ports[containerPort=443,protocol=TCP]', 'spec.template.spec.containers[name=main-container].env[name=ENV_VAR2]'], why: 'the apply would add a declared port and env var' },
  { pair: 'ssd-deploy-with-manual-apply', mode: 'server-side', paths: ['spec.template.spec.containers[name=main-container].ports[containerPort=40,protocol=TCP]', 'metadata.labels.mutation-test'], why: 'the apply would add a declared port, and a mutating webhook a label' },
  { pair: 'ssd-deploy-composite-key', mode: 'server-side', paths: ['spec.template.spec.containers[name=nginx].ports[containerPort=8080,protocol=TCP]'], why: 'the apply would add the declared port 8080; status and the revision annotation (the controllers\' writes, which differ here because the live file was trimmed by hand) are not compared' },
  { pair: 'smd-deploy2', mode: 'strict', paths: ['spec.template.spec.containers[name=nginx].ports[containerPort=8080,protocol=TCP]'], why: 'the port 8080 Argo CD owned and the config dropped would be removed' },
];

const RESOURCES: Record<string, string> = { Deployment: '/apis/apps/v1/namespaces/NS/deployments/', Service: '/api/v1/namespaces/NS/services/', ConfigMap: '/api/v1/namespaces/NS/configmaps/' };

describe.skipIf(!present)('Kubernetes corpus: server-side dry-run results against live', () => {
  let server: KubeApiServer;
  let kubeconfig: string;
  beforeAll(async () => {
    server = await startKubeApiServer();
    kubeconfig = server.writeKubeconfig(mkdtempSync(path.join(os.tmpdir(), 'gitdiff-corpus-')));
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(PREDICTED)('$pair-predicted-live.json vs its live object ($mode): diverged ($why)', async (entry) => {
    const config = path.join(live, gitops, `${entry.pair}-config.yaml`);
    const predictedFile = path.join(live, gitops, `${entry.pair}-predicted-live.json`);
    const liveFile = path.join(live, gitops, entry.live ?? `${entry.pair}-live.yaml`);
    if (entry.mode === 'strict') {
      const { code, statuses, paths } = await verdict(predictedFile, liveFile, undefined, ['--strict']);
      expect({ code, statuses, paths }).toEqual({ code: 1, statuses: ['diverged'], paths: entry.paths });
      return;
    }
    const object = load(readFileSync(config, 'utf8')) as { kind: string; metadata: { name: string; namespace: string } };
    const objectPath = RESOURCES[object.kind].replace('NS', object.metadata.namespace) + object.metadata.name;
    server.addFault({ method: 'GET', path: objectPath, status: 200, body: load(readFileSync(liveFile, 'utf8')) as object, times: 1 });
    server.addFault({ method: 'PATCH', path: objectPath, status: 200, body: JSON.parse(readFileSync(predictedFile, 'utf8')), times: 1 });
    const before = server.requests.length;
    const result = await runGitdiff(['kube', config, '--server-side', '--kubeconfig', kubeconfig, '-o', 'json']);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    const paths = report.items.flatMap((item: { changes: { path: string }[] }) => item.changes.map((change) => change.path));
    expect({ code: result.code, statuses: report.items.map((item: { status: string }) => item.status), paths }).toEqual({ code: 1, statuses: ['diverged'], paths: entry.paths });
    // Both recorded answers were used: the live object read, then the dry run.
    expect(server.requests.slice(before).filter((request) => request.path === objectPath).map((request) => request.method)).toEqual(['GET', 'PATCH']);
  });
});
