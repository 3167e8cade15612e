// What the watch cache keeps of a live object: what comparing reads, no more.
import { describe, expect, it } from 'vitest';
import { declaresStatus, heldObject } from '../../../../src/sources/kube/cluster/held-object.js';
import { attributeChanges } from '../../../../src/sources/kube/managers.js';
import type { KubeObject } from '../../../../src/sources/kube/objects.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: {
    name: 'web', namespace: 'shop', resourceVersion: '7', annotations: { [LAST_APPLIED]: '{"spec":{}}' },
    managedFields: [
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-12-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
      { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', time: '2026-12-01T10:00:01Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} }, subresource: 'status' },
    ],
  },
  spec: { replicas: 3 },
  status: { readyReplicas: 3 },
} as KubeObject;
const secret = {
  apiVersion: 'v1', kind: 'Secret', type: 'Opaque', data: { password: 'aHVudGVyMg==' },
  metadata: { name: 'creds', namespace: 'shop', labels: { app: 'web' }, annotations: { [LAST_APPLIED]: '{"data":{"password":"aHVudGVyMg=="}}', owner: 'team' } },
} as KubeObject;

describe('heldObject', () => {
  it('keeps of each managedFields entry what "who changed it" reads: manager, time, fieldsV1', () => {
    const held = heldObject(deployment, { status: false, secretData: false });
    expect(held.metadata.managedFields).toEqual([
      { manager: 'kubectl', time: '2026-12-01T10:00:00Z', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
      { manager: 'kube-controller-manager', time: '2026-12-01T10:00:01Z', fieldsV1: { 'f:status': {} } },
    ]);
    // The same answer as from the whole object.
    const changes = [{ path: 'spec.replicas', declared: 2, live: 3 }];
    expect(attributeChanges(changes, held.metadata.managedFields)).toEqual(attributeChanges(changes, deployment.metadata.managedFields));
    expect(attributeChanges(changes, held.metadata.managedFields)[0]).toMatchObject({ manager: 'kubectl' });
  });

  it.each([
    [false, undefined],
    [true, { readyReplicas: 3 }],
  ])('keeps status only when a declared object declares one (%s)', (status, expected) => {
    expect(heldObject(deployment, { status, secretData: false }).status).toEqual(expected);
  });

  it('keeps the last-applied annotation, which --strict lists and secrets.ts masks', () => {
    expect(heldObject(deployment, { status: false, secretData: false }).metadata.annotations).toEqual({ [LAST_APPLIED]: '{"spec":{}}' });
  });

  it("keeps a declared Secret whole (secrets.ts masks what it shows)", () => {
    expect(heldObject(secret, { status: false, secretData: true })).toEqual(secret);
  });

  it("keeps none of the values of a Secret not declared: no data, and no last-applied copy of it", () => {
    const held = heldObject(secret, { status: false, secretData: false });
    expect(held.data).toBeUndefined();
    expect(held.type).toBe('Opaque');
    expect(held.metadata).toEqual({ name: 'creds', namespace: 'shop', labels: { app: 'web' }, annotations: { owner: 'team' } });
    expect(JSON.stringify(held)).not.toContain('aHVudGVyMg==');
  });

  it('changes nothing it is given', () => {
    const before = JSON.stringify([deployment, secret]);
    heldObject(deployment, { status: false, secretData: false });
    heldObject(secret, { status: false, secretData: false });
    expect(JSON.stringify([deployment, secret])).toBe(before);
  });
});

describe('declaresStatus', () => {
  it.each([
    [undefined, false],
    [{}, false],
    [{ replicas: 3 }, true],
    [null, true],
  ])('status %j: %s', (status, expected) => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, ...(status !== undefined ? { status } : {}) } as KubeObject;
    expect(declaresStatus(object)).toBe(expected);
  });
});
