// Kubernetes resource quantities (`500m`, `1Gi`, `1e3`, `0.5`), compared by
// value the way the API server canonicalizes them: `1000m` = `1`,
// `1024Mi` = `1Gi`. Exact rational arithmetic with BigInt: no float rounding.
// Grammar: https://github.com/kubernetes/apimachinery/blob/master/pkg/api/resource/quantity.go

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|(n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;
const BINARY_POWER: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** A quantity as numerator / denominator. */
export interface Rational {
  numerator: bigint;
  denominator: bigint;
}

export function parseQuantity(input: unknown): Rational | undefined {
  const text = typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : typeof input === 'string' ? input.trim() : '';
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [, number, binary, decimal, exponentText] = match;
  const negative = number.startsWith('-');
  const [whole, fraction = ''] = number.replace(/^[+-]/, '').split('.');
  let numerator = BigInt(`${whole}${fraction}` || '0');
  if (negative) numerator = -numerator;
  let exponent = -fraction.length;
  if (decimal) exponent += DECIMAL_EXPONENT[decimal];
  if (exponentText) exponent += Number(exponentText);
  if (Math.abs(exponent) > 1000) return undefined; // absurd input; do not build giant numbers
  if (binary) numerator *= 1024n ** BigInt(BINARY_POWER[binary]);
  return exponent >= 0
    ? { numerator: numerator * 10n ** BigInt(exponent), denominator: 1n }
    : { numerator, denominator: 10n ** BigInt(-exponent) };
}

/** True when both parse as quantities of the same value. */
export function quantityEquals(a: unknown, b: unknown): boolean {
  const left = parseQuantity(a);
  const right = parseQuantity(b);
  if (!left || !right) return false;
  return left.numerator * right.denominator === right.numerator * left.denominator;
}
