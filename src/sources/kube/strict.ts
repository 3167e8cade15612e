// --strict: also report what the cluster holds beyond the manifest, where an
// addition is meaningful: keys of labels, annotations and other data maps,
// items of keyed lists (an extra container, env var, port) and elements of
// sets (a finalizer). Plain struct fields are left alone: the API server fills
// dozens of them with defaults.
// Keys that the API server or its controllers always add are not reported,
// and neither is anything that only a known controller set (see run.ts).
import type { Change } from '../../report.js';
import { sameElement } from './compare.js';
import { childPath, indexPath, keyedPath } from './paths.js';
import { keyOf, sameKey, spelledKey } from './merge-keys.js';
import { isRecord } from './objects.js';
import type { FieldSchema } from './schema/field-schema.js';
import { rulesFor, type FieldRules } from './schema/rules.js';

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

export function isServerKey(key: string): boolean {
  return SERVER_KEYS.includes(key) || SERVER_KEY_PREFIXES.some((prefix) => key.startsWith(prefix));
}

export function strictExtras(declared: unknown, live: unknown, schema?: FieldSchema): Change[] {
  const extras: Change[] = [];
  walk(declared, live, '', '', rulesFor({ schema }), extras);
  return extras;
}

function walk(declared: unknown, live: unknown, path: string, fieldName: string, rules: FieldRules, extras: Change[]): void {
  if (isRecord(declared) && isRecord(live)) {
    if (rules.isDataMap) {
      for (const [key, value] of Object.entries(live)) {
        if (!(key in declared) && value !== null && !isServerKey(key)) extras.push({ path: childPath(path, key), live: value, note: NOT_IN_GIT });
      }
    }
    for (const [key, value] of Object.entries(declared)) walk(value, live[key], childPath(path, key), key, rules.child(key), extras);
    if (fieldName === 'metadata') {
      // Labels and annotations that Git does not declare at all are additions too.
      for (const map of ['labels', 'annotations']) if (!(map in declared) && isRecord(live[map])) walk({}, live[map], childPath(path, map), map, rules.child(map), extras);
    }
    return;
  }
  if (Array.isArray(declared) && Array.isArray(live)) {
    const semantics = rules.list(declared.length > 0 ? declared : live);
    if (semantics.type === 'map' && declared.every((item) => keyOf(item, semantics.key)) && live.every((item) => keyOf(item, semantics.key))) {
      for (const item of live) {
        const key = keyOf(item, semantics.key)!;
        const match = declared.find((candidate) => sameKey(keyOf(candidate, semantics.key)!, key));
        if (match === undefined) extras.push({ path: keyedPath(path, spelledKey(item, key)), live: item, note: NOT_IN_GIT });
        else walk(match, item, keyedPath(path, spelledKey(match, keyOf(match, semantics.key)!)), '', rules.item(), extras);
      }
    } else if (semantics.type === 'set') {
      const itemRules = rules.item();
      const added = live.some((element) => !declared.some((candidate) => sameElement(candidate, element, itemRules)));
      if (added) extras.push({ path, declared, live, note: NOT_IN_GIT });
    } else if (declared.length === live.length) {
      declared.forEach((item, index) => walk(item, live[index], indexPath(path, index), '', rules.item(), extras));
    }
  }
}
