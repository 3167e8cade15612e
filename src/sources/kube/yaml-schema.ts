// Plain YAML scalars read the way kubectl reads them. kubectl turns manifests
// into JSON with sigs.k8s.io/yaml's YAMLToJSON, built on go-yaml v2, which
// follows YAML 1.1: `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0644` is an
// octal int (420: a volume's defaultMode), `1_000` is 1000, and a timestamp
// stays the string it was written as. js-yaml's default schema is YAML 1.2 and
// differs on each of those, so `defaultMode: 0644` or an annotation holding a
// date would diverge from the live object on every run. `!!binary` and the
// other YAML 1.1 collection tags are not supported by YAMLToJSON either: they
// are unknown tags here, an error naming the file.
import * as jsYaml from 'js-yaml';
import { FAILSAFE_SCHEMA, Type } from 'js-yaml';

// js-yaml 4 exports its built-in types; @types/js-yaml does not declare them.
const { types } = jsYaml as unknown as { types: Record<'null' | 'merge', Type> };

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

const bool11 = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  // The length test first: hashing a long plain scalar (a CRD description) for two set lookups is what cost.
  resolve: (data: string | null) => data !== null && data.length <= 5 && (TRUE_WORDS.has(data) || FALSE_WORDS.has(data)),
  construct: (data: string) => TRUE_WORDS.has(data),
  predicate: (value: unknown) => typeof value === 'boolean',
  represent: (value: object) => String(value),
});

/** Go's strconv.ParseInt(s, 0, 64) syntax after go-yaml v2 removed underscores: 0x, 0o, 0b, a leading 0 for octal. */
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/;
/** go-yaml v2's yamlStyleFloat, plus the named infinities and NaN of its resolve table. */
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((word) => [word, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((word) => [word, Number.NEGATIVE_INFINITY] as const),
  ...['.nan', '.NaN', '.NAN'].map((word) => [word, Number.NaN] as const),
]);

/**
 * Whether a plain scalar could be a number at all. go-yaml v2 (resolve.go) only
 * tries int and float for a scalar whose first character is a digit, a sign or a
 * dot (its resolve table), before it removes underscores: `_1` stays a string.
 * Most scalars of a manifest are names and words; this also spares them two regular expressions.
 */
function mayBeNumber(data: string): boolean {
  const first = data.charCodeAt(0);
  return (first >= 48 && first <= 57) || data[0] === '-' || data[0] === '+' || data[0] === '.';
}

/** The integer; beyond 2^53 a BigInt, exact as Go's int64 is (see exact-integers.ts). */
function goInt(plain: string): number | bigint {
  const negative = plain.startsWith('-');
  const digits = plain.replace(/^[-+]/, '');
  let radix = 10;
  let body = digits;
  if (/^0[xXbBoO]/.test(digits)) [radix, body] = [RADIX[digits[1].toLowerCase()], digits.slice(2)];
  else if (digits.length > 1 && digits.startsWith('0')) [radix, body] = [8, digits.slice(1)];
  const value = Number.parseInt(body, radix);
  // Beyond 64 bits (as written in any radix, 64 binary digits at most) it is no int64: a double, as JSON's would be.
  if (Number.isSafeInteger(value) || body.length > 64) return negative ? -value : value;
  const exact = BigInt(radix === 10 ? body : `0${RADIX_PREFIX[radix]}${body}`);
  return negative ? -exact : exact;
}

const RADIX: Record<string, number> = { x: 16, b: 2, o: 8 };
const RADIX_PREFIX: Record<number, string> = { 16: 'x', 2: 'b', 8: 'o' };

const int11 = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && mayBeNumber(data) && GO_INT.test(data.replaceAll('_', '')),
  construct: (data: string) => goInt(data.replaceAll('_', '')),
  predicate: (value: unknown) => (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint',
  represent: (value: object) => String(value),
});

const float11 = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && mayBeNumber(data) && (SPECIAL_FLOATS.has(data) || GO_FLOAT.test(data.replaceAll('_', ''))),
  construct: (data: string) => SPECIAL_FLOATS.get(data) ?? Number.parseFloat(data.replaceAll('_', '')),
  predicate: (value: unknown) => typeof value === 'number' && !Number.isInteger(value),
  represent: (value: object) => String(value),
});

/** Strings, lists, maps, null, YAML 1.1 bool/int/float, and `<<` merge keys (go-yaml v2 has them). */
export const KUBECTL_YAML_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [types.null, bool11, int11, float11, types.merge] });
