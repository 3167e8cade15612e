// One field's schema as the cluster publishes it (OpenAPI v3 components or v2
// definitions), reduced to what comparing needs: how a list merges (by key, as
// a set, or whole), whether a scalar is a resource quantity or an
// int-or-string, the default the server fills in, and the schemas of the
// field's properties, map values and list items. `$ref` and `allOf` (kube-openapi
// wraps every reference in one) are resolved when a field is first walked, so
// recursive types (JSONSchemaProps) cost nothing until someone goes there.
import type { MergeKey } from '../merge-keys.js';
import { isRecord } from '../objects.js';

/** How a list is merged, hence compared: items matched by key, elements as a set, or the list as one value. */
export type ListSemantics =
  | { type: 'map'; key: MergeKey }
  | { type: 'set' }
  | { type: 'atomic' };

export const ATOMIC: ListSemantics = { type: 'atomic' };

export interface FieldSchema {
  /** A named property's schema; undefined when the schema does not name it. */
  property(name: string): FieldSchema | undefined;
  /** The schema of every value of a map (additionalProperties). */
  readonly values: FieldSchema | undefined;
  /** A map whose keys are data (labels, ConfigMap data, resource limits): values and no named properties. */
  readonly isMap: boolean;
  readonly items: FieldSchema | undefined;
  /** Defined for lists: an array without list extensions is atomic, as server-side apply treats it. */
  readonly list: ListSemantics | undefined;
  readonly scalar: 'quantity' | 'int-or-string' | undefined;
  /** `{ value }` when the schema declares a default (what the server stores when the field is absent). */
  readonly default: { value: unknown } | undefined;
}

/** The definitions a document's references point into, and how its references are spelled. */
export interface Definitions {
  byName: Record<string, unknown>;
  /** `#/components/schemas/` (v3) or `#/definitions/` (v2). */
  refPrefix: string;
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
/** What controller-gen writes for a resource.Quantity in a CRD: an int-or-string with this pattern. */
export const CRD_QUANTITY_PATTERN = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
/** References deeper than this are a malformed document, not a schema. */
const MAX_REF_DEPTH = 32;

type Raw = Record<string, unknown>;

/** The schema with its `$ref` and `allOf` members merged in (its own keywords win), and the names it refers to. */
function resolve(raw: Raw, definitions: Definitions, depth = 0): { schema: Raw; refs: string[] } {
  const members: unknown[] = [];
  if (typeof raw.$ref === 'string') members.push(raw.$ref);
  if (Array.isArray(raw.allOf)) members.push(...raw.allOf);
  if (members.length === 0 || depth > MAX_REF_DEPTH) return { schema: raw, refs: [] };
  let merged: Raw = {};
  const refs: string[] = [];
  for (const member of members) {
    let target: unknown = member;
    if (typeof member === 'string') {
      const name = member.startsWith(definitions.refPrefix) ? member.slice(definitions.refPrefix.length) : member;
      refs.push(name);
      target = Object.hasOwn(definitions.byName, name) ? definitions.byName[name] : undefined;
    }
    if (!isRecord(target)) continue;
    const inner = resolve(target, definitions, depth + 1);
    merged = { ...merged, ...inner.schema };
    refs.push(...inner.refs);
  }
  const { $ref: _ref, allOf: _allOf, ...own } = raw;
  return { schema: { ...merged, ...own }, refs };
}

export class OpenApiFieldSchema implements FieldSchema {
  private readonly schema: Raw;
  private readonly refs: string[];
  private readonly properties = new Map<string, FieldSchema | undefined>();
  // Walked once per compared object (10,000 Deployments walk the same few schemas): each child
  // is resolved once and kept, as properties are.
  private memo?: { values?: FieldSchema; items?: FieldSchema; list?: ListSemantics };

  constructor(raw: Raw, private readonly definitions: Definitions) {
    ({ schema: this.schema, refs: this.refs } = resolve(raw, definitions));
  }

  private child(raw: unknown): FieldSchema | undefined {
    return isRecord(raw) ? new OpenApiFieldSchema(raw, this.definitions) : undefined;
  }

  property(name: string): FieldSchema | undefined {
    if (!this.properties.has(name)) {
      const properties = this.schema.properties;
      this.properties.set(name, isRecord(properties) && Object.hasOwn(properties, name) ? this.child(properties[name]) : undefined);
    }
    return this.properties.get(name);
  }

  get values(): FieldSchema | undefined {
    this.memo ??= {};
    if (!('values' in this.memo)) this.memo.values = this.child(this.schema.additionalProperties);
    return this.memo.values;
  }

  get isMap(): boolean {
    const properties = this.schema.properties;
    return isRecord(this.schema.additionalProperties) && !(isRecord(properties) && Object.keys(properties).length > 0);
  }

  get items(): FieldSchema | undefined {
    this.memo ??= {};
    if (!('items' in this.memo)) this.memo.items = this.child(this.schema.items);
    return this.memo.items;
  }

  get list(): ListSemantics | undefined {
    this.memo ??= {};
    if (!('list' in this.memo)) this.memo.list = this.listSemantics();
    return this.memo.list;
  }

  private listSemantics(): ListSemantics | undefined {
    if (this.schema.type !== 'array' && !isRecord(this.schema.items)) return undefined;
    const listType = this.schema['x-kubernetes-list-type'];
    const mapKeys = this.schema['x-kubernetes-list-map-keys'];
    if (listType === 'map' && Array.isArray(mapKeys) && mapKeys.length > 0 && mapKeys.every((key) => typeof key === 'string')) {
      return { type: 'map', key: this.mergeKey(mapKeys as string[]) };
    }
    if (listType === 'set') return { type: 'set' };
    if (listType === 'atomic') return ATOMIC;
    // Strategic merge patch's key, on lists that predate list types (and in v2 documents).
    const patchKey = this.schema['x-kubernetes-patch-merge-key'];
    if (typeof patchKey === 'string' && patchKey !== '') return { type: 'map', key: this.mergeKey([patchKey]) };
    return ATOMIC;
  }

  /** Key fields with the defaults their item schema declares (a port's `protocol: TCP`). */
  private mergeKey(fields: string[]): MergeKey {
    const defaults: Record<string, unknown> = {};
    for (const field of fields) {
      const fieldDefault = this.items?.property(field)?.default;
      if (fieldDefault !== undefined) defaults[field] = fieldDefault.value;
    }
    return Object.keys(defaults).length > 0 ? { fields, defaults } : { fields };
  }

  get scalar(): 'quantity' | 'int-or-string' | undefined {
    const intOrString = this.schema['x-kubernetes-int-or-string'] === true || this.schema.format === 'int-or-string' || this.refs.includes(INT_OR_STRING);
    if (this.refs.includes(QUANTITY) || this.schema.format === 'quantity' || (intOrString && this.schema.pattern === CRD_QUANTITY_PATTERN)) return 'quantity';
    return intOrString ? 'int-or-string' : undefined;
  }

  get default(): { value: unknown } | undefined {
    return Object.hasOwn(this.schema, 'default') ? { value: this.schema.default } : undefined;
  }
}
