import { describe, expect, it } from 'vitest';
import { chalkFor } from '../../src/color.js';
import { renderGithub, workflowCommand } from '../../src/render/github.js';
import { changeTextLines } from '../../src/render/plain.js';
import type { Item, Report } from '../../src/report.js';
import { diverged, everyStatus, hostileText, reportOf } from '../support/sample-reports.js';

const render = (report: Report) => renderGithub(report, { chalk: chalkFor(0), verbose: false });

/** Undoes the Actions toolkit's escaping, as the runner does when it reads a command. */
function unescape(text: string): string {
  return text.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** A workflow command line as the runner parses it: `::level key=value,...::message`. */
function parseCommand(line: string): { level: string; properties: Record<string, string>; message: string } {
  const match = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const properties = Object.fromEntries((match[2] ? match[2].split(',') : []).map((pair) => {
    const [key, value] = pair.split('=');
    return [key, unescape(value)];
  }));
  return { level: match[1], properties, message: unescape(match[3]) };
}

describe('-o github', () => {
  it.each([
    ['plain', { file: 'a.yaml', line: '8', title: 'T' }, 'message', '::error file=a.yaml,line=8,title=T::message'],
    ['percent first', { title: '100%' }, '50%', '::error title=100%25::50%25'],
    ['line breaks', { title: 'a\r\nb' }, 'a\r\nb', '::error title=a%0D%0Ab::a%0D%0Ab'],
    ['colon and comma in properties only', { title: 'a: b, c' }, 'a: b, c', '::error title=a%3A b%2C c::a: b, c'],
    ['absent properties left out', { file: undefined, line: '' }, 'm', '::error::m'],
  ])('escapes %s as the Actions toolkit does', (_name, properties, message, expected) => {
    expect(workflowCommand('error', properties, message)).toBe(expected);
  });

  it('annotates every item that needs a look, at its file and line, then prints the summary', () => {
    const lines = render(reportOf(everyStatus)).trimEnd().split('\n');
    expect(lines).toHaveLength(7); // six annotations, no line for the in-sync Service, the summary
    expect(lines[6]).toBe('2 diverged, 1 missing, 1 extra, 1 unchecked, 1 error, 1 in sync (7 objects, 1.2 s)');
    const commands = lines.slice(0, 6).map(parseCommand);
    expect(commands.map((command) => [command.level, command.properties])).toEqual([
      ['error', { file: 'manifests/redis.yaml', line: '8', title: 'apps/v1 Deployment cache/redis: diverged' }],
      ['error', { file: 'manifests/secret.yaml', line: '1', title: 'v1 Secret cache/auth: diverged' }],
      ['error', { file: 'manifests/settings.yaml', line: '1', title: 'v1 ConfigMap cache/settings: missing' }],
      ['error', { title: 'v1 ConfigMap cache/orphan: extra' }],
      ['warning', { file: 'manifests/later.yaml', line: '3', title: 'v1 ConfigMap cache/later: unchecked' }],
      ['error', { file: 'manifests/ns.yaml', line: '1', title: 'v1 Namespace cache: error' }],
    ]);
    expect(commands[0].message).toBe(
      '    spec.replicas: (changed by kubectl at 2026-11-20 10:02 UTC)\n-     3\n+     4\n    spec.template.spec.containers[name=redis].image:\n-     redis:7.0\n+     redis:7.2',
    );
    expect(commands[2].message).toBe('missing (not in the snapshot live.yaml)');
    expect(commands[5].message).toBe('error: forbidden: get namespaces\nhint: allow get on namespaces');
  });

  it('a long run of objects unchecked for one reason is three warnings and one that counts the rest', () => {
    const objects = Array.from({ length: 1000 }, (_, index): Item => ({
      ref: { kind: 'ConfigMap', name: `c${index}` }, title: `v1 ConfigMap shop/c${index}`, status: 'unchecked', file: 'all.yaml', line: index + 1,
      changes: [], reason: 'the server was not reached',
    }));
    const lines = render(reportOf(objects, { noun: 'object', errors: [{ message: 'no server' }] })).trimEnd().split('\n');
    const commands = lines.filter((line) => line.startsWith('::')).map(parseCommand);
    expect(commands.map((command) => [command.level, command.properties.title])).toEqual([
      ['warning', 'v1 ConfigMap shop/c0: unchecked'],
      ['warning', 'v1 ConfigMap shop/c1: unchecked'],
      ['warning', 'v1 ConfigMap shop/c2: unchecked'],
      ['warning', '997 more objects: unchecked'],
      ['error', 'gitdiff kube'],
    ]);
    expect(commands[3].message).toBe('unchecked (the server was not reached)');
  });

  it('reports run-level errors and notes', () => {
    const lines = render(reportOf([], { errors: [{ message: 'no server', hint: 'start it' }], notes: ['read at HEAD'] })).trimEnd().split('\n');
    expect(parseCommand(lines[0])).toEqual({ level: 'error', properties: { title: 'gitdiff kube' }, message: 'no server\nhint: start it' });
    expect(lines.slice(1)).toEqual(['note: read at HEAD', '1 error, 0 in sync (0 objects, 1.2 s)']);
  });

  it.each(hostileText)('keeps %s inside one command, unchanged once unescaped', (_name, text) => {
    const item: Item = { ...diverged, title: text, file: text, changes: [{ path: 'data.x', declared: text, live: 'y' }] };
    const lines = render(reportOf([item], { notes: [text] })).trimEnd().split('\n');
    // Only the annotation starts with `::`: nothing from the report can start a command of its own.
    expect(lines.filter((line) => line.startsWith('::'))).toHaveLength(1);
    expect(lines).toHaveLength(3);
    const command = parseCommand(lines[0]);
    expect(command.properties).toEqual({ file: text, line: '8', title: `${text}: diverged` });
    // The message is the text format's change lines, whole: escaping loses nothing.
    expect(command.message).toBe(changeTextLines(item).join('\n'));
  });
});
