// Declared state at a Git revision (--rev REF): the manifest paths as a commit
// has them, read from the object database by git itself, so a job can check
// `origin/main` without a checkout and without touching the working tree.
// Files are chosen as the working-tree walk chooses them (manifest extensions,
// hidden entries skipped, same order), so both modes read the same set.
import path from 'node:path';
import { realpath } from 'node:fs/promises';
import { GitdiffError } from '../../errors.js';
import { declaredObjects, isManifestName } from './declared.js';
import { decodeManifest } from './documents.js';
import type { DeclaredObject } from './objects.js';
import { failureReason, runTool, type ToolContext } from './tool.js';

const INSTALL_GIT = 'install git (apt-get install git), or drop --rev to read the working tree';

export interface RevisionManifests {
  declared: DeclaredObject[];
  /** The commit REF resolved to, so the report can say exactly what was read. */
  commit: string;
}

interface TreeFile {
  /** The path as the working-tree walk would show it: the given path joined with the rest. */
  shown: string;
  objectId: string;
}

export async function loadDeclaredAtRevision(rev: string, paths: string[], context: ToolContext): Promise<RevisionManifests> {
  const { toplevel, commit } = await resolveCommit(rev, context);
  const cwd = await realpath(context.cwd);
  const files: TreeFile[] = [];
  for (const given of paths) files.push(...(await treeFiles(rev, commit, given, path.relative(toplevel, path.resolve(cwd, given)), { ...context, cwd: toplevel })));
  const blobs = await readBlobs(files.map((file) => file.objectId), rev, context);
  return { declared: files.flatMap((file, index) => declaredObjects(decodeManifest(blobs[index], file.shown), file.shown)), commit };
}

/** The run's note on where its manifests came from: the revision as given and the commit it named. */
export function revisionNote(rev: string, commit: string): string {
  return `manifests read at Git revision ${rev} (${commit.slice(0, 12)}), not from the working tree`;
}

/** The repository's top folder and the commit REF names, in one git call. */
export async function resolveCommit(rev: string, context: ToolContext): Promise<{ toplevel: string; commit: string }> {
  // --end-of-options: a revision is never read as an option, whatever it is called.
  const args = ['rev-parse', '--show-toplevel', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`];
  const result = await runTool('git', args, context, INSTALL_GIT);
  const [toplevel, commit] = result.stdout.toString('utf8').split('\n');
  if (result.exitCode === 1 && toplevel) {
    throw new GitdiffError(`--rev ${rev}: no such commit in this repository`, { hint: 'name a branch, tag or commit; for a remote branch, git fetch it first' });
  }
  if (result.exitCode !== 0 || !commit) {
    throw new GitdiffError(`--rev ${rev}: git rev-parse: ${failureReason(result.stderr)}`, { hint: 'run gitdiff inside the Git repository that holds the manifests' });
  }
  return { toplevel, commit };
}

/** The manifests under one given path at the commit (a file given by name is read whatever its extension). */
async function treeFiles(rev: string, commit: string, given: string, fromTop: string, context: ToolContext): Promise<TreeFile[]> {
  const inRepo = fromTop.split(path.sep).join('/');
  if (inRepo === '..' || inRepo.startsWith('../') || path.isAbsolute(fromTop)) {
    throw new GitdiffError(`${given}: outside the Git repository ${context.cwd}`, { hint: '--rev reads paths inside the repository of the current directory' });
  }
  const spec = inRepo === '' ? '.' : inRepo;
  // --literal-pathspecs: a path is a path, not a glob or `:(magic)`. -z: names exactly as stored.
  const listing = await gitListing(['--literal-pathspecs', 'ls-tree', '-r', '-z', commit, '--', spec], rev, context);
  const files: TreeFile[] = [];
  for (const entry of listing.split('\0')) {
    const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (!match) continue;
    const [, mode, type, objectId, name] = match;
    if (name === inRepo) {
      if (mode === '120000') throw new GitdiffError(`${given}: a symbolic link at ${rev}`, { hint: 'name the file it points to' });
      if (type === 'blob') files.push({ shown: given, objectId });
      continue;
    }
    const rest = spec === '.' ? name : name.startsWith(`${inRepo}/`) ? name.slice(inRepo.length + 1) : undefined;
    if (rest === undefined || type !== 'blob') continue; // a sibling with a longer name; a submodule
    // The working-tree walk skips hidden entries (.git, .github); links are not followed at a revision.
    if (rest.split('/').some((part) => part.startsWith('.')) || !isManifestName(rest)) continue;
    if (mode === '120000') {
      context.log(`--rev ${rev}: skipping the symbolic link ${name}`);
      continue;
    }
    files.push({ shown: path.join(given, ...rest.split('/')), objectId });
  }
  if (files.length === 0 && !listing.includes('\t')) {
    throw new GitdiffError(`${given}: not in ${rev}`, { hint: `git ls-tree -r ${rev} -- ${given} lists what the revision has there` });
  }
  return files.sort((a, b) => compareWalkOrder(a.shown, b.shown));
}

/** The order the working-tree walk reads files in: folder by folder, names sorted, so `a/x.yaml` comes before `a.yaml`. */
function compareWalkOrder(a: string, b: string): number {
  const left = a.split(path.sep);
  const right = b.split(path.sep);
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    if (left[index] !== right[index]) return left[index] < right[index] ? -1 : 1;
  }
  return left.length - right.length;
}

/** Every blob in one `git cat-file --batch`: one process however many files, instead of one `git show` each. */
async function readBlobs(objectIds: string[], rev: string, context: ToolContext): Promise<Buffer[]> {
  if (objectIds.length === 0) return [];
  const result = await runTool('git', ['cat-file', '--batch'], context, INSTALL_GIT, objectIds.join('\n') + '\n');
  if (result.exitCode !== 0) throw new GitdiffError(`--rev ${rev}: git cat-file: ${failureReason(result.stderr)}`);
  const output = result.stdout;
  const blobs: Buffer[] = [];
  let offset = 0;
  for (const objectId of objectIds) {
    const headerEnd = output.indexOf(0x0a, offset);
    const header = output.subarray(offset, headerEnd).toString('utf8');
    const match = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (headerEnd === -1 || !match) throw new GitdiffError(`--rev ${rev}: git cat-file could not read ${objectId}: ${header}`);
    const start = headerEnd + 1;
    const end = start + Number(match[1]);
    blobs.push(output.subarray(start, end));
    offset = end + 1; // each object is followed by a newline
  }
  return blobs;
}

async function gitListing(args: string[], rev: string, context: ToolContext): Promise<string> {
  const result = await runTool('git', args, context, INSTALL_GIT);
  if (result.exitCode !== 0) throw new GitdiffError(`--rev ${rev}: git ls-tree: ${failureReason(result.stderr)}`);
  return result.stdout.toString('utf8');
}
