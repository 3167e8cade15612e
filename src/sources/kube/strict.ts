// --strict: also report what the cluster holds beyond the manifest, where an
// addition is meaningful: keys of labels, annotations and other data maps,
// and items of keyed lists (an extra container, env var, port). Plain struct
// fields are left alone: the API server fills dozens of them with defaults.
// Keys that the API server or its controllers always add are not reported,
// and neither is anything that only a known controller set (see run.ts).
import type { Change } from '../../report.js';
import { DATA_MAPS } from './compare.js';
import { childPath, indexPath, keyedPath } from './paths.js';
import { keyOf, mergeKeyFor, sameKey, spelledKey } from './merge-keys.js';
import { isRecord } from './objects.js';

export const NOT_IN_GIT = 'not in Git (--strict)';

/** Labels and annotations the platform writes on its own. */
const SERVER_KEYS = [
  'deployment.kubernetes.io/revision', 'deprecated.daemonset.template.generation', 'kubectl.kubernetes.io/last-applied-configuration',
  'kubernetes.io/metadata.name', 'pod-template-hash', 'controller-revision-hash', 'controller-uid', 'job-name',
  'statefulset.kubernetes.io/pod-name', 'kubernetes.io/service-account.uid', 'kubernetes.io/service-account.name',
];
const SERVER_KEY_PREFIXES = [
  'pv.kubernetes.io/', 'volume.beta.kubernetes.io/', 'volume.kubernetes.io/', 'control-plane.alpha.kubernetes.io/',
  'endpoints.kubernetes.io/', 'batch.kubernetes.io/', 'autoscaling.alpha.kubernetes.io/', 'meta.helm.sh/', 'argocd.argoproj.io/',
];

/** Field managers whose writes are the platform's own (defaulting, controllers), never drift. */
export const PLATFORM_MANAGERS = new Set(['kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-apiserver', 'cloud-controller-manager', 'before-first-apply']);

function isServerKey(key: string): boolean {
  return SERVER_KEYS.includes(key) || SERVER_KEY_PREFIXES.some((prefix) => key.startsWith(prefix));
}

export function strictExtras(declared: unknown, live: unknown, path = '', fieldName = ''): Change[] {
  const extras: Change[] = [];
  walk(declared, live, path, fieldName, extras);
  return extras;
}

function walk(declared: unknown, live: unknown, path: string, fieldName: string, extras: Change[]): void {
  if (isRecord(declared) && isRecord(live)) {
    if (DATA_MAPS.has(fieldName)) {
      for (const [key, value] of Object.entries(live)) {
        if (!(key in declared) && value !== null && !isServerKey(key)) extras.push({ path: childPath(path, key), live: value, note: NOT_IN_GIT });
      }
    }
    for (const [key, value] of Object.entries(declared)) walk(value, live[key], childPath(path, key), key, extras);
    if (fieldName === 'metadata') {
      // Labels and annotations that Git does not declare at all are additions too.
      for (const map of ['labels', 'annotations']) if (!(map in declared) && isRecord(live[map])) walk({}, live[map], childPath(path, map), map, extras);
    }
    return;
  }
  if (Array.isArray(declared) && Array.isArray(live)) {
    const mergeKey = mergeKeyFor(fieldName, declared.length > 0 ? declared : live);
    if (mergeKey && declared.every((item) => keyOf(item, mergeKey)) && live.every((item) => keyOf(item, mergeKey))) {
      for (const item of live) {
        const key = keyOf(item, mergeKey)!;
        const match = declared.find((candidate) => sameKey(keyOf(candidate, mergeKey)!, key));
        if (match === undefined) extras.push({ path: keyedPath(path, spelledKey(item, key)), live: item, note: NOT_IN_GIT });
        else walk(match, item, keyedPath(path, spelledKey(match, keyOf(match, mergeKey)!)), '', extras);
      }
    } else if (declared.length === live.length) {
      declared.forEach((item, index) => walk(item, live[index], indexPath(path, index), '', extras));
    }
  }
}

