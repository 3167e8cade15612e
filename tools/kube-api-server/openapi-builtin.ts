// The OpenAPI v3 component schemas of the built-in kinds, shaped as a 1.32
// kube-apiserver publishes them (kube-openapi: every reference wrapped in
// `allOf`, zero-value `default`s on required fields, list types from the Go
// types' +listType / +listMapKey / +patchMergeKey markers). Only what merging
// and comparing depend on is written out: lists and how they merge, maps,
// quantities, int-or-strings and declared defaults. Fields left out are simply
// not described (a client falls back to its own rules there), never described wrongly.
type Obj = Record<string, any>;

const V1 = 'io.k8s.api.core.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const OBJECT_META = `${META}ObjectMeta`;
const LABEL_SELECTOR = `${META}LabelSelector`;
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

export const ref = (name: string, extra: Obj = {}): Obj => ({ allOf: [{ $ref: `#/components/schemas/${name}` }], ...extra });
const struct = (properties: Obj, extra: Obj = {}): Obj => ({ type: 'object', properties, ...extra });
const str = (extra: Obj = {}): Obj => ({ type: 'string', ...extra });
const required = (): Obj => str({ default: '' });
const int = (extra: Obj = {}): Obj => ({ type: 'integer', format: 'int32', ...extra });
const bool = (): Obj => ({ type: 'boolean' });
const stringMap = (): Obj => ({ type: 'object', additionalProperties: { type: 'string', default: '' } });
const bytesMap = (): Obj => ({ type: 'object', additionalProperties: { type: 'string', format: 'byte' } });
const quantityMap = (): Obj => ({ type: 'object', additionalProperties: ref(QUANTITY, { default: {} }) });
const intOrString = (): Obj => ref(INT_OR_STRING);
const atomic = (items: Obj): Obj => ({ type: 'array', items, 'x-kubernetes-list-type': 'atomic' });
const atomicOf = (name: string): Obj => atomic(ref(name, { default: {} }));
const strings = (): Obj => atomic(str({ default: '' }));
const set = (): Obj => ({ type: 'array', items: str({ default: '' }), 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' });
/** +listType=map with its +listMapKey(s) and the strategic-merge +patchMergeKey. */
const mapList = (name: string, keys: string[], patchKey = keys[0]): Obj => ({
  type: 'array', items: ref(name, { default: {} }),
  'x-kubernetes-list-map-keys': keys, 'x-kubernetes-list-type': 'map',
  'x-kubernetes-patch-merge-key': patchKey, 'x-kubernetes-patch-strategy': 'merge',
});
const conditions = (name: string): Obj => mapList(name, ['type']);

/** A kind's top-level schema: apiVersion, kind, metadata and its own fields, tagged with its group-version-kind. */
function kind(group: string, version: string, kindName: string, properties: Obj): Obj {
  return struct({ apiVersion: str(), kind: str(), metadata: ref(OBJECT_META, { default: {} }), ...properties },
    { 'x-kubernetes-group-version-kind': [{ group, kind: kindName, version }] });
}

const condition = () => struct({ type: required(), status: required(), reason: str(), message: str() });
const podTemplate = () => ref(`${V1}PodTemplateSpec`, { default: {} });
const selector = () => ref(LABEL_SELECTOR);

const META_SCHEMAS: Obj = {
  [OBJECT_META]: struct({
    name: str(), generateName: str(), namespace: str(), uid: str(), resourceVersion: str(),
    generation: { type: 'integer', format: 'int64' }, creationTimestamp: ref(`${META}Time`),
    labels: stringMap(), annotations: stringMap(), finalizers: set(),
    ownerReferences: mapList(`${META}OwnerReference`, ['uid']), managedFields: atomicOf(`${META}ManagedFieldsEntry`),
  }),
  [`${META}OwnerReference`]: struct({ apiVersion: required(), kind: required(), name: required(), uid: required(), controller: bool(), blockOwnerDeletion: bool() }, { 'x-kubernetes-map-type': 'atomic' }),
  [`${META}ManagedFieldsEntry`]: struct({ manager: str(), operation: str(), apiVersion: str(), time: ref(`${META}Time`), fieldsType: str(), fieldsV1: { type: 'object' }, subresource: str() }),
  [`${META}Time`]: str({ format: 'date-time' }),
  [LABEL_SELECTOR]: struct({ matchLabels: stringMap(), matchExpressions: atomicOf(`${META}LabelSelectorRequirement`) }, { 'x-kubernetes-map-type': 'atomic' }),
  [`${META}LabelSelectorRequirement`]: struct({ key: required(), operator: required(), values: strings() }),
  [QUANTITY]: str({ description: 'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.' }),
  [INT_OR_STRING]: str({ format: 'int-or-string', description: 'IntOrString is a type that can hold an int32 or a string.' }),
};

const CORE_SCHEMAS: Obj = {
  [`${V1}PodTemplateSpec`]: struct({ metadata: ref(OBJECT_META, { default: {} }), spec: ref(`${V1}PodSpec`, { default: {} }) }),
  [`${V1}PodSpec`]: struct({
    volumes: { ...mapList(`${V1}Volume`, ['name']), 'x-kubernetes-patch-strategy': 'merge,retainKeys' },
    initContainers: mapList(`${V1}Container`, ['name']), containers: mapList(`${V1}Container`, ['name']),
    ephemeralContainers: mapList(`${V1}Container`, ['name']), imagePullSecrets: mapList(`${V1}LocalObjectReference`, ['name']),
    tolerations: atomicOf(`${V1}Toleration`), hostAliases: mapList(`${V1}HostAlias`, ['ip']),
    topologySpreadConstraints: mapList(`${V1}TopologySpreadConstraint`, ['topologyKey', 'whenUnsatisfiable']),
    nodeSelector: { ...stringMap(), 'x-kubernetes-map-type': 'atomic' }, readinessGates: atomicOf(`${V1}PodReadinessGate`),
    schedulingGates: mapList(`${V1}LocalObjectReference`, ['name']), resourceClaims: mapList(`${V1}LocalObjectReference`, ['name']),
    overhead: quantityMap(), restartPolicy: str(), serviceAccountName: str(), terminationGracePeriodSeconds: { type: 'integer', format: 'int64' },
    securityContext: ref(`${V1}PodSecurityContext`),
  }),
  [`${V1}PodSecurityContext`]: struct({ runAsUser: { type: 'integer', format: 'int64' }, supplementalGroups: atomic({ type: 'integer', format: 'int64', default: 0 }), sysctls: atomic({ type: 'object' }) }),
  [`${V1}Container`]: struct({
    name: required(), image: str(), command: strings(), args: strings(), workingDir: str(),
    ports: mapList(`${V1}ContainerPort`, ['containerPort', 'protocol']), envFrom: atomicOf(`${V1}EnvFromSource`),
    env: mapList(`${V1}EnvVar`, ['name']), resources: ref(`${V1}ResourceRequirements`, { default: {} }),
    volumeMounts: mapList(`${V1}VolumeMount`, ['mountPath']), volumeDevices: mapList(`${V1}VolumeDevice`, ['devicePath']),
    livenessProbe: ref(`${V1}Probe`), readinessProbe: ref(`${V1}Probe`), startupProbe: ref(`${V1}Probe`), imagePullPolicy: str(),
    securityContext: struct({ capabilities: struct({ add: strings(), drop: strings() }), runAsUser: { type: 'integer', format: 'int64' }, privileged: bool() }),
  }),
  [`${V1}ContainerPort`]: struct({ name: str(), hostPort: int(), containerPort: int({ default: 0 }), protocol: str({ default: 'TCP' }), hostIP: str() }),
  [`${V1}EnvVar`]: struct({ name: required(), value: str(), valueFrom: { type: 'object' } }),
  [`${V1}EnvFromSource`]: struct({ prefix: str(), configMapRef: { type: 'object' }, secretRef: { type: 'object' } }),
  [`${V1}VolumeMount`]: struct({ name: required(), readOnly: bool(), mountPath: required(), subPath: str() }),
  [`${V1}VolumeDevice`]: struct({ name: required(), devicePath: required() }),
  [`${V1}Volume`]: struct({
    name: required(), emptyDir: struct({ medium: str(), sizeLimit: ref(QUANTITY) }),
    configMap: struct({ name: str(), items: atomicOf(`${V1}KeyToPath`), defaultMode: int() }),
    secret: struct({ secretName: str(), items: atomicOf(`${V1}KeyToPath`), defaultMode: int() }),
    persistentVolumeClaim: struct({ claimName: required(), readOnly: bool() }),
  }),
  [`${V1}KeyToPath`]: struct({ key: required(), path: required(), mode: int() }),
  [`${V1}ResourceRequirements`]: struct({ limits: quantityMap(), requests: quantityMap(), claims: mapList(`${V1}LocalObjectReference`, ['name']) }),
  [`${V1}VolumeResourceRequirements`]: struct({ limits: quantityMap(), requests: quantityMap() }),
  [`${V1}Probe`]: struct({
    httpGet: struct({ path: str(), port: intOrString(), host: str(), scheme: str(), httpHeaders: atomic({ type: 'object' }) }),
    tcpSocket: struct({ port: intOrString(), host: str() }), exec: struct({ command: strings() }),
    initialDelaySeconds: int(), periodSeconds: int(), timeoutSeconds: int(), successThreshold: int(), failureThreshold: int(),
  }),
  [`${V1}Toleration`]: struct({ key: str(), operator: str(), value: str(), effect: str(), tolerationSeconds: { type: 'integer', format: 'int64' } }),
  [`${V1}HostAlias`]: struct({ ip: required(), hostnames: strings() }),
  [`${V1}TopologySpreadConstraint`]: struct({ maxSkew: int({ default: 0 }), topologyKey: required(), whenUnsatisfiable: required(), labelSelector: selector(), matchLabelKeys: strings() }),
  [`${V1}LocalObjectReference`]: struct({ name: required() }, { 'x-kubernetes-map-type': 'atomic' }),
  [`${V1}PodReadinessGate`]: struct({ conditionType: required() }),
  [`${V1}ServicePort`]: struct({ name: str(), protocol: str({ default: 'TCP' }), appProtocol: str(), port: int({ default: 0 }), targetPort: intOrString(), nodePort: int() }),
  [`${V1}PersistentVolumeClaimSpec`]: struct({
    accessModes: strings(), selector: selector(), resources: ref(`${V1}VolumeResourceRequirements`, { default: {} }),
    volumeName: str(), storageClassName: str(), volumeMode: str(),
  }),
  [`${V1}PersistentVolumeClaim`]: kind('', 'v1', 'PersistentVolumeClaim', {
    spec: ref(`${V1}PersistentVolumeClaimSpec`, { default: {} }),
    status: struct({ phase: str(), accessModes: strings(), capacity: quantityMap(), conditions: conditions(`${V1}PodCondition`) }),
  }),
  [`${V1}PodCondition`]: condition(),
  [`${V1}Pod`]: kind('', 'v1', 'Pod', { spec: ref(`${V1}PodSpec`, { default: {} }), status: struct({ conditions: conditions(`${V1}PodCondition`), phase: str() }) }),
  [`${V1}Service`]: kind('', 'v1', 'Service', {
    spec: struct({
      ports: mapList(`${V1}ServicePort`, ['port', 'protocol'], 'port'), selector: { ...stringMap(), 'x-kubernetes-map-type': 'atomic' },
      clusterIP: str(), clusterIPs: strings(), type: str(), externalIPs: strings(), sessionAffinity: str(), loadBalancerIP: str(),
      loadBalancerSourceRanges: strings(), externalName: str(), externalTrafficPolicy: str(), ipFamilies: strings(), ipFamilyPolicy: str(),
      allocateLoadBalancerNodePorts: bool(), internalTrafficPolicy: str(),
    }),
    status: struct({ loadBalancer: struct({ ingress: atomic({ type: 'object' }) }), conditions: conditions(`${V1}PodCondition`) }),
  }),
  [`${V1}ConfigMap`]: kind('', 'v1', 'ConfigMap', { data: stringMap(), binaryData: bytesMap(), immutable: bool() }),
  [`${V1}Secret`]: kind('', 'v1', 'Secret', { data: bytesMap(), stringData: stringMap(), type: str(), immutable: bool() }),
  [`${V1}ServiceAccount`]: kind('', 'v1', 'ServiceAccount', {
    secrets: mapList(`${V1}LocalObjectReference`, ['name']), imagePullSecrets: atomicOf(`${V1}LocalObjectReference`), automountServiceAccountToken: bool(),
  }),
  [`${V1}Namespace`]: kind('', 'v1', 'Namespace', { spec: struct({ finalizers: strings() }), status: struct({ phase: str() }) }),
  [`${V1}PersistentVolume`]: kind('', 'v1', 'PersistentVolume', {
    spec: struct({ capacity: quantityMap(), accessModes: strings(), mountOptions: strings(), persistentVolumeReclaimPolicy: str(), storageClassName: str(), volumeMode: str() }),
  }),
  [`${V1}Node`]: kind('', 'v1', 'Node', {
    spec: struct({ podCIDR: str(), podCIDRs: set(), taints: atomic({ type: 'object' }), unschedulable: bool() }),
    status: struct({ capacity: quantityMap(), allocatable: quantityMap(), conditions: conditions(`${V1}PodCondition`) }),
  }),
  [`${V1}ResourceQuota`]: kind('', 'v1', 'ResourceQuota', { spec: struct({ hard: quantityMap(), scopes: strings() }), status: struct({ hard: quantityMap(), used: quantityMap() }) }),
  [`${V1}LimitRange`]: kind('', 'v1', 'LimitRange', { spec: struct({ limits: atomicOf(`${V1}LimitRangeItem`) }) }),
  [`${V1}LimitRangeItem`]: struct({ type: required(), max: quantityMap(), min: quantityMap(), default: quantityMap(), defaultRequest: quantityMap(), maxLimitRequestRatio: quantityMap() }),
  [`${V1}Endpoints`]: kind('', 'v1', 'Endpoints', { subsets: atomicOf(`${V1}EndpointSubset`) }),
  [`${V1}EndpointSubset`]: struct({ addresses: atomic({ type: 'object' }), notReadyAddresses: atomic({ type: 'object' }), ports: atomicOf(`${V1}EndpointPort`) }),
  [`${V1}EndpointPort`]: struct({ name: str(), port: int({ default: 0 }), protocol: str(), appProtocol: str() }),
};

const APPS = 'io.k8s.api.apps.v1.';
const workload = (kindName: string, spec: Obj) => kind('apps', 'v1', kindName, {
  spec: struct({ selector: selector(), template: podTemplate(), minReadySeconds: int(), revisionHistoryLimit: int(), ...spec }),
  status: struct({ conditions: conditions(`${APPS}${kindName}Condition`), replicas: int(), observedGeneration: { type: 'integer', format: 'int64' } }),
});
const APPS_SCHEMAS: Obj = {
  [`${APPS}Deployment`]: workload('Deployment', {
    replicas: int(), paused: bool(), progressDeadlineSeconds: int(),
    strategy: struct({ type: str(), rollingUpdate: struct({ maxUnavailable: intOrString(), maxSurge: intOrString() }) }),
  }),
  [`${APPS}StatefulSet`]: workload('StatefulSet', {
    replicas: int(), serviceName: str(), podManagementPolicy: str(),
    volumeClaimTemplates: atomicOf(`${V1}PersistentVolumeClaim`),
    updateStrategy: struct({ type: str(), rollingUpdate: struct({ partition: int(), maxUnavailable: intOrString() }) }),
    persistentVolumeClaimRetentionPolicy: struct({ whenDeleted: str(), whenScaled: str() }),
  }),
  [`${APPS}DaemonSet`]: workload('DaemonSet', { updateStrategy: struct({ type: str(), rollingUpdate: struct({ maxUnavailable: intOrString(), maxSurge: intOrString() }) }) }),
  [`${APPS}ReplicaSet`]: workload('ReplicaSet', { replicas: int() }),
  ...Object.fromEntries(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map((name) => [`${APPS}${name}Condition`, condition()])),
};

const BATCH = 'io.k8s.api.batch.v1.';
const OTHER_SCHEMAS: Obj = {
  [`${BATCH}JobSpec`]: struct({
    parallelism: int(), completions: int(), backoffLimit: int(), selector: selector(), manualSelector: bool(), template: podTemplate(),
    ttlSecondsAfterFinished: int(), completionMode: str(), suspend: bool(), podReplacementPolicy: str(),
    podFailurePolicy: struct({ rules: atomic({ type: 'object' }) }),
  }),
  [`${BATCH}Job`]: kind('batch', 'v1', 'Job', { spec: ref(`${BATCH}JobSpec`, { default: {} }), status: struct({ conditions: atomic({ type: 'object' }) }) }),
  [`${BATCH}CronJob`]: kind('batch', 'v1', 'CronJob', {
    spec: struct({
      schedule: required(), timeZone: str(), concurrencyPolicy: str(), suspend: bool(),
      jobTemplate: struct({ metadata: ref(OBJECT_META, { default: {} }), spec: ref(`${BATCH}JobSpec`, { default: {} }) }),
      successfulJobsHistoryLimit: int(), failedJobsHistoryLimit: int(),
    }),
  }),
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler': kind('autoscaling', 'v2', 'HorizontalPodAutoscaler', {
    spec: struct({
      scaleTargetRef: struct({ kind: required(), name: required(), apiVersion: str() }), minReplicas: int(), maxReplicas: int({ default: 0 }),
      metrics: atomic({ type: 'object' }), behavior: struct({ scaleUp: struct({ policies: atomic({ type: 'object' }) }), scaleDown: struct({ policies: atomic({ type: 'object' }) }) }),
    }),
  }),
  'io.k8s.api.networking.v1.Ingress': kind('networking.k8s.io', 'v1', 'Ingress', {
    spec: struct({ ingressClassName: str(), tls: atomic({ type: 'object' }), rules: atomic({ type: 'object' }) }),
  }),
  'io.k8s.api.networking.v1.NetworkPolicy': kind('networking.k8s.io', 'v1', 'NetworkPolicy', {
    spec: struct({ podSelector: selector(), ingress: atomic({ type: 'object' }), egress: atomic({ type: 'object' }), policyTypes: strings() }),
  }),
  'io.k8s.api.policy.v1.PodDisruptionBudget': kind('policy', 'v1', 'PodDisruptionBudget', {
    spec: struct({ minAvailable: intOrString(), maxUnavailable: intOrString(), selector: selector(), unhealthyPodEvictionPolicy: str() }),
  }),
  ...Object.fromEntries(['Role', 'ClusterRole'].map((name) => [`io.k8s.api.rbac.v1.${name}`, kind('rbac.authorization.k8s.io', 'v1', name, {
    rules: atomicOf('io.k8s.api.rbac.v1.PolicyRule'),
    ...(name === 'ClusterRole' ? { aggregationRule: struct({ clusterRoleSelectors: atomic(selector()) }) } : {}),
  })])),
  'io.k8s.api.rbac.v1.PolicyRule': struct({ verbs: strings(), apiGroups: strings(), resources: strings(), resourceNames: strings(), nonResourceURLs: strings() }),
  ...Object.fromEntries(['RoleBinding', 'ClusterRoleBinding'].map((name) => [`io.k8s.api.rbac.v1.${name}`, kind('rbac.authorization.k8s.io', 'v1', name, {
    subjects: atomic({ type: 'object' }), roleRef: struct({ apiGroup: required(), kind: required(), name: required() }, { default: {}, 'x-kubernetes-map-type': 'atomic' }),
  })])),
  'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration': kind('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', {
    webhooks: mapList('io.k8s.api.admissionregistration.v1.MutatingWebhook', ['name']),
  }),
  'io.k8s.api.admissionregistration.v1.MutatingWebhook': struct({
    name: required(), clientConfig: { type: 'object' }, rules: atomic({ type: 'object' }), failurePolicy: str(), matchPolicy: str(),
    namespaceSelector: selector(), objectSelector: selector(), sideEffects: str(), timeoutSeconds: int(),
    admissionReviewVersions: strings(), reinvocationPolicy: str(),
  }),
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition': kind('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', {
    spec: struct({
      group: required(), scope: required(), preserveUnknownFields: bool(),
      names: struct({ plural: required(), singular: str(), shortNames: strings(), kind: required(), listKind: str(), categories: strings() }),
      versions: atomic(struct({ name: required(), served: { type: 'boolean', default: false }, storage: { type: 'boolean', default: false },
        schema: struct({ openAPIV3Schema: ref('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps') }), additionalPrinterColumns: atomic({ type: 'object' }) })),
    }),
  }),
  // Recursive, as the real one is: a client must not walk it eagerly.
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps': struct({
    type: str(), default: { 'x-kubernetes-preserve-unknown-fields': true }, required: strings(),
    properties: { type: 'object', additionalProperties: ref('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps', { default: {} }) },
    items: ref('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps'),
  }),
};

/** Every built-in component schema, by name. */
export const BUILTIN_SCHEMAS: Obj = { ...META_SCHEMAS, ...CORE_SCHEMAS, ...APPS_SCHEMAS, ...OTHER_SCHEMAS };
export const OBJECT_META_SCHEMA = OBJECT_META;
