import { describe, expect, it } from 'vitest';
import { GitdiffError } from '../../../src/errors.js';
import { parsePlanBytes } from '../../../src/sources/terraform/plan-input.js';

const plan = {
  format_version: '1.2',
  terraform_version: '1.11.4',
  planned_values: { root_module: {} },
  resource_changes: [{ address: 'terraform_data.a', change: { actions: ['update'], before: { input: 'é ü 日本' }, after: { input: 'x' } } }],
};
const json = JSON.stringify(plan);
const pretty = JSON.stringify(plan, null, 2);

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

describe('parsePlanBytes accepts the forms saved plans arrive in', () => {
  it.each<[string, Buffer, string, number]>([
    ['plain UTF-8', Buffer.from(json), 'UTF-8', 0],
    ['UTF-8 with a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]), 'UTF-8 with BOM', 0],
    ['UTF-16LE with BOM and CRLF (PowerShell >)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pretty.replace(/\n/g, '\r\n'), 'utf16le')]), 'UTF-16LE', 0],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(pretty)]), 'UTF-16BE', 0],
    ['UTF-16LE without BOM', Buffer.from(json, 'utf16le'), 'UTF-16LE (no BOM)', 0],
    ['CRLF line endings', Buffer.from(pretty.replace(/\n/g, '\r\n')), 'UTF-8', 0],
    [
      "setup-terraform's wrapper lines around it",
      Buffer.from(`[command]/tmp/abc/terraform-bin show -json plan.tfplan\n${json}\n::debug::Terraform exited with code 0.\n::debug::stdout: ${json}\n::set-output name=exitcode::0\n`),
      'UTF-8',
      4,
    ],
    ['a log line before pretty JSON', Buffer.from(`Running terraform show -json...\n${pretty}\n`), 'UTF-8', 1],
    ['a line after the JSON', Buffer.from(`${pretty}\nDone in 2s.\n`), 'UTF-8', 1],
  ])('%s', (_name, bytes, encoding, skippedLines) => {
    const parsed = parsePlanBytes(bytes, 'plan.json');
    expect(parsed.plan).toEqual(plan);
    expect(parsed.encoding).toBe(encoding);
    expect(parsed.skippedLines).toBe(skippedLines);
  });
});

describe('parsePlanBytes says what it found instead of a plan', () => {
  const textPlan = 'Terraform used the selected providers to generate the following execution\nplan.\n\n  # aws_instance.web will be created\n  + resource "aws_instance" "web" {\n\nPlan: 1 to add, 0 to change, 0 to destroy.\n';
  const uiLog = [
    '{"@level":"info","@message":"Terraform 1.11.4","type":"version"}',
    '{"@level":"info","@message":"Plan: 1 to add, 0 to change, 0 to destroy.","type":"change_summary"}',
  ].join('\n');
  it.each<[string, string | Buffer, RegExp]>([
    ['an empty file', '', /plan\.json: is empty/],
    ['only whitespace', ' \n\r\n', /is empty/],
    ['a binary plan file', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), /binary plan file/],
    ['a text plan', textPlan, /human-readable `terraform plan` output \(text\)/],
    ['a text plan with colour codes', `\x1b[1m${textPlan}\x1b[0m`, /human-readable `terraform plan` output/],
    ['a text plan that failed', 'Terraform v1.5.7\n\nError: Unsupported block type\n', /text, ending in an error at line 3\)/],
    ['a plan -json UI log', uiLog, /`terraform plan -json` UI log/],
    ['one line of a UI log', uiLog.split('\n')[0], /`terraform plan -json` UI log/],
    ['a state file', JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'abc', resources: [] }), /Terraform state file/],
    ['show -json of state', JSON.stringify({ format_version: '1.0', values: { root_module: {} } }), /state as `terraform show -json` prints it without a plan file/],
    ['provider schemas', JSON.stringify({ format_version: '1.0', provider_schemas: {} }), /provider schemas/],
    ['a JSON array', '[1, 2]', /found JSON an array, not a Terraform plan/],
    ['JSON null', 'null', /found JSON null/],
    ['a JSON number', '42', /found JSON a number/],
    ['an object without format_version', JSON.stringify({ resource_changes: [], name: 'x' }), /without a format_version \(2 top-level keys\)/],
    ['format_version 2.0', JSON.stringify({ format_version: '2.0', resource_changes: [] }), /format_version 2\.0 is not supported \(gitdiff reads 0\.x and 1\.x\)/],
    ['errored that is not a boolean', JSON.stringify({ format_version: '1.2', planned_values: {}, errored: 'true' }), /not a valid plan: errored is neither true nor false/],
    ['planned_values that is not an object', JSON.stringify({ format_version: '1.2', planned_values: [], resource_changes: [] }), /found JSON whose planned_values is not an object/],
    ['an errored plan', JSON.stringify({ format_version: '1.2', planned_values: {}, errored: true }), /marked errored/],
    ['malformed JSON', '{\n  "format_version": "1.2",\n  "resource_changes": [,]\n}', /not valid JSON \(an unexpected character where a value belongs at line 3, column 24\)/],
    ['truncated JSON', pretty.slice(0, 60), /not valid JSON \(.*cut short.*\)/],
    ['stray closing braces (not a shorter plan)', `{\n  "format_version": "1.2",\n  "variables": {"a": {}}}},\n  "resource_changes": []\n}\n`, /not valid JSON \(unexpected text after the end of the JSON document at line 3, column 26\)/],
    ['20,000-deep nesting, cut short', `{"format_version": "1.2", "x": ${'['.repeat(20000)}${']'.repeat(19999)}}`, /not valid JSON \(a missing ',' or ']' at line 1, column 40031\)/],
    ['a raw line break in a string', '{"format_version": "1.2", "x": "a\nb"}', /control character .* at line 1, column 34/],
    ['resource_changes not a list', JSON.stringify({ format_version: '1.2', planned_values: {}, resource_changes: {} }), /resource_changes is not a list/],
    ['a change without actions', JSON.stringify({ format_version: '1.2', planned_values: {}, resource_changes: [{ address: 'a.b', change: {} }] }), /resource_changes\[0\] \(a\.b\) has no change\.actions list/],
    ['a change without address', JSON.stringify({ format_version: '1.2', planned_values: {}, resource_drift: [{ change: { actions: ['update'] } }] }), /resource_drift\[0\] has no address/],
    ['output_changes of the wrong shape', JSON.stringify({ format_version: '1.2', planned_values: {}, output_changes: { x: { before: 1 } } }), /output_changes\.x has no actions list/],
  ])('%s', (_name, input, message) => {
    const bytes = typeof input === 'string' ? Buffer.from(input) : input;
    let error: unknown;
    try {
      parsePlanBytes(bytes, 'plan.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GitdiffError);
    expect((error as GitdiffError).message).toMatch(/^plan\.json: /);
    expect((error as GitdiffError).message).toMatch(message);
    expect((error as GitdiffError).message).not.toContain('\n');
    expect((error as GitdiffError).hint).toBeTruthy();
  });
});
