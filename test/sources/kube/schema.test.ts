// Schema-aware comparison: the rules come from the schemas a cluster publishes
// (shaped as a 1.32 server's OpenAPI v3 and v2, and as controller-gen writes
// CRD schemas); without one, gitdiff's built-in rules apply.
import { describe, expect, it } from 'vitest';
import { compareDeclared } from '../../../src/sources/kube/compare.js';
import { strictExtras } from '../../../src/sources/kube/strict.js';
import { CRD_QUANTITY_PATTERN, type FieldSchema } from '../../../src/sources/kube/schema/field-schema.js';
import { SchemaSet } from '../../../src/sources/kube/schema/schema-set.js';

type Obj = Record<string, unknown>;
const ref = (name: string, extra: Obj = {}) => ({ allOf: [{ $ref: `#/components/schemas/${name}` }], ...extra });
const gvk = (group: string, version: string, kind: string) => ({ 'x-kubernetes-group-version-kind': [{ group, kind, version }] });
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** A fragment of a real apps/v1 document (kube-openapi v3). */
const appsV1 = {
  components: {
    schemas: {
      'io.k8s.api.apps.v1.Deployment': {
        type: 'object', ...gvk('apps', 'v1', 'Deployment'),
        properties: { metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', { default: {} }), spec: ref('io.k8s.api.apps.v1.DeploymentSpec', { default: {} }) },
      },
      'io.k8s.api.apps.v1.DeploymentSpec': {
        type: 'object',
        properties: {
          replicas: { type: 'integer', format: 'int32' },
          template: { type: 'object', properties: { spec: ref('io.k8s.api.core.v1.PodSpec', { default: {} }) } },
          strategy: { type: 'object', properties: { rollingUpdate: { type: 'object', properties: { maxSurge: ref(INT_OR_STRING) } } } },
        },
      },
      'io.k8s.api.core.v1.PodSpec': {
        type: 'object',
        properties: {
          containers: { type: 'array', items: ref('io.k8s.api.core.v1.Container', { default: {} }), 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
          tolerations: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'atomic' },
        },
      },
      'io.k8s.api.core.v1.Container': {
        type: 'object',
        properties: {
          name: { type: 'string', default: '' },
          args: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'atomic' },
          ports: { type: 'array', items: ref('io.k8s.api.core.v1.ContainerPort', { default: {} }), 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'containerPort' },
          resources: { type: 'object', properties: { limits: { type: 'object', additionalProperties: ref(QUANTITY, { default: {} }) } } },
          livenessProbe: { type: 'object', properties: { httpGet: { type: 'object', properties: { port: ref(INT_OR_STRING) } } } },
        },
      },
      'io.k8s.api.core.v1.ContainerPort': { type: 'object', properties: { containerPort: { type: 'integer', default: 0 }, protocol: { type: 'string', default: 'TCP' } } },
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
        type: 'object',
        properties: {
          labels: { type: 'object', additionalProperties: { type: 'string', default: '' } },
          finalizers: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
        },
      },
      [QUANTITY]: { type: 'string' },
      [INT_OR_STRING]: { type: 'string', format: 'int-or-string' },
    },
  },
};

const coreV1 = {
  components: {
    schemas: {
      'io.k8s.api.core.v1.ConfigMap': { type: 'object', ...gvk('', 'v1', 'ConfigMap'), properties: { data: { type: 'object', additionalProperties: { type: 'string', default: '' } } } },
      'io.k8s.api.core.v1.Service': {
        type: 'object', ...gvk('', 'v1', 'Service'),
        properties: { spec: { type: 'object', properties: { selector: { type: 'object', additionalProperties: { type: 'string', default: '' } } } } },
      },
    },
  },
};

/** A custom resource's schema as apiextensions-apiserver publishes it from a controller-gen CRD. */
const widgetsV1 = {
  components: {
    schemas: {
      'com.example.v1.Widget': {
        type: 'object', ...gvk('example.com', 'v1', 'Widget'),
        properties: {
          spec: {
            type: 'object',
            properties: {
              size: { type: 'integer', default: 3 },
              tls: { type: 'object', properties: { mode: { type: 'string', default: 'strict' }, port: { type: 'integer', default: 443 } } },
              endpoints: {
                type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
                items: { type: 'object', properties: { name: { type: 'string' }, weight: { type: 'integer', default: 1 } } },
              },
              hosts: { type: 'array', items: { type: 'string' } },
              env: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
              tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
              memory: { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: CRD_QUANTITY_PATTERN, 'x-kubernetes-int-or-string': true },
              maxSurge: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
              extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    },
  },
};

const schemas = SchemaSet.from({ version: 3, documents: new Map<string, unknown>([['apps/v1', appsV1], ['v1', coreV1], ['example.com/v1', widgetsV1]]) });
const deployment = schemas.forKind('apps/v1', 'Deployment');
const widget = schemas.forKind('example.com/v1', 'Widget');
const paths = (declared: unknown, live: unknown, schema: FieldSchema | undefined) => compareDeclared(declared, live, { schema }).map((change) => change.path);
const containers = (...items: Obj[]) => ({ spec: { template: { spec: { containers: items } } } });

describe('SchemaSet', () => {
  it('finds kinds by x-kubernetes-group-version-kind, per group-version', () => {
    expect(deployment).toBeDefined();
    expect(schemas.forKind('v1', 'ConfigMap')).toBeDefined();
    expect(schemas.forKind('apps/v1', 'StatefulSet')).toBeUndefined();
    expect(schemas.forKind('batch/v1', 'Job')).toBeUndefined();
    // A kind is looked up in its own group-version's document only.
    expect(schemas.forKind('v1', 'Deployment')).toBeUndefined();
  });

  it('reads the v2 document, references as #/definitions/ and quantities as format: quantity', () => {
    const v2 = SchemaSet.from({
      version: 2,
      document: {
        definitions: {
          'io.k8s.api.core.v1.LimitRange': { type: 'object', ...gvk('', 'v1', 'LimitRange'), properties: { spec: { $ref: '#/definitions/io.k8s.api.core.v1.LimitRangeSpec' } } },
          'io.k8s.api.core.v1.LimitRangeSpec': { type: 'object', properties: { limits: { type: 'array', items: { type: 'object', properties: { max: { type: 'object', additionalProperties: { type: 'string', format: 'quantity' } } } } } } },
          'io.k8s.api.core.v1.ServiceSpec': { type: 'object', properties: { ports: { type: 'array', items: { type: 'object' }, 'x-kubernetes-patch-merge-key': 'port' } } },
        },
      },
    });
    const limitRange = v2.forKind('v1', 'LimitRange');
    expect(limitRange).toBeDefined();
    expect(compareDeclared({ spec: { limits: [{ max: { memory: '1Gi' } }] } }, { spec: { limits: [{ max: { memory: '1024Mi' } }] } }, { schema: limitRange })).toEqual([]);
  });

  it('walks a recursive schema lazily', () => {
    const recursive = SchemaSet.from({ version: 3, documents: new Map([['x.io/v1', { components: { schemas: {
      'io.x.v1.Node': { type: 'object', ...gvk('x.io', 'v1', 'Node'), properties: { child: ref('io.x.v1.Node'), value: { type: 'integer', default: 7 } } },
    } } }]]) }).forKind('x.io/v1', 'Node');
    expect(compareDeclared({ child: { child: { child: { value: 7 } } } }, { child: { child: { child: {} } } }, { schema: recursive })).toEqual([]);
  });
});

describe('schema-aware comparison', () => {
  it.each([
    ['map list: CRD items matched by their list-map key, in any order; live extras are not divergence',
      { spec: { endpoints: [{ name: 'a' }, { name: 'b' }] } }, { spec: { endpoints: [{ name: 'c' }, { name: 'b', weight: 1 }, { name: 'a', weight: 1 }] } }, []],
    ['map list: a declared item absent live is reported at its key',
      { spec: { endpoints: [{ name: 'a' }, { name: 'd' }] } }, { spec: { endpoints: [{ name: 'a' }] } }, ['spec.endpoints[name=d]']],
    ['map list: a field of a matched item', { spec: { endpoints: [{ name: 'a', weight: 5 }] } }, { spec: { endpoints: [{ name: 'a', weight: 1 }] } }, ['spec.endpoints[name=a].weight']],
    ['set: elements in any order, live extras allowed', { spec: { tags: ['b', 'a'] } }, { spec: { tags: ['a', 'b', 'c'] } }, []],
    ['set: a declared element missing is reported at the list', { spec: { tags: ['a', 'z'] } }, { spec: { tags: ['a', 'b'] } }, ['spec.tags']],
    ['atomic (no list type in a CRD): order matters', { spec: { hosts: ['a', 'b'] } }, { spec: { hosts: ['b', 'a'] } }, ['spec.hosts[0]', 'spec.hosts[1]']],
    ['atomic beats the built-in table: a CRD list named env is not keyed by name', { spec: { env: [{ name: 'A' }] } }, { spec: { env: [{ name: 'B' }, { name: 'A' }] } }, ['spec.env']],
    ['CRD default: declared equal to the default, absent live', { spec: { size: 3 } }, { spec: {} }, []],
    ['CRD default: declared null, live holds the default', { spec: { size: null } }, { spec: { size: 3 } }, []],
    ['CRD default: an object of defaults, absent live', { spec: { tls: { mode: 'strict', port: 443 } } }, { spec: {} }, []],
    ['CRD default: a value other than the default, absent live', { spec: { size: 5 } }, { spec: {} }, ['spec.size']],
    ['CRD default: an object with one non-default field, absent live', { spec: { tls: { mode: 'strict', port: 8443 } } }, { spec: {} }, ['spec.tls']],
    ['CRD default: declared equal to the default, live differs', { spec: { size: 3 } }, { spec: { size: 4 } }, ['spec.size']],
    ['int-or-string: a number equals its text', { spec: { maxSurge: 1 } }, { spec: { maxSurge: '1' } }, []],
    ['int-or-string: not compared as a quantity', { spec: { maxSurge: '1000m' } }, { spec: { maxSurge: '1' } }, ['spec.maxSurge']],
    ['CRD quantity (controller-gen pattern): by value', { spec: { memory: '1Gi' } }, { spec: { memory: '1024Mi' } }, []],
    ['CRD quantity: different values', { spec: { memory: '1Gi' } }, { spec: { memory: '1G' } }, ['spec.memory']],
    ['a field the schema leaves open falls back to the built-in rules', { spec: { extra: { containers: [{ name: 'a' }] } } }, { spec: { extra: { containers: [{ name: 'b' }, { name: 'a' }] } } }, []],
  ])('%s', (_name, declared, live, expected) => {
    expect(paths(declared, live, widget)).toEqual(expected);
  });

  it.each([
    ['container ports keyed by containerPort+protocol, protocol defaulted from the item schema',
      containers({ name: 'app', ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 80 }] }),
      containers({ name: 'app', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }] }), []],
    ['an injected sidecar is not divergence', containers({ name: 'app' }), containers({ name: 'istio-proxy' }, { name: 'app' }), []],
    ['quantity reference (v3): by value', containers({ name: 'app', resources: { limits: { memory: '0.25Gi', cpu: '1' } } }),
      containers({ name: 'app', resources: { limits: { memory: '256Mi', cpu: '1000m' } } }), []],
    ['quantity map entries are real entries', containers({ name: 'app', resources: { limits: { cpu: '0' } } }), containers({ name: 'app', resources: { limits: {} } }),
      ['spec.template.spec.containers[name=app].resources.limits.cpu']],
    ['int-or-string reference: a probe port number equals its text', containers({ name: 'app', livenessProbe: { httpGet: { port: 8080 } } }),
      containers({ name: 'app', livenessProbe: { httpGet: { port: '8080' } } }), []],
    ['atomic args in order', containers({ name: 'app', args: ['-a', '-b'] }), containers({ name: 'app', args: ['-b', '-a'] }),
      ['spec.template.spec.containers[name=app].args[0]', 'spec.template.spec.containers[name=app].args[1]']],
    ['finalizers are a set', { metadata: { finalizers: ['b', 'a'] } }, { metadata: { finalizers: ['a', 'b'] } }, []],
    ['a label is a map entry: its zero-value default does not hide it', { metadata: { labels: { tier: '' } } }, { metadata: { labels: {} } }, ['metadata.labels.tier']],
  ])('built-in kinds: %s', (_name, declared, live, expected) => {
    expect(paths(declared, live, deployment)).toEqual(expected);
  });

  it('goes by the schema, not by field names: ConfigMap data is text even under a key named storage', () => {
    const configMap = schemas.forKind('v1', 'ConfigMap');
    const [declared, live] = [{ data: { storage: '1Gi' } }, { data: { storage: '1024Mi' } }];
    expect(paths(declared, live, configMap)).toEqual(['data.storage']);
    // The built-in rules go by the name and take it for a quantity; the schema knows better.
    expect(paths(declared, live, undefined)).toEqual([]);
  });

  it('without a schema, the built-in rules apply (snapshots, servers without OpenAPI)', () => {
    expect(paths({ spec: { env: [{ name: 'A' }] } }, { spec: { env: [{ name: 'B' }, { name: 'A' }] } }, undefined)).toEqual([]);
    expect(paths({ spec: { size: 3 } }, { spec: {} }, undefined)).toEqual(['spec.size']);
    expect(paths({ spec: { endpoints: [{ name: 'a' }, { name: 'b' }] } }, { spec: { endpoints: [{ name: 'b' }, { name: 'a' }] } }, undefined))
      .toEqual(['spec.endpoints[0].name', 'spec.endpoints[1].name']);
  });
});

describe('--strict with a schema', () => {
  const extras = (declared: unknown, live: unknown, schema: FieldSchema | undefined) => strictExtras(declared, live, { kind: 'Widget' }, schema).extras.map((change) => change.path);

  it.each([
    ['a set element Git does not declare', { spec: { tags: ['a'] } }, { spec: { tags: ['a', 'b'] } }, widget, ['spec.tags']],
    ['a CRD map-list item Git does not declare', { spec: { endpoints: [{ name: 'a' }] } }, { spec: { endpoints: [{ name: 'a' }, { name: 'b' }] } }, widget, ['spec.endpoints[name=b]']],
    ['a key of a string map the built-in rules do not know (Service selector)', { spec: { selector: { app: 'a' } } }, { spec: { selector: { app: 'a', tier: 'x' } } }, schemas.forKind('v1', 'Service'), ['spec.selector.tier']],
    ['not a limit a LimitRange or an autoscaler filled in', containers({ name: 'app', resources: { limits: { cpu: '1' } } }), containers({ name: 'app', resources: { limits: { cpu: '1', memory: '1Gi' } } }), deployment, []],
  ])('%s', (_name, declared, live, schema, expected) => {
    expect(extras(declared, live, schema)).toEqual(expected);
  });
});
