// How lists of named things are matched: by the merge key the API uses for
// strategic merge patch (the `patchMergeKey` / `listMapKeys` tags of the
// built-in types), so an item's identity is its name, not its position, and
// items the cluster added (an injected sidecar, an injected env var) are not
// divergence. When the cluster publishes OpenAPI, the keys come from there
// (schema/field-schema.ts); this table is what works without it (snapshots,
// servers without OpenAPI, fields a schema leaves open).
import { ownValue } from './objects.js';

/** A merge key: the fields that identify an item, with the API's defaults for absent ones. */
export interface MergeKey {
  fields: string[];
  defaults?: Record<string, unknown>;
}

const BY_NAME: MergeKey = { fields: ['name'] };

/** Keyed lists by field name. `ports` depends on whose ports they are, see mergeKeyFor. */
const MERGE_KEYS: Record<string, MergeKey> = {
  containers: BY_NAME,
  initContainers: BY_NAME,
  ephemeralContainers: BY_NAME,
  env: BY_NAME,
  volumes: BY_NAME,
  imagePullSecrets: BY_NAME,
  resourceClaims: BY_NAME,
  schedulingGates: BY_NAME,
  webhooks: BY_NAME,
  volumeMounts: { fields: ['mountPath'] },
  volumeDevices: { fields: ['devicePath'] },
  hostAliases: { fields: ['ip'] },
  ownerReferences: { fields: ['uid'] },
  conditions: { fields: ['type'] },
  topologySpreadConstraints: { fields: ['topologyKey', 'whenUnsatisfiable'] },
  // Container ports are keyed by containerPort+protocol, Service ports by port+protocol (listMapKeys).
  containerPorts: { fields: ['containerPort', 'protocol'], defaults: { protocol: 'TCP' } },
  servicePorts: { fields: ['port', 'protocol'], defaults: { protocol: 'TCP' } },
};

/**
 * The merge key of the list at `fieldName`, or undefined for a list compared in
 * order. The declared items decide between container and Service ports.
 */
export function mergeKeyFor(fieldName: string, declaredItems: unknown[]): MergeKey | undefined {
  if (fieldName === 'ports') {
    const first = declaredItems.find((item) => typeof item === 'object' && item !== null) as Record<string, unknown> | undefined;
    if (first && Object.hasOwn(first, 'containerPort')) return MERGE_KEYS.containerPorts;
    if (first && Object.hasOwn(first, 'port')) return MERGE_KEYS.servicePorts;
    return undefined;
  }
  return Object.hasOwn(MERGE_KEYS, fieldName) ? MERGE_KEYS[fieldName] : undefined;
}

/** The identifying values of an item, or undefined when it lacks a key field with no default. */
export function keyOf(item: unknown, mergeKey: MergeKey): Record<string, unknown> | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const key: Record<string, unknown> = {};
  for (const field of mergeKey.fields) {
    const value = ownValue(record, field) ?? (mergeKey.defaults && ownValue(mergeKey.defaults, field));
    if (value === undefined) {
      // Optional key fields (whenUnsatisfiable) may be absent; the first field may not.
      if (field === mergeKey.fields[0]) return undefined;
      continue;
    }
    key[field] = value;
  }
  return key;
}

/** Key equality with int-or-string leniency (`port: 80` matches `port: "80"`). */
export function sameKey(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const field of fields) if (String(ownValue(a, field)) !== String(ownValue(b, field))) return false;
  return true;
}

/** The key fields an item spells out: how a keyed item is named in a path (`ports[containerPort=80]`, not `...,protocol=TCP]`). */
export function spelledKey(item: unknown, key: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(key).filter(([field]) => Object.hasOwn(item as object, field)));
}
