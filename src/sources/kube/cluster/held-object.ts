// What the watch cache keeps of a live object, for days: what comparing it
// reads, and no more. Checked against what reads live objects (December 2026):
// - managedFields: who changed a field (managers.ts attributeChanges) reads each
//   entry's manager, time and fieldsV1; the rest of an entry (operation,
//   apiVersion, fieldsType, subresource) is dropped. Every other comparison
//   drops managedFields whole (normalize.ts SERVER_METADATA).
// - status: the controllers', and set aside by --strict and --server-side; but the
//   default comparison reads whatever a manifest declares, status included, and so
//   do ignore rules naming its paths. So status is kept for a kind and namespace
//   only once a declared object of it declares a status (Informer.want).
// - the kubectl.kubernetes.io/last-applied-configuration annotation is read: --strict
//   lists it as a platform addition it sets aside, and secrets.ts masks it. Kept.
// - a Secret's data is compared, so kept for the Secrets declared; the others are
//   held for what lists read (orphans, by metadata) without their values.
import type { KubeObject } from '../objects.js';
import { isRecord } from '../objects.js';
import { isSecret } from '../secrets.js';

export interface HeldFields {
  /** Whether `status` is kept: a declared object of the kind declares one. */
  status: boolean;
  /** Whether this object's values are kept, for a Secret: it is declared. */
  secretData: boolean;
}

const MANAGED_ENTRY_FIELDS = ['manager', 'time', 'fieldsV1'] as const;

export function heldObject(object: KubeObject, fields: HeldFields): KubeObject {
  const { status: _status, ...withoutStatus } = object;
  const held: Record<string, unknown> = fields.status ? { ...object } : withoutStatus;
  if (isSecret(object) && !fields.secretData) {
    delete held.data;
    delete held.stringData;
  }
  const managedFields = object.metadata.managedFields;
  if (Array.isArray(managedFields)) {
    const entries = managedFields.filter(isRecord).map((entry) => Object.fromEntries(MANAGED_ENTRY_FIELDS.filter((field) => Object.hasOwn(entry, field)).map((field) => [field, entry[field]])));
    held.metadata = { ...object.metadata, managedFields: entries };
  }
  return held as KubeObject;
}
