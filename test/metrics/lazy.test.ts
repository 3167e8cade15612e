// Start-up cost: the CLI loads the metrics flags, never the writers, unless a
// metrics flag is given (`gitdiff --version` must stay fast). Checked on the
// built JavaScript the launcher runs: the static import graph of dist/cli.js.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/run-cli.js';

const dist = path.join(repoRoot, 'dist');

/** Every module reached from `entry` through static imports and re-exports (dynamic import() excluded). */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.startsWith(dist)) return;
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/^\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s)?['"]([^'"]+)['"]/gm)) {
      const specifier = match[1];
      visit(specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : specifier);
    }
  };
  visit(entry);
  return seen;
}

describe('lazy loading of the metrics writers', () => {
  it.skipIf(!existsSync(path.join(dist, 'cli.js')))('dist/cli.js reaches the flags but not the writers, the exposition or prom-client', () => {
    const graph = [...staticGraph(path.join(dist, 'cli.js'))].map((file) => path.relative(dist, file));
    expect(graph).toContain(path.join('metrics', 'options.js'));
    for (const lazy of ['export.js', 'textfile.js', 'pushgateway.js', 'exposition.js']) expect(graph).not.toContain(path.join('metrics', lazy));
    expect(graph.filter((each) => each.includes('prom-client'))).toEqual([]);
  });

  it.skipIf(!existsSync(path.join(dist, 'cli.js')))('the writers are one dynamic import away', () => {
    expect(readFileSync(path.join(dist, 'metrics/index.js'), 'utf8')).toContain("await import('./export.js')");
    expect([...staticGraph(path.join(dist, 'metrics/export.js'))].map((file) => path.relative(dist, file))).toEqual(
      expect.arrayContaining([path.join('metrics', 'textfile.js'), path.join('metrics', 'pushgateway.js')]),
    );
  });
});
