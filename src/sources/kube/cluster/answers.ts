// A server's answer is untrusted input. Before an object it returned is
// compared or printed, it must be what was asked for (the kind, the namespace,
// the name, the label selector), named as the API requires of every name (no
// spaces, no control characters: declared objects are held to the same rule in
// documents.ts), and nested no deeper than any real object. An answer that is
// not is an error naming the server and what it sent, never dropped or matched
// silently: an item of another namespace matched by its name alone would
// report an object in sync that was never read.
import { GitdiffError } from '../../../errors.js';
import { MAX_NESTING, nestingWithin } from '../../../limits.js';
import { isPlainName, isRecord, type KubeObject } from '../objects.js';
import type { LabelSelector } from '../selector.js';

/** What a GET, a LIST or a WATCH (watch.ts) asked the server for. */
export interface Asked {
  verb: 'GET' | 'LIST' | 'WATCH';
  /** The request path without its query, for the message. */
  path: string;
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** The namespace asked for; undefined for a namespaced kind means all of them. */
  namespace?: string;
  /** A GET's object name. */
  name?: string;
  /** A LIST by label selector: every item must match it. */
  labels?: LabelSelector;
  /** A metadata-only LIST: its items are PartialObjectMetadata. */
  metadataOnly?: boolean;
}

export const ANSWER_HINT = 'a Kubernetes API server answers with what was asked: is a proxy or an aggregated API server in the way?';

const PARTIAL_METADATA = { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata' };

/**
 * What is wrong with `value` as an answer to `asked`, in words that never
 * quote the server's values (they may hold anything), or undefined.
 */
export function answerProblem(value: unknown, asked: Asked): string | undefined {
  const noun = asked.verb === 'LIST' ? 'an item' : asked.verb === 'WATCH' ? 'an event' : 'an object';
  if (!isRecord(value) || !isRecord(value.metadata)) return `${noun} without metadata`;
  const { name, namespace, labels } = value.metadata;
  if (typeof name !== 'string' || name === '') return `${noun} without a metadata.name`;
  if (!isPlainName(name)) return `${noun} whose metadata.name holds spaces or control characters`;
  if (namespace !== undefined && typeof namespace !== 'string') return `${noun} whose metadata.namespace is not a string`;
  if (namespace && !isPlainName(namespace)) return `${noun} whose metadata.namespace holds spaces or control characters`;
  const metadataOnly = asked.metadataOnly && value.kind === PARTIAL_METADATA.kind && value.apiVersion === PARTIAL_METADATA.apiVersion;
  // Items of a LIST of built-in kinds carry no apiVersion/kind: they are the list's.
  if (!metadataOnly && ((value.kind !== undefined && value.kind !== asked.kind) || (value.apiVersion !== undefined && value.apiVersion !== asked.apiVersion))) {
    return `${noun} of another kind than ${asked.apiVersion} ${asked.kind}`;
  }
  if (!asked.namespaced && namespace) return `${noun} with a namespace, for a cluster-scoped kind`;
  if (asked.namespaced && asked.namespace !== undefined && namespace !== asked.namespace) return `${noun} of another namespace than "${asked.namespace}"`;
  if (asked.namespaced && !namespace) return `${noun} without a metadata.namespace, for a namespaced kind`;
  if (asked.name !== undefined && name !== asked.name) return `${noun} of another name than "${asked.name}"`;
  if (labels !== undefined && !(isRecord(labels) && Object.values(labels).every((label) => typeof label === 'string'))) {
    return `${noun} whose metadata.labels are not strings`;
  }
  if (asked.labels && !asked.labels(labels as Record<string, string> | undefined)) return `${noun} that does not match the label selector`;
  if (!nestingWithin(value)) return `${noun} nested more than ${MAX_NESTING} levels deep`;
  return undefined;
}

/** The answer as a live object of the asked kind, or a GitdiffError naming the server and what was wrong. */
export function trustedAnswer(server: string, value: unknown, asked: Asked): KubeObject {
  const problem = answerProblem(value, asked);
  if (problem) {
    throw new GitdiffError(`server ${server}: ${asked.verb} ${asked.path} answered with ${problem}: the answer is not trusted`, {
      hint: ANSWER_HINT,
    });
  }
  return { ...(value as KubeObject), apiVersion: asked.apiVersion, kind: asked.kind };
}
