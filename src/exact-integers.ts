// Integers as Kubernetes holds them: int64 (runAsUser, activeDeadlineSeconds,
// a CRD's integer fields). A JavaScript number is a double, exact only up to
// 2^53, so 9007199254740993 and 9007199254740992 would read as one value and a
// difference between Git and the cluster would compare equal. Integers beyond
// that are read as BigInt (JSON here, YAML in sources/kube/yaml-schema.ts),
// which compares exactly, and written back as the same digits (here, and in
// render/text.ts for YAML). The common case pays one scan for a run of 16
// digits, the shortest text of an unsafe integer.

const LONG_DIGIT_RUN = /\d{16}/;

/** JSON.parse, except that integers beyond 2^53 become BigInt instead of the nearest double. */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text);
  // Unsafe integer literals become strings with an unguessable prefix, turned into BigInt by the reviver:
  // a string value that looks the same in the input cannot, as it does not know the prefix.
  const marker = bigIntMarker();
  let marked = false;
  const rewritten = rewriteIntegers(text, (literal) => {
    marked = true;
    return `"${marker}${literal}"`;
  });
  if (!marked) return JSON.parse(text);
  return JSON.parse(rewritten, (_key, value: unknown) => (typeof value === 'string' && value.startsWith(marker) ? BigInt(value.slice(marker.length)) : value));
}

function bigIntMarker(): string {
  return `bigint-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}:`;
}

/** The JSON text with every integer literal outside strings that a double cannot hold replaced. */
function rewriteIntegers(text: string, replace: (literal: string) => string): string {
  const pieces: string[] = [];
  let copied = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 34 /* " */) {
      index++;
      while (index < text.length && text.charCodeAt(index) !== 34) index += text.charCodeAt(index) === 92 /* \ */ ? 2 : 1;
      index++;
    } else if (code === 45 /* - */ || (code >= 48 && code <= 57)) {
      const start = index;
      index++;
      while (index < text.length && isNumberChar(text.charCodeAt(index))) index++;
      const literal = text.slice(start, index);
      if (isExactInteger(literal)) {
        pieces.push(text.slice(copied, start), replace(literal));
        copied = index;
      }
    } else {
      index++;
    }
  }
  pieces.push(text.slice(copied));
  return pieces.join('');
}

/**
 * An integer literal a double cannot hold but int64 or uint64 can (up to 20 digits). Longer ones stay
 * doubles, as Kubernetes reads them into an untyped field, and BigInt never parses a 20 MB literal.
 */
function isExactInteger(literal: string): boolean {
  return /^-?\d{16,20}$/.test(literal) && !Number.isSafeInteger(Number(literal));
}

function isNumberChar(code: number): boolean {
  return (code >= 48 && code <= 57) || code === 46 || code === 101 || code === 69 || code === 43 || code === 45; // digits . e E + -
}

/**
 * JSON.stringify, with BigInt written as its digits (JSON.stringify throws on
 * BigInt). Values without one, nearly all, take JSON.stringify's own path.
 */
export function jsonText(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent);
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/.test(error.message)) throw error;
  }
  const marker = bigIntMarker();
  const text = JSON.stringify(value, (_key, child: unknown) => (typeof child === 'bigint' ? `${marker}${child}` : child), indent);
  return text.replaceAll(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}
