// Walking manifest folders (synchronously, resolving links only where they
// are) and reading named files, including pipes, which must stay asynchronous.
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadDeclared, manifestFiles } from '../../../src/sources/kube/declared.js';

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

function tree(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'gitdiff-declared-'));
  for (const [file, name] of [['apps/a/cm.yaml', 'a'], ['apps/b/cm.yml', 'b'], ['apps/b/notes.txt', ''], ['shared/base.json', 'base']] as const) {
    mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(root, file), file.endsWith('.json') ? JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }) : configMap(name));
  }
  symlinkSync('../shared', path.join(root, 'apps/c-linked')); // a folder reached through a link is walked
  symlinkSync('..', path.join(root, 'apps/a/up')); // a link back to an ancestor is not walked again
  return root;
}

describe('manifestFiles', () => {
  it('walks folders in name order, follows a link to another folder, and a link back up only once', () => {
    const root = tree();
    expect(manifestFiles(['apps'], root)).toEqual([
      { file: path.join('apps', 'a', 'cm.yaml'), regular: true },
      { file: path.join('apps', 'b', 'cm.yml'), regular: true },
      { file: path.join('apps', 'c-linked', 'base.json'), regular: true },
    ]);
  });

  it('lists named files as given, and stdin as -', () => {
    const root = tree();
    expect(manifestFiles(['-', 'apps/b/notes.txt'], root)).toEqual([{ file: '-', regular: false }, { file: 'apps/b/notes.txt', regular: true }]);
  });
});

describe('loadDeclared', () => {
  it('reads a named pipe (as from <(kustomize build)) without blocking the process that writes it', async () => {
    const root = tree();
    const pipe = path.join(root, 'rendered.yaml');
    execFileSync('mkfifo', [pipe]);
    const loading = loadDeclared([pipe], root, Readable.from([]));
    // The writer runs in this same process: a synchronous read of the pipe would never return.
    const writer = createWriteStream(pipe);
    writer.end(`${configMap('from-pipe')}---\n${configMap('second')}`);
    const declared = await loading;
    expect(declared.map((entry) => [entry.object.metadata.name, entry.line])).toEqual([['from-pipe', 1], ['second', 6]]);
  });
});
