// What a built-in kind's Go type says about a field that is absent from the
// live object. The API server decodes JSON into Go structs and stores them:
// an absent value field (`hostNetwork bool`) decodes to its zero value, so
// `false` in Git says the same as nothing; an absent pointer field
// (`automountServiceAccountToken *bool`, `securityContext *SecurityContext`)
// stays nil, "unset", which a declared `false` or `{}` is not. Empty slices
// and maps come back as nil (etcd holds built-in kinds as protobuf, which has
// no empty-versus-nil), so `[]` and `{}` there say nothing either. The types
// come from k8s.io/api (kubernetes-types.ts, generated); kinds it does not know
// (custom resources) have shape 'unknown': compared as written.
import { KINDS, TYPES } from './kubernetes-types.js';

/** How a field's zero value relates to its absence; 'unknown' (and 'pointer') means absence is only absence. */
export type ZeroShape = 'bool' | 'number' | 'string' | 'bytes' | 'collection' | 'struct' | 'pointer' | 'unknown';

export interface GoField {
  readonly shape: ZeroShape;
  /** The field `key` of a struct, or the value at `key` of a map. */
  child(key: string): GoField;
  /** The elements of a slice. */
  item(): GoField;
}

const LEAVES = new Set<ZeroShape>(['bool', 'number', 'string', 'bytes']);

class GoTypeNode implements GoField {
  readonly shape: ZeroShape;
  private readonly children = new Map<string, GoField>();

  /** `type`: a type string of kubernetes-types.ts (`*T`, `[]T`, `{}T`, a leaf, or a struct's id). */
  constructor(private readonly type: string) {
    if (type.startsWith('*')) this.shape = 'pointer';
    else if (type.startsWith('[]') || type.startsWith('{}')) this.shape = 'collection';
    else if (LEAVES.has(type as ZeroShape)) this.shape = type as ZeroShape;
    else this.shape = Object.hasOwn(TYPES, type) ? 'struct' : 'unknown';
  }

  child(key: string): GoField {
    let child = this.children.get(key);
    if (!child) {
      child = this.lookUpChild(key);
      this.children.set(key, child);
    }
    return child;
  }

  private lookUpChild(key: string): GoField {
    if (this.type.startsWith('*')) return typeNode(this.type.slice(1)).child(key);
    if (this.type.startsWith('{}')) return typeNode(this.type.slice(2));
    if (this.shape !== 'struct') return UNKNOWN_FIELD;
    const fields = TYPES[this.type];
    return Object.hasOwn(fields, key) ? typeNode(fields[key]) : UNKNOWN_FIELD;
  }

  item(): GoField {
    if (this.type.startsWith('*')) return typeNode(this.type.slice(1)).item();
    return this.type.startsWith('[]') ? typeNode(this.type.slice(2)) : UNKNOWN_FIELD;
  }
}

/** A field no Go type describes: a custom resource's, or one the built-in type does not have. */
export const UNKNOWN_FIELD: GoField = {
  shape: 'unknown',
  child: () => UNKNOWN_FIELD,
  item: () => UNKNOWN_FIELD,
};

// One node per type string, shared by every kind and object: the walk costs a map lookup per field.
const nodes = new Map<string, GoField>();

function typeNode(type: string): GoField {
  let node = nodes.get(type);
  if (!node) nodes.set(type, (node = new GoTypeNode(type)));
  return node;
}

/** The Go type of a built-in kind's objects, or UNKNOWN_FIELD for kinds Kubernetes does not define. */
export function goTypeOf(apiVersion: string, kind: string): GoField {
  const key = `${apiVersion}/${kind}`;
  return Object.hasOwn(KINDS, key) ? typeNode(KINDS[key]) : UNKNOWN_FIELD;
}
