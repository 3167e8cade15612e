// What the watch cache keeps of a live object, for days: what comparing it
// reads, and no more. Checked against what reads live objects (December 2026):
// - managedFields: who changed a field (managers.ts attributeChanges) reads each
//   entry's manager, time and fieldsV1; the rest of an entry (operation,
//   apiVersion, fieldsType, subresource) is dropped. Every other comparison
//   drops managedFields whole (normalize.ts SERVER_METADATA).
// - status: the controllers', and set aside by --strict and --server-side; but the
//   default comparison reads whatever a manifest declares, status included, and so
//   do ignore rules naming its paths. So status is kept for a kind and namespace
//   only once a declared object of it declares a status (declaresStatus, Informer.want).
// - the kubectl.kubernetes.io/last-applied-configuration annotation is read: --strict
//   lists it as a platform addition it sets aside, and secrets.ts masks it. Kept.
// - a Secret's data is compared, so kept for the Secrets declared; the others are
//   held for what lists read (orphans, by metadata) without their values: without
//   data, stringData, and the last-applied annotation, where kubectl apply copies them.
import { isRecord, type KubeObject } from '../objects.js';
import { isSecret, LAST_APPLIED } from '../secrets.js';

export interface HeldFields {
  /** Whether `status` is kept: a declared object of the kind declares one. */
  status: boolean;
  /** Whether this object's values are kept, for a Secret: it is declared. */
  secretData: boolean;
}

/**
 * Whether comparing reads the live status of a declared object's kind: it declares one
 * (`status: {}`, which generated manifests carry, compares equal to any status: it does not count).
 */
export function declaresStatus(declared: KubeObject): boolean {
  return declared.status !== undefined && !(isRecord(declared.status) && Object.keys(declared.status).length === 0);
}

const MANAGED_ENTRY_FIELDS = ['manager', 'time', 'fieldsV1'] as const;

export function heldObject(object: KubeObject, fields: HeldFields): KubeObject {
  const { status: _status, ...withoutStatus } = object;
  const held: Record<string, unknown> = fields.status ? { ...object } : withoutStatus;
  if (isSecret(object) && !fields.secretData) {
    delete held.data;
    delete held.stringData;
    const annotations = object.metadata.annotations;
    if (isRecord(annotations) && Object.hasOwn(annotations, LAST_APPLIED)) {
      const { [LAST_APPLIED]: _values, ...others } = annotations;
      held.metadata = { ...object.metadata, annotations: others };
    }
  }
  const managedFields = object.metadata.managedFields;
  if (Array.isArray(managedFields)) {
    const entries = managedFields.filter(isRecord).map((entry) => Object.fromEntries(MANAGED_ENTRY_FIELDS.filter((field) => Object.hasOwn(entry, field)).map((field) => [field, entry[field]])));
    held.metadata = { ...(held.metadata as KubeObject['metadata']), managedFields: entries };
  }
  return held as KubeObject;
}
