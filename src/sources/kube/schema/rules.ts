// What the comparison needs to know at each position of an object: how a list
// there merges, whether a value is a quantity, whether a map's keys are data,
// and the default the server would fill in. From the cluster's published
// schema when there is one; otherwise (snapshots, servers without OpenAPI,
// fields a schema leaves open) from gitdiff's built-in rules, which go by the
// field's name.
import { mergeKeyFor } from '../merge-keys.js';
import { ATOMIC, type FieldSchema, type ListSemantics } from './field-schema.js';

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

  constructor(private readonly fieldName: string, private readonly parentName: string) {}

  child(key: string): FieldRules {
    return new BuiltInRules(key, this.fieldName);
  }

  item(): FieldRules {
    return new BuiltInRules('', this.fieldName);
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
      rules = property ? new SchemaRules(property, key, this.fieldName, false)
        : values ? new SchemaRules(values, key, this.fieldName, true)
          : new BuiltInRules(key, this.fieldName);
      this.children.set(key, rules);
    }
    return rules;
  }

  item(): FieldRules {
    if (!this.itemRules) {
      const items = this.schema.items;
      this.itemRules = items ? new SchemaRules(items, '', this.fieldName, false) : new BuiltInRules('', this.fieldName);
    }
    return this.itemRules;
  }

  list(items: unknown[]): ListSemantics {
    return this.schema.list ?? new BuiltInRules(this.fieldName, this.parentName).list(items);
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
}

/** The rules at an object's root: its kind's schema when the server published one, else the built-in rules. */
export function rulesFor(schema: FieldSchema | undefined): FieldRules {
  if (!schema) return new BuiltInRules('', '');
  let rules = rootRules.get(schema);
  if (!rules) rootRules.set(schema, (rules = new SchemaRules(schema, '', '', false)));
  return rules;
}

const rootRules = new WeakMap<FieldSchema, FieldRules>();
