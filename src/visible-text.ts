// Text from outside shown as it can be safely printed: a file name from a
// repository, the lines of a ConfigMap's value, a server's error message,
// ansible's words. Control characters (legal in all of them) become `\xNN`, so
// none can move the cursor, recolor a terminal, or start a CI log command; the
// characters no XML document may hold (U+FFFE, U+FFFF, a lone surrogate, which
// no UTF-8 output can carry either) become `\uXXXX`. Every format, error line
// and source (where a server's words enter a message) shares this one rule.

/** Layout characters a caller may keep as they are: a tab in a config file's lines, a newline between an error's lines. */
export interface KeptLayout {
  tabs?: boolean;
  newlines?: boolean;
  returns?: boolean;
}

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` with its control characters as `\xNN` (and U+FFFE, U+FFFF, lone surrogates as `\uXXXX`), but for the layout `keep` names. */
export function visibleText(text: string, keep: KeptLayout = {}): string {
  return text.replace(UNPRINTABLE, (char) => {
    if ((char === '\t' && keep.tabs) || (char === '\n' && keep.newlines) || (char === '\r' && keep.returns)) return char;
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
