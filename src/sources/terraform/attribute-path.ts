// Readable paths into a Terraform object: `root_block_device[0].volume_size`,
// `tags["Name"]`. Apart from attribute-diff.ts because sensitive.ts needs the
// same rule for what an attribute name is, and attribute-diff.ts needs
// sensitive.ts's values: in one file each, the two would import each other.
/** Attribute names are lower_snake_case by provider convention; anything else is a map key. */
export function isAttributeName(key: string): boolean {
  return /^[a-z_][a-z0-9_]*$/.test(key);
}

/** A map key gets brackets. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (isAttributeName(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** A replace_paths entry (["root_block_device", 0, "volume_size"]) as a Change path. */
export function formatPath(steps: (string | number)[]): string {
  return steps.reduce<string>((path, step) => childPath(path, step), '');
}
