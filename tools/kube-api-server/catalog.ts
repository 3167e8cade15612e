// The kinds the test API server serves: the built-in table below plus the kinds
// that stored CustomResourceDefinitions add. Names, scope, verbs, short names and
// categories are those of a Kubernetes 1.32 kube-apiserver's discovery documents.
import { createHash } from 'node:crypto';

export interface KindInfo {
  group: string; // '' for the core group
  version: string;
  kind: string;
  /** The resource name used in URLs: `deployments`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Subresources a real server lists in discovery (`deployments/status`). */
  subresources?: { name: string; kind: string; group?: string; version?: string; verbs: string[] }[];
  /** The registry strategy sets metadata.generation (kinds with a spec the server tracks). */
  hasGeneration: boolean;
  /** The CustomResourceDefinition that defines this kind, when it is a custom resource. */
  crd?: Record<string, any>;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
// Namespaces cannot be deleted as a collection.
const NAMESPACE_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];
const status = (kind: string) => ({ name: 'status', kind, verbs: STATUS_VERBS });
const scale = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: STATUS_VERBS };

type Entry = Omit<KindInfo, 'group' | 'version' | 'verbs' | 'singular'> & { verbs?: string[] };

function entries(group: string, version: string, list: Entry[]): KindInfo[] {
  return list.map((entry) => ({
    group,
    version,
    verbs: ALL_VERBS,
    singular: entry.kind.toLowerCase(),
    ...entry,
  }));
}

export const BUILTIN_KINDS: KindInfo[] = [
  ...entries('', 'v1', [
    { kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'], hasGeneration: false },
    { kind: 'Endpoints', plural: 'endpoints', namespaced: true, shortNames: ['ep'], hasGeneration: false },
    { kind: 'LimitRange', plural: 'limitranges', namespaced: true, shortNames: ['limits'], hasGeneration: false },
    { kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'], verbs: NAMESPACE_VERBS, hasGeneration: false,
      subresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }, status('Namespace')] },
    { kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'], hasGeneration: false, subresources: [status('Node')] },
    { kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', namespaced: true, shortNames: ['pvc'], hasGeneration: false,
      subresources: [status('PersistentVolumeClaim')] },
    { kind: 'PersistentVolume', plural: 'persistentvolumes', namespaced: false, shortNames: ['pv'], hasGeneration: false,
      subresources: [status('PersistentVolume')] },
    { kind: 'Pod', plural: 'pods', namespaced: true, shortNames: ['po'], categories: ['all'], hasGeneration: false,
      subresources: [status('Pod')] },
    { kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: true, shortNames: ['quota'], hasGeneration: false,
      subresources: [status('ResourceQuota')] },
    { kind: 'Secret', plural: 'secrets', namespaced: true, hasGeneration: false },
    { kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, shortNames: ['sa'], hasGeneration: false },
    { kind: 'Service', plural: 'services', namespaced: true, shortNames: ['svc'], categories: ['all'], hasGeneration: false,
      subresources: [status('Service')] },
  ]),
  ...entries('apps', 'v1', [
    { kind: 'DaemonSet', plural: 'daemonsets', namespaced: true, shortNames: ['ds'], categories: ['all'], hasGeneration: true,
      subresources: [status('DaemonSet')] },
    { kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], categories: ['all'], hasGeneration: true,
      subresources: [scale, status('Deployment')] },
    { kind: 'ReplicaSet', plural: 'replicasets', namespaced: true, shortNames: ['rs'], categories: ['all'], hasGeneration: true,
      subresources: [scale, status('ReplicaSet')] },
    { kind: 'StatefulSet', plural: 'statefulsets', namespaced: true, shortNames: ['sts'], categories: ['all'], hasGeneration: true,
      subresources: [scale, status('StatefulSet')] },
  ]),
  ...entries('autoscaling', 'v2', [
    { kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true, shortNames: ['hpa'], categories: ['all'],
      hasGeneration: false, subresources: [status('HorizontalPodAutoscaler')] },
  ]),
  ...entries('batch', 'v1', [
    { kind: 'CronJob', plural: 'cronjobs', namespaced: true, shortNames: ['cj'], categories: ['all'], hasGeneration: true,
      subresources: [status('CronJob')] },
    { kind: 'Job', plural: 'jobs', namespaced: true, categories: ['all'], hasGeneration: true, subresources: [status('Job')] },
  ]),
  ...entries('networking.k8s.io', 'v1', [
    { kind: 'Ingress', plural: 'ingresses', namespaced: true, shortNames: ['ing'], hasGeneration: true, subresources: [status('Ingress')] },
    { kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true, shortNames: ['netpol'], hasGeneration: true },
  ]),
  ...entries('policy', 'v1', [
    { kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true, shortNames: ['pdb'], hasGeneration: true,
      subresources: [status('PodDisruptionBudget')] },
  ]),
  ...entries('rbac.authorization.k8s.io', 'v1', [
    { kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false, hasGeneration: false },
    { kind: 'ClusterRole', plural: 'clusterroles', namespaced: false, hasGeneration: false },
    { kind: 'RoleBinding', plural: 'rolebindings', namespaced: true, hasGeneration: false },
    { kind: 'Role', plural: 'roles', namespaced: true, hasGeneration: false },
  ]),
  ...entries('admissionregistration.k8s.io', 'v1', [
    { kind: 'MutatingWebhookConfiguration', plural: 'mutatingwebhookconfigurations', namespaced: false, categories: ['api-extensions'],
      hasGeneration: true },
  ]),
  ...entries('apiextensions.k8s.io', 'v1', [
    { kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false, shortNames: ['crd', 'crds'],
      categories: ['api-extensions'], hasGeneration: true, subresources: [status('CustomResourceDefinition')] },
  ]),
];

/** The order of the built-in groups in a real server's /apis (aggregator priority order). */
export const BUILTIN_GROUP_ORDER = [
  'apps', 'autoscaling', 'batch', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io',
  'admissionregistration.k8s.io', 'apiextensions.k8s.io',
];

export const apiVersionOf = (info: Pick<KindInfo, 'group' | 'version'>): string =>
  info.group ? `${info.group}/${info.version}` : info.version;

/** `deployments.apps`, `configmaps`: how error messages name a resource. */
export const qualifiedResource = (info: Pick<KindInfo, 'group' | 'plural'>): string =>
  info.group ? `${info.plural}.${info.group}` : info.plural;

/** What a real server puts in discovery's storageVersionHash: 8 bytes of a sha256 of the storage version, base64. */
export function storageVersionHash(info: KindInfo): string {
  return createHash('sha256').update(`${apiVersionOf(info)}/${info.kind}`).digest().subarray(0, 8).toString('base64');
}

/** The kinds a CustomResourceDefinition serves once established: one per served version. */
export function kindsFromCrd(crd: Record<string, any>): KindInfo[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const versions: any[] = Array.isArray(spec.versions) ? spec.versions : [];
  return versions
    .filter((version) => version?.served !== false && typeof version?.name === 'string')
    .map((version) => ({
      group: spec.group,
      version: version.name,
      kind: names.kind,
      plural: names.plural,
      singular: names.singular ?? String(names.kind).toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      verbs: ALL_VERBS,
      shortNames: names.shortNames,
      categories: names.categories,
      subresources: version.subresources?.status ? [status(names.kind)] : undefined,
      // Custom resources always carry a generation (the apiextensions strategy sets it).
      hasGeneration: true,
      crd,
    }));
}

/** Built-in kinds plus those of the given CRDs, with lookups by URL and by apiVersion/kind. */
export class Catalog {
  readonly kinds: KindInfo[];

  constructor(crds: Record<string, any>[]) {
    this.kinds = [...BUILTIN_KINDS, ...crds.flatMap(kindsFromCrd)];
  }

  byResource(group: string, version: string, plural: string): KindInfo | undefined {
    return this.kinds.find((k) => k.group === group && k.version === version && k.plural === plural);
  }

  byKind(apiVersion: string, kind: string): KindInfo | undefined {
    return this.kinds.find((k) => apiVersionOf(k) === apiVersion && k.kind === kind);
  }

  /** The versions of a group, preferred first (Kubernetes version priority: v2 > v1 > v1beta1 > v1alpha1). */
  groupVersions(group: string): string[] {
    return [...new Set(this.kinds.filter((k) => k.group === group).map((k) => k.version))].sort(compareVersionPriority);
  }

  /** Non-core groups: built-ins in the real server's order, then CRD groups by name. */
  groups(): string[] {
    const custom = [...new Set(this.kinds.map((k) => k.group))]
      .filter((g) => g !== '' && !BUILTIN_GROUP_ORDER.includes(g))
      .sort();
    return [...BUILTIN_GROUP_ORDER, ...custom];
  }
}

/** Kubernetes' version priority order (apimachinery's CompareKubeAwareVersionStrings), highest first. */
export function compareVersionPriority(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!match) return [0, 0, 0, v]; // non-Kubernetes versions sort last, by name
    const stability = match[2] === 'alpha' ? 1 : match[2] === 'beta' ? 2 : 3;
    return [stability, Number(match[1]), Number(match[3] ?? 0), v];
  };
  const [sa, ma, na, va] = rank(a);
  const [sb, mb, nb, vb] = rank(b);
  return sb - sa || mb - ma || nb - na || va.localeCompare(vb);
}
