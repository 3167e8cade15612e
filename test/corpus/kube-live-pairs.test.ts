// Real declared/live pairs written by others (../shared/fixtures/kubernetes/live,
// see its SOURCES.md): each with the verdict a careful operator would give, and why.
// gitdiff runs as a process with --live-from, the default (subset) mode.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runGitdiff, sharedFixtures } from '../support/run-cli.js';

const live = path.join(sharedFixtures, 'kubernetes/live');
const present = existsSync(live);
if (!present) process.stderr.write(`\n*** SKIPPING the Kubernetes corpus: ${live} is absent (it sits beside the checkout in CI) ***\n`);

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
