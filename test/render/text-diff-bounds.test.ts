// The text diff of a multi-line value (a config file in a ConfigMap, a
// template's output) has bounded effort: when too many lines differ (every
// line's ending changed, a file replaced), the text renderer and serve's page
// show a summary instead of a diff that would cost seconds on every view.
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { changeTextLines } from '../../src/render/plain.js';
import { changeLines } from '../../src/render/text.js';
import type { Change, Item } from '../../src/report.js';

const plain = new Chalk({ level: 0 });
const lines = Array.from({ length: 5000 }, (_, index) => `key_${index} = value number ${index}`);
const lf = `${lines.join('\n')}\n`;

function change(live: string, declared: string): Change {
  return { path: 'data.app.conf', live, declared };
}

describe('a multi-line value with too many differences to diff', () => {
  it.each([
    ['every line ending changed (CRLF live, LF in Git)', `${lines.join('\r\n')}\r\n`, lf, /only the line endings differ/],
    ['every line changed', lines.map((line) => `${line}!`).join('\n'), lf, /5000 lines differ/],
    ['a file replaced by another', Array.from({ length: 3000 }, (_, index) => `another setting ${index} = something else entirely`).join('\n'), lf, /5000 lines differ/],
  ])('%s: a summary line instead of a diff', (_name, live, declared, summary) => {
    expect(live.length).toBeGreaterThan(50_000);
    const shown = changeLines(change(live, declared), plain);
    expect(shown.join('\n')).toMatch(summary);
    expect(shown.join('\n')).toMatch(/too many to show as a diff/);
    expect(shown.length).toBeLessThan(5);
    const item: Item = { ref: {}, title: 'ConfigMap app', status: 'diverged', changes: [change(live, declared)] };
    expect(changeTextLines(item).join('\n')).toMatch(summary);
  });

  it('a few changed lines in a large file still show as a diff with context', () => {
    const live = lines.map((line, index) => (index === 2500 ? 'key_2500 = drifted' : line)).join('\n') + '\n';
    const shown = changeLines(change(live, lf), plain).join('\n');
    expect(shown).toContain('@@ -2498,7 +2498,7 @@');
    expect(shown).toContain('-     key_2500 = drifted');
    expect(shown).toContain('+     key_2500 = value number 2500');
    expect(shown).not.toMatch(/too many to show/);
  });
});
