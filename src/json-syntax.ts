// Where a JSON text goes wrong, for the error message. V8's JSON.parse message
// is not usable as is: in Node 20 it often has no position, and it quotes a
// snippet of the file, which in a plan may be a secret. This checker runs only
// after JSON.parse has failed; it is iterative, so deep nesting cannot
// overflow the stack, and it never quotes the text: a character of a plan, a
// result or a manifest may be the first of a secret. Reasons are its own words.

export interface JsonSyntaxError {
  /** 0-based offset of the problem. */
  position: number;
  line: number;
  column: number;
  reason: string;
}

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';
const ARRAY = 1;
const OBJECT = 2;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: number[] = [];
  let expect: Expect = 'value';
  let i = 0;
  const fail = (position: number, reason: string) => locate(text, position, reason);
  for (;;) {
    WHITESPACE.lastIndex = i;
    WHITESPACE.exec(text);
    i = WHITESPACE.lastIndex;
    if (i >= text.length) return expect === 'end' ? undefined : fail(i, 'unexpected end of input (cut short?)');
    const c = text[i];
    switch (expect) {
      case 'value':
      case 'value-or-close':
        if (c === ']' && expect === 'value-or-close') {
          stack.pop();
          i++;
          expect = afterValue(stack);
        } else if (c === '{' || c === '[') {
          stack.push(c === '{' ? OBJECT : ARRAY);
          expect = c === '{' ? 'key-or-close' : 'value-or-close';
          i++;
        } else if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return fail(end.position, end.reason);
          i = end;
          expect = afterValue(stack);
        } else {
          const end = scanScalar(text, i);
          if (end === undefined) return fail(i, 'an unexpected character where a value belongs');
          i = end;
          expect = afterValue(stack);
        }
        break;
      case 'key':
      case 'key-or-close':
        if (c === '}' && expect === 'key-or-close') {
          stack.pop();
          i++;
          expect = afterValue(stack);
        } else if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return fail(end.position, end.reason);
          i = end;
          expect = 'colon';
        } else return fail(i, 'an unexpected character where a property name belongs (a quoted string)');
        break;
      case 'colon':
        if (c !== ':') return fail(i, "a missing ':' after a property name");
        i++;
        expect = 'value';
        break;
      case 'comma-or-close': {
        const top = stack[stack.length - 1];
        if (c === ',') {
          expect = top === OBJECT ? 'key' : 'value';
          i++;
        } else if ((c === '}' && top === OBJECT) || (c === ']' && top === ARRAY)) {
          stack.pop();
          i++;
          expect = afterValue(stack);
        } else return fail(i, `a missing ',' or '${top === OBJECT ? '}' : ']'}'`);
        break;
      }
      case 'end':
        return fail(i, 'unexpected text after the end of the JSON document');
    }
  }
}

/** After a complete value: more of the enclosing array or object, or the end of the document. */
function afterValue(stack: number[]): Expect {
  return stack.length > 0 ? 'comma-or-close' : 'end';
}

/** The index after a string starting at `start`, or what is wrong with it. */
function scanString(text: string, start: number): number | { position: number; reason: string } {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return { position: i, reason: 'a control character (a raw line break?) inside a string' };
    if (code === 0x5c) {
      const escape = text[i + 1];
      if (escape === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { position: i, reason: 'an invalid \\u escape in a string' };
        i += 5;
      } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) i++;
      else return { position: i, reason: 'an invalid escape in a string' };
    }
  }
  return { position: text.length, reason: 'a string that never ends (cut short?)' };
}

function scanScalar(text: string, start: number): number | undefined {
  for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, start)) return start + literal.length;
  NUMBER.lastIndex = start;
  return NUMBER.exec(text) ? NUMBER.lastIndex : undefined;
}

function locate(text: string, position: number, reason: string): JsonSyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { position, line, column: position - lineStart + 1, reason };
}
