// The schemas of the kinds a run compares, from the OpenAPI documents the
// cluster published: per group-version documents (v3, `components.schemas`),
// or the single v2 document (`definitions`). A kind's schema is the definition
// whose `x-kubernetes-group-version-kind` names it; custom resources are
// published the same way, from their CRD's openAPIV3Schema.
import { groupOf } from '../kinds.js';
import { isRecord } from '../objects.js';
import { OpenApiFieldSchema, type Definitions, type FieldSchema } from './field-schema.js';

/** What was read from the server: v3 documents by apiVersion, or the v2 document. */
export type OpenApiDocuments =
  | { version: 3; documents: Map<string, unknown> }
  | { version: 2; document: unknown };

/** The outcome of reading: documents (`failed`: group-versions whose document could not be read, and why), or why there are none. */
export type OpenApiRead =
  | { documents: OpenApiDocuments; failed: Map<string, string> }
  | { unavailable: string };

export class SchemaSet {
  /** definitions name by `group/version/Kind`, per Definitions, built on first use. */
  private readonly indexes = new Map<Definitions, Map<string, string>>();
  private readonly kinds = new Map<string, FieldSchema | undefined>();

  private constructor(private readonly definitionsFor: (apiVersion: string) => Definitions | undefined) {}

  static from(read: OpenApiDocuments): SchemaSet {
    if (read.version === 2) {
      const definitions = definitionsOf(read.document, 'definitions', '#/definitions/');
      return new SchemaSet(() => definitions);
    }
    const byVersion = new Map<string, Definitions | undefined>();
    for (const [apiVersion, document] of read.documents) {
      const components = isRecord(document) ? document.components : undefined;
      byVersion.set(apiVersion, definitionsOf(components, 'schemas', '#/components/schemas/'));
    }
    return new SchemaSet((apiVersion) => byVersion.get(apiVersion));
  }

  /** The schema of a kind in that version, or undefined when the server published none. */
  forKind(apiVersion: string, kind: string): FieldSchema | undefined {
    const key = `${apiVersion}/${kind}`;
    if (!this.kinds.has(key)) this.kinds.set(key, this.lookUp(apiVersion, kind));
    return this.kinds.get(key);
  }

  private lookUp(apiVersion: string, kind: string): FieldSchema | undefined {
    const definitions = this.definitionsFor(apiVersion);
    if (!definitions) return undefined;
    const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
    const name = this.index(definitions).get(`${groupOf(apiVersion)}/${version}/${kind}`);
    const raw = name === undefined ? undefined : definitions.byName[name];
    return isRecord(raw) ? new OpenApiFieldSchema(raw, definitions) : undefined;
  }

  private index(definitions: Definitions): Map<string, string> {
    let index = this.indexes.get(definitions);
    if (!index) {
      index = new Map();
      for (const [name, raw] of Object.entries(definitions.byName)) {
        const kinds = isRecord(raw) ? raw['x-kubernetes-group-version-kind'] : undefined;
        for (const gvk of Array.isArray(kinds) ? kinds : []) {
          if (isRecord(gvk)) index.set(`${String(gvk.group ?? '')}/${String(gvk.version)}/${String(gvk.kind)}`, name);
        }
      }
      this.indexes.set(definitions, index);
    }
    return index;
  }
}

function definitionsOf(parent: unknown, field: string, refPrefix: string): Definitions | undefined {
  const byName = isRecord(parent) ? parent[field] : undefined;
  return isRecord(byName) ? { byName, refPrefix } : undefined;
}
