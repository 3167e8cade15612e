// Load declared state: the manifest paths a user names (files, folders walked
// recursively, '-' for stdin) become DeclaredObjects with their file and line.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GitdiffError } from '../../errors.js';
import { fileProblem } from '../../system-errors.js';
import { readStream } from '../../read-stream.js';
import { decodeManifest, parseManifests } from './documents.js';
import type { DeclaredObject } from './objects.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Whether a file met while walking a folder is a manifest (named files are read whatever their name). */
export function isManifestName(name: string): boolean {
  return MANIFEST_EXTENSIONS.has(path.extname(name).toLowerCase());
}

export interface ManifestFile {
  /** As the user would write it: the given path, or a walked folder joined with the names below it; '-' is stdin. */
  file: string;
  /** A regular file (not a pipe or device), known from the walk or the stat of a named path. */
  regular: boolean;
}

/**
 * The manifest files under the given paths, in a stable order; folders are
 * walked, other files there skipped. Synchronously: a repository with one
 * folder per application has thousands of folders, and a round trip through
 * the thread pool for each folder was most of the wall time of reading
 * 10,000 small manifests.
 */
export function manifestFiles(paths: string[], cwd: string): ManifestFile[] {
  const files: ManifestFile[] = [];
  for (const given of paths) {
    if (given === '-') {
      files.push({ file: '-', regular: false });
      continue;
    }
    const absolute = path.resolve(cwd, given);
    let info;
    try {
      info = statSync(absolute);
    } catch (error) {
      throw new GitdiffError(`${given}: ${fileProblem(error)}`, { hint: 'name manifest files or folders that exist' });
    }
    if (info.isDirectory()) walk(absolute, realpathSync(absolute), given, files, new Set());
    else files.push({ file: given, regular: info.isFile() });
  }
  return files;
}

/** `real` is the folder's path with every link resolved: resolved only at links, since a plain subfolder's is its parent's plus its name. */
function walk(absolute: string, real: string, shown: string, files: ManifestFile[], visited: Set<string>): void {
  // Symlinked folders are followed once: a link loop must not walk forever.
  if (visited.has(real)) return;
  visited.add(real);
  let entries;
  try {
    entries = readdirSync(absolute, { withFileTypes: true });
  } catch (error) {
    throw new GitdiffError(`${shown}: ${fileProblem(error)}`, { hint: 'check the folder permissions' });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue; // .git, .github, editor files
    const childAbsolute = path.join(absolute, entry.name);
    const childShown = path.join(shown, entry.name);
    let kind: { isDirectory(): boolean; isFile(): boolean } = entry;
    if (entry.isSymbolicLink()) {
      try {
        kind = statSync(childAbsolute);
      } catch (error) {
        // A dangling link holds nothing; a link loop is a mistake worth naming.
        if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new GitdiffError(`${childShown}: ${fileProblem(error)}`, { hint: 'fix or remove the symbolic link' });
        continue;
      }
    }
    if (kind.isDirectory()) walk(childAbsolute, entry.isSymbolicLink() ? realpathSync(childAbsolute) : path.join(real, entry.name), childShown, files, visited);
    else if (!isManifestName(entry.name)) continue;
    // A named pipe or device would block the read forever (or never end): only regular files are read from folders.
    else if (kind.isFile()) files.push({ file: childShown, regular: true });
    else throw new GitdiffError(`${childShown}: not a regular file (a named pipe, socket or device)`, { hint: 'name it directly to read it, or remove it from the folder' });
  }
}

/** Reads and parses every manifest; the first unreadable or invalid one stops the run with its name. */
export async function loadDeclared(paths: string[], cwd: string, stdin: NodeJS.ReadableStream): Promise<DeclaredObject[]> {
  const declared: DeclaredObject[] = [];
  for (const manifest of manifestFiles(paths, cwd)) declared.push(...(await readManifestFile(manifest, cwd, stdin)));
  return declared;
}

/** The objects of one manifest file (or stdin), read and parsed; an unreadable or invalid one is a GitdiffError naming it. */
export async function readManifestFile({ file, regular }: ManifestFile, cwd: string, stdin: NodeJS.ReadableStream): Promise<DeclaredObject[]> {
  let bytes: Buffer;
  try {
    // A regular file is read synchronously: fs/promises reads in chunks through the thread pool, which
    // made a third of the wall time of reading 50 MB of manifests. A named pipe (`<(kustomize build)`)
    // is read asynchronously, so a slow writer does not stop timers and signal handlers.
    if (file === '-') bytes = await readStream(stdin);
    else if (regular) bytes = readFileSync(path.resolve(cwd, file));
    else bytes = await readFile(path.resolve(cwd, file));
  } catch (error) {
    throw new GitdiffError(`${file}: ${fileProblem(error)}`, { hint: 'check that the file is readable' });
  }
  const shown = file === '-' ? '(stdin)' : file;
  return declaredObjects(decodeManifest(bytes, shown), shown);
}

/**
 * The objects of one manifest file. A kustomization.yaml met in a folder is not
 * an object: the error says so, and how to render it instead.
 */
export function declaredObjects(text: string, file: string): DeclaredObject[] {
  try {
    return parseManifests(text, file).map(({ object, line, generated }) => ({ object, file, line, ...(generated ? { generated } : {}) }));
  } catch (error) {
    if (!(error instanceof GitdiffError) || !/^kustomization\.ya?ml$/i.test(path.basename(file))) throw error;
    throw new GitdiffError(error.message, { hint: `it is a kustomization: render it with -k ${path.dirname(file)}, and name only plain manifest folders as paths` });
  }
}
