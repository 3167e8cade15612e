// A folder of real Kubernetes manifests, copied until it reaches a size: the
// files under ../shared/fixtures/kubernetes/manifests (kube-prometheus, the
// guestbook, Argo CD's install with its CRDs), or the project's own example
// when those are absent. Each copy goes to its own folder and gets its own
// metadata.name suffix, so the objects stay distinct, as in a monorepo.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../measure.js';

export interface ManifestCorpus {
  dir: string;
  files: number;
  bytes: number;
  /** Where the copied manifests came from, for the notes. */
  source: string;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return yamlFilesUnder(full);
      return /\.ya?ml$/.test(entry.name) && statSync(full).isFile() ? [full] : [];
    });
}

/** Writes copies of the source manifests under `dir` until they hold at least `targetBytes`. */
export function writeManifestCorpus(dir: string, targetBytes: number, sharedFixtures?: string): ManifestCorpus {
  const sourceDir = sharedFixtures ? path.join(sharedFixtures, 'kubernetes/manifests') : path.join(repoRoot, 'fixtures/example/manifests');
  const sources = yamlFilesUnder(sourceDir).map((file) => ({ relative: path.relative(sourceDir, file), text: readFileSync(file, 'utf8') }));
  if (sources.length === 0) throw new Error(`bench: no manifests under ${sourceDir}`);
  let bytes = 0;
  let files = 0;
  for (let copy = 0; bytes < targetBytes; copy++) {
    const suffix = `-c${String(copy).padStart(3, '0')}`;
    for (const { relative, text } of sources) {
      if (bytes >= targetBytes) break;
      // `  name:` at two spaces is metadata.name in these files; a suffix keeps each copy's objects distinct.
      const renamed = text.replace(/^( {2}name: *)(['"]?)([^'"\s#]+)\2/gm, (_, key: string, quote: string, name: string) => `${key}${quote}${name}${suffix}${quote}`);
      const target = path.join(dir, `copy${suffix}`, relative);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, renamed);
      bytes += Buffer.byteLength(renamed);
      files++;
    }
  }
  return { dir, files, bytes, source: path.relative(repoRoot, sourceDir) };
}
