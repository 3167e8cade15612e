// The identity of a Kubernetes object and the small shapes the kube pipeline passes along.
import { groupOf } from './kinds.js';
import { isRecord } from '../../record.js';

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name: string; namespace?: string };
};

/** A declared object with where it came from. */
export interface DeclaredObject {
  object: KubeObject;
  /** The file as the user named it ('(stdin)', `DIR (kustomize)`), and the 1-based line where its document starts, when it has one. */
  file: string;
  line?: number;
  /** metadata.generateName without a name: it cannot be matched with a live object (documents.ts ParsedObject). */
  generated?: true;
}

/** A declared object once its kind's scope is known: the namespace it lives in, undefined for cluster-scoped kinds. */
export interface ResolvedObject extends DeclaredObject {
  namespace: string | undefined;
}

/**
 * The key that matches a declared object with a live one. It uses the API group,
 * not the version: `apps/v1` and `apps/v1beta2` name the same stored object.
 */
export function objectKey(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${groupOf(apiVersion)}/${kind}/${namespace ?? ''}/${name}`;
}

/** Where an object is declared, as errors name it: `file:line`, or the file alone. */
export function declaredAt(object: DeclaredObject): string {
  return object.line ? `${object.file}:${object.line}` : object.file;
}

export function titleOf(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiVersion} ${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/**
 * Whether a name (apiVersion, kind, name, namespace) is one the API could hold:
 * no spaces, no control characters. Names reach every output as titles, where a
 * hostile one could move the cursor, recolor a terminal or forge a CI log line;
 * declared (documents.ts) and live (cluster/answers.ts) objects are held to it alike.
 */
export function isPlainName(text: string): boolean {
  return !/[\s\u0000-\u001f\u007f-\u009f]/.test(text);
}

// Re-exported: the kube files read it beside the object types.
export { isRecord };

/**
 * The value at `key` if the object holds it itself. Keys come from manifests and
 * the API server: `constructor`, `toString` or `__proto__` are data there, and a
 * plain `record[key]` would read JavaScript's inherited members instead.
 */
export function ownValue(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
