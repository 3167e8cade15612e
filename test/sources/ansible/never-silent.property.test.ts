// Properties of issue 14, class 18, over generated results and stderr: what
// ansible lets pass never passes here.
// - any failed or unreachable task, whatever the play did with it (ignore_errors,
//   rescue, ignore_unreachable), makes the run exit 2;
// - any task that ran outside check mode and changed something makes it exit 2;
// - any stderr in which ansible could not parse an inventory source makes it
//   exit 2, with ansible's words on one line and no control character;
// - an events file holding more than one run is never read as one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exitCode } from '../../../src/report.js';
import { runErrors } from '../../../src/sources/ansible/run.js';
import { parseEvents } from '../../../src/sources/ansible/parse-events.js';
import type { HostRecap, HostTaskResult, Outcome } from '../../../src/sources/ansible/results.js';
import { buildReport } from '../../../src/sources/ansible/verdict.js';

const outcome = fc.constantFrom<Outcome>('ok', 'changed', 'failed', 'unreachable', 'skipped');
const counter = fc.nat(3);
const recap: fc.Arbitrary<HostRecap> = fc.record({ ok: counter, changed: counter, failures: counter, unreachable: counter, skipped: counter, rescued: counter, ignored: counter });
const result: fc.Arbitrary<HostTaskResult> = fc.record({
  host: fc.constant('web-01'),
  play: fc.constant('p'),
  task: fc.string({ maxLength: 8 }),
  outcome,
  changed: fc.boolean(),
  checkMode: fc.option(fc.boolean(), { nil: undefined }),
  noLog: fc.boolean(),
  ignored: fc.option(fc.constant(true), { nil: undefined }),
  msg: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  diffs: fc.constant([]),
  items: fc.option(fc.array(fc.record({ outcome, diffs: fc.constant([]) }), { maxLength: 3 }), { nil: undefined }),
});

function exitOf(results: HostTaskResult[], hostRecap: HostRecap | undefined): number {
  const report = buildReport({ results, recap: hostRecap ? { 'web-01': hostRecap } : undefined, playsWithoutHosts: [], problems: [], notes: [] }, { target: 'site.yml', cwd: '/' });
  return exitCode(report);
}

const ranForReal = (r: HostTaskResult) => r.checkMode === false && (r.outcome === 'ok' || r.outcome === 'changed') && (r.changed || r.outcome === 'changed' || Boolean(r.items?.some((item) => item.outcome === 'changed')));

describe('what ansible lets pass never passes silently', () => {
  it('a failed or unreachable task, however the play treated it, or one that changed the host outside check mode: exit 2', () => {
    fc.assert(
      fc.property(fc.array(result, { minLength: 1, maxLength: 6 }), fc.option(recap, { nil: undefined }), (results, hostRecap) => {
        const notChecked = results.some((r) => r.outcome === 'failed' || r.outcome === 'unreachable' || ranForReal(r));
        if (notChecked) expect(exitOf(results, hostRecap)).toBe(2);
      }),
      { numRuns: 1000 },
    );
  });

  it('exit 0 only when every task was ok, skipped or unchecked in check mode', () => {
    fc.assert(
      fc.property(fc.array(result, { minLength: 1, maxLength: 6 }), fc.option(recap, { nil: undefined }), (results, hostRecap) => {
        if (exitOf(results, hostRecap) !== 0) return;
        for (const r of results) {
          expect(['ok', 'skipped']).toContain(r.outcome);
          expect(ranForReal(r)).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  const printable = fc.string({ unit: fc.constantFrom('a', 'b', '/', '.', '-', ' ', '\x1b', '\r', '\x07', '[', '\u009b'), minLength: 1, maxLength: 30 });

  it('stderr saying an inventory source did not parse: exit 2, one escaped line naming it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\/[a-z][a-z0-9_/-]{0,20}$/), printable, fc.boolean(), (source, said, withReason) => {
        const stderr = [
          ...(withReason ? [`[WARNING]:  * Failed to parse ${source} with script plugin: ${said}`] : []),
          `[WARNING]: Unable to parse ${source} as an inventory source`,
        ];
        const { errors } = runErrors({ exitCode: 0, events: '', stderr }, { results: [], playsWithoutHosts: [], problems: [], notes: [] });
        const inventory = errors.find((error) => error.message.includes('could not parse inventory source'));
        expect(inventory?.message).toBe(`ansible-playbook could not parse inventory source ${source}: its hosts were not checked`);
        for (const text of [inventory!.message, inventory!.hint ?? '']) expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(exitCode({ items: [], errors })).toBe(2);
      }),
      { numRuns: 300 },
    );
  });

  it('an events file holding several runs is never read as one run', () => {
    const run = [
      '{"event": "start", "format": "gitdiff-ansible-events/1"}',
      '{"event": "result", "status": "ok", "host": "web-01", "play": "p", "task": "t", "changed": false, "no_log": false}',
      '{"event": "stats", "hosts": {"web-01": {"ok": 1, "changed": 0, "failures": 0, "unreachable": 0}}}',
    ];
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 3 }), (runs, keptOfLast) => {
        const lines = [...Array.from({ length: runs - 1 }, () => run).flat(), ...run.slice(0, keptOfLast)];
        expect(parseEvents(lines.join('\n')).problems).toContain(`holds ${runs} runs (one start event each): a results file must hold one run`);
      }),
    );
  });
});
