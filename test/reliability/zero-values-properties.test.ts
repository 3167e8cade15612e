// Property: removing any declared field from the live object, or changing it,
// is never in sync unless the field's Go type or schema says the server drops
// or defaults it to exactly that value. The oracle below is written from the
// Kubernetes API's Go types by hand (pointer or value, slice, map, struct),
// not from gitdiff's generated table, so a wrong table is caught too.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { compareItem } from '../../src/sources/kube/items.js';
import { parseManifests } from '../../src/sources/kube/documents.js';
import { KUBECTL_YAML_SCHEMA } from '../../src/sources/kube/yaml-schema.js';
import { OpenApiFieldSchema } from '../../src/sources/kube/schema/field-schema.js';
import type { FieldSchema } from '../../src/sources/kube/schema/field-schema.js';
import type { KubeObject } from '../../src/sources/kube/objects.js';

type Obj = Record<string, any>;
type Path = (string | number)[];
type Kind = 'bool' | 'int' | 'string' | 'list' | 'map';

/** A field, its JSON type, and whether its zero value and its absence are one to the server (a non-pointer Go field). */
interface Field { path: Path; type: Kind; zeroIsAbsent: boolean; default?: unknown }

const C = ['spec', 'containers', 0];
const POD_FIELDS: Field[] = [
  { path: ['spec', 'hostNetwork'], type: 'bool', zeroIsAbsent: true },
  { path: ['spec', 'hostIPC'], type: 'bool', zeroIsAbsent: true },
  { path: ['spec', 'hostname'], type: 'string', zeroIsAbsent: true },
  { path: ['spec', 'serviceAccountName'], type: 'string', zeroIsAbsent: true },
  { path: ['spec', 'nodeSelector'], type: 'map', zeroIsAbsent: true },
  { path: ['spec', 'tolerations'], type: 'list', zeroIsAbsent: true },
  { path: ['spec', 'automountServiceAccountToken'], type: 'bool', zeroIsAbsent: false },
  { path: ['spec', 'enableServiceLinks'], type: 'bool', zeroIsAbsent: false },
  { path: ['spec', 'shareProcessNamespace'], type: 'bool', zeroIsAbsent: false },
  { path: ['spec', 'hostUsers'], type: 'bool', zeroIsAbsent: false },
  { path: ['spec', 'terminationGracePeriodSeconds'], type: 'int', zeroIsAbsent: false },
  { path: ['spec', 'activeDeadlineSeconds'], type: 'int', zeroIsAbsent: false },
  { path: ['spec', 'priority'], type: 'int', zeroIsAbsent: false },
  { path: ['spec', 'runtimeClassName'], type: 'string', zeroIsAbsent: false },
  { path: ['spec', 'securityContext', 'runAsNonRoot'], type: 'bool', zeroIsAbsent: false },
  { path: ['spec', 'securityContext', 'runAsUser'], type: 'int', zeroIsAbsent: false },
  { path: ['spec', 'securityContext', 'fsGroup'], type: 'int', zeroIsAbsent: false },
  { path: ['spec', 'securityContext', 'supplementalGroups'], type: 'list', zeroIsAbsent: true },
  { path: ['spec', 'dnsConfig', 'nameservers'], type: 'list', zeroIsAbsent: true },
  { path: [...C, 'stdin'], type: 'bool', zeroIsAbsent: true },
  { path: [...C, 'tty'], type: 'bool', zeroIsAbsent: true },
  { path: [...C, 'workingDir'], type: 'string', zeroIsAbsent: true },
  { path: [...C, 'args'], type: 'list', zeroIsAbsent: true },
  { path: [...C, 'resources', 'limits'], type: 'map', zeroIsAbsent: true },
  { path: [...C, 'restartPolicy'], type: 'string', zeroIsAbsent: false },
  { path: [...C, 'securityContext', 'allowPrivilegeEscalation'], type: 'bool', zeroIsAbsent: false },
  { path: [...C, 'securityContext', 'readOnlyRootFilesystem'], type: 'bool', zeroIsAbsent: false },
  { path: [...C, 'securityContext', 'privileged'], type: 'bool', zeroIsAbsent: false },
  { path: [...C, 'securityContext', 'runAsGroup'], type: 'int', zeroIsAbsent: false },
  { path: [...C, 'securityContext', 'procMount'], type: 'string', zeroIsAbsent: false },
  { path: ['metadata', 'annotations'], type: 'map', zeroIsAbsent: true },
  { path: ['metadata', 'finalizers'], type: 'list', zeroIsAbsent: true },
];

/** A custom resource: the server keeps what was written, and fills in its schema's defaults. */
const WIDGET_FIELDS: Field[] = [
  { path: ['spec', 'enabled'], type: 'bool', zeroIsAbsent: false },
  { path: ['spec', 'count'], type: 'int', zeroIsAbsent: false },
  { path: ['spec', 'suffix'], type: 'string', zeroIsAbsent: false },
  { path: ['spec', 'items'], type: 'list', zeroIsAbsent: false },
  { path: ['spec', 'labels'], type: 'map', zeroIsAbsent: false },
  { path: ['spec', 'mode'], type: 'string', zeroIsAbsent: false, default: 'fast' },
  { path: ['spec', 'paused'], type: 'bool', zeroIsAbsent: false, default: false },
  { path: ['spec', 'retries'], type: 'int', zeroIsAbsent: false, default: 3 },
];

const WIDGET_SCHEMA: FieldSchema = new OpenApiFieldSchema({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: Object.fromEntries(WIDGET_FIELDS.map((field) => [field.path[1], {
        type: { bool: 'boolean', int: 'integer', string: 'string', list: 'array', map: 'object' }[field.type],
        ...(field.type === 'list' ? { items: { type: 'string' } } : field.type === 'map' ? { additionalProperties: { type: 'string' } } : {}),
        ...(field.default !== undefined ? { default: field.default } : {}),
      }])),
    },
  },
}, { byName: {}, refPrefix: '#/components/schemas/' });

const ZERO: Record<Kind, unknown> = { bool: false, int: 0, string: '', list: [], map: {} };

// Built once: a stringMatching arbitrary is costly to make, and scenarios pick fields many times over.
const word = fc.stringMatching(/^[a-z]{1,6}$/);
const OTHER: Record<Kind, fc.Arbitrary<unknown>> = {
  bool: fc.constant(true),
  int: fc.oneof(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n })),
  string: fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/),
  list: fc.array(word, { minLength: 1, maxLength: 3 }),
  map: fc.dictionary(word, word, { minKeys: 1, maxKeys: 3 }),
};
const values = new Map<Field, fc.Arbitrary<unknown>>();

/** A value of the field's type: its zero value, its default, or another value, up to int64's limits. */
function valueOf(field: Field): fc.Arbitrary<unknown> {
  if (!values.has(field)) {
    values.set(field, fc.oneof(fc.constant(ZERO[field.type]), OTHER[field.type], ...(field.default !== undefined ? [fc.constant(field.default)] : [])));
  }
  return values.get(field)!;
}

/**
 * A value of the same type that differs from `value` where Git declared something: undefined for an
 * empty list or map, whose additions only --strict reports (the manifest is a subset of the live object).
 */
function changed(field: Field, value: unknown): unknown {
  switch (field.type) {
    case 'bool': return !value;
    case 'int': return typeof value === 'bigint' ? value - 1n : (value as number) + 1;
    case 'string': return `${String(value)}x`;
    case 'list': {
      const list = value as string[];
      return list.length === 0 ? undefined : [`${list[0]}x`, ...list.slice(1)];
    }
    case 'map': {
      const [first] = Object.keys(value as Obj);
      return first === undefined ? undefined : { ...(value as Obj), [first]: `${(value as Obj)[first]}x` };
    }
  }
}

const at = (object: Obj, path: Path): Obj => path.slice(0, -1).reduce<Obj>((node, key) => node[key], object);

function setPath(object: Obj, path: Path, value: unknown): void {
  let node = object;
  for (const [index, key] of path.slice(0, -1).entries()) {
    node[key] ??= typeof path[index + 1] === 'number' ? [] : {};
    node = node[key];
  }
  node[path[path.length - 1]] = value;
}

function base(kind: 'Pod' | 'Widget'): Obj {
  const metadata = { name: 'web', namespace: 'prop' };
  return kind === 'Pod'
    ? { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [{ name: 'app', image: 'app:1' }] } }
    : { apiVersion: 'example.com/v1', kind: 'Widget', metadata, spec: { size: 1 } };
}

/** An object with some of the kind's fields set, and which one of them to remove or change live. */
const scenario = fc.constantFrom('Pod' as const, 'Widget' as const).chain((kind) => {
  const fields = kind === 'Pod' ? POD_FIELDS : WIDGET_FIELDS;
  return fc.uniqueArray(fc.nat({ max: fields.length - 1 }), { minLength: 1, maxLength: 6 }).chain((chosen) => fc.record({
    kind: fc.constant(kind),
    fields: fc.constant(chosen.map((index) => fields[index])),
    values: fc.tuple(...chosen.map((index) => valueOf(fields[index]))),
    target: fc.nat({ max: chosen.length - 1 }),
    how: fc.constantFrom('remove' as const, 'change' as const),
    as: fc.constantFrom('yaml' as const, 'json' as const),
  }));
});

function manifestText(object: Obj, as: 'yaml' | 'json'): string {
  if (as === 'json') return jsonWithBigInts(object);
  return dump(object, { schema: KUBECTL_YAML_SCHEMA });
}

function jsonWithBigInts(object: Obj): string {
  return JSON.stringify(object, (_key, value: unknown) => (typeof value === 'bigint' ? `@big:${value}` : value)).replace(/"@big:(-?\d+)"/g, '$1');
}

function compared(declaredText: string, live: Obj, kind: 'Pod' | 'Widget') {
  const [{ object: declared }] = parseManifests(declaredText, 'generated');
  const [{ object: liveObject }] = parseManifests(jsonWithBigInts(live), 'live');
  const lookup = { state: 'found', object: liveObject } as const;
  return compareItem({ object: declared, file: 'generated', namespace: 'prop' }, lookup, lookup, [], { strict: false, serverSide: false, schema: kind === 'Widget' ? WIDGET_SCHEMA : undefined });
}

describe('zero values and absence', () => {
  it('removing a declared field live, or changing it, is in sync only where the server drops or defaults it to exactly that value', () => {
    fc.assert(fc.property(scenario, ({ kind, fields, values, target, how, as }) => {
      const declared = base(kind);
      fields.forEach((field, index) => setPath(declared, field.path, structuredClone(values[index])));
      // A later field may sit inside an earlier one (securityContext.runAsUser after securityContext): take the value as set.
      const field = fields[target];
      const value = at(declared, field.path)[field.path[field.path.length - 1]];
      const live = structuredClone(declared);
      expect(compared(manifestText(declared, as), live, kind).status).toBe('in-sync');
      const parent = at(live, field.path);
      const key = field.path[field.path.length - 1];
      if (how === 'remove') delete parent[key];
      else {
        const other = changed(field, value);
        fc.pre(other !== undefined);
        parent[key] = other;
      }
      const isZero = isDeepStrictEqual(value, ZERO[field.type]);
      const dropped = how === 'remove' && ((field.zeroIsAbsent && isZero) || (field.default !== undefined && value === field.default));
      expect(compared(manifestText(declared, as), live, kind).status).toBe(dropped ? 'in-sync' : 'diverged');
    }), { numRuns: 1000 });
  });
});
