// The defaults a kube-apiserver fills into pod specs (pkg/apis/core/v1/defaults.go):
// for Pods and for every pod template (Deployment, StatefulSet, DaemonSet,
// ReplicaSet, Job, CronJob). Functions mutate the object they are given, which
// is always the server's own copy.
type Obj = Record<string, any>;

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Sets `object[key]` only when absent, as SetDefaults_* do for nil fields. */
export function defaultField(object: Obj, key: string, value: unknown): void {
  if (object[key] === undefined || object[key] === null) object[key] = value;
}

/** `Always` for `:latest` or an untagged image, else `IfNotPresent` (SetDefaults_Container). */
export function imagePullPolicyFor(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  defaultField(probe, 'timeoutSeconds', 1);
  defaultField(probe, 'periodSeconds', 10);
  defaultField(probe, 'successThreshold', 1);
  defaultField(probe, 'failureThreshold', 3);
  defaultHandler(probe);
}

/** Probe and lifecycle handlers: httpGet gets path "/" and scheme HTTP; grpc an empty service. */
function defaultHandler(handler: unknown): void {
  if (!isObject(handler)) return;
  if (isObject(handler.httpGet)) {
    defaultField(handler.httpGet, 'path', '/');
    defaultField(handler.httpGet, 'scheme', 'HTTP');
  }
  if (isObject(handler.grpc)) defaultField(handler.grpc, 'service', '');
}

function defaultEnvSource(env: unknown): void {
  if (!Array.isArray(env)) return;
  for (const variable of env) {
    const fieldRef = variable?.valueFrom?.fieldRef;
    if (isObject(fieldRef)) defaultField(fieldRef, 'apiVersion', 'v1');
  }
}

export function defaultContainer(container: Obj, hostNetwork: boolean): void {
  defaultField(container, 'terminationMessagePath', '/dev/termination-log');
  defaultField(container, 'terminationMessagePolicy', 'File');
  if (typeof container.image === 'string') defaultField(container, 'imagePullPolicy', imagePullPolicyFor(container.image));
  // ResourceRequirements is a struct, not a pointer: it is always serialized, `{}` when empty.
  defaultField(container, 'resources', {});
  for (const port of Array.isArray(container.ports) ? container.ports : []) {
    if (!isObject(port)) continue;
    defaultField(port, 'protocol', 'TCP');
    // With the host's network the container port is the host port (SetDefaults_PodSpec).
    if (hostNetwork && port.containerPort !== undefined) defaultField(port, 'hostPort', port.containerPort);
  }
  defaultEnvSource(container.env);
  defaultProbe(container.livenessProbe);
  defaultProbe(container.readinessProbe);
  defaultProbe(container.startupProbe);
  if (isObject(container.lifecycle)) {
    defaultHandler(container.lifecycle.postStart);
    defaultHandler(container.lifecycle.preStop);
  }
}

function defaultVolume(volume: Obj): void {
  const sources = Object.keys(volume).filter((key) => key !== 'name');
  // A volume that names no source is an emptyDir (SetDefaults_Volume).
  if (sources.length === 0) volume.emptyDir = {};
  for (const source of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    if (isObject(volume[source])) defaultField(volume[source], 'defaultMode', 420);
  }
  if (isObject(volume.hostPath)) defaultField(volume.hostPath, 'type', '');
  for (const item of volume.downwardAPI?.items ?? []) if (isObject(item?.fieldRef)) defaultField(item.fieldRef, 'apiVersion', 'v1');
}

/** SetDefaults_PodSpec and the containers, volumes and probes inside it. */
export function defaultPodSpec(spec: unknown): void {
  if (!isObject(spec)) return;
  defaultField(spec, 'dnsPolicy', 'ClusterFirst');
  defaultField(spec, 'restartPolicy', 'Always');
  defaultField(spec, 'terminationGracePeriodSeconds', 30);
  defaultField(spec, 'securityContext', {});
  defaultField(spec, 'schedulerName', 'default-scheduler');
  // The v1 conversion mirrors serviceAccountName into the deprecated serviceAccount field.
  if (typeof spec.serviceAccountName === 'string') defaultField(spec, 'serviceAccount', spec.serviceAccountName);
  const hostNetwork = spec.hostNetwork === true;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const container of Array.isArray(spec[list]) ? spec[list] : []) if (isObject(container)) defaultContainer(container, hostNetwork);
  }
  for (const volume of Array.isArray(spec.volumes) ? spec.volumes : []) if (isObject(volume)) defaultVolume(volume);
}

const METADATA_ORDER = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation',
  'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences',
  'finalizers', 'managedFields'];

/** ObjectMeta's fields in the Go struct's order, the order a server writes them in. */
export function inObjectMetaOrder(metadata: Obj): Obj {
  const ordered: Obj = {};
  for (const key of METADATA_ORDER) if (metadata[key] !== undefined) ordered[key] = metadata[key];
  for (const key of Object.keys(metadata)) if (!(key in ordered)) ordered[key] = metadata[key];
  return ordered;
}

/**
 * Embedded ObjectMeta (pod templates, claim templates) serializes its zero
 * creationTimestamp as `null` up to Kubernetes 1.32 (kubernetes#130989 dropped it in 1.33).
 */
export function withNullCreationTimestamp(holder: Obj): void {
  holder.metadata = inObjectMetaOrder({ ...(isObject(holder.metadata) ? holder.metadata : {}), creationTimestamp: null });
}

/** A pod template: metadata gets its null creationTimestamp, the spec its defaults. */
export function defaultPodTemplate(template: unknown): void {
  if (!isObject(template)) return;
  withNullCreationTimestamp(template);
  defaultPodSpec(template.spec);
}

/** A bare Pod: SetDefaults_Pod (enableServiceLinks) on top of the spec defaults. */
export function defaultPod(pod: Obj): void {
  const spec: Obj = isObject(pod.spec) ? pod.spec : (pod.spec = {});
  defaultField(spec, 'enableServiceLinks', true);
  defaultPodSpec(spec);
}

/**
 * What the admission plugins of every cluster add to a Pod after defaulting (so no
 * field manager owns it): ServiceAccount (the default account and its token volume),
 * Priority, DefaultTolerationSeconds. The scheduler's nodeName is left out: that is a
 * binding, not part of the create.
 */
export function admitPod(pod: Obj, suffix: string): void {
  const spec: Obj = isObject(pod.spec) ? pod.spec : (pod.spec = {});
  defaultField(spec, 'serviceAccountName', 'default');
  defaultField(spec, 'serviceAccount', spec.serviceAccountName);
  defaultField(spec, 'priority', 0);
  defaultField(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations: Obj[] = Array.isArray(spec.tolerations) ? spec.tolerations : (spec.tolerations = []);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t?.key === key)) {
      tolerations.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds: 300 });
    }
  }
  if (spec.automountServiceAccountToken !== false) addServiceAccountTokenVolume(spec, `kube-api-access-${suffix}`);
}

function addServiceAccountTokenVolume(spec: Obj, name: string): void {
  const volumes: Obj[] = Array.isArray(spec.volumes) ? spec.volumes : (spec.volumes = []);
  volumes.push({
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
      ],
    },
  });
  for (const container of Array.isArray(spec.containers) ? spec.containers : []) {
    const mounts: Obj[] = Array.isArray(container.volumeMounts) ? container.volumeMounts : (container.volumeMounts = []);
    mounts.push({ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name, readOnly: true });
  }
}
