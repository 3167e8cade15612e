// -o json is a published contract: docs/report.schema.json and docs/json.md.
// These tests hold the renderer to what those documents say (issue 16: the
// old test compared the renderer with itself); the real runs of every
// subcommand are in json-contract.e2e.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { renderJson } from '../../src/render/json.js';
import { SENSITIVE, type Report } from '../../src/report.js';
import { codeBlocks } from '../deploy/doc-blocks.js';
import { reportProblems } from '../support/report-schema.js';
import { repoRoot } from '../support/run-cli.js';
import { diverged, everyStatus, hostileText, inSync, kubeItem, reportOf } from '../support/sample-reports.js';

const options = { chalk: new Chalk({ level: 0 }), verbose: false };
const jsonDoc = path.join(repoRoot, 'docs/json.md');
const documented = codeBlocks(jsonDoc).filter((block) => block.language === 'json').map((block) => JSON.parse(block.text) as Record<string, unknown>);
const printed = (report: Report) => JSON.parse(renderJson(report, options)) as Record<string, unknown>;

describe('docs/json.md', () => {
  it('links the schema, which is in docs/ (shipped with the package)', () => {
    expect(readFileSync(jsonDoc, 'utf8')).toContain('](report.schema.json)');
    expect(JSON.parse(readFileSync(path.join(repoRoot, 'docs/report.schema.json'), 'utf8')).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('shows an example for every source, each valid against the schema', () => {
    expect(documented.map((example) => example.source)).toEqual(['kube', 'terraform', 'ansible']);
    for (const example of documented) expect(reportProblems(example), String(example.source)).toEqual([]);
  });

  it.each(['README.md', 'docs/ansible.md', 'docs/terraform.md'])('the -o json example of %s follows the schema too', (file) => {
    const examples = codeBlocks(path.join(repoRoot, file)).filter((block) => block.language === 'json' && block.text.includes('"summary"'));
    expect(examples).toHaveLength(1);
    expect(reportProblems(JSON.parse(examples[0].text))).toEqual([]);
  });

  it('the kube example is what gitdiff prints for that report, field for field and in the documented order', () => {
    const report: Report = {
      source: 'kube', target: 'prod-cluster', noun: 'object', durationMs: 411.6, errors: [], notes: [],
      items: [
        kubeItem('Deployment', 'cache', 'redis', {
          file: 'manifests/redis.yaml', line: 8, status: 'diverged',
          changes: [{ path: 'spec.replicas', declared: 4, live: 3, manager: 'kubectl', time: '2026-11-20T10:02:41Z' }],
          ignored: [{ path: 'spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]', live: '2026-11-21T08:00:00Z', note: '--ignore Deployment:spec.template.metadata.annotations' }],
        }),
        kubeItem('Secret', 'cache', 'redis-auth', {
          file: 'manifests/redis.yaml', line: 60, status: 'diverged',
          changes: [{ path: 'stringData.password', declared: SENSITIVE, live: SENSITIVE, sensitive: true }],
        }),
        kubeItem('Namespace', undefined, 'cache', { file: 'manifests/namespace.yaml', line: 1, status: 'in-sync', changes: [] }),
        kubeItem('ConfigMap', 'cache', 'settings', { file: 'manifests/settings.yaml', line: 1, status: 'missing', changes: [] }),
        kubeItem('ConfigMap', 'cache', 'old-settings', {
          status: 'extra', reason: 'live with app=redis, declared in no manifest',
          changes: [{ path: 'metadata', live: { name: 'old-settings', namespace: 'cache', labels: { app: 'redis' } } }],
        }),
      ],
    };
    const output = printed(report);
    expect(output).toEqual(documented[0]);
    // toEqual ignores key order; the page promises one.
    expect(Object.keys(output)).toEqual(['source', 'target', 'summary', 'items', 'errors', 'notes', 'durationMs']);
    expect(Object.keys((output.items as object[])[0])).toEqual(['apiVersion', 'kind', 'namespace', 'name', 'file', 'line', 'status', 'changes', 'ignored']);
  });
});

describe('renderJson follows docs/report.schema.json', () => {
  it.each<[string, Report]>([
    ['every status', reportOf(everyStatus)],
    ['no items', reportOf([])],
    ['a headline, run-level errors and notes', reportOf([diverged], { headline: 'Plan: 1 to change.', notes: ['a note'], errors: [{ message: 'boom', hint: 'fix it' }, { message: 'no hint' }] })],
    ['hostile text in values, titles and notes', reportOf(hostileText.map(([name, text]) => ({ ...inSync, title: text, changes: [{ path: name, declared: text, live: [text, { [text]: text }] }], status: 'diverged' as const })), { notes: hostileText.map(([, text]) => text) })],
    ['nested empty values', reportOf([{ ...diverged, changes: [{ path: 'a', declared: {}, live: [] }, { path: 'b', declared: [[]], live: { x: {} } }] }])],
    ['terraform items', reportOf([
      { ref: { address: 'aws_instance.web' }, title: 'aws_instance.web', status: 'diverged', details: { action: 'update in place', drift: 'updated outside Terraform (ami)' }, changes: [{ path: 'ami', declared: 'a', live: 'b', note: 'forces replacement' }] },
      { ref: { address: 'aws_instance.web', deposed: '00000001' }, title: 'aws_instance.web (deposed object 00000001)', status: 'extra', details: { action: 'destroy', 'moved from': 'aws_instance.old' }, changes: [] },
    ], { source: 'terraform', noun: 'resource' })],
    ['ansible items', reportOf([
      { ref: { host: 'web-01', play: 'web', task: 'write token' }, title: 'web-01: TASK [write token]', status: 'diverged', file: 'site.yml', line: 3, details: { play: 'web', module: 'ansible.builtin.copy' }, changes: [], notes: ['no_log: its values and diff are hidden'] },
    ], { source: 'ansible', noun: 'task' })],
  ])('%s: valid, and printed as two-space JSON', (_name, report) => {
    const text = renderJson(report, options);
    const value = JSON.parse(text) as unknown;
    expect(reportProblems(value)).toEqual([]);
    // -o json is written an item at a time: it must still be the one layout a reader expects.
    expect(text).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });
});

// The schema is closed: these are what must fail, or the tests above could not.
describe('docs/report.schema.json refuses what docs/json.md does not document', () => {
  const base = () => printed(reportOf(everyStatus)) as { summary: Record<string, unknown>; items: Array<Record<string, any>>; [key: string]: unknown };
  it.each<[string, (report: ReturnType<typeof base>) => void, string]>([
    ['an unknown item field', (report) => { report.items[0].undocumented = 'x'; }, 'unevaluatedProperty":"undocumented'],
    ['an unknown report field', (report) => { report.verdict = 'diverged'; }, 'additionalProperty":"verdict'],
    ['an unknown status', (report) => { report.items[0].status = 'drifted'; }, '/items/0/status must be equal to one of the allowed values'],
    ['a summary without ignored', (report) => { delete report.summary.ignored; }, "missingProperty\":\"ignored"],
    ['a kube item without its namespace', (report) => { delete report.items[0].namespace; }, 'missingProperty":"namespace'],
    ['a kube item with terraform identity', (report) => { report.items[0].address = 'aws_instance.web'; }, 'unevaluatedProperty":"address'],
    ['a change without path', (report) => { delete report.items[1].changes[0].path; }, '/items/1/changes/0 must have required property'],
    ['an unknown change field', (report) => { report.items[1].changes[0].undocumented = 'x'; }, 'additionalProperty":"undocumented'],
    ['an ignored change without its rule', (report) => { report.items[0].ignored = [{ path: 'a', live: 1 }]; }, 'missingProperty":"note'],
    ['a run-level error without a message', (report) => { report.errors = [{ hint: 'h' }]; }, '/errors/0 must have required property'],
    ['an unknown source', (report) => { report.source = 'helm'; }, '/source must be equal to one of the allowed values'],
  ])('%s', (_name, spoil, problem) => {
    const report = base();
    expect(reportProblems(report)).toEqual([]);
    spoil(report);
    expect(reportProblems(report).join('\n')).toContain(problem);
  });
});
