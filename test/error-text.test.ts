import { describe, expect, it } from 'vitest';
import { errorText } from '../src/errors.js';

describe('errorText', () => {
  it.each([
    ['a plain message', 'a plain message'],
    ['a file\nname.yaml: invalid', 'a file\n  name.yaml: invalid'],
    ['terraform failed: x\n  on main.tf line 1', 'terraform failed: x\n  on main.tf line 1'],
    ['server says \u001b[2J\u001b[31mhi\u0007', 'server says \\x1b[2J\\x1b[31mhi\\x07'],
    ['tab\there, return\rthere, del\u007f, c1\u009b', 'tab\\x09here, return\\x0dthere, del\\x7f, c1\\x9b'],
    ['a lone surrogate \ud800 and U+FFFF \uffff', 'a lone surrogate \\ud800 and U+FFFF \\uffff'],
    ['forged\ngitdiff: error: all good', 'forged\n  gitdiff: error: all good'],
  ])('%j -> %j', (text, shown) => {
    expect(errorText(text)).toBe(shown);
  });
});
