// What apiextensions-apiserver does to a custom resource with the structural
// schema of its version (openAPIV3Schema): fill in `default`s of absent fields,
// then prune fields the schema does not declare (unless
// x-kubernetes-preserve-unknown-fields or additionalProperties allows them).
// apiVersion, kind and metadata at the root are never pruned.
type Obj = Record<string, any>;
type Schema = Record<string, any>;

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The openAPIV3Schema of one version of a CRD, if it has one. */
export function schemaForVersion(crd: Obj | undefined, version: string): Schema | undefined {
  const entry = (crd?.spec?.versions ?? []).find((v: Obj) => v?.name === version);
  return isObject(entry?.schema?.openAPIV3Schema) ? entry.schema.openAPIV3Schema : undefined;
}

function applyDefaults(value: unknown, schema: Schema): void {
  if (Array.isArray(value)) {
    if (isObject(schema.items)) for (const item of value) applyDefaults(item, schema.items);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, property] of Object.entries<Schema>(schema.properties ?? {})) {
    if (value[key] === undefined && property.default !== undefined) value[key] = structuredClone(property.default);
    if (value[key] !== undefined) applyDefaults(value[key], property);
  }
  if (isObject(schema.additionalProperties)) {
    for (const key of Object.keys(value)) if (!(key in (schema.properties ?? {}))) applyDefaults(value[key], schema.additionalProperties);
  }
}

function prune(value: unknown, schema: Schema, root: boolean): void {
  if (Array.isArray(value)) {
    if (isObject(schema.items)) for (const item of value) prune(item, schema.items, false);
    return;
  }
  if (!isObject(value)) return;
  const properties: Obj = schema.properties ?? {};
  const keepUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties !== undefined;
  const embedded = root || schema['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(value)) {
    if (embedded && ['apiVersion', 'kind', 'metadata'].includes(key)) continue;
    const property = properties[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (property) prune(value[key], property, false);
    else if (!keepUnknown) delete value[key];
  }
}

/** Defaults then prunes a custom resource in place, as the server does before storing it. */
export function defaultAndPrune(object: Obj, schema: Schema | undefined): void {
  if (!schema) return;
  applyDefaults(object, schema);
  prune(object, schema, true);
}
