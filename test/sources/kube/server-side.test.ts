// --server-side: the dry run's result compared with the live object on every
// field but server-managed metadata, both ways; Secret values masked.
import { describe, expect, it } from 'vitest';
import { SENSITIVE } from '../../../src/report.js';
import { REMOVED_BY_APPLY, serverSideChanges } from '../../../src/sources/kube/server-side.js';
import type { KubeObject } from '../../../src/sources/kube/objects.js';

type Obj = Record<string, unknown>;
const object = (metadata: Obj, rest: Obj = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', ...metadata }, ...rest }) as KubeObject;
const lastApplied = (text: string) => ({ annotations: { 'kubectl.kubernetes.io/last-applied-configuration': text } });

describe('serverSideChanges', () => {
  it.each([
    ['server-managed metadata and kubectl\'s last-applied record',
      object({ uid: 'u1', resourceVersion: '7', generation: 3, creationTimestamp: 't1', managedFields: [{ manager: 'gitdiff' }], ...lastApplied('{"new":1}') }, { data: { a: '1' } }),
      object({ uid: 'u1', resourceVersion: '6', generation: 2, creationTimestamp: 't1', managedFields: [], ...lastApplied('{"old":1}') }, { data: { a: '1' } })],
    ['keyed list items in another order', object({}, { spec: { containers: [{ name: 'a' }, { name: 'b' }] } }), object({}, { spec: { containers: [{ name: 'b' }, { name: 'a' }] } })],
    ['status and platform-written keys, which controllers may change between the read and the dry run',
      object({ annotations: { 'deployment.kubernetes.io/revision': '3' } }, { status: { observedGeneration: 3 } }),
      object({ annotations: { 'deployment.kubernetes.io/revision': '2' } }, { status: { observedGeneration: 2 } })],
  ])('ignores %s', (_name, predicted, live) => {
    expect(serverSideChanges(predicted, live)).toEqual([]);
  });

  it.each([
    ['a value the apply would change', object({}, { data: { a: '2' } }), object({}, { data: { a: '1' } }), [{ path: 'data.a', declared: '2', live: '1' }]],
    ['a label a mutating webhook would add', object({ labels: { injected: 'v2' } }), object({}), [{ path: 'metadata.labels', declared: { injected: 'v2' }, live: undefined }]],
    ['a key the apply would remove', object({}, { data: { a: '1' } }), object({}, { data: { a: '1', gone: '2' } }), [{ path: 'data.gone', declared: undefined, live: '2', note: REMOVED_BY_APPLY }]],
    ['a keyed list item the apply would remove', object({}, { spec: { containers: [{ name: 'a' }] } }), object({}, { spec: { containers: [{ name: 'a' }, { name: 'b' }] } }),
      [{ path: 'spec.containers[name=b]', declared: undefined, live: { name: 'b' }, note: REMOVED_BY_APPLY }]],
    ['a field live has that the result drops', object({}, { spec: { paused: true } }), object({}, { spec: { paused: true, colour: 'red' } }),
      [{ path: 'spec.colour', declared: undefined, live: 'red', note: REMOVED_BY_APPLY }]],
  ])('reports %s', (_name, predicted, live, expected) => {
    expect(serverSideChanges(predicted, live)).toEqual(expected);
  });

  it('compares Secret data by key, masked, both ways, without the values anywhere', () => {
    const secret = (data: Record<string, string>) => ({ ...object({ ...lastApplied(JSON.stringify({ data })) }), kind: 'Secret', data, type: 'Opaque' }) as KubeObject;
    const encode = (text: string) => Buffer.from(text).toString('base64');
    const predicted = secret({ password: encode('hunter2-new'), user: encode('admin') });
    const live = secret({ password: encode('hunter2-old'), user: encode('admin'), token: encode('s3cr3t-token') });
    const changes = serverSideChanges(predicted, live);
    expect(changes).toEqual([
      { path: 'data.password', declared: SENSITIVE, live: SENSITIVE, sensitive: true },
      { path: 'data.token', live: SENSITIVE, sensitive: true, note: REMOVED_BY_APPLY },
    ]);
    const shown = JSON.stringify(changes);
    for (const value of ['hunter2-new', 'hunter2-old', 's3cr3t-token', encode('hunter2-new'), encode('hunter2-old'), encode('s3cr3t-token')]) expect(shown).not.toContain(value);
  });
});
