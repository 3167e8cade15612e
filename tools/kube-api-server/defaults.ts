// What a kube-apiserver 1.32 adds to an object when it stores it, in two steps as
// the server does: the SetDefaults_* functions of each API group (run when the
// request is decoded, so the writer's field manager owns their fields), then
// mutating admission and the registries (Service cluster IPs and node ports, a
// Job's selector and labels, Pod admission plugins), which no manager owns.
// Each function mutates the server's own copy of the object.
import { admitPod, defaultField, defaultPod, defaultPodTemplate, withNullCreationTimestamp } from './defaults-pod.js';

type Obj = Record<string, any>;

export interface DefaultingContext {
  uid: string;
  /** The object as stored before this write, to keep what the server allocated (cluster IP, node ports). */
  previous?: Obj;
  allocateClusterIP(): string;
  allocateNodePort(): number;
  /** Random lowercase letters and digits, as in generated names (`kube-api-access-x7k2p`). */
  randomSuffix(length: number): string;
}

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const objectAt = (parent: Obj, key: string): Obj => (isObject(parent[key]) ? parent[key] : (parent[key] = {}));

function defaultDeployment(spec: Obj): void {
  defaultField(spec, 'replicas', 1);
  const strategy = objectAt(spec, 'strategy');
  defaultField(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = objectAt(strategy, 'rollingUpdate');
    defaultField(rollingUpdate, 'maxUnavailable', '25%');
    defaultField(rollingUpdate, 'maxSurge', '25%');
  }
  defaultField(spec, 'revisionHistoryLimit', 10);
  defaultField(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec.template);
}

function defaultStatefulSet(spec: Obj): void {
  defaultField(spec, 'podManagementPolicy', 'OrderedReady');
  const updateStrategy = objectAt(spec, 'updateStrategy');
  defaultField(updateStrategy, 'type', 'RollingUpdate');
  if (updateStrategy.type === 'RollingUpdate') defaultField(objectAt(updateStrategy, 'rollingUpdate'), 'partition', 0);
  defaultField(spec, 'replicas', 1);
  defaultField(spec, 'revisionHistoryLimit', 10);
  // StatefulSetAutoDeletePVC is on by default since 1.27.
  const retention = objectAt(spec, 'persistentVolumeClaimRetentionPolicy');
  defaultField(retention, 'whenDeleted', 'Retain');
  defaultField(retention, 'whenScaled', 'Retain');
  // Claim templates are stored as whole PersistentVolumeClaims, apiVersion, kind and status included.
  for (const claim of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
    if (!isObject(claim)) continue;
    defaultField(claim, 'apiVersion', 'v1');
    defaultField(claim, 'kind', 'PersistentVolumeClaim');
    withNullCreationTimestamp(claim);
    defaultField(objectAt(claim, 'spec'), 'volumeMode', 'Filesystem');
    defaultField(claim, 'status', { phase: 'Pending' });
  }
  defaultPodTemplate(spec.template);
}

function defaultDaemonSet(spec: Obj): void {
  const updateStrategy = objectAt(spec, 'updateStrategy');
  defaultField(updateStrategy, 'type', 'RollingUpdate');
  if (updateStrategy.type === 'RollingUpdate') {
    const rollingUpdate = objectAt(updateStrategy, 'rollingUpdate');
    defaultField(rollingUpdate, 'maxUnavailable', 1);
    defaultField(rollingUpdate, 'maxSurge', 0);
  }
  defaultField(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec.template);
}

function defaultJobSpec(spec: Obj): void {
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  defaultField(spec, 'parallelism', 1);
  defaultField(spec, 'backoffLimit', 6);
  defaultField(spec, 'completionMode', 'NonIndexed');
  defaultField(spec, 'suspend', false);
  defaultField(spec, 'podReplacementPolicy', spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplate(spec.template);
}

/** The Job registry generates the selector and stamps the pod template with the Job's uid and name. */
function selectJobPods(job: Obj, uid: string): void {
  const spec = job.spec;
  if (spec.manualSelector === true) return;
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = objectAt(spec, 'template');
  const metadata = objectAt(template, 'metadata');
  metadata.labels = {
    ...metadata.labels,
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': job.metadata.name,
    'controller-uid': uid,
    'job-name': job.metadata.name,
  };
}

function defaultCronJob(spec: Obj): void {
  defaultField(spec, 'concurrencyPolicy', 'Allow');
  defaultField(spec, 'suspend', false);
  defaultField(spec, 'successfulJobsHistoryLimit', 3);
  defaultField(spec, 'failedJobsHistoryLimit', 1);
  withNullCreationTimestamp(objectAt(spec, 'jobTemplate'));
  const jobSpec = objectAt(spec.jobTemplate, 'spec');
  defaultPodTemplate(jobSpec.template);
}

/** SetDefaults_Service: what the decoder fills in (and the writer's field manager therefore owns). */
function defaultService(spec: Obj): void {
  defaultField(spec, 'type', 'ClusterIP');
  defaultField(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') defaultField(spec, 'sessionAffinityConfig', { clientIP: { timeoutSeconds: 10800 } });
  for (const port of Array.isArray(spec.ports) ? spec.ports.filter(isObject) : []) {
    defaultField(port, 'protocol', 'TCP');
    defaultField(port, 'targetPort', port.port);
  }
  if (spec.type === 'ExternalName') return;
  defaultField(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') defaultField(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') defaultField(spec, 'allocateLoadBalancerNodePorts', true);
}

/** The Service registry allocates IPs, IP families and node ports: once, immutable afterwards, owned by no manager. */
function allocateService(spec: Obj, context: DefaultingContext): void {
  const previous = context.previous?.spec ?? {};
  const needsNodePorts = spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
  for (const port of needsNodePorts && Array.isArray(spec.ports) ? spec.ports.filter(isObject) : []) {
    const kept = (previous.ports ?? []).find((p: Obj) => p.port === port.port && (p.protocol ?? 'TCP') === port.protocol);
    defaultField(port, 'nodePort', kept?.nodePort ?? context.allocateNodePort());
  }
  if (spec.type === 'ExternalName') return;
  defaultField(spec, 'clusterIP', previous.clusterIP ?? context.allocateClusterIP());
  defaultField(spec, 'clusterIPs', [spec.clusterIP]);
  // A headless Service without a selector asks for every family the cluster has.
  const headlessWithoutSelector = spec.clusterIP === 'None' && !spec.selector;
  defaultField(spec, 'ipFamilyPolicy', headlessWithoutSelector ? 'RequireDualStack' : 'SingleStack');
  defaultField(spec, 'ipFamilies', ['IPv4']);
}

function defaultNetworkPolicy(spec: Obj): void {
  defaultField(spec, 'podSelector', {});
  // Ingress always; Egress when egress rules are given (SetDefaults_NetworkPolicySpec).
  defaultField(spec, 'policyTypes', Array.isArray(spec.egress) ? ['Ingress', 'Egress'] : ['Ingress']);
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule?.ports ?? []) if (isObject(port)) defaultField(port, 'protocol', 'TCP');
  }
}

function defaultHorizontalPodAutoscaler(spec: Obj): void {
  defaultField(spec, 'minReplicas', 1);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  // Behavior is defaulted only when given (SetDefaults_HorizontalPodAutoscalerBehavior).
  if (isObject(spec.behavior)) {
    const scaleUp = objectAt(spec.behavior, 'scaleUp');
    defaultField(scaleUp, 'stabilizationWindowSeconds', 0);
    defaultField(scaleUp, 'selectPolicy', 'Max');
    defaultField(scaleUp, 'policies', [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }]);
    const scaleDown = objectAt(spec.behavior, 'scaleDown');
    defaultField(scaleDown, 'stabilizationWindowSeconds', 300);
    defaultField(scaleDown, 'selectPolicy', 'Max');
    defaultField(scaleDown, 'policies', [{ type: 'Percent', value: 100, periodSeconds: 15 }]);
  }
}

function defaultWebhooks(webhooks: unknown): void {
  for (const webhook of Array.isArray(webhooks) ? webhooks.filter(isObject) : []) {
    defaultField(webhook, 'failurePolicy', 'Fail');
    defaultField(webhook, 'matchPolicy', 'Equivalent');
    defaultField(webhook, 'namespaceSelector', {});
    defaultField(webhook, 'objectSelector', {});
    defaultField(webhook, 'reinvocationPolicy', 'Never');
    defaultField(webhook, 'timeoutSeconds', 10);
    if (isObject(webhook.clientConfig?.service)) defaultField(webhook.clientConfig.service, 'port', 443);
    for (const rule of Array.isArray(webhook.rules) ? webhook.rules.filter(isObject) : []) defaultField(rule, 'scope', '*');
  }
}

/** RBAC subjects: users and groups belong to rbac.authorization.k8s.io, service accounts to the core group. */
function defaultSubjects(subjects: unknown): void {
  for (const subject of Array.isArray(subjects) ? subjects.filter(isObject) : []) {
    defaultField(subject, 'apiGroup', subject.kind === 'ServiceAccount' ? '' : 'rbac.authorization.k8s.io');
  }
}

/** Secrets: type Opaque, and stringData folded into base64 data (stringData is write-only, never stored). */
function defaultSecret(secret: Obj): void {
  defaultField(secret, 'type', 'Opaque');
  if (isObject(secret.stringData)) {
    const data = objectAt(secret, 'data');
    for (const [key, value] of Object.entries(secret.stringData)) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  delete secret.stringData;
}

function defaultCrd(crd: Obj): void {
  const spec = objectAt(crd, 'spec');
  const names = objectAt(spec, 'names');
  if (typeof names.kind === 'string') {
    defaultField(names, 'singular', names.kind.toLowerCase());
    defaultField(names, 'listKind', `${names.kind}List`);
  }
  defaultField(spec, 'conversion', { strategy: 'None' });
}

/**
 * The API server's defaults for `object` (of kind `kind` in group `group`): the
 * SetDefaults_* functions the decoder runs before the field manager records the write.
 */
export function applyServerDefaults(group: string, kind: string, object: Obj): void {
  const spec = (): Obj => objectAt(object, 'spec');
  switch (`${group}/${kind}`) {
    case 'apps/Deployment': return defaultDeployment(spec());
    case 'apps/StatefulSet': return defaultStatefulSet(spec());
    case 'apps/DaemonSet': return defaultDaemonSet(spec());
    case 'apps/ReplicaSet': defaultField(spec(), 'replicas', 1); return defaultPodTemplate(object.spec.template);
    case 'batch/Job': return defaultJobSpec(spec());
    case 'batch/CronJob': return defaultCronJob(spec());
    case '/Pod': return defaultPod(object);
    case '/Service': return defaultService(spec());
    case '/Secret': return defaultSecret(object);
    case '/PersistentVolumeClaim': defaultField(spec(), 'volumeMode', 'Filesystem'); return;
    case '/PersistentVolume':
      defaultField(spec(), 'persistentVolumeReclaimPolicy', 'Retain');
      defaultField(object.spec, 'volumeMode', 'Filesystem');
      return;
    case '/Endpoints':
      for (const subset of object.subsets ?? []) for (const port of subset?.ports ?? []) if (isObject(port)) defaultField(port, 'protocol', 'TCP');
      return;
    case 'networking.k8s.io/NetworkPolicy': return defaultNetworkPolicy(spec());
    case 'autoscaling/HorizontalPodAutoscaler': return defaultHorizontalPodAutoscaler(spec());
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding': return defaultSubjects(object.subjects);
    case 'admissionregistration.k8s.io/MutatingWebhookConfiguration': return defaultWebhooks(object.webhooks);
    case 'apiextensions.k8s.io/CustomResourceDefinition': return defaultCrd(object);
    default: return;
  }
}

/**
 * What mutating admission and the registries add after the field manager has
 * recorded the write (so no manager owns it): allocations, generated selectors,
 * the Pod admission plugins, the namespace finalizer.
 */
export function applyRegistryEffects(group: string, kind: string, object: Obj, context: DefaultingContext): void {
  switch (`${group}/${kind}`) {
    case 'batch/Job': return selectJobPods(object, context.uid);
    case '/Pod': return admitPod(object, context.randomSuffix(5));
    case '/Service': return allocateService(objectAt(object, 'spec'), context);
    case '/Namespace': defaultField(objectAt(object, 'spec'), 'finalizers', ['kubernetes']); return;
    default: return;
  }
}
