// The server's published schemas, as a kube-apiserver 1.32 serves them:
//  - /openapi/v3: the index, `{paths: {"apis/apps/v1": {serverRelativeURL: "/openapi/v3/apis/apps/v1?hash=..."}}}`;
//  - /openapi/v3/api/v1, /openapi/v3/apis/{group}/{version}: one document per
//    group-version, its kinds' schemas and every schema they reference in `components.schemas`;
//  - /openapi/v2: one document for everything, references as `#/definitions/...`
//    and without v3's `allOf` wrappers.
// Custom resources are published from their CRD's openAPIV3Schema (metadata
// becomes ObjectMeta), named as apiextensions-apiserver names them (`com.example.v1.Widget`).
import { createHash } from 'node:crypto';
import type { Catalog, KindInfo } from './catalog.js';
import { schemaForVersion } from './crd-schema.js';
import { BUILTIN_SCHEMAS, OBJECT_META_SCHEMA, ref } from './openapi-builtin.js';

type Obj = Record<string, any>;

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `com.example.v1.Widget` for example.com/v1 Widget: the reversed group, the version, the kind. */
export function crdSchemaName(info: Pick<KindInfo, 'group' | 'version' | 'kind'>): string {
  return `${info.group.split('.').reverse().join('.')}.${info.version}.${info.kind}`;
}

/** The schema apiextensions-apiserver publishes for a custom resource version. */
function customResourceSchema(info: KindInfo): Obj {
  const schema = structuredClone(schemaForVersion(info.crd, info.version) ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  schema.properties = { ...schema.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: ref(OBJECT_META_SCHEMA) };
  schema['x-kubernetes-group-version-kind'] = [{ group: info.group, kind: info.kind, version: info.version }];
  return schema;
}

/** Every component schema the server publishes: the built-in ones and one per served custom resource version. */
export function allSchemas(catalog: Catalog): Obj {
  const custom = catalog.kinds.filter((info) => info.crd).map((info) => [crdSchemaName(info), customResourceSchema(info)]);
  return { ...BUILTIN_SCHEMAS, ...Object.fromEntries(custom) };
}

/** The component name of a served kind's schema, if the server publishes one. */
export function schemaNameOf(info: KindInfo, schemas: Obj): string | undefined {
  if (info.crd) return crdSchemaName(info);
  return Object.keys(schemas).find((name) => (schemas[name]['x-kubernetes-group-version-kind'] ?? [])
    .some((gvk: Obj) => gvk.group === info.group && gvk.version === info.version && gvk.kind === info.kind));
}

/** The names `roots` refer to, transitively, with the roots. */
function closure(roots: string[], schemas: Obj): string[] {
  const seen = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (key === '$ref' && typeof child === 'string') add(child.replace('#/components/schemas/', ''));
        else visit(child);
      }
    }
  };
  const add = (name: string): void => {
    if (seen.has(name) || !schemas[name]) return;
    seen.add(name);
    visit(schemas[name]);
  };
  roots.forEach(add);
  return [...seen].sort();
}

/** `api/v1` or `apis/{group}/{version}` for each served group-version. */
function groupVersionKeys(catalog: Catalog): Map<string, KindInfo[]> {
  const byKey = new Map<string, KindInfo[]>();
  for (const info of catalog.kinds) {
    const key = info.group ? `apis/${info.group}/${info.version}` : `api/${info.version}`;
    byKey.set(key, [...(byKey.get(key) ?? []), info]);
  }
  return byKey;
}

export function v3Document(catalog: Catalog, key: string): Obj | undefined {
  const kinds = groupVersionKeys(catalog).get(key);
  if (!kinds) return undefined;
  const schemas = allSchemas(catalog);
  const roots = kinds.map((info) => schemaNameOf(info, schemas)).filter((name): name is string => name !== undefined);
  const components = Object.fromEntries(closure(roots, schemas).map((name) => [name, schemas[name]]));
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, components: { schemas: components } };
}

const hashOf = (document: Obj): string => createHash('sha512').update(JSON.stringify(document)).digest('hex').toUpperCase();

export function v3Index(catalog: Catalog): Obj {
  const paths: Obj = {};
  for (const key of groupVersionKeys(catalog).keys()) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(v3Document(catalog, key)!)}` };
  }
  return { paths };
}

/** v2's spelling: `#/definitions/` references, each a bare `$ref` (v2 allows no siblings beside one). */
function toV2(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toV2);
  if (!isObject(value)) return value;
  if (Array.isArray(value.allOf) && value.allOf.length === 1 && typeof value.allOf[0]?.$ref === 'string') {
    return { $ref: value.allOf[0].$ref.replace('#/components/schemas/', '#/definitions/') };
  }
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, toV2(child)]));
}

export function v2Document(catalog: Catalog): Obj {
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions: toV2(allSchemas(catalog)) };
}

/** The document at an /openapi path (query excluded), or undefined for a path the server does not publish. */
export function openApiDocument(path: string, catalog: Catalog, versions: 'v3' | 'v2'): Obj | undefined {
  if (path === '/openapi/v2') return v2Document(catalog);
  if (versions !== 'v3') return undefined;
  if (path === '/openapi/v3') return v3Index(catalog);
  return path.startsWith('/openapi/v3/') ? v3Document(catalog, path.slice('/openapi/v3/'.length)) : undefined;
}
