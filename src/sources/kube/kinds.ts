// What gitdiff knows about the standard kinds without asking a server: their
// scope (used when reading a snapshot, where there is no discovery) and the
// plural resource names. A server's discovery always wins over this table.

/** Kinds that are cluster-scoped, keyed by `group/Kind` ('' is the core group). */
const CLUSTER_SCOPED = new Set([
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment',
  'scheduling.k8s.io/PriorityClass', 'node.k8s.io/RuntimeClass', 'networking.k8s.io/IngressClass',
  'policy/PodSecurityPolicy', 'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
]);

/** Namespaced kinds of the standard API: anything else unknown is decided from the snapshot's evidence. */
const NAMESPACED = new Set([
  '/Pod', '/Service', '/ConfigMap', '/Secret', '/ServiceAccount', '/Endpoints', '/PersistentVolumeClaim',
  '/ReplicationController', '/ResourceQuota', '/LimitRange', '/Event', '/PodTemplate',
  'apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'apps/ControllerRevision',
  'batch/Job', 'batch/CronJob', 'autoscaling/HorizontalPodAutoscaler', 'policy/PodDisruptionBudget',
  'networking.k8s.io/Ingress', 'networking.k8s.io/NetworkPolicy', 'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding', 'discovery.k8s.io/EndpointSlice', 'coordination.k8s.io/Lease',
  'events.k8s.io/Event', 'extensions/Deployment', 'extensions/Ingress', 'extensions/DaemonSet',
]);

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** true / false from the table, undefined when the kind is not a standard one. */
export function builtInNamespaced(apiVersion: string, kind: string): boolean | undefined {
  const key = `${groupOf(apiVersion)}/${kind}`;
  if (CLUSTER_SCOPED.has(key)) return false;
  if (NAMESPACED.has(key)) return true;
  return undefined;
}

/** The served version of standard kinds, for --prune-kinds given by kind name only. */
const PREFERRED_API_VERSION: Record<string, string> = {
  Namespace: 'v1', ConfigMap: 'v1', Secret: 'v1', Service: 'v1', ServiceAccount: 'v1', Pod: 'v1',
  PersistentVolumeClaim: 'v1', PersistentVolume: 'v1', ReplicationController: 'v1', ResourceQuota: 'v1', LimitRange: 'v1', Endpoints: 'v1',
  Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', ReplicaSet: 'apps/v1',
  Job: 'batch/v1', CronJob: 'batch/v1', HorizontalPodAutoscaler: 'autoscaling/v2', PodDisruptionBudget: 'policy/v1',
  Ingress: 'networking.k8s.io/v1', NetworkPolicy: 'networking.k8s.io/v1', IngressClass: 'networking.k8s.io/v1',
  Role: 'rbac.authorization.k8s.io/v1', RoleBinding: 'rbac.authorization.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1', ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1', StorageClass: 'storage.k8s.io/v1', PriorityClass: 'scheduling.k8s.io/v1',
};

export function preferredApiVersion(kind: string): string | undefined {
  return Object.hasOwn(PREFERRED_API_VERSION, kind) ? PREFERRED_API_VERSION[kind] : undefined;
}

/**
 * The resource name `kubectl get` takes for a kind, for hints: the plural as the API
 * machinery guesses it (UnsafeGuessKindToResource: -s, -es after s, -ies after y),
 * with the group for kinds outside the standard table (`widgets.example.com`).
 */
export function guessedResource(apiVersion: string, kind: string): string {
  const lower = kind.toLowerCase();
  const plural = lower === 'endpoints' ? lower : lower.endsWith('s') ? `${lower}es` : lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`;
  const group = groupOf(apiVersion);
  return builtInNamespaced(apiVersion, kind) !== undefined || group === '' ? plural : `${plural}.${group}`;
}
