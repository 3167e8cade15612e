// Which folder may import which: src/ is what ships, so it imports nothing from
// test/, tools/ or bench/; bench/ and the support code in tools/ run outside the
// test suite, so they import nothing from test/ (the tests beside the code in
// tools/ are tests, and may use test/support). Read from the import specifiers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/run-cli.js';
import { importSpecifiers, sourceFiles } from './support/import-specifiers.js';

/** Every module specifier of `source`, loaded with it or later. */
function allSpecifiers(source: string): string[] {
  const { static: loaded, dynamic } = importSpecifiers(source);
  return [...loaded, ...dynamic];
}

/** The top-level folders of the checkout that `file`'s relative imports reach. */
function foldersImported(file: string): { specifier: string; folder: string }[] {
  return allSpecifiers(readFileSync(path.join(repoRoot, file), 'utf8'))
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({ specifier, folder: path.relative(repoRoot, path.resolve(repoRoot, path.dirname(file), specifier)).split(path.sep)[0] }));
}

/** `file: specifier` for every import of `files` that reaches one of `forbidden`. */
function crossings(files: string[], forbidden: string[]): string[] {
  return files.flatMap((file) => foldersImported(file)
    .filter(({ folder }) => forbidden.includes(folder))
    .map(({ specifier }) => `${file}: ${specifier}`));
}

const notATest = (file: string) => !file.endsWith('.test.ts');

describe('import boundaries', () => {
  it('the scanner sees static, multi-line, re-exported, side-effect and dynamic imports', () => {
    const source = [
      "import { a } from '../test/a.js';",
      'import {\n  b,\n  c,\n} from "../test/b.js";',
      "export { d } from '../test/d.js';",
      "import '../test/e.js';",
      "const f = await import('../test/f.js');",
      "// a comment naming '../test/g.js' is no import",
    ].join('\n');
    expect(allSpecifiers(source)).toEqual(['../test/a.js', '../test/b.js', '../test/d.js', '../test/e.js', '../test/f.js']);
  });

  it('src/ imports nothing from test/, tools/ or bench/', () => {
    const files = sourceFiles('src');
    expect(files.length).toBeGreaterThan(50);
    expect(crossings(files, ['test', 'tools', 'bench'])).toEqual([]);
  });

  it('bench/ imports nothing from test/', () => {
    const files = sourceFiles('bench');
    expect(files).toContain(path.join('bench', 'scenarios', 'kube-scale.ts'));
    expect(crossings(files, ['test'])).toEqual([]);
  });

  it('tools/ imports nothing from test/, except in the tests beside the code', () => {
    const files = sourceFiles('tools').filter(notATest);
    expect(files).toContain(path.join('tools', 'kube-api-server', 'index.ts'));
    expect(crossings(files, ['test'])).toEqual([]);
  });
});
