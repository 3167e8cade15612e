// The promise as a property: no byte of a secret (its value, its base64)
// appears in any output of `gitdiff kube`, in any format, errors included,
// whatever the Secret's apiVersion spelling, whether it comes in a List or a
// SecretList, on either side, and whether its values are written so that YAML
// reads them as tags or aliases (unquoted `!...` and `*...`: a parse error).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderers } from '../../src/render/index.js';
import { runInProcess } from '../support/in-process.js';
import { revealingForms } from './secret-values.js';
import { secretValue } from './kube-arbitraries.js';

const spelling = fc.constantFrom('v1', '/v1', 'core/v1', 'V1');
const wrapper = fc.constantFrom('none', 'List', 'SecretList');
/** A value as written in the YAML, unquoted: plain, or starting with `!` or `*` (which YAML reads as a tag or an alias). */
const written = fc.tuple(fc.constantFrom('', '', '!', '*'), secretValue).map(([mark, value]) => `${mark}${value}`);
const entries = fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{3,8}$/), written), { minLength: 1, maxLength: 3, selector: ([key]) => key });

/** A Secret in YAML, written by hand so that values stay unquoted; `asData` writes them base64 under data. */
function secretYaml(apiVersion: string, wrap: string, values: [string, string][], asData: boolean): string {
  const field = asData ? 'data' : 'stringData';
  const lines = values.map(([key, value]) => `    ${key}: ${asData ? Buffer.from(value).toString('base64') : value}`);
  const body = (indent: string, withIdentity: boolean) => [
    ...(withIdentity ? [`apiVersion: ${apiVersion}`, 'kind: Secret'] : []),
    'metadata:', '  name: db', '  namespace: default', `${field}:`, ...lines.map((line) => line.slice(2)),
  ].map((line, index) => (index === 0 ? line : indent + line)).join('\n');
  if (wrap === 'none') return `${body('', true)}\n`;
  if (wrap === 'List') return `apiVersion: v1\nkind: List\nitems:\n- ${body('  ', true)}\n`;
  return `apiVersion: ${apiVersion}\nkind: SecretList\nitems:\n- ${body('  ', false)}\n`;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-secret-properties-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('no byte of a Secret in any output', () => {
  it('any spelling, wrapper and value, on either side, in every format, errors included', async () => {
    const side = fc.record({ apiVersion: spelling, wrap: wrapper, values: entries, asData: fc.boolean() });
    await fc.assert(fc.asyncProperty(side, side, async (declared, live) => {
      const declaredFile = path.join(dir, 'declared.yaml');
      const liveFile = path.join(dir, 'live.yaml');
      writeFileSync(declaredFile, secretYaml(declared.apiVersion, declared.wrap, declared.values, declared.asData));
      writeFileSync(liveFile, secretYaml(live.apiVersion, live.wrap, live.values, true));
      const secrets = [...declared.values, ...live.values].flatMap(([, value]) => [...revealingForms(value), ...revealingForms(value.replace(/^[!*]/, ''))]);
      for (const format of Object.keys(renderers)) {
        const textfile = path.join(dir, 'gitdiff.prom');
        rmSync(textfile, { force: true });
        const result = await runInProcess(['kube', declaredFile, '--live-from', liveFile, '--strict', '-o', format, '-v', '--metrics-textfile', textfile, '--metrics-per-object']);
        expect(result.code).not.toBeNull();
        let bytes = result.stdout + result.stderr;
        try {
          bytes += readFileSync(textfile, 'utf8');
        } catch {
          // a run that stopped at a parse error writes no textfile
        }
        const leaked = secrets.filter((form) => bytes.includes(form));
        expect(leaked, `${format}:\n${bytes}`).toEqual([]);
      }
    }), { numRuns: 60 });
  });
});
