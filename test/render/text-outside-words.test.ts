// The text format prints words that came from outside: a server's error message and hint, a tool's
// note, a source's headline and details, the reason an item is missing. Whatever a source forgot to
// escape, none of them may reach a terminal as a control character (a cursor move, a color change,
// a forged line): the renderer makes each of them visible itself.
import { describe, expect, it } from 'vitest';
import { chalkFor } from '../../src/color.js';
import { renderText } from '../../src/render/text.js';
import type { Item, Report } from '../../src/report.js';

const ESC = '\u001b[2J\u001b[31m';
const FORGED = '\nv1 ConfigMap shop/fake: in sync';

function item(rest: Partial<Item>): Item {
  return { ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'a' }, title: 'v1 ConfigMap shop/a', status: 'in-sync', changes: [], ...rest };
}

const report: Report = {
  source: 'kube',
  target: 'prod',
  noun: 'object',
  durationMs: 10,
  headline: `headline ${ESC}`,
  notes: [`note ${ESC}${FORGED}`],
  errors: [{ message: `run error ${ESC}`, hint: `run hint ${ESC}${FORGED}` }],
  items: [
    item({ status: 'error', error: `item error ${ESC}`, hint: `item hint ${ESC}${FORGED}` }),
    item({ status: 'missing', reason: `reason ${ESC}${FORGED}`, details: { [`key ${ESC}`]: `value ${ESC}${FORGED}` } }),
    item({ status: 'unchecked', reason: `unchecked ${ESC}` }),
  ],
};

describe('the text format and words from outside', () => {
  const text = renderText(report, { chalk: chalkFor(0), verbose: true });

  it('prints no control character but the newlines between its own lines', () => {
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('never lets a newline inside a value forge a line of its own', () => {
    expect(text.split('\n').filter((line) => line.startsWith('v1 ConfigMap shop/fake'))).toEqual([]);
  });

  it('still shows every message, escaped', () => {
    for (const words of ['headline', 'note', 'run error', 'run hint', 'item error', 'item hint', 'reason', 'key', 'value', 'unchecked']) {
      expect(text).toContain(`${words} \\x1b[2J\\x1b[31m`);
    }
  });
});
