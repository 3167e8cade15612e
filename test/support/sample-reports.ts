// Reports built by hand, shaped like the ones the sources produce, for testing a
// renderer or the metrics exporter on its own (no source has to run): one item of
// every status (Secret values already masked), text that formats must escape, and
// whole reports in sync, diverged and failed.
import { SENSITIVE, type Item, type Report, type Status } from '../../src/report.js';

export function reportOf(items: Item[], extra: Partial<Report> = {}): Report {
  return { source: 'kube', target: 'prod', items, errors: [], notes: [], noun: 'object', durationMs: 1234, ...extra };
}

/** A Kubernetes object as the kube source reports it: its ref and title follow from kind, namespace and name. */
export function kubeItem(kind: string, namespace: string | undefined, name: string, rest: Omit<Item, 'ref' | 'title'>): Item {
  const apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1';
  return { ref: { apiVersion, kind, namespace, name }, title: `${apiVersion} ${kind} ${namespace ? `${namespace}/` : ''}${name}`, ...rest };
}

export const inSync = kubeItem('Service', 'cache', 'redis', { status: 'in-sync', file: 'manifests/redis.yaml', line: 30, changes: [] });
export const diverged = kubeItem('Deployment', 'cache', 'redis', {
  status: 'diverged',
  file: 'manifests/redis.yaml',
  line: 8,
  changes: [
    { path: 'spec.replicas', declared: 4, live: 3, manager: 'kubectl', time: '2026-11-20T10:02:41Z' },
    { path: 'spec.template.spec.containers[name=redis].image', declared: 'redis:7.2', live: 'redis:7.0' },
  ],
});
export const secretDiverged = kubeItem('Secret', 'cache', 'auth', {
  status: 'diverged',
  file: 'manifests/secret.yaml',
  line: 1,
  changes: [{ path: 'data.password', declared: SENSITIVE, live: SENSITIVE, sensitive: true }],
});
export const missing = kubeItem('ConfigMap', 'cache', 'settings', { status: 'missing', file: 'manifests/settings.yaml', line: 1, changes: [], reason: 'not in the snapshot live.yaml' });
export const extra = kubeItem('ConfigMap', 'cache', 'orphan', { status: 'extra', changes: [] });
export const unchecked = kubeItem('ConfigMap', 'cache', 'later', { status: 'unchecked', file: 'manifests/later.yaml', line: 3, changes: [], reason: 'no check mode' });
export const failed = kubeItem('Namespace', undefined, 'cache', {
  status: 'error',
  file: 'manifests/ns.yaml',
  line: 1,
  changes: [],
  error: 'forbidden: get namespaces',
  hint: 'allow get on namespaces',
});

export const everyStatus = [inSync, diverged, secretDiverged, missing, extra, unchecked, failed];

/** Text a manifest or a server can carry, which every format must keep inert and readable. */
export const hostileText = [
  ['markup', 'a & b < c > "d" \'e\' </failure>'],
  ['control characters', 'bell\u0007 escape\u001b[31m form feed\u000c null\u0000'],
  ['line breaks', 'one\r\ntwo\nthree\rfour'],
  ['percent, colon and comma', '100% sure: a, b'],
  ['a lone surrogate', 'half \ud800 pair'],
  ['backticks and details', '``` </details> | pipe'],
  ['a workflow command', 'x\n::warning::injected'],
] as const;

/** A Deployment in namespace cache with `status`; a diverged one has one change (spec.replicas). */
export function cacheDeployment(status: Status, name: string, extra: Partial<Omit<Item, 'ref' | 'title'>> = {}): Item {
  return kubeItem('Deployment', 'cache', name, {
    status,
    changes: status === 'diverged' ? [{ path: 'spec.replicas', declared: 4, live: 3 }] : [],
    ...extra,
  });
}

export const inSyncReport = (overrides: Partial<Report> = {}) => reportOf([cacheDeployment('in-sync', 'redis'), cacheDeployment('in-sync', 'web')], overrides);
export const divergedReport = (overrides: Partial<Report> = {}) =>
  reportOf([cacheDeployment('diverged', 'redis'), cacheDeployment('missing', 'queue'), cacheDeployment('in-sync', 'web')], overrides);
/** Could not tell: one object errored (exit 2), another diverged. */
export const failedReport = (overrides: Partial<Report> = {}) =>
  reportOf([cacheDeployment('error', 'redis', { error: 'connection refused' }), cacheDeployment('diverged', 'web')], overrides);
