// Secrets are compared by decoded value and never shown: a Change on a Secret
// key says that it differs, with SENSITIVE on both sides. The values never
// enter the Report, so no renderer, exporter or log can leak them.
import { GitdiffError } from '../../errors.js';
import { SENSITIVE, type Change } from '../../report.js';
import { childPath } from './paths.js';
import { groupOf } from './kinds.js';
import { declaredAt, isRecord, ownValue, titleOf, type DeclaredObject, type KubeObject } from './objects.js';

/** kubectl's client-side apply copies the whole manifest, Secret values included, into this annotation. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A Secret is known by its kind, not by how its apiVersion is spelled: the core
 * group is `v1` and also `/v1` (Kubernetes' ParseGroupVersion reads both), and a
 * snapshot or a manifest the server would refuse (`core/v1`, `V1`) still holds
 * values gitdiff must never print. So every object of kind Secret is one, in any
 * group and any letter case: masking a custom kind named Secret costs only the
 * display of its values.
 */
export function isSecret(object: { apiVersion: string; kind: string }): boolean {
  return typeof object.kind === 'string' && object.kind.toLowerCase() === 'secret';
}

type SecretField = 'data' | 'stringData';

/**
 * A `data` value's bytes. Only canonical base64 is decoded (line breaks aside,
 * which Go's decoder skips): Buffer.from ignores characters outside the
 * alphabet, so `c2VjcmV0!` would equal `c2VjcmV0` and hide a value the API
 * server refuses. Anything else is kept as its text, and equals only itself.
 */
function dataBytes(value: unknown): { bytes: Buffer; decoded: boolean } {
  const text = value == null ? '' : String(value).replace(/[\r\n]/g, '');
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? { bytes, decoded: true } : { bytes: Buffer.from(text, 'utf8'), decoded: false };
}

/**
 * Base64 as the API server decodes a Secret's `data` (Go's encoding/json into []byte: the standard
 * alphabet, padded), once line breaks are taken out as Go's decoder skips them.
 */
const API_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A core Secret whose `data` holds a value that is not base64 is refused by kubectl and the API
 * server alike: the user's typo, not drift. The run stops naming the file, the object and the key;
 * never the value. (Custom kinds named Secret are masked as Secrets, but their data is their own.)
 */
export function rejectInvalidSecretData(declared: DeclaredObject[]): void {
  for (const entry of declared) {
    const { object } = entry;
    if (object.kind !== 'Secret' || groupOf(object.apiVersion) !== '' || !isRecord(object.data)) continue;
    for (const [key, value] of Object.entries(object.data)) {
      if (value === null || (typeof value === 'string' && API_BASE64.test(value.replace(/[\r\n]/g, '')))) continue;
      const title = titleOf(object.apiVersion, object.kind, object.metadata.namespace || undefined, object.metadata.name);
      throw new GitdiffError(`${declaredAt(entry)}: ${title}: ${childPath('data', key)} is not valid base64, which kubectl and the API server refuse`, {
        hint: 'encode the value (printf %s VALUE | base64 -w0), or move it to stringData, which takes plain text',
      });
    }
  }
}

interface SecretValue {
  bytes: Buffer;
  /** False for a `data` value that is not base64: compared as its text with the live text. */
  decoded: boolean;
  field: SecretField;
}

/** The declared keys of a Secret, decoded: `data` is base64, `stringData` is plain and wins (as the API merges them). */
function declaredValues(secret: KubeObject): Map<string, SecretValue> {
  const values = new Map<string, SecretValue>();
  if (isRecord(secret.data)) {
    for (const [key, value] of Object.entries(secret.data)) values.set(key, { ...dataBytes(value), field: 'data' });
  }
  if (isRecord(secret.stringData)) {
    for (const [key, value] of Object.entries(secret.stringData)) values.set(key, { bytes: Buffer.from(value == null ? '' : String(value), 'utf8'), decoded: true, field: 'stringData' });
  }
  return values;
}

/** Compares declared Secret keys with the live ones by decoded bytes; every Change is masked. */
export function compareSecretData(declared: KubeObject, live: KubeObject): Change[] {
  const liveData = isRecord(live.data) ? live.data : {};
  const changes: Change[] = [];
  for (const [key, declaredValue] of declaredValues(declared)) {
    const path = childPath(declaredValue.field, key);
    if (!Object.hasOwn(liveData, key) || liveData[key] === undefined) {
      changes.push({ path, declared: SENSITIVE, live: undefined, sensitive: true });
      continue;
    }
    const liveValue = dataBytes(liveData[key]);
    if (liveValue.decoded !== declaredValue.decoded || !liveValue.bytes.equals(declaredValue.bytes)) {
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
