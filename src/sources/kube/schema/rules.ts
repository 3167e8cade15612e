// What the comparison needs to know at each position of an object: how a list
// there merges, whether a value is a quantity, whether a map's keys are data,
// and the default the server would fill in. From the cluster's published
// schema when there is one; otherwise (snapshots, servers without OpenAPI,
// field's name. What an absent field means (its zero shape) comes from the
// kind's Go type (go-types.ts) in both cases.
import { mergeKeyFor } from '../merge-keys.js';
import { ATOMIC, type FieldSchema, type ListSemantics } from './field-schema.js';
import { goTypeOf, UNKNOWN_FIELD, type GoField, type ZeroShape } from './go-types.js';

export interface FieldRules {
  /** The rules of a property or map entry named `key`. */
  child(key: string): FieldRules;
  /** The rules of this list's items. */
  item(): FieldRules;
  /** How this list merges; the items decide between built-in cases (container or Service ports). */
  list(items: unknown[]): ListSemantics;
  readonly isQuantity: boolean;
  /** An entry of a map whose keys are data: `key: ""` is a real entry, and an absent key is a difference. */
  readonly isMapEntry: boolean;
  /** A map of data (labels, annotations, ConfigMap data, selectors): --strict reports keys Git does not declare. */
  readonly isDataMap: boolean;
  /** The schema's default for this property (never for map entries or list items). */
  readonly default: { value: unknown } | undefined;
  /** What the field's Go type says an absent value equals (go-types.ts). */
  readonly shape: ZeroShape;
}

/** What the rules of an object are drawn from: the published schema of its kind, and the kind itself (for its Go type). */
export interface KindTypes {
  schema?: FieldSchema;
  apiVersion?: string;
  kind?: string;
}

const SET: ListSemantics = { type: 'set' };

/** Fields under these names hold resource quantities (`resources.limits.cpu`, `capacity.storage`, `hard.pods`). */
const QUANTITY_PARENTS = new Set(['limits', 'requests', 'capacity', 'allocatable', 'hard', 'used', 'overhead', 'min', 'max', 'default', 'defaultRequest', 'maxLimitRequestRatio']);
const QUANTITY_FIELDS = new Set(['sizeLimit', 'storage']);
/** Maps whose keys are data, where `key: ""` is a real entry (a label with an empty value), not an omitted zero. */
const DATA_MAPS = new Set(['labels', 'annotations', 'data', 'binaryData', 'stringData', 'matchLabels', 'nodeSelector']);

/** gitdiff's own rules, by field name: what works without a schema. */
class BuiltInRules implements FieldRules {
  readonly default = undefined;

  constructor(private readonly fieldName: string, private readonly parentName: string, private readonly go: GoField) {}

  child(key: string): FieldRules {
    return new BuiltInRules(key, this.fieldName, this.go.child(key));
  }

  item(): FieldRules {
    return new BuiltInRules('', this.fieldName, this.go.item());
  }

  get shape(): ZeroShape {
    return this.go.shape;
  }

  list(items: unknown[]): ListSemantics {
    // ObjectMeta.finalizers is a set (+listType=set), as the published schema says: the built-in rules agree.
    if (this.fieldName === 'finalizers' && this.parentName === 'metadata') return SET;
    const key = mergeKeyFor(this.fieldName, items);
    return key ? { type: 'map', key } : ATOMIC;
  }

  get isQuantity(): boolean {
    return QUANTITY_PARENTS.has(this.parentName) || QUANTITY_FIELDS.has(this.fieldName);
  }

  get isMapEntry(): boolean {
    return DATA_MAPS.has(this.parentName);
  }

  get isDataMap(): boolean {
    return DATA_MAPS.has(this.fieldName);
  }
}

/** The published schema's rules; where it says nothing (an open or unknown field), the built-in ones. */
class SchemaRules implements FieldRules {
  constructor(
    private readonly schema: FieldSchema,
    private readonly fieldName: string,
    private readonly parentName: string,
    readonly isMapEntry: boolean,
    private readonly go: GoField,
  ) {}

  // The rules at a path depend on the path alone: each child is made once and shared by every
  // object of the kind (rulesFor keeps the root), instead of once per field of every object.
  private readonly children = new Map<string, FieldRules>();
  private itemRules?: FieldRules;

  child(key: string): FieldRules {
    let rules = this.children.get(key);
    if (!rules) {
      const property = this.schema.property(key);
      const values = property ? undefined : this.schema.values;
      const go = this.go.child(key);
      rules = property ? new SchemaRules(property, key, this.fieldName, false, go)
        : values ? new SchemaRules(values, key, this.fieldName, true, go)
          : new BuiltInRules(key, this.fieldName, go);
      this.children.set(key, rules);
    }
    return rules;
  }

  item(): FieldRules {
    if (!this.itemRules) {
      const items = this.schema.items;
      const go = this.go.item();
      this.itemRules = items ? new SchemaRules(items, '', this.fieldName, false, go) : new BuiltInRules('', this.fieldName, go);
    }
    return this.itemRules;
  }

  list(items: unknown[]): ListSemantics {
    return this.schema.list ?? new BuiltInRules(this.fieldName, this.parentName, this.go).list(items);
  }

  get isQuantity(): boolean {
    return this.schema.scalar === 'quantity';
  }

  get isDataMap(): boolean {
    // Maps of quantities (limits, requests) are filled in by LimitRanges and autoscalers: not data.
    return this.schema.isMap && this.schema.values?.scalar !== 'quantity';
  }

  get default(): { value: unknown } | undefined {
    return this.isMapEntry ? undefined : this.schema.default;
  }

  get shape(): ZeroShape {
    return this.go.shape;
  }
}

/** The rules at an object's root: its kind's schema when the server published one, else the built-in rules. */
export function rulesFor({ schema, apiVersion, kind }: KindTypes = {}): FieldRules {
  const go = apiVersion !== undefined && kind !== undefined ? goTypeOf(apiVersion, kind) : UNKNOWN_FIELD;
  if (!schema) return new BuiltInRules('', '', go);
  let byType = rootRules.get(schema);
  if (!byType) rootRules.set(schema, (byType = new Map()));
  let rules = byType.get(go);
  if (!rules) byType.set(go, (rules = new SchemaRules(schema, '', '', false, go)));
  return rules;
}

const rootRules = new WeakMap<FieldSchema, Map<GoField, FieldRules>>();
