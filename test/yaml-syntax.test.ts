// YAML errors in gitdiff's words: whatever the text, the message names a
// position and a phrase of a fixed vocabulary, never a token of the input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { YAMLException, load } from 'js-yaml';
import { yamlReason, yamlSyntaxProblem } from '../src/yaml-syntax.js';
import { parseManifests } from '../src/sources/kube/documents.js';
import { parseServeConfig } from '../src/serve/checks-file.js';
import { sources } from '../src/sources/index.js';

/** A secret-looking token: long enough that finding it in a message is no accident. */
const token = fc.string({ unit: fc.constantFrom(...'abcdefXYZ0123456789-_.!*&%@:,[]{}#|>\'"\\ '), minLength: 8, maxLength: 24 });
/** Where a token sits: as a value, a key, after a tag or alias mark, inside quotes or flow collections, with bad indentation. */
const placements = [
  (secret: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${secret}\n`,
  (secret: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  ${secret}: x\n`,
  (secret: string) => `a: !${secret}\n`,
  (secret: string) => `a: *${secret}\n`,
  (secret: string) => `a: &${secret}\n`,
  (secret: string) => `a: "${secret}\n`,
  (secret: string) => `a: [${secret}\n`,
  (secret: string) => `a:\n  b: ${secret}\n c: ${secret}\n`,
  (secret: string) => `%TAG !${secret} tag:x\n---\na: 1\n`,
  (secret: string) => `a: ${secret}\na: ${secret}\n`,
];

describe('YAML errors quote nothing of the input', () => {
  it('manifests and serve configs: a token anywhere never appears in the error', () => {
    fc.assert(fc.property(token, fc.constantFrom(...placements), (secret, place) => {
      const text = place(secret);
      const core = secret.replace(/^[!*&%]+/, '').trim();
      fc.pre(core.length >= 6);
      for (const parse of [() => parseManifests(text, 'x.yaml'), () => parseServeConfig(text, '/srv/gitdiff.yaml', sources, {})]) {
        try {
          parse();
        } catch (error) {
          const message = `${(error as Error).message}\n${(error as { hint?: string }).hint ?? ''}`;
          expect(message).not.toContain(core);
        }
      }
    }), { numRuns: 600 });
  });

  it.each([
    ['a: !hunter2-secret\n', /^a tag gitdiff does not read/],
    ['a: *hunter2-secret\n', /^an alias with no anchor/],
    ['a: 1\na: 2\n', /^a key that appears twice/],
    ['a:\n\tb: 1\n', /^a tab character/],
    ['a: "open\n', /^the text ends inside a quoted value/],
  ])('%j reads %s, with a position', (text, reason) => {
    let problem;
    try {
      load(text);
    } catch (error) {
      expect(error).toBeInstanceOf(YAMLException);
      problem = yamlSyntaxProblem(error);
    }
    expect(problem?.reason).toMatch(reason);
    expect(problem?.line).toBeGreaterThan(0);
    expect(problem?.column).toBeGreaterThan(0);
  });

  it('an unknown reason reads as invalid YAML syntax', () => {
    expect(yamlReason('something js-yaml says one day about "hunter2"')).toBe('invalid YAML syntax');
  });
});
