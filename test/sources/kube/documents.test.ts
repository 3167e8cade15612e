import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifests, splitDocuments } from '../../../src/sources/kube/documents.js';

const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n';

describe('parseManifests', () => {
  it('reads documents with the line each starts at, skipping empty and comment-only ones', () => {
    const text = `# leading comment\n---\n${deployment}---\n# only a comment\n---\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n`;
    const objects = parseManifests(text, 'a.yaml');
    expect(objects.map((o) => [o.object.kind, o.line])).toEqual([['Deployment', 3], ['ConfigMap', 12]]);
  });

  it('expands kind: List and typed lists whose items lack apiVersion/kind', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }] };
    const typed = { apiVersion: 'apps/v1', kind: 'DeploymentList', items: [{ metadata: { name: 'd' } }] };
    expect(parseManifests(JSON.stringify(list), 'l.json').map((o) => o.object.metadata.name)).toEqual(['a']);
    expect(parseManifests(JSON.stringify(typed), 't.json').map((o) => `${o.object.apiVersion} ${o.object.kind}`)).toEqual(['apps/v1 Deployment']);
  });

  it.each([
    ['a scalar document', `${deployment}---\njust a string\n`, /x\.yaml: document 2 \(line 6\): not a Kubernetes object \(found a string\)/],
    ['an array document', '- a\n- b\n', /x\.yaml: not a Kubernetes object \(found a list\)/],
    ['no kind', 'apiVersion: v1\nmetadata:\n  name: a\n', /no kind/],
    ['kind: 42', 'apiVersion: v1\nkind: 42\nmetadata:\n  name: a\n', /no kind/],
    ['no name', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', /no metadata\.name/],
    ['bad YAML with its line', `${deployment}---\napiVersion: v1\nkind: [unclosed\n`, /x\.yaml:8:1: document 2, invalid YAML: the text ends inside/],
    ['duplicate keys', 'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: a\n', /x\.yaml:3:\d+: invalid YAML: a key that appears twice/],
  ])('rejects %s with a message naming the file', (_name, text, message) => {
    expect(() => parseManifests(text, 'x.yaml')).toThrow(message);
  });

  it('marks an object named by metadata.generateName as generated (run.ts sets it aside), its prefix as its name', () => {
    const parsed = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: run-\n', 'x.yaml');
    expect(parsed.map(({ object, line, generated }) => [object.kind, object.metadata.name, line, generated])).toEqual([['ConfigMap', 'a', 1, undefined], ['Job', 'run-', 6, true]]);
  });

  it('never quotes the source line in YAML errors (it may hold a Secret value)', () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: "hunter2\n';
    expect(() => parseManifests(text, 's.yaml')).toThrow();
    try {
      parseManifests(text, 's.yaml');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('hunter2');
    }
  });

  it('splits on --- lines only', () => {
    expect(splitDocuments('a: 1\n---\nb: |\n  ---not a separator\n').length).toBe(2);
  });

  it('splits as the line-by-line reading did, on any mix of separators, comments, blanks and line ends', () => {
    // The reading splitDocuments replaced: lines split and joined again, one regexp per line.
    const byLines = (text: string) => {
      const chunks: { lines: string[]; first: number }[] = [{ lines: [], first: 1 }];
      text.split(/\r?\n/).forEach((line, index) => {
        if (/^---(\s|$)/.test(line)) chunks.push({ lines: [line.slice(3)], first: index + 1 });
        else chunks[chunks.length - 1].lines.push(line);
      });
      return chunks.flatMap((chunk) => {
        const offset = chunk.lines.findIndex((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
        return offset === -1 ? [] : [{ text: chunk.lines.join('\n'), line: chunk.first + offset, firstLine: chunk.first }];
      }).map((document, index) => ({ ...document, number: index + 1 }));
    };
    const pieces = ['---', '--- ', '---\t', '----', '-', '--- # c', '--- {a: 1}', 'a: 1', '  b: x', '#', ' # c', ' ', '\t', '\u00a0', '\ufeff', '\n', '\n', '\r\n', '\r', '|', 'k: ---'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
      const text = parts.join('');
      expect(splitDocuments(text)).toEqual(byLines(text));
    }), { numRuns: 2000 });
  });
});
