// src/ has no import cycles. A module in a cycle can be read half-loaded (an
// export still undefined at the time another module's top level uses it), and
// a cycle ties pieces that should stand apart: the shared piece belongs in a
// module of its own. Every static edge counts, `import type` too: erased at run
// time, it still ties the two modules' meanings together. A dynamic
// `import('./x.js')` does not count: it is lazy (serve, the cluster client,
// terraform's runner load when a run needs them), so it closes no cycle at load
// time, and it is how the CLI keeps heavy pieces out of a start-up.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/run-cli.js';
import { importSpecifiers, sourceFiles } from './support/import-specifiers.js';

const srcRoot = path.join(repoRoot, 'src');

/** The relative specifiers a module loads at load time; packages and node: built-ins are outside src/ and cannot close a cycle in it. */
function staticSpecifiers(text: string): string[] {
  return importSpecifiers(text).static.filter((specifier) => specifier.startsWith('.'));
}

/** `./x.js` from src/a/b.ts -> src/a/x.ts (ESM names the emitted .js; the source is .ts). */
function resolveSpecifier(from: string, specifier: string): string {
  return path.resolve(path.dirname(from), specifier).replace(/\.js$/, '.ts');
}

/** Each cycle found by a depth-first walk, as the list of files from its first to its last (which imports the first). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'on-path' | 'done'>();
  const pathStack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'on-path');
    pathStack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'on-path') cycles.push(pathStack.slice(pathStack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    pathStack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

function importGraph(): Map<string, string[]> {
  const files = sourceFiles('src').filter((file) => file.endsWith('.ts')).map((file) => path.join(repoRoot, file));
  const known = new Set(files);
  return new Map(files.map((file) => {
    const targets = staticSpecifiers(readFileSync(file, 'utf8')).map((specifier) => resolveSpecifier(file, specifier));
    return [file, [...new Set(targets)].filter((target) => known.has(target))];
  }));
}

describe('architecture', () => {
  it('reads the import forms src/ uses, and leaves dynamic imports and comments out', () => {
    const text = [
      "import path from 'node:path';",
      "import { a,\n  b } from './a.js';",
      "import type { T } from '../t.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "import './side-effect.js';",
      "const { lazy } = await import('./lazy.js');",
      "// import { old } from './old.js';",
      "/* import { older } from './older.js'; */",
    ].join('\n');
    expect(staticSpecifiers(text)).toEqual(['./a.js', '../t.js', './c.js', './d.js', './side-effect.js']);
  });

  it('finds a cycle, naming its files in order', () => {
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c']]);
    expect(findCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });

  it('src/ has no import cycles', () => {
    const graph = importGraph();
    // The walk saw the code: a graph without edges would pass for the wrong reason.
    expect(graph.size).toBeGreaterThan(50);
    expect([...graph.values()].flat().length).toBeGreaterThan(100);
    const named = findCycles(graph).map((cycle) => [...cycle, cycle[0]].map((file) => path.relative(srcRoot, file)).join(' -> '));
    expect(named).toEqual([]);
  });
});
