// The text format as a table: a report in, the lines a person reads out
// (colors off, as in a pipe or a CI log). Every row is one thing the terminal
// output promises: which items are listed, how a value, a reason or an error
// reads, and what the summary line counts.
import { describe, expect, it } from 'vitest';
import { chalkFor } from '../../src/color.js';
import { renderText } from '../../src/render/text.js';
import { SENSITIVE, type Change, type Item, type Report } from '../../src/report.js';

function report(items: Item[], extra: Partial<Report> = {}): Report {
  return { source: 'kube', target: 'prod', items, errors: [], notes: [], noun: 'object', durationMs: 200, ...extra };
}

function configMap(name: string, rest: Partial<Item> = {}): Item {
  return { ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name }, title: `v1 ConfigMap shop/${name}`, status: 'in-sync', file: `${name}.yaml`, line: 1, changes: [], ...rest };
}

const diverged = (...changes: Change[]): Item => configMap('a', { status: 'diverged', changes });

// [what the user sees, report, -v, the lines printed]
const cases: [string, Report, boolean, string[]][] = [
  [
    'an in-sync item is not listed without -v: only the summary',
    report([configMap('a')]), false,
    ['1 in sync (1 object, 0.2 s)'],
  ],
  [
    '-v lists in-sync items too, with where they are declared',
    report([configMap('a', { line: 3 })]), true,
    ['= v1 ConfigMap shop/a (a.yaml:3): in sync', '', '1 in sync (1 object, 0.2 s)'],
  ],
  [
    'a changed value: live `-`, Git `+`, as kubectl diff',
    report([diverged({ path: 'data.mode', declared: 'fast', live: 'slow' })]), false,
    ['~ v1 ConfigMap shop/a (a.yaml:1)', '    data.mode:', '-     slow', '+     fast', '', '1 diverged, 0 in sync (1 object, 0.2 s)'],
  ],
  [
    'a string and a number that look alike read differently',
    report([diverged({ path: 'spec.replicas', declared: 4, live: '4' })]), false,
    ['~ v1 ConfigMap shop/a (a.yaml:1)', '    spec.replicas:', "-     '4'", '+     4', '', '1 diverged, 0 in sync (1 object, 0.2 s)'],
  ],
  [
    'a field Git declares and live lacks, and one live holds that Git does not declare',
    report([diverged({ path: 'data.new', declared: 'x' }, { path: 'data.old', live: 'gone' })]), false,
    [
      '~ v1 ConfigMap shop/a (a.yaml:1)', '    data.new:', '      (absent from the live side)', '+     x', '    data.old:', '-     gone', '      (not declared)',
      '', '1 diverged, 0 in sync (1 object, 0.2 s)',
    ],
  ],
  [
    'a structure as indented YAML',
    report([diverged({ path: 'spec.ports[name=http]', declared: { name: 'http', port: 80 }, live: { name: 'http', port: 8080 } })]), false,
    [
      '~ v1 ConfigMap shop/a (a.yaml:1)', '    spec.ports[name=http]:', '-     name: http', '-     port: 8080', '+     name: http', '+     port: 80',
      '', '1 diverged, 0 in sync (1 object, 0.2 s)',
    ],
  ],
  [
    'a multi-line value as a unified diff with context',
    report([diverged({ path: 'data["app.conf"]', declared: 'a=1\nb=2\nc=3\n', live: 'a=1\nb=9\nc=3\n' })]), false,
    [
      '~ v1 ConfigMap shop/a (a.yaml:1)', '    data["app.conf"]:', '      @@ -1,3 +1,3 @@', '      a=1', '-     b=9', '+     b=2', '      c=3',
      '', '1 diverged, 0 in sync (1 object, 0.2 s)',
    ],
  ],
  [
    'a Secret value reads masked on both sides, never its value',
    report([diverged({ path: 'data.password', declared: SENSITIVE, live: SENSITIVE, sensitive: true })]), false,
    ['~ v1 ConfigMap shop/a (a.yaml:1)', '    data.password:', '-     (sensitive value)', '+     (sensitive value)', '', '1 diverged, 0 in sync (1 object, 0.2 s)'],
  ],
  [
    'who changed a value live, and when, beside its path',
    report([diverged({ path: 'data.mode', declared: 'fast', live: 'slow', manager: 'kubectl-edit', time: '2026-11-20T10:02:41Z' })]), false,
    ['~ v1 ConfigMap shop/a (a.yaml:1)', '    data.mode: (changed by kubectl-edit at 2026-11-20 10:02 UTC)', '-     slow', '+     fast', '', '1 diverged, 0 in sync (1 object, 0.2 s)'],
  ],
  [
    'missing, with and without the reason the source knows',
    report([configMap('a', { status: 'missing' }), configMap('b', { status: 'missing', reason: 'not in the snapshot live.yaml' })]), false,
    [
      '+ v1 ConfigMap shop/a (a.yaml:1): missing from the live side', '+ v1 ConfigMap shop/b (b.yaml:1): missing (not in the snapshot live.yaml)',
      '', '2 missing, 0 in sync (2 objects, 0.2 s)',
    ],
  ],
  [
    'an orphan is extra, with why it counts as one',
    report([configMap('a', { status: 'extra', file: undefined, reason: 'live with app=web, declared in no manifest' })]), false,
    ['- v1 ConfigMap shop/a: not declared (live with app=web, declared in no manifest)', '', '1 extra, 0 in sync (1 object, 0.2 s)'],
  ],
  [
    'unchecked is neither drift nor in sync, and says why',
    report([configMap('a', { status: 'unchecked', reason: 'no check mode' })]), false,
    ['? v1 ConfigMap shop/a (a.yaml:1): unchecked (no check mode)', '', '1 unchecked, 0 in sync (1 object, 0.2 s)'],
  ],
  [
    'an item that could not be checked: what failed, then what to do',
    report([configMap('a', { status: 'error', error: 'forbidden: get configmaps', hint: 'grant get on configmaps' })]), false,
    ['! v1 ConfigMap shop/a (a.yaml:1): error: forbidden: get configmaps', '    hint: grant get on configmaps', '', '1 error, 0 in sync (1 object, 0.2 s)'],
  ],
  [
    'a run-level error and a note after the items; errors counted in the summary',
    report([], { errors: [{ message: 'the server could not be reached', hint: 'check the context' }], notes: ['read at revision main'] }), false,
    ['! error: the server could not be reached', '    hint: check the context', 'note: read at revision main', '', '1 error, 0 in sync (0 objects, 0.2 s)'],
  ],
  [
    'ignored differences are counted as differences after the objects, not as objects, and not listed without -v',
    report([configMap('a', { ignored: [{ path: 'spec.replicas', declared: 2, live: 5, note: '--ignore Deployment:spec.replicas' }] })]), false,
    ['1 in sync (1 object, 0.2 s); 1 difference ignored'],
  ],
  [
    '-v lists each ignored difference with the rule that set it aside',
    report([diverged({ path: 'data.mode', declared: 'fast', live: 'slow' })].map((item) => ({
      ...item,
      ignored: [{ path: 'spec.replicas', live: 5, note: '.gitdiff.yaml rule 1' }, { path: 'spec.paused', live: true, note: '.gitdiff.yaml rule 2' }],
    }))), true,
    [
      '~ v1 ConfigMap shop/a (a.yaml:1)', '    data.mode:', '-     slow', '+     fast', '    ignored: spec.replicas (.gitdiff.yaml rule 1)', '    ignored: spec.paused (.gitdiff.yaml rule 2)',
      '', '1 diverged, 0 in sync (1 object, 0.2 s); 2 differences ignored',
    ],
  ],
  [
    'terraform: the tool\'s own symbol, a group heading, details, the plan\'s headline, resources as the noun',
    report([{
      ref: { address: 'aws_instance.web' }, title: 'aws_instance.web', status: 'diverged', symbol: '-/+', group: 'Planned changes',
      details: { action: 'replace' }, changes: [{ path: 'ami', declared: 'ami-2', live: 'ami-1', note: 'forces replacement' }],
    }], { source: 'terraform', noun: 'resource', headline: 'Plan: 1 to add, 0 to change, 1 to destroy.' }), false,
    [
      'Planned changes', '-/+ aws_instance.web', '    action: replace', '    ami: (forces replacement)', '-     ami-1', '+     ami-2',
      '', 'Plan: 1 to add, 0 to change, 1 to destroy.', '1 diverged, 0 in sync (1 resource, 0.2 s)',
    ],
  ],
  [
    'a long run of objects unchecked for one reason is the first three and a count; other items stay listed',
    report([
      ...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => configMap(name, { status: 'unchecked', reason: 'the server was not reached' })),
      configMap('h', { status: 'unchecked', reason: 'another reason' }),
    ], { errors: [{ message: 'cannot reach server' }] }), false,
    [
      '? v1 ConfigMap shop/a (a.yaml:1): unchecked (the server was not reached)',
      '? v1 ConfigMap shop/b (b.yaml:1): unchecked (the server was not reached)',
      '? v1 ConfigMap shop/c (c.yaml:1): unchecked (the server was not reached)',
      '? ... and 4 more objects: unchecked (the server was not reached) (-v lists them)',
      '? v1 ConfigMap shop/h (h.yaml:1): unchecked (another reason)',
      '! error: cannot reach server', '', '8 unchecked, 1 error, 0 in sync (8 objects, 0.2 s)',
    ],
  ],
  [
    'without a run-level error to explain them, unchecked items are each listed (they are not one cause)',
    report(['a', 'b', 'c', 'd', 'e', 'f'].map((name) => configMap(name, { status: 'unchecked', reason: 'r' }))), false,
    [...['a', 'b', 'c', 'd', 'e', 'f'].map((name) => `? v1 ConfigMap shop/${name} (${name}.yaml:1): unchecked (r)`), '', '6 unchecked, 0 in sync (6 objects, 0.2 s)'],
  ],
  [
    '-v lists every unchecked object, run-level error or not',
    report(['a', 'b', 'c', 'd', 'e', 'f'].map((name) => configMap(name, { status: 'unchecked', reason: 'r' })), { errors: [{ message: 'e' }] }), true,
    [...['a', 'b', 'c', 'd', 'e', 'f'].map((name) => `? v1 ConfigMap shop/${name} (${name}.yaml:1): unchecked (r)`), '! error: e', '', '6 unchecked, 1 error, 0 in sync (6 objects, 0.2 s)'],
  ],
  [
    'five unchecked objects for one cause are all listed',
    report(['a', 'b', 'c', 'd', 'e'].map((name) => configMap(name, { status: 'unchecked', reason: 'r' })), { errors: [{ message: 'e' }] }), false,
    [...['a', 'b', 'c', 'd', 'e'].map((name) => `? v1 ConfigMap shop/${name} (${name}.yaml:1): unchecked (r)`), '! error: e', '', '5 unchecked, 1 error, 0 in sync (5 objects, 0.2 s)'],
  ],
  [
    'a file name from the repository with control characters cannot drive the terminal',
    report([configMap('a', { file: 'evil\u001b[2J\n::error::x.yaml', line: 2, status: 'missing' })]), false,
    ['+ v1 ConfigMap shop/a (evil\\x1b[2J\\x0a::error::x.yaml:2): missing from the live side', '', '1 missing, 0 in sync (1 object, 0.2 s)'],
  ],
];

describe('the text format', () => {
  it.each(cases)('%s', (_behaviour, given, verbose, lines) => {
    expect(renderText(given, { chalk: chalkFor(0), verbose })).toBe(`${lines.join('\n')}\n`);
  });
});
