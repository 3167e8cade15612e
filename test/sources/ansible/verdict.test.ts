import { describe, expect, it } from 'vitest';
import { changesFromDiffs } from '../../../src/sources/ansible/changes.js';
import type { HostRecap, HostTaskResult } from '../../../src/sources/ansible/results.js';
import { parseUnifiedDiff } from '../../../src/sources/ansible/unified-diff.js';
import { buildReport, taskLocation, verdictFor } from '../../../src/sources/ansible/verdict.js';

function result(fields: Partial<HostTaskResult>): HostTaskResult {
  return { host: 'web-01', play: 'p', task: 't', outcome: 'ok', changed: false, noLog: false, diffs: [], ...fields };
}

const recap = (fields: Partial<HostRecap> = {}): HostRecap => ({ ok: 1, changed: 0, failures: 0, unreachable: 0, skipped: 0, rescued: 0, ignored: 0, ...fields });

describe('verdictFor', () => {
  it.each([
    ['ok', result({}), recap(), 'in-sync'],
    ['changed in check mode', result({ outcome: 'changed', changed: true, checkMode: true }), recap(), 'diverged'],
    ['changed, check mode unknown (text log)', result({ outcome: 'changed', changed: true }), recap(), 'diverged'],
    ['changed by a check_mode: false task (it changed the host)', result({ outcome: 'changed', changed: true, checkMode: false }), recap(), 'error'],
    ['ok, check_mode: false, a loop item changed', result({ outcome: 'ok', checkMode: false, items: [{ outcome: 'changed', diffs: [] }] }), recap(), 'error'],
    ['ok, check_mode: false, nothing changed', result({ outcome: 'ok', checkMode: false }), recap(), 'in-sync'],
    ['failed', result({ outcome: 'failed', msg: 'boom' }), recap({ failures: 1 }), 'error'],
    ['failed, no recap', result({ outcome: 'failed' }), undefined, 'error'],
    ['failed, ignore_errors (not checked)', result({ outcome: 'failed', ignored: true }), recap({ failures: 0, ignored: 1 }), 'error'],
    ['failed, rescued (recap: no failures; not checked)', result({ outcome: 'failed' }), recap({ failures: 0, rescued: 1 }), 'error'],
    ['unreachable', result({ outcome: 'unreachable' }), recap({ unreachable: 1 }), 'error'],
    ['unreachable, ignore_unreachable (not checked)', result({ outcome: 'unreachable' }), recap({ unreachable: 0 }), 'error'],
    ['command skipped in check mode', result({ outcome: 'skipped', action: 'command', msg: 'Command would have run if not in check mode' }), recap(), 'unchecked'],
    ['module without check mode', result({ outcome: 'skipped', msg: 'remote module (x.y.z) does not support check mode' }), recap(), 'unchecked'],
    ['raw, skipped silently', result({ outcome: 'skipped', action: 'ansible.builtin.raw' }), recap(), 'unchecked'],
    ['false condition', result({ outcome: 'skipped', skipReason: 'Conditional result was False' }), recap(), 'in-sync'],
    ['skipped, reason unknown', result({ outcome: 'skipped' }), recap(), 'unchecked'],
    ['loop: every item on a false condition', result({ outcome: 'skipped', items: [{ outcome: 'skipped', skipReason: 'Conditional result was False', diffs: [] }] }), recap(), 'in-sync'],
    ['loop: an item skipped by check mode', result({ outcome: 'ok', items: [{ outcome: 'ok', diffs: [] }, { outcome: 'skipped', msg: 'Command would have run if not in check mode', diffs: [] }] }), recap(), 'unchecked'],
    ['no_log, changed', result({ outcome: 'changed', changed: true, noLog: true }), recap(), 'diverged'],
    ['no_log, skipped', result({ outcome: 'skipped', noLog: true }), recap(), 'unchecked'],
  ])('%s -> %s', (_name, input, hostRecap, status) => {
    expect(verdictFor(input, hostRecap).status).toBe(status);
  });

  it('never puts a no_log message in the reason', () => {
    expect(verdictFor(result({ outcome: 'failed', noLog: true, msg: 'password=hunter2' }), recap({ failures: 1 }))).toMatchObject({ status: 'error', reason: 'failed' });
  });
});

describe('changesFromDiffs', () => {
  it.each([
    [
      'file content, named by dest over a temporary header',
      [{ before: 'a\n', after: 'b\n', beforeHeader: '/etc/motd', afterHeader: '/root/.ansible/tmp/ansible-local-1/tmpx' }],
      {},
      [{ path: '/etc/motd', declared: 'b\n', live: 'a\n' }],
    ],
    [
      'a file that does not exist yet',
      [{ before: '', after: 'x\n', afterHeader: '/root/.ansible/tmp/ansible-local-1/t.j2' }],
      { dest: '/etc/app.conf' },
      [{ path: '/etc/app.conf', declared: 'x\n', live: undefined, note: 'does not exist' }],
    ],
    [
      'attributes: one change per field, named after the file',
      [{ before: { path: '/srv/x', mode: '0644', state: 'file' }, after: { path: '/srv/x', mode: '0600', state: 'file' } }],
      {},
      [{ path: '/srv/x:mode', declared: '0600', live: '0644' }],
    ],
    [
      'nested mappings, a loop item label',
      [{ before: { a: { b: 1 } }, after: { a: { b: 2 }, c: true } }],
      { label: 'item1' },
      [{ path: 'item1:a.b', declared: 2, live: 1 }, { path: 'item1:c', declared: true, live: undefined }],
    ],
    [
      'lineinfile headers with " (content)", and its empty attribute entry',
      [{ before: 'x=1\n', after: 'x=2\n', beforeHeader: '/etc/l (content)', afterHeader: '/etc/l (content)' }, { beforeHeader: '/etc/l (file attributes)', afterHeader: '/etc/l (file attributes)' }],
      {},
      [{ path: '/etc/l', declared: 'x=2\n', live: 'x=1\n' }],
    ],
    ['equal sides: nothing', [{ before: 'same', after: 'same' }], {}, []],
  ])('%s', (_name, diffs, context, expected) => {
    expect(changesFromDiffs(diffs, context).changes).toEqual(expected);
  });

  it('keeps prepared text (package managers) as notes', () => {
    expect(changesFromDiffs([{ prepared: 'The following NEW packages will be installed:\n  nginx\n' }])).toEqual({
      changes: [],
      notes: ['The following NEW packages will be installed:', '  nginx'],
    });
  });
});

describe('parseUnifiedDiff (diffs as a text log prints them)', () => {
  it.each([
    [
      'one hunk, a file without a final newline',
      '--- before: /t.txt\n+++ after: /t.txt\n@@ -1 +1 @@\n-foo\n\\ No newline at end of file\n+bar\n\\ No newline at end of file',
      [{ beforeHeader: '/t.txt', afterHeader: '/t.txt', before: 'foo', after: 'bar' }],
    ],
    [
      'two hunks apart, with context and an empty line',
      '--- before: /c\n+++ after: /c\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n@@ -9,2 +9,2 @@\n \n-y\n+Y',
      [{ beforeHeader: '/c', afterHeader: '/c', before: 'a\nb\n...\n\ny\n', after: 'a\nB\n...\n\nY\n' }],
    ],
    [
      'attributes printed as JSON become mappings again',
      '--- before\n+++ after\n@@ -1,4 +1,4 @@\n {\n-    "mode": "0755",\n+    "mode": "0750",\n     "path": "/srv/d.sh"\n }',
      [{ beforeHeader: undefined, afterHeader: undefined, before: { mode: '0755', path: '/srv/d.sh' }, after: { mode: '0750', path: '/srv/d.sh' } }],
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseUnifiedDiff(text)).toEqual(expected);
  });
});

describe('report', () => {
  it.each([
    ['/repo/site.yml:12', '/repo', { file: 'site.yml', line: 12 }],
    ['/elsewhere/site.yml:3', '/repo', { file: '/elsewhere/site.yml', line: 3 }],
    ['roles/x/tasks/main.yml:7', '/repo', { file: 'roles/x/tasks/main.yml', line: 7 }],
    [undefined, '/repo', {}],
  ])('task path %s from %s', (taskPath, cwd, expected) => {
    expect(taskLocation(taskPath, cwd)).toEqual(expected);
  });

  it('groups items per host, with a recap line per host', () => {
    const report = buildReport(
      {
        results: [
          result({ host: 'a', task: 'one', outcome: 'changed', changed: true, diffs: [{ before: 'x', after: 'y' }] }),
          result({ host: 'b', task: 'one', outcome: 'unreachable', msg: 'refused' }),
          result({ host: 'a', task: 'two' }),
        ],
        recap: { a: recap({ changed: 1 }), b: recap({ unreachable: 1 }) },
        playsWithoutHosts: [],
        problems: [],
        notes: [],
      },
      { target: 'site.yml', cwd: '/' },
    );
    expect(report.items.map((item) => [item.title, item.status, item.group])).toEqual([
      ['a: TASK [one]', 'diverged', 'a'],
      ['a: TASK [two]', 'in-sync', 'a'],
      ['b: TASK [one]', 'error', 'b'],
    ]);
    expect(report.items[2].error).toBe('unreachable: refused');
    expect(report.headline).toBe('a: 1 would change, 1 ok, 0 failed, 0 unreachable\nb: 0 would change, 0 ok, 0 failed, 1 unreachable');
    expect(report).toMatchObject({ target: 'site.yml', noun: 'task', errors: [] });
  });

  it('no results at all is an error, never in sync', () => {
    const report = buildReport({ results: [], playsWithoutHosts: ['web'], problems: [], notes: [] }, { target: 's', cwd: '/', warnings: ['Could not match supplied host pattern, ignoring: web'] });
    expect(report.errors).toEqual([
      { message: 'no results: no task ran on any host (no hosts matched: web)', hint: 'ansible said: Could not match supplied host pattern, ignoring: web' },
    ]);
  });
});
