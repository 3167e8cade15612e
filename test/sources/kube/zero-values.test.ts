// A declared zero value (`false`, `0`, `""`, `[]`, `{}`) against an absent
// live field: the same thing only where the kind's Go type makes them one
// (a value field such as hostNetwork decodes absent as false). A pointer field
// (automountServiceAccountToken, allowPrivilegeEscalation...) set to false, an
// empty selector, a custom resource's field: the server keeps them, so a live
// object without them has drifted. In --server-side mode both sides are the
// server's own output: no schema default stands in for an absent field either.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { compareDeclared } from '../../../src/sources/kube/compare.js';
import { serverSideChanges } from '../../../src/sources/kube/server-side.js';
import { goTypeOf } from '../../../src/sources/kube/schema/go-types.js';
import { KINDS, KUBERNETES_VERSION } from '../../../src/sources/kube/schema/kubernetes-types.js';
import { OpenApiFieldSchema } from '../../../src/sources/kube/schema/field-schema.js';
import type { KubeObject } from '../../../src/sources/kube/objects.js';
import { runInProcess } from '../../support/in-process.js';

type Obj = Record<string, unknown>;
const POD = { apiVersion: 'v1', kind: 'Pod' };
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
const PDB = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' };
const WIDGET = { apiVersion: 'example.com/v1', kind: 'Widget' };
const app = (extra: Obj = {}) => ({ name: 'app', image: 'app:1', ...extra });

describe('a declared zero value the server keeps is a difference when live lacks it', () => {
  it.each([
    ['a *bool set to false (automountServiceAccountToken)', POD, { spec: { automountServiceAccountToken: false } }, { spec: {} }, 'spec.automountServiceAccountToken'],
    ['a *bool set to false (enableServiceLinks)', POD, { spec: { enableServiceLinks: false } }, { spec: {} }, 'spec.enableServiceLinks'],
    ['allowPrivilegeEscalation: false', POD, { spec: { containers: [app({ securityContext: { allowPrivilegeEscalation: false } })] } }, { spec: { containers: [app({ securityContext: {} })] } }, 'spec.containers[name=app].securityContext.allowPrivilegeEscalation'],
    ['readOnlyRootFilesystem: false', DEPLOYMENT, { spec: { template: { spec: { containers: [app({ securityContext: { readOnlyRootFilesystem: false } })] } } } }, { spec: { template: { spec: { containers: [app({ securityContext: {} })] } } } }, 'spec.template.spec.containers[name=app].securityContext.readOnlyRootFilesystem'],
    ['runAsNonRoot: false', POD, { spec: { securityContext: { runAsNonRoot: false } } }, { spec: { securityContext: {} } }, 'spec.securityContext.runAsNonRoot'],
    ['a *int64 set to 0 (runAsUser: root)', POD, { spec: { securityContext: { runAsUser: 0 } } }, { spec: { securityContext: {} } }, 'spec.securityContext.runAsUser'],
    ['an empty pointer struct (securityContext: {})', POD, { spec: { containers: [app({ securityContext: {} })] } }, { spec: { containers: [app()] } }, 'spec.containers[name=app].securityContext'],
    ['an empty selector selects everything (PodDisruptionBudget)', PDB, { spec: { selector: {} } }, { spec: {} }, 'spec.selector'],
    ['a field the kind does not have', POD, { spec: { hostNetwrok: false } }, { spec: {} }, 'spec.hostNetwrok'],
    ['a custom resource keeps false', WIDGET, { spec: { enabled: false } }, { spec: {} }, 'spec.enabled'],
    ['a custom resource keeps 0', WIDGET, { spec: { replicas: 0 } }, { spec: {} }, 'spec.replicas'],
    ['a custom resource keeps ""', WIDGET, { spec: { suffix: '' } }, { spec: {} }, 'spec.suffix'],
    ['a custom resource keeps []', WIDGET, { spec: { items: [] } }, { spec: {} }, 'spec.items'],
    ['a custom resource keeps {}', WIDGET, { spec: { selector: {} } }, { spec: {} }, 'spec.selector'],
  ])('%s', (_name, kind, declared, live, changedPath) => {
    expect(compareDeclared(declared, live, kind).map((change) => change.path)).toEqual([changedPath]);
  });

  it('a manifest `null` is "not set": it matches no live pointer set to false', () => {
    expect(compareDeclared({ spec: { automountServiceAccountToken: null } }, { spec: { automountServiceAccountToken: false } }, POD)).toHaveLength(1);
    expect(compareDeclared({ spec: { automountServiceAccountToken: null } }, { spec: {} }, POD)).toEqual([]);
    expect(compareDeclared({ spec: { hostNetwork: null } }, { spec: { hostNetwork: false } }, POD)).toEqual([]);
  });
});

describe('a declared zero value the server drops (or defaults to) still matches an absent field', () => {
  it.each([
    ['hostNetwork: false', POD, { spec: { hostNetwork: false } }, { spec: {} }],
    ['a container\'s stdin: false and tty: false', POD, { spec: { containers: [app({ stdin: false, tty: false })] } }, { spec: { containers: [app()] } }],
    ['resources: {} (a value struct)', POD, { spec: { containers: [app({ resources: {} })] } }, { spec: { containers: [app()] } }],
    ['a value struct of zero values', DEPLOYMENT, { spec: { paused: false, strategy: {}, minReadySeconds: 0 } }, { spec: {} }],
    ['empty labels and annotations', POD, { metadata: { labels: {}, annotations: {} } }, { metadata: {} }],
    ['an empty ConfigMap data', { apiVersion: 'v1', kind: 'ConfigMap' }, { data: {} }, {}],
    ['a ClusterRole\'s rules: [] read back as null', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' }, { rules: [] }, { rules: null }],
    ['an empty podSelector of a NetworkPolicy (a value, not a pointer)', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }, { spec: { podSelector: {} } }, { spec: {} }],
  ])('%s', (_name, kind, declared, live) => {
    expect(compareDeclared(declared, live, kind)).toEqual([]);
  });

  it('a custom resource\'s value equal to its schema default matches its absence', () => {
    const schema = new OpenApiFieldSchema({
      type: 'object',
      properties: { spec: { type: 'object', properties: { enabled: { type: 'boolean', default: false }, replicas: { type: 'integer' } } } },
    }, { byName: {}, refPrefix: '#/components/schemas/' });
    expect(compareDeclared({ spec: { enabled: false } }, { spec: {} }, { schema, ...WIDGET })).toEqual([]);
    expect(compareDeclared({ spec: { replicas: 0 } }, { spec: {} }, { schema, ...WIDGET }).map((change) => change.path)).toEqual(['spec.replicas']);
  });
});

describe('--server-side: the dry run and the live object are compared as the server wrote them', () => {
  const object = (kind: { apiVersion: string; kind: string }, spec: Obj): KubeObject => ({ ...kind, metadata: { name: 'web', namespace: 'default' }, spec } as KubeObject);
  const schema = new OpenApiFieldSchema({
    type: 'object', properties: { spec: { type: 'object', properties: { paused: { type: 'boolean', default: false } } } },
  }, { byName: {}, refPrefix: '#/components/schemas/' });

  it.each([
    ['a *bool false where live has nothing', POD, { automountServiceAccountToken: false }, {}],
    ['nothing where live has a *bool false', POD, {}, { automountServiceAccountToken: false }],
    ['a *int32 0 where live has nothing', POD, { priority: 0 }, {}],
    ['an empty pointer struct where live has nothing', POD, { containers: [app({ securityContext: {} })] }, { containers: [app()] }],
    ['a custom resource\'s false where live has nothing', WIDGET, { enabled: false }, {}],
    ['a custom resource\'s schema default where live has nothing', WIDGET, { paused: false }, {}],
  ])('%s is a difference', (_name, kind, predicted, live) => {
    expect(serverSideChanges(object(kind, predicted), object(kind, live), schema)).not.toEqual([]);
  });

  it('a value field at its zero is the same Go object as its absence', () => {
    expect(serverSideChanges(object(POD, { hostNetwork: false, containers: [app({ resources: {} })] }), object(POD, { containers: [app()] }))).toEqual([]);
  });
});

describe('the table of Go types', () => {
  it('names the Kubernetes release it was generated from and covers the built-in kinds', () => {
    expect(KUBERNETES_VERSION).toMatch(/^1\.\d+\.\d+$/);
    for (const kind of ['v1/Pod', 'apps/v1/Deployment', 'batch/v1/CronJob', 'networking.k8s.io/v1/Ingress', 'policy/v1/PodDisruptionBudget']) expect(Object.hasOwn(KINDS, kind)).toBe(true);
  });

  it.each([
    [['spec', 'hostNetwork'], 'bool'],
    [['spec', 'automountServiceAccountToken'], 'pointer'],
    [['spec', 'securityContext'], 'pointer'],
    [['spec', 'securityContext', 'runAsUser'], 'pointer'],
    [['metadata', 'labels'], 'collection'],
    [['metadata', 'labels', 'app'], 'string'],
    [['spec', 'nosuchfield'], 'unknown'],
  ])('Pod %j is a %s', (at, shape) => {
    expect(at.reduce((field, key) => field.child(key), goTypeOf('v1', 'Pod')).shape).toBe(shape);
  });

  it('knows list items: a container\'s allowPrivilegeEscalation is a pointer', () => {
    expect(goTypeOf('v1', 'Pod').child('spec').child('containers').item().child('securityContext').child('allowPrivilegeEscalation').shape).toBe('pointer');
  });
});

describe('gitdiff kube: what a user sees', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-zero-'));
  const write = (name: string, objects: Obj[]) => {
    const file = path.join(dir, name);
    writeFileSync(file, objects.map((object) => dump(object)).join('---\n'));
    return file;
  };
  const pod = (spec: Obj) => ({ ...POD, metadata: { name: 'web', namespace: 'default' }, spec: { containers: [app()], ...spec } });

  it('exits 1 when live lost a pointer set to false, naming the field', async () => {
    const manifest = write('hardened.yaml', [pod({ automountServiceAccountToken: false, containers: [app({ securityContext: { allowPrivilegeEscalation: false } })] })]);
    const snapshot = write('live-hardened.yaml', [pod({ containers: [app({ securityContext: {} })] })]);
    const result = await runInProcess(['kube', manifest, '--live-from', snapshot]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('spec.automountServiceAccountToken');
    expect(result.stdout).toContain('spec.containers[name=app].securityContext.allowPrivilegeEscalation');
  });

  it('exits 0 when only value fields at their zero are absent live', async () => {
    const manifest = write('plain.yaml', [pod({ hostNetwork: false, containers: [app({ resources: {}, stdin: false })] })]);
    const snapshot = write('live-plain.yaml', [pod({})]);
    const result = await runInProcess(['kube', manifest, '--live-from', snapshot]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('exits 1 for a custom resource whose declared false is absent live', async () => {
    const widget = (spec: Obj) => ({ ...WIDGET, metadata: { name: 'w', namespace: 'default' }, spec });
    const manifest = write('widget.yaml', [widget({ size: 1, enabled: false })]);
    const snapshot = write('live-widget.yaml', [widget({ size: 1 })]);
    const result = await runInProcess(['kube', manifest, '--live-from', snapshot]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('spec.enabled');
  });
});
