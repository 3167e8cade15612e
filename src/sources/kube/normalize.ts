// Normalization before comparing: a chain of small named steps, each pure and
// testable alone (after Argo CD's normalizers). Ignore rules are not steps:
// they act after comparing (ignore.ts), so what they set aside is still listed.
import { isSecret, withoutSecretValues } from './secrets.js';
import { isServerKey } from './platform-fields.js';
import { isRecord, ownValue, type KubeObject } from './objects.js';

export type Normalizer = (object: KubeObject) => KubeObject;

/**
 * Identity is how declared and live were matched, not something to compare:
 * `apps/v1beta2` in Git and `apps/v1` live are the same object.
 */
export const dropIdentity: Normalizer = (object) => {
  const { apiVersion: _apiVersion, kind: _kind, metadata, ...rest } = object;
  const { name: _name, namespace: _namespace, ...otherMetadata } = metadata;
  return { ...rest, metadata: otherMetadata } as unknown as KubeObject;
};

/** Fields only the server sets. `creationTimestamp: null` is common in generated manifests and means nothing. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'selfLink', 'managedFields', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

export const dropServerMetadata: Normalizer = (object) => {
  if (!isRecord(object.metadata)) return object;
  const metadata = { ...object.metadata };
  for (const field of SERVER_METADATA) delete metadata[field];
  return { ...object, metadata } as KubeObject;
};

/**
 * Labels and annotations the platform writes (a Deployment's revision,
 * kubectl's last-applied record, which a server-side apply as `kubectl`
 * rewrites): not what Git says, and liable to change between two reads.
 */
export const dropPlatformKeys: Normalizer = (object) => {
  if (!isRecord(object.metadata)) return object;
  const metadata = { ...object.metadata };
  for (const map of ['labels', 'annotations']) {
    const entries = ownValue(metadata, map);
    if (isRecord(entries)) metadata[map] = Object.fromEntries(Object.entries(entries).filter(([key]) => !isServerKey(key)));
  }
  return { ...object, metadata } as KubeObject;
};

/** Status is the controllers' (written through its own subresource): an apply leaves it as it is. */
export const dropStatus: Normalizer = (object) => {
  const { status: _status, ...rest } = object;
  return rest as KubeObject;
};

/** Secret values are compared apart (secrets.ts), by decoded value, and never travel further. */
export const hideSecretValues: Normalizer = (object) => (isSecret(object) ? withoutSecretValues(object) : object);

// Order matters: Secret detection needs apiVersion and kind, which dropIdentity removes.
export const DECLARED_STEPS: readonly Normalizer[] = [hideSecretValues, dropServerMetadata, dropIdentity];
export const LIVE_STEPS: readonly Normalizer[] = [hideSecretValues];
/**
 * Server-side mode compares a dry run's result with the live object on every field but
 * these: what only the server and its controllers write, which may also move between the
 * read of the live object and the dry run.
 */
export const SERVER_SIDE_STEPS: readonly Normalizer[] = [hideSecretValues, dropServerMetadata, dropPlatformKeys, dropStatus, dropIdentity];

export function normalize(object: KubeObject, steps: readonly Normalizer[]): KubeObject {
  return steps.reduce((current, step) => step(current), object);
}
