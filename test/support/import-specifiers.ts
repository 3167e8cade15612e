// How the tests that guard the code's shape read a module's imports: the import cycles of src/
// (test/architecture.test.ts) and which folder may import which (test/import-boundaries.test.ts).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './run-cli.js';

/** Comments out (a commented-out import is no edge); strings are left alone, so a `//` in one only shortens a line after it. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[^]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

export interface ImportSpecifiers {
  /** Loaded with the module: `import ... from`, `import type ... from`, `export ... from`, a bare `import '...'`. */
  static: string[];
  /** Loaded when the code runs: `import('...')` of a literal. */
  dynamic: string[];
}

/** The module specifiers of `text`, in order, comments left out. */
export function importSpecifiers(text: string): ImportSpecifiers {
  const code = withoutComments(text);
  const statement = /(?:^|[;}\n])\s*(?:import|export)\s+(?:[^;'"()]*?\s+from\s+)?['"]([^'"]+)['"]/g;
  const lazy = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  return {
    static: [...code.matchAll(statement)].map((match) => match[1]),
    dynamic: [...code.matchAll(lazy)].map((match) => match[1]),
  };
}

/** The TypeScript and JavaScript files under `folder` of the checkout, as paths relative to it. */
export function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(repoRoot, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(repoRoot, path.join(entry.parentPath, entry.name)));
}
