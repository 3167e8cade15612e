// What the platform writes on its own: the keys, list items and set elements
// that the API server, its admission plugins and the controllers add to
// objects nobody asked them to change. --strict sets these aside instead of
// reporting them as additions, counted and listed with -v with the reason
// below. The decision is by the field (kind, position, key), never by the
// field manager named in managedFields: any client picks its own manager name
// (`kubectl patch --field-manager=kube-controller-manager`), so a name proves
// nothing. Only the shapes --strict reports appear here (map keys, keyed list
// items, set elements): struct fields the server fills in (a Service's
// clusterIP, a Pod's nodeName) are never reported in the first place.
import { isRecord } from './objects.js';

/** Where an addition is: the object's kind (and a Secret's type) and the field names down to the map, list or set. */
export interface Position {
  kind: string;
  /** A Secret's `type`, which decides what its controller fills in. */
  secretType?: string;
  /** Field names from the root; `[]` stands for "an item of the list". Built by walking, never parsed from a path. */
  trail: readonly string[];
}

/** What was added there: a map key, an item of a keyed list, or an element of a set. */
export type Addition = { key: string } | { item: unknown } | { element: unknown };

interface PlatformField {
  /** Kinds it applies to; absent: every kind. */
  kinds?: readonly string[];
  secretType?: string;
  /** The field names down to the map, list or set, from the root; with `anyDepth`, the last ones (pod templates nest). */
  trail: readonly string[];
  anyDepth?: boolean;
  /** Why the platform makes this addition, or undefined when it is not one the platform makes. */
  reason(addition: Addition): string | undefined;
}

/** Labels and annotations the platform writes on its own, with who writes them. */
const SERVER_KEYS: Record<string, string> = {
  'deployment.kubernetes.io/revision': 'the Deployment controller numbers each rollout',
  'deprecated.daemonset.template.generation': 'the DaemonSet controller records its template generation',
  'kubectl.kubernetes.io/last-applied-configuration': 'kubectl apply records what it sent, not what changed',
  'kubernetes.io/metadata.name': 'the API server labels every Namespace with its name',
  'pod-template-hash': 'the Deployment controller labels its ReplicaSets and Pods',
  'controller-revision-hash': 'the StatefulSet and DaemonSet controllers label their Pods',
  'controller-uid': 'the Job controller labels its selector and Pods',
  'job-name': 'the Job controller labels its Pods',
  'statefulset.kubernetes.io/pod-name': 'the StatefulSet controller labels each Pod with its name',
  'kubernetes.io/service-account.uid': 'the token controller links a token Secret to its ServiceAccount',
  'kubernetes.io/service-account.name': 'the token controller links a token Secret to its ServiceAccount',
};
const SERVER_KEY_PREFIXES: Record<string, string> = {
  'pv.kubernetes.io/': 'the volume binder records binding',
  'volume.beta.kubernetes.io/': 'the volume binder and provisioners record provisioning',
  'volume.kubernetes.io/': 'the volume binder and scheduler record provisioning',
  'control-plane.alpha.kubernetes.io/': 'leader election records its holder',
  'endpoints.kubernetes.io/': 'the endpoints controller records its last change',
  'batch.kubernetes.io/': 'the Job controller labels its selector and Pods',
  'autoscaling.alpha.kubernetes.io/': 'the HorizontalPodAutoscaler records its conditions',
  'meta.helm.sh/': 'Helm records the release that owns the object',
  'argocd.argoproj.io/': 'Argo CD records the application that tracks the object',
};

/** Why the platform writes this label or annotation key, or undefined when it does not. */
export function serverKeyReason(key: string): string | undefined {
  if (Object.hasOwn(SERVER_KEYS, key)) return SERVER_KEYS[key];
  const prefix = Object.keys(SERVER_KEY_PREFIXES).find((candidate) => key.startsWith(candidate));
  return prefix === undefined ? undefined : SERVER_KEY_PREFIXES[prefix];
}

export function isServerKey(key: string): boolean {
  return serverKeyReason(key) !== undefined;
}

const keyOf = (addition: Addition): string | undefined => ('key' in addition ? addition.key : undefined);
const itemField = (addition: Addition, field: string): unknown =>
  ('item' in addition && isRecord(addition.item) && Object.hasOwn(addition.item, field) ? addition.item[field] : undefined);
const elementOf = (addition: Addition): unknown => ('element' in addition ? addition.element : undefined);
/** `why` when the test holds. */
const when = (holds: boolean, why: string): string | undefined => (holds ? why : undefined);

/** The ServiceAccount admission plugin's projected token volume: `kube-api-access-` and five random characters. */
const TOKEN_VOLUME = /^kube-api-access-[a-z0-9]{5}$/;
const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const SERVICE_ACCOUNT_ADMISSION = 'the ServiceAccount admission plugin mounts the API token in every Pod';
const TOKEN_KEYS = ['token', 'ca.crt', 'namespace'];

const PLATFORM_FIELDS: readonly PlatformField[] = [
  // Label and annotation keys, wherever the metadata is (pod templates too), and a Job's selector.
  ...[['metadata', 'labels'], ['metadata', 'annotations'], ['selector', 'matchLabels']].map((trail): PlatformField => ({
    trail, anyDepth: true, reason: (addition) => { const key = keyOf(addition); return key === undefined ? undefined : serverKeyReason(key); },
  })),
  { kinds: ['Pod'], trail: ['spec', 'volumes'], reason: (addition) => when(TOKEN_VOLUME.test(String(itemField(addition, 'name'))), SERVICE_ACCOUNT_ADMISSION) },
  ...['containers', 'initContainers'].map((list): PlatformField => ({
    kinds: ['Pod'], trail: ['spec', list, '[]', 'volumeMounts'], reason: (addition) => when(itemField(addition, 'mountPath') === TOKEN_MOUNT_PATH, SERVICE_ACCOUNT_ADMISSION),
  })),
  {
    kinds: ['Secret'], secretType: 'kubernetes.io/service-account-token', trail: ['data'],
    reason: (addition) => when(TOKEN_KEYS.includes(keyOf(addition) ?? ''), 'the token controller fills in a service account token Secret'),
  },
  // The StorageObjectInUseProtection admission plugin: a claim or volume in use is not deleted from under its Pods.
  { kinds: ['PersistentVolumeClaim'], trail: ['metadata', 'finalizers'], reason: (addition) => when(elementOf(addition) === 'kubernetes.io/pvc-protection', 'the storage protection admission plugin adds it to every claim') },
  { kinds: ['PersistentVolume'], trail: ['metadata', 'finalizers'], reason: (addition) => when(elementOf(addition) === 'kubernetes.io/pv-protection', 'the storage protection admission plugin adds it to every volume') },
];

function trailMatches(field: PlatformField, trail: readonly string[]): boolean {
  if (field.anyDepth ? trail.length < field.trail.length : trail.length !== field.trail.length) return false;
  const end = trail.slice(trail.length - field.trail.length);
  return field.trail.every((name, index) => end[index] === name);
}

/** Why the platform made this addition (`set by the platform: ...`), or undefined when it is drift. */
export function platformReason(position: Position, addition: Addition): string | undefined {
  for (const field of PLATFORM_FIELDS) {
    if (field.kinds !== undefined && !field.kinds.includes(position.kind)) continue;
    if (field.secretType !== undefined && field.secretType !== position.secretType) continue;
    if (!trailMatches(field, position.trail)) continue;
    const why = field.reason(addition);
    if (why !== undefined) return `set by the platform: ${why}`;
  }
  return undefined;
}
