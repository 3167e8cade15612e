// The declared side of a watch session, kept current without reading it all
// again: each manifest file is known by its stat (inode, size, mtime, ctime) and
// read again only when that changed, so an unchanged file gives the very same
// parsed objects (the memo's "same instance": compare-memo.ts). git-sync swaps
// a symlink to a new checkout and `git pull` rewrites files: both change the
// stat of what a path leads to. --rev is known by its commit, a kustomization
// by the stat of every file under its folder. A poll looks at stats only (and,
// with --rev, asks git for the commit), so it is cheap enough to run every second.
import { readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { messageOf } from '../../errors.js';
import type { RunContext } from '../types.js';
import { manifestFiles, readManifestFile } from './declared.js';
import { findIgnoreFile } from './ignore-file.js';
import type { DeclaredObject } from './objects.js';
import type { KubeOptions } from './options.js';
import type { DeclaredSide } from './run.js';

/** What a file's stat says about its content: any write, replacement or link swap changes it. */
function stampOf(info: Stats): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}

function stampAt(file: string): string {
  try {
    return stampOf(statSync(file));
  } catch (error) {
    return `absent: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`;
  }
}

/** The stamp of every file under a folder, in a stable order: a kustomization's inputs (links followed once). */
function folderStamp(dir: string, visited = new Set<string>()): string {
  let entries;
  try {
    const real = statSync(dir);
    const key = `${real.dev}:${real.ino}`;
    if (visited.has(key)) return '';
    visited.add(key);
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    return `${dir}: absent: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}\n`;
  }
  let stamp = '';
  for (const entry of entries) {
    if (entry.name === '.git') continue;
    const child = path.join(dir, entry.name);
    const info = entry.isSymbolicLink() ? statSync(child, { throwIfNoEntry: false }) : undefined;
    if (entry.isDirectory() || info?.isDirectory()) stamp += folderStamp(child, visited);
    else stamp += `${child} ${stampAt(child)}\n`;
  }
  return stamp;
}

interface ReadFile {
  stamp: string;
  objects: DeclaredObject[];
}

export class WatchedDeclared {
  /** Each manifest file read so far, by its path as shown: its stamp when read, and its objects. */
  private files = new Map<string, ReadFile>();
  private kustomizations = new Map<string, ReadFile>();
  private revision: { commit: string; side: DeclaredSide } | undefined;
  /** What the inputs looked like when the last read began: a poll that sees otherwise says "changed". */
  private seen: string | undefined;
  /** What the last poll that said "changed" saw: the same change is said once, not every second until a run reads it. */
  private told: string | undefined;

  constructor(private readonly options: KubeOptions) {}

  /** The declared side now: unchanged files' objects as they were, changed ones read again. */
  async read(context: RunContext): Promise<DeclaredSide> {
    const { options } = this;
    try {
      this.seen = await this.inputsStamp(context);
    } catch (error) {
      this.seen = `error: ${messageOf(error)}`;
    }
    const declared: DeclaredObject[] = [];
    const notes: string[] = [];
    let revision: string | undefined;
    if (options.rev !== undefined) {
      const side = await this.readAtRevision(options.rev, context);
      declared.push(...side.declared);
      notes.push(...side.notes);
      revision = side.revision;
    } else if (options.paths.length > 0) {
      const files = new Map<string, ReadFile>();
      for (const manifest of manifestFiles(options.paths, context.cwd)) {
        // Stamped before it is read: a write after the stamp is seen by the next poll, never lost.
        const stamp = stampAt(path.resolve(context.cwd, manifest.file));
        const before = this.files.get(manifest.file);
        const read = before?.stamp === stamp ? before : { stamp, objects: await readManifestFile(manifest, context.cwd, context.stdin) };
        files.set(manifest.file, read);
        declared.push(...read.objects);
      }
      this.files = files;
    }
    for (const dir of options.kustomize) declared.push(...(await this.readKustomization(dir, context)));
    return { declared, notes, revision };
  }

  /** Whether the inputs changed since the last read began (a file written, added or removed; a new commit at --rev). */
  async changed(context: Pick<RunContext, 'cwd' | 'env' | 'signal' | 'log'>): Promise<boolean> {
    if (this.seen === undefined) return false; // nothing read yet: the first run reads it all anyway
    let now: string;
    try {
      now = await this.inputsStamp(context);
    } catch (error) {
      now = `error: ${messageOf(error)}`;
    }
    if (now === this.seen || now === this.told) return false;
    this.told = now;
    return true;
  }

  /** One string that changes whenever an input does: the file list and stamps, the --rev commit, kustomization folders, the ignore file. */
  private async inputsStamp(context: Pick<RunContext, 'cwd' | 'env' | 'signal' | 'log'>): Promise<string> {
    const { options } = this;
    const parts: string[] = [];
    if (options.rev !== undefined) {
      const { resolveCommit } = await import('./declared-git.js');
      parts.push(`rev ${(await resolveCommit(options.rev, context)).commit}`);
    } else {
      for (const { file } of manifestFiles(options.paths, context.cwd)) parts.push(`${file} ${stampAt(path.resolve(context.cwd, file))}`);
    }
    for (const dir of options.kustomize) parts.push(folderStamp(path.resolve(context.cwd, dir)));
    // The team's ignore rules change a run's verdict as much as a manifest does.
    const config = options.configFile ? path.resolve(context.cwd, options.configFile) : findIgnoreFile([...options.paths, ...options.kustomize], context.cwd);
    parts.push(`config ${config ?? 'none'} ${config ? stampAt(config) : ''}`);
    return parts.join('\n');
  }

  /** The files at --rev, read again only when the revision names another commit. */
  private async readAtRevision(rev: string, context: RunContext): Promise<DeclaredSide> {
    const { resolveCommit, loadDeclaredAtRevision, revisionNote } = await import('./declared-git.js');
    const { commit } = await resolveCommit(rev, context);
    if (this.revision?.commit !== commit) {
      const read = await loadDeclaredAtRevision(rev, this.options.paths, context);
      const notes = [revisionNote(rev, read.commit)];
      this.revision = { commit: read.commit, side: { declared: read.declared, notes, revision: read.commit } };
    }
    return this.revision.side;
  }

  /** A kustomization, rendered again only when a file under its folder changed. */
  private async readKustomization(dir: string, context: RunContext): Promise<DeclaredObject[]> {
    const stamp = folderStamp(path.resolve(context.cwd, dir));
    const before = this.kustomizations.get(dir);
    if (before?.stamp === stamp) return before.objects;
    const { loadKustomization } = await import('./declared-kustomize.js');
    const objects = await loadKustomization(dir, context);
    this.kustomizations.set(dir, { stamp, objects });
    return objects;
  }
}
