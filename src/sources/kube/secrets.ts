// Secrets are compared by decoded value and never shown: a Change on a Secret
// key says that it differs, with SENSITIVE on both sides. The values never
// enter the Report, so no renderer, exporter or log can leak them.
import { SENSITIVE, type Change } from '../../report.js';
import { childPath } from './paths.js';
import { isRecord, ownValue, type KubeObject } from './objects.js';

/** kubectl's client-side apply copies the whole manifest, Secret values included, into this annotation. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function isSecret(object: { apiVersion: string; kind: string }): boolean {
  return object.kind === 'Secret' && object.apiVersion === 'v1';
}

/** The declared keys of a Secret, decoded: `data` is base64, `stringData` is plain and wins (as the API merges them). */
function declaredValues(secret: KubeObject): Map<string, { bytes: Buffer; field: 'data' | 'stringData' }> {
  const values = new Map<string, { bytes: Buffer; field: 'data' | 'stringData' }>();
  if (isRecord(secret.data)) {
    for (const [key, value] of Object.entries(secret.data)) values.set(key, { bytes: Buffer.from(value == null ? '' : String(value), 'base64'), field: 'data' });
  }
  if (isRecord(secret.stringData)) {
    for (const [key, value] of Object.entries(secret.stringData)) values.set(key, { bytes: Buffer.from(value == null ? '' : String(value), 'utf8'), field: 'stringData' });
  }
  return values;
}

/** Compares declared Secret keys with the live ones by decoded bytes; every Change is masked. */
export function compareSecretData(declared: KubeObject, live: KubeObject): Change[] {
  const liveData = isRecord(live.data) ? live.data : {};
  const changes: Change[] = [];
  for (const [key, { bytes, field }] of declaredValues(declared)) {
    const path = childPath(field, key);
    const liveValue = ownValue(liveData, key);
    if (liveValue === undefined) {
      changes.push({ path, declared: SENSITIVE, live: undefined, sensitive: true });
    } else if (!bytes.equals(Buffer.from(liveValue === null ? '' : String(liveValue), 'base64'))) {
      changes.push({ path, declared: SENSITIVE, live: SENSITIVE, sensitive: true });
    }
  }
  return changes;
}

/** A copy without the value-carrying fields, for the generic comparison of the rest (type, labels, ...). */
export function withoutSecretValues(secret: KubeObject): KubeObject {
  const { data: _data, stringData: _stringData, ...rest } = secret;
  const annotations = isRecord(rest.metadata.annotations) ? { ...rest.metadata.annotations } : undefined;
  if (annotations && Object.hasOwn(annotations, LAST_APPLIED)) annotations[LAST_APPLIED] = SENSITIVE;
  return { ...rest, metadata: { ...rest.metadata, ...(annotations ? { annotations } : {}) } } as KubeObject;
}

/** Keys the live Secret holds that the declared one does not. */
export function secretExtraKeys(declared: KubeObject, live: KubeObject): string[] {
  const declaredKeys = declaredValues(declared);
  return Object.keys(isRecord(live.data) ? live.data : {}).filter((key) => !declaredKeys.has(key));
}

/** A live Secret key Git does not declare, masked like every Secret change. */
export function secretExtra(key: string, note: string): Change {
  return { path: childPath('data', key), live: SENSITIVE, sensitive: true, note };
}

/** --strict: keys the live Secret holds that Git does not declare, masked like every Secret change. */
export function secretExtras(declared: KubeObject, live: KubeObject, note: string): Change[] {
  return secretExtraKeys(declared, live).map((key) => secretExtra(key, note));
}
