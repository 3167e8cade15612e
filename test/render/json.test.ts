// -o json is written an item at a time (renderJsonChunks); its text must be
// exactly what JSON.stringify of the whole report value prints.
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { renderJson, renderJsonChunks, reportJson } from '../../src/render/json.js';
import type { Report } from '../../src/report.js';
import { diverged, everyStatus, hostileText, inSync, reportOf } from './sample-reports.js';

const whole = (report: Report) => `${JSON.stringify(reportJson(report), null, 2)}\n`;
const options = { chalk: new Chalk({ level: 0 }), verbose: false };

describe('renderJsonChunks', () => {
  it.each<[string, Report]>([
    ['every status', reportOf(everyStatus)],
    ['no items', reportOf([])],
    ['one item, a headline, errors and notes', reportOf([diverged], { headline: 'Plan: 1 to change.', notes: ['a note'], errors: [{ message: 'boom', hint: 'fix it' }] as Report['errors'] })],
    ['hostile text in values, titles and notes', reportOf(hostileText.map(([name, text]) => ({ ...inSync, title: text, changes: [{ path: name, declared: text, live: [text, { [text]: text }] }], status: 'diverged' as const })), { notes: hostileText.map(([, text]) => text) })],
    ['nested empty values', reportOf([{ ...diverged, changes: [{ path: 'a', declared: {}, live: [] }, { path: 'b', declared: [[]], live: { x: {} } }], details: {} }])],
  ])('prints %s as JSON.stringify does', (_name, report) => {
    expect([...renderJsonChunks(report)].join('')).toBe(whole(report));
    expect(renderJson(report, options)).toBe(whole(report));
  });
});
