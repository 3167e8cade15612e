import { describe, expect, it } from 'vitest';
import { chalkFor } from '../../src/color.js';
import { renderJunit } from '../../src/render/junit.js';
import type { Item, Report } from '../../src/report.js';
import { countedCases, junitProblems, readJunit } from './junit-reader.js';
import { diverged, everyStatus, hostileText, reportOf } from '../support/sample-reports.js';

const render = (report: Report) => renderJunit(report, { chalk: chalkFor(0), verbose: false });

async function readValid(report: Report) {
  const xml = render(report);
  expect(await junitProblems(xml)).toEqual([]);
  return readJunit(xml);
}

describe('-o junit', () => {
  it('writes one testcase per item, with counts that match the cases', async () => {
    const junit = await readValid(reportOf(everyStatus));
    expect(junit.suites).toHaveLength(1);
    const [suite] = junit.suites;
    expect(suite.name).toBe('gitdiff kube');
    expect(suite.counts).toEqual({ tests: 7, failures: 4, errors: 1, skipped: 1 });
    expect(countedCases(suite)).toEqual(suite.counts);
    expect(junit.counts).toEqual({ tests: 7, failures: 4, errors: 1 });
    expect(suite.properties).toEqual({ target: 'prod' });
    expect(suite.cases.map((testcase) => [testcase.classname, testcase.name, testcase.outcome, testcase.type])).toEqual([
      ['kube.cache.Service', 'v1 Service cache/redis', 'passed', undefined],
      ['kube.cache.Deployment', 'apps/v1 Deployment cache/redis', 'failure', 'diverged'],
      ['kube.cache.Secret', 'v1 Secret cache/auth', 'failure', 'diverged'],
      ['kube.cache.ConfigMap', 'v1 ConfigMap cache/settings', 'failure', 'missing'],
      ['kube.cache.ConfigMap', 'v1 ConfigMap cache/orphan', 'failure', 'extra'],
      ['kube.cache.ConfigMap', 'v1 ConfigMap cache/later', 'skipped', 'unchecked'],
      ['kube.Namespace', 'v1 Namespace cache', 'error', 'error'],
    ]);
  });

  it('puts the changed paths in the message and the diff in the body', async () => {
    const [suite] = (await readValid(reportOf(everyStatus))).suites;
    const deployment = suite.cases[1];
    expect(deployment.message).toBe('diverged: spec.replicas, spec.template.spec.containers[name=redis].image');
    expect(deployment.body).toBe(
      [
        'declared in manifests/redis.yaml:8',
        '    spec.replicas: (changed by kubectl at 2026-11-20 10:02 UTC)',
        '-     3',
        '+     4',
        '    spec.template.spec.containers[name=redis].image:',
        '-     redis:7.0',
        '+     redis:7.2',
      ].join('\n'),
    );
    expect(suite.cases[2].body).toContain('-     (sensitive value)\n+     (sensitive value)');
    expect(suite.cases[3].message).toBe('missing (not in the snapshot live.yaml)');
    expect(suite.cases[6]).toMatchObject({ message: 'forbidden: get namespaces', body: 'declared in manifests/ns.yaml:1\nhint: allow get on namespaces' });
  });

  it('adds a testcase per run-level error, so the counts still match', async () => {
    const junit = await readValid(reportOf([diverged], { errors: [{ message: 'server unreachable', hint: 'check the VPN' }], notes: ['a note'] }));
    const [suite] = junit.suites;
    expect(suite.counts).toEqual({ tests: 2, failures: 1, errors: 1, skipped: 0 });
    expect(countedCases(suite)).toEqual(suite.counts);
    expect(suite.cases[1]).toMatchObject({ classname: 'kube', name: 'run error 1', outcome: 'error', message: 'server unreachable', body: 'hint: check the VPN' });
    expect(suite.out).toBe('note: a note\n1 diverged, 1 error, 0 in sync (1 object, 1.2 s)');
  });

  it('groups by the source group when items have one (ansible hosts, terraform sections)', async () => {
    const task: Item = { ref: { host: 'web1', task: 'install nginx' }, title: 'web1: install nginx', status: 'in-sync', changes: [], group: 'web1.example.com' };
    const [suite] = (await readValid(reportOf([task], { source: 'ansible' }))).suites;
    expect(suite.cases[0].classname).toBe('ansible.web1.example.com');
  });

  it('passes an item whose only differences were ignored, and lists them in its output', async () => {
    const item: Item = { ...diverged, status: 'in-sync', changes: [], ignored: [{ path: 'spec.replicas', declared: 4, live: 3, note: 'HorizontalPodAutoscaler cache/redis' }], notes: ['a note'] };
    const [suite] = (await readValid(reportOf([item]))).suites;
    expect(suite.cases[0]).toEqual({ classname: 'kube.cache.Deployment', name: 'apps/v1 Deployment cache/redis', outcome: 'passed', out: 'ignored: spec.replicas (HorizontalPodAutoscaler cache/redis)\nnote: a note' });
    expect(suite.out).toBe('1 in sync (1 object, 1.2 s); 1 difference ignored');
  });

  it('is valid with no items at all', async () => {
    const junit = await readValid(reportOf([]));
    expect(junit.suites[0].counts).toEqual({ tests: 0, failures: 0, errors: 0, skipped: 0 });
  });

  it.each(hostileText)('keeps %s well-formed and readable', async (_name, text) => {
    const item: Item = { ...diverged, title: text, changes: [{ path: text, declared: text, live: 'x' }], error: text };
    const junit = await readValid(reportOf([item, { ...item, status: 'error' }], { target: text, notes: [text] }));
    const [suite] = junit.suites;
    // What survives: tabs, line breaks and printable text; control characters shown as \xNN, a lone surrogate as \uXXXX (visible-text.ts).
    const shown = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/\ud800/g, '\\ud800');
    expect(suite.cases[0].name).toBe(shown);
    expect(suite.properties.target).toBe(shown);
    expect(suite.cases[0].message).toBe(`diverged: ${shown}`);
    expect(suite.cases[1].message).toBe(shown);
    expect(suite.cases[0].body).toContain(shown.split(/\r\n|\r|\n/)[0]);
  });
});
