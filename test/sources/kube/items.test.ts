// compareItem, the one place a declared object becomes a report Item: what it
// counts as drift, what it sets aside (and says why), and what it can not call
// in sync. Issue 14 classes 2 (skipped by manager name), 3 (strict blind spots,
// keys named like JavaScript object members) and 5 (objects being deleted).
import { describe, expect, it } from 'vitest';
import { compareItem } from '../../../src/sources/kube/items.js';
import type { KubeObject } from '../../../src/sources/kube/objects.js';
import { SENSITIVE } from '../../../src/report.js';

type Obj = Record<string, any>;

function compared(declared: Obj, live: Obj, strict = true) {
  const lookup = { state: 'found', object: live as KubeObject } as const;
  return compareItem({ object: declared as KubeObject, file: 'x.yaml', namespace: 'shop' }, lookup, lookup, [], { strict, serverSide: false });
}

const paths = (changes: { path: string }[] | undefined) => (changes ?? []).map((change) => change.path);

const configMap = (data?: Obj, metadata: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', ...metadata }, ...(data ? { data } : {}) });

/** managedFields as the API server records `kubectl patch --field-manager=NAME` adding these label keys. */
const patchedBy = (manager: string, fieldsV1: Obj) => [
  { manager: 'kubectl-client-side-apply', operation: 'Update', time: '2026-11-01T00:00:00Z', fieldsV1: { 'f:data': { 'f:a': {} } } },
  { manager, operation: 'Update', time: '2026-12-01T00:00:00Z', fieldsV1 },
];

const pod = (spec: Obj, metadata: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', ...metadata }, spec });

describe('class 2: what --strict sets aside is decided by the field, never by the manager name', () => {
  it.each(['kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-apiserver', 'cloud-controller-manager', 'before-first-apply'])(
    'a label added by a client calling itself %s is reported',
    (manager) => {
      const live = configMap({ a: '1' }, { labels: { backdoor: 'yes' }, managedFields: patchedBy(manager, { 'f:metadata': { 'f:labels': { 'f:backdoor': {} } } }) });
      const item = compared(configMap({ a: '1' }), live);
      expect(item.status).toBe('diverged');
      expect(item.changes).toMatchObject([{ path: 'metadata.labels.backdoor', live: 'yes', manager }]);
    },
  );

  it('a container added under a platform-like manager name is reported', () => {
    const containers = [{ name: 'app', image: 'app:1' }];
    const live = pod({ containers: [...containers, { name: 'miner', image: 'evil:1' }] }, {
      managedFields: patchedBy('kubelet', { 'f:spec': { 'f:containers': { 'k:{"name":"miner"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } }),
    });
    const item = compared(pod({ containers }), live);
    expect(item.status).toBe('diverged');
    expect(paths(item.changes)).toEqual(['spec.containers[name=miner]']);
  });

  it('what the platform writes is set aside, counted and named with its reason', () => {
    const live = configMap({ a: '1' }, { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } });
    const item = compared(configMap({ a: '1' }), live);
    expect(item.status).toBe('in-sync');
    expect(item.ignored).toHaveLength(1);
    expect(item.ignored![0].path).toBe('metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]');
    expect(item.ignored![0].note).toMatch(/kubectl/);
  });

  it('the ServiceAccount admission plugin\'s token volume and mount on a Pod are set aside with their reason', () => {
    const mount = { name: 'kube-api-access-x7k2p', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true };
    const config = { name: 'config', configMap: { name: 'settings' } };
    const configMount = { name: 'config', mountPath: '/etc/config' };
    const live = pod({ containers: [{ name: 'app', image: 'app:1', volumeMounts: [configMount, mount] }], volumes: [config, { name: 'kube-api-access-x7k2p', projected: { sources: [] } }] });
    const item = compared(pod({ containers: [{ name: 'app', image: 'app:1', volumeMounts: [configMount] }], volumes: [config] }), live);
    expect(item.status).toBe('in-sync');
    expect(paths(item.ignored).sort()).toEqual(['spec.containers[name=app].volumeMounts[mountPath=/var/run/secrets/kubernetes.io/serviceaccount]', 'spec.volumes[name=kube-api-access-x7k2p]']);
    for (const change of item.ignored!) expect(change.note).toMatch(/ServiceAccount admission/);
  });

  it('a volume of that name on a Deployment\'s template is reported: admission mounts it in Pods only', () => {
    const template = (volumes?: Obj[]) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'app' }], ...(volumes ? { volumes } : {}) } } } });
    const item = compared(template([{ name: 'data' }]), template([{ name: 'data' }, { name: 'kube-api-access-x7k2p' }]));
    expect(paths(item.changes)).toEqual(['spec.template.spec.volumes[name=kube-api-access-x7k2p]']);
  });

  it('the token controller\'s keys of a service account token Secret are set aside; on another Secret they are reported', () => {
    const secret = (type: string, data?: Obj) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'robot', namespace: 'shop' }, type, ...(data ? { data } : {}) });
    const filled = { token: 'dG9rZW4=', 'ca.crt': 'Y2E=', namespace: 'c2hvcA==' };
    const token = compared(secret('kubernetes.io/service-account-token'), secret('kubernetes.io/service-account-token', filled));
    expect(token.status).toBe('in-sync');
    expect(paths(token.ignored).sort()).toEqual(['data.namespace', 'data.token', 'data["ca.crt"]']);
    for (const change of token.ignored!) expect(change).toMatchObject({ live: SENSITIVE, sensitive: true });
    const opaque = compared(secret('Opaque', { a: 'YQ==' }), secret('Opaque', { a: 'YQ==', token: 'dG9rZW4=' }));
    expect(paths(opaque.changes)).toEqual(['data.token']);
  });

  it('the pvc-protection finalizer on a PersistentVolumeClaim is set aside; another finalizer is reported', () => {
    const claim = (finalizers: string[]) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop', finalizers }, spec: {} });
    const platform = compared(claim(['example.com/backup']), claim(['example.com/backup', 'kubernetes.io/pvc-protection']));
    expect(platform.status).toBe('in-sync');
    expect(platform.ignored).toMatchObject([{ path: 'metadata.finalizers', live: ['kubernetes.io/pvc-protection'] }]);
    const added = compared(claim(['example.com/backup']), claim(['example.com/backup', 'kubernetes.io/pvc-protection', 'example.com/hold']));
    expect(added.status).toBe('diverged');
    expect(added.changes).toMatchObject([{ path: 'metadata.finalizers', live: ['example.com/backup', 'kubernetes.io/pvc-protection', 'example.com/hold'] }]);
  });
});

describe('class 3: keys named like JavaScript object members are compared like any other', () => {
  const MEMBER_KEYS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__', 'isPrototypeOf'];
  /** A map with these keys as own properties, as JSON.parse and js-yaml deliver them (Object.fromEntries defines, never assigns). */
  const withProto = (keys: string[], value: (key: string) => string): Obj => Object.fromEntries(keys.map((key) => [key, value(key)]));

  it.each(MEMBER_KEYS)('a declared data key %s absent live is reported absent', (key) => {
    const item = compared(configMap(withProto([key], () => 'v')), configMap({ other: '1' }), false);
    expect(item.changes).toEqual([{ path: `data.${key}`, declared: 'v', live: undefined }]);
  });

  it.each(MEMBER_KEYS)('under --strict, a live data key %s Git does not declare is reported', (key) => {
    const item = compared(configMap({ a: '1' }), configMap(withProto(['a', key], (k) => (k === 'a' ? '1' : 'added'))));
    expect(item.status).toBe('diverged');
    expect(item.changes).toMatchObject([{ path: `data.${key}`, live: 'added' }]);
  });

  it.each(MEMBER_KEYS)('under --strict, a live label %s Git does not declare is reported', (key) => {
    const item = compared(configMap({ a: '1' }, { labels: { app: 'web' } }), configMap({ a: '1' }, { labels: withProto(['app', key], (k) => (k === 'app' ? 'web' : 'x')) }));
    expect(paths(item.changes)).toEqual([`metadata.labels.${key}`]);
  });

  it.each(MEMBER_KEYS)('a declared Secret key %s absent live is reported absent', (key) => {
    const secret = (data: Obj) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' }, data });
    const item = compared(secret(withProto([key], () => 'dmFsdWU=')), secret({ other: 'dmFsdWU=' }), false);
    expect(item.changes).toEqual([{ path: `data.${key}`, declared: SENSITIVE, live: undefined, sensitive: true }]);
  });
});

describe('class 3: --strict reports data maps the manifest does not declare at all', () => {
  it('a ConfigMap without data that gains data.x live', () => {
    const item = compared(configMap(undefined, { labels: { app: 'web' } }), configMap({ x: 'injected' }, { labels: { app: 'web' } }));
    expect(item.status).toBe('diverged');
    expect(item.changes).toMatchObject([{ path: 'data.x', live: 'injected' }]);
  });

  it('a pod template that gains a nodeSelector', () => {
    const deployment = (extra: Obj) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'app' }], ...extra } } } });
    const item = compared(deployment({}), deployment({ nodeSelector: { 'kubernetes.io/hostname': 'node-7' } }));
    expect(paths(item.changes)).toEqual(['spec.template.spec.nodeSelector["kubernetes.io/hostname"]']);
  });

  it('but never status, which the controllers write', () => {
    const item = compared(configMap({ a: '1' }), { ...configMap({ a: '1' }), status: { data: { x: '1' } } });
    expect(item.status).toBe('in-sync');
  });
});

describe('class 5: an object being deleted is not in sync', () => {
  const deleting = (object: Obj, finalizers: string[]) => ({ ...object, metadata: { ...object.metadata, deletionTimestamp: '2026-12-05T10:00:00Z', deletionGracePeriodSeconds: 0, finalizers } });

  it.each([false, true])('strict %s: diverged, since when and which finalizers hold it', (strict) => {
    const item = compared(configMap({ a: '1' }), deleting(configMap({ a: '1' }), ['example.com/protect', 'kubernetes']), strict);
    expect(item.status).toBe('diverged');
    expect(item.changes).toContainEqual(expect.objectContaining({ path: 'metadata.deletionTimestamp', live: '2026-12-05T10:00:00Z' }));
    expect(item.changes).toContainEqual(expect.objectContaining({ path: 'metadata.finalizers', live: ['example.com/protect', 'kubernetes'] }));
  });

  it('with no finalizer (a grace period): still diverged, since when', () => {
    const item = compared(configMap({ a: '1' }), { ...configMap({ a: '1' }), metadata: { ...configMap().metadata, deletionTimestamp: '2026-12-05T10:00:00Z' } }, false);
    expect(item.status).toBe('diverged');
    expect(paths(item.changes)).toEqual(['metadata.deletionTimestamp']);
  });

  it('even when an ignore rule would set metadata aside', () => {
    const lookup = { state: 'found', object: deleting(configMap({ a: '1' }), ['example.com/protect']) as KubeObject } as const;
    const item = compareItem({ object: configMap({ a: '1' }) as KubeObject, file: 'x.yaml', namespace: 'shop' }, lookup, lookup, [{ paths: ['metadata'], origin: 'r', source: 'flag' }], { strict: false, serverSide: false });
    expect(item.status).toBe('diverged');
  });
});
