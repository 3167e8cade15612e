// A parsed value (JSON or YAML from a manifest, a plan, ansible's output, a
// config file) read as a mapping. Arrays and null are objects to `typeof`, so
// the one test every reader of outside data needs lives here, once.

/** True when `value` is a mapping of keys to values: an object, not an array, not null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
