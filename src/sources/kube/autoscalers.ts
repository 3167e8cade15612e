// Built-in sense: a HorizontalPodAutoscaler owns the replicas of what it
// scales, so Git's `spec.replicas` of that Deployment or StatefulSet is a
// starting value, not a promise. Such differences are set aside by a rule that
// names the autoscaler (overridable: --no-ignore-hpa-replicas). The target
// is data from the cluster (or Git), so the rule names exactly one object, by
// the group of scaleTargetRef.apiVersion, kind, namespace and name: never a glob.
import type { IgnoreRule } from './ignore.js';
import { groupOf } from './kinds.js';
import { isRecord, type KubeObject } from './objects.js';

export const SCALABLE_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** Rules for every object an autoscaler (declared or live) targets. */
export function autoscalerRules(autoscalers: KubeObject[], defaultNamespace: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  const seen = new Set<string>();
  for (const hpa of autoscalers) {
    if (hpa.kind !== 'HorizontalPodAutoscaler' || !isRecord(hpa.spec) || !isRecord(hpa.spec.scaleTargetRef)) continue;
    const target = hpa.spec.scaleTargetRef;
    if (typeof target.kind !== 'string' || typeof target.name !== 'string' || !SCALABLE_KINDS.has(target.kind)) continue;
    // The HPA controller resolves the target through the API group of its apiVersion; none is the core group.
    const group = groupOf(typeof target.apiVersion === 'string' ? target.apiVersion : '');
    const namespace = hpa.metadata.namespace || defaultNamespace;
    const key = JSON.stringify([group, target.kind, namespace, target.name]);
    if (seen.has(key)) continue;
    seen.add(key);
    rules.push({
      target: { group, kind: target.kind, namespace, name: target.name },
      paths: ['spec.replicas'],
      origin: `scaled by HorizontalPodAutoscaler ${namespace}/${hpa.metadata.name}; --no-ignore-hpa-replicas compares it`,
      source: 'built-in',
    });
  }
  return rules;
}
