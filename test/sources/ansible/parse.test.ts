import { describe, expect, it } from 'vitest';
import { parseEvents } from '../../../src/sources/ansible/parse-events.js';
import { parseJsonCallback } from '../../../src/sources/ansible/parse-json.js';
import { parseTextLog } from '../../../src/sources/ansible/parse-text.js';
import { parseResults } from '../../../src/sources/ansible/read-results.js';

const start = '{"event": "start", "format": "gitdiff-ansible-events/1"}';
const stats = (changed: number, failures = 0) => `{"event": "stats", "hosts": {"h": {"ok": 1, "changed": ${changed}, "failures": ${failures}, "unreachable": 0, "skipped": 0, "rescued": 0, "ignored": 0}}}`;
const event = (fields: Record<string, unknown>) => JSON.stringify({ event: 'result', host: 'h', play: 'p', task: 't', status: 'ok', changed: false, no_log: false, ...fields });

describe('gitdiff callback events', () => {
  it('drops everything but the outcome of a no_log result, whatever the file holds', () => {
    const parsed = parseEvents([start, event({ status: 'changed', changed: true, no_log: true, msg: 'pw=hunter2', diff: [{ before: 'a', after: 'hunter2' }], items: [{ label: 'hunter2' }] }), stats(1)].join('\n'));
    expect(parsed.results).toEqual([{ host: 'h', play: 'p', task: 't', path: undefined, action: undefined, outcome: 'changed', changed: true, handler: undefined, checkMode: undefined, noLog: true, ignored: undefined, diffs: [] }]);
    expect(parsed.problems).toEqual([]);
  });

  it.each([
    ['no final stats', [start, event({})], /before ansible's final stats/],
    ['a cut line', [start, event({}).slice(0, 30), stats(0)], /line 2 is not complete JSON/],
    ['fewer changes than ansible counted', [start, event({}), stats(1)], /ansible counted 1 changed tasks on h, the results show 0/],
    ['a failed host without a failed task', [start, event({}), stats(0, 1)], /ansible counted h as failed, the results show no failed task/],
    ['a lost result', [start, '{"event": "callback_error", "host": "h", "task": "t", "msg": "KeyError: x"}', stats(0)], /lost the result of t on h: KeyError/],
    ['another format version', ['{"event": "start", "format": "gitdiff-ansible-events/9"}', stats(0)], /unsupported events format/],
  ])('%s is a problem (exit 2)', (_name, lines, problem) => {
    expect(parseEvents(lines.join('\n')).problems.join('\n')).toMatch(problem);
  });

  it('skips lines that are not JSON objects (ansible text mixed into a saved stdout)', () => {
    const parsed = parseEvents(['Using /etc/ansible/ansible.cfg as config file', start, event({}), stats(0)].join('\n'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.results).toHaveLength(1);
  });
});

describe('ansible.posix json callback', () => {
  it('reads plays, tasks and hosts; censored results keep their outcome only; invocation is only read for dest', () => {
    const parsed = parseJsonCallback({
      plays: [{
        play: { name: 'p' },
        tasks: [
          { task: { name: 'copy', path: '/r/site.yml:3' }, hosts: { h: { action: 'copy', changed: true, diff: { before: '', after: 'x\n' }, invocation: { module_args: { dest: '/etc/x', content: 'sekrit' } } } } },
          { task: { name: 'secret' }, hosts: { h: { action: 'copy', changed: true, censored: 'the output has been hidden', msg: 'sekrit' } } },
          { task: { name: 'boom' }, hosts: { h: { action: 'shell', failed: true, stderr: 'line 1\nline 2\n' } } },
        ],
      }],
      stats: { h: { ok: 2, changed: 2, failures: 1, unreachable: 0, skipped: 0, rescued: 0, ignored: 0 } },
    });
    expect(parsed.problems).toEqual([]);
    expect(parsed.results.map((r) => [r.task, r.outcome, r.noLog, r.msg, r.dest])).toEqual([
      ['copy', 'changed', false, undefined, '/etc/x'],
      ['secret', 'changed', true, undefined, undefined],
      ['boom', 'failed', false, 'line 2', undefined],
    ]);
    expect(JSON.stringify(parsed)).not.toContain('sekrit');
  });
});

describe('default-callback text logs', () => {
  const log = (body: string, recap = 'h                          : ok=1    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0') =>
    `\nPLAY [web] *********\n\n${body}\nPLAY RECAP *********\n${recap}\n`;

  it('attributes a printed diff to the next status line, and reads loop items and ignored failures', () => {
    const parsed = parseTextLog(log([
      'TASK [copy] *****',
      '--- before: /etc/motd',
      '+++ after: /root/.ansible/tmp/x',
      '@@ -1 +1 @@',
      '-old',
      '+new',
      '',
      'changed: [h]',
      '',
      'TASK [loop] *****',
      'ok: [h] => (item=a)',
      'failed: [h] (item=b) => {"changed": false, "msg": "bad b"}',
      'fatal: [h]: FAILED! => {"msg": "One or more items failed"}',
      '...ignoring',
      '',
    ].join('\n'), 'h : ok=2 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=1'));
    expect(parsed.problems).toEqual([]);
    const [copy, loop] = parsed.results;
    expect(copy).toMatchObject({ task: 'copy', outcome: 'changed', diffs: [{ beforeHeader: '/etc/motd', before: 'old\n', after: 'new\n' }] });
    expect(loop).toMatchObject({ task: 'loop', outcome: 'failed', ignored: true, msg: 'One or more items failed' });
    expect(loop.items).toMatchObject([{ label: 'a', outcome: 'ok' }, { label: 'b', outcome: 'failed', msg: 'bad b' }]);
  });

  it('reads -v YAML bodies for skip reasons, and censored results as no_log', () => {
    const parsed = parseTextLog(log([
      'TASK [maybe] *****',
      'skipping: [h] => ',
      '    changed: false',
      '    false_condition: false',
      '    skip_reason: Conditional result was False',
      '',
      'TASK [secret] *****',
      'changed: [h] => {"censored": "the output has been hidden due to the fact that \'no_log: true\' was specified for this result", "changed": true}',
      '',
    ].join('\n')));
    expect(parsed.results.map((r) => [r.task, r.outcome, r.skipReason, r.noLog])).toEqual([
      ['maybe', 'skipped', 'Conditional result was False', false],
      ['secret', 'changed', undefined, true],
    ]);
  });

  it('reads delegation, unreachable hosts, check-mode markers and plays without hosts', () => {
    const parsed = parseTextLog([
      'DRY RUN *****',
      'PLAY [db] [CHECK MODE] *****',
      'skipping: no hosts matched',
      'PLAY [web] [CHECK MODE] *****',
      'TASK [ping] [CHECK MODE] *****',
      'ok: [a -> b]',
      'fatal: [c]: UNREACHABLE! => {"changed": false, "msg": "Failed to connect to the host via ssh: Connection refused", "unreachable": true}',
      'TASK [cmd] *****',
      'changed: [a]',
      'PLAY RECAP *****',
      'a : ok=2 changed=1 unreachable=0 failed=0',
      'c : ok=0 changed=0 unreachable=1 failed=0',
    ].join('\n'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.playsWithoutHosts).toEqual(['db']);
    expect(parsed.results.map((r) => [r.host, r.task, r.outcome, r.checkMode])).toEqual([
      ['a', 'ping', 'ok', true],
      ['c', 'ping', 'unreachable', true],
      ['a', 'cmd', 'changed', false],
    ]);
    expect(parsed.results[1].msg).toBe('Failed to connect to the host via ssh: Connection refused');
  });

  it('an ERROR! in the log is a problem', () => {
    expect(parseTextLog('ERROR! the playbook: x.yml could not be found\n').problems).toEqual([
      'the log reports an error: ERROR! the playbook: x.yml could not be found',
      'no PLAY RECAP: the log is incomplete (the run was interrupted, or the log cut short)',
    ]);
  });
});

describe('parseResults recognizes the shape', () => {
  it.each([
    [`${start}\n${stats(0)}\n`, 'events'],
    ['{"plays": [], "stats": {}}', 'json'],
    ['[WARNING]: something\n{\n"plays": [], "stats": {}\n}\n', 'json'],
    ['PLAY [x] ****\n\nPLAY RECAP ****\n', 'text'],
  ])('%j is %s', (text, format) => {
    expect(parseResults(text, 'f').format).toBe(format);
  });
});
