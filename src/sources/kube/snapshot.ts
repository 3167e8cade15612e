// A saved snapshot as the live side: what `kubectl get -o yaml` or `-o json`
// printed (a List, or YAML documents), read once and indexed. There is no
// discovery, so scope comes from the snapshot itself (namespaced objects carry
// metadata.namespace), then from the built-in table of standard kinds.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GitdiffError } from '../../errors.js';
import { decodeManifest, parseManifests } from './documents.js';
import { readStream } from '../../read-stream.js';
import { builtInNamespaced, groupOf } from './kinds.js';
import { kindKey, type FoundGroup, type KindScope, type ListResult, type LiveLookup, type LiveSide } from './live.js';
import { parseLabelSelector } from './selector.js';
import { objectKey, type DeclaredObject, type KubeObject } from './objects.js';

export async function readSnapshot(file: string, cwd: string, stdin: NodeJS.ReadableStream, namespace: string | undefined): Promise<LiveSide> {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? await readStream(stdin) : await readFile(path.resolve(cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new GitdiffError(`--live-from ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code ?? error)}`, {
      hint: 'save a snapshot with: kubectl get KINDS -A -o yaml > snapshot.yaml',
    });
  }
  const shown = file === '-' ? '(stdin)' : file;
  const text = decodeManifest(bytes, shown);
  // `kubectl get -o yaml` of nothing still prints an empty List; an empty file is a failed save, not an empty cluster.
  if (!/^[ \t]*(?!---\s*$)[^\s#]/m.test(text)) {
    throw new GitdiffError(`--live-from ${shown}: empty, no snapshot in it`, { hint: 'save a snapshot with: kubectl get KINDS -A -o yaml > snapshot.yaml (did that command fail?)' });
  }
  const objects = parseManifests(text, shown).map(({ object }) => object);
  return new SnapshotLiveSide(objects, file === '-' ? 'stdin' : path.basename(file), namespace ?? 'default');
}

export class SnapshotLiveSide implements LiveSide {
  private readonly byKey = new Map<string, KubeObject>();
  /** group/Kind -> whether the snapshot's objects of that kind carry a namespace. */
  private readonly observedScope = new Map<string, boolean>();

  constructor(objects: KubeObject[], readonly target: string, readonly defaultNamespace: string) {
    for (const object of objects) {
      // A namespaced object saved without metadata.namespace (hand-written, or trimmed) lives where
      // kubectl apply would have put it: the default namespace. Kinds of unknown scope keep none.
      const namespace = object.metadata.namespace || (builtInNamespaced(object.apiVersion, object.kind) ? defaultNamespace : undefined);
      if (namespace && !object.metadata.namespace) object.metadata = { ...object.metadata, namespace };
      this.byKey.set(objectKey(object.apiVersion, object.kind, namespace, object.metadata.name), object);
      const groupKind = `${groupOf(object.apiVersion)}/${object.kind}`;
      this.observedScope.set(groupKind, (this.observedScope.get(groupKind) ?? false) || namespace !== undefined);
    }
  }

  async scopes(kinds: { apiVersion: string; kind: string }[]): Promise<Map<string, KindScope>> {
    const scopes = new Map<string, KindScope>();
    for (const { apiVersion, kind } of kinds) {
      const namespaced = builtInNamespaced(apiVersion, kind) ?? this.observedScope.get(`${groupOf(apiVersion)}/${kind}`) ?? true;
      scopes.set(kindKey(apiVersion, kind), { state: 'served', namespaced });
    }
    return scopes;
  }

  /** A snapshot is already in memory: one group, all of it. */
  async fetch(objects: DeclaredObject[], found: FoundGroup): Promise<void> {
    found(objects.map((_declared, position) => position), objects.map((declared): LiveLookup => {
      const { apiVersion, kind, metadata } = declared.object;
      const object = this.byKey.get(objectKey(apiVersion, kind, declared.namespace, metadata.name));
      return object ? { state: 'found', object } : { state: 'absent', reason: `not in the snapshot ${this.target}` };
    }));
  }

  async list(apiVersion: string, kind: string, namespaces: string[] | undefined, labelSelector?: string): Promise<ListResult> {
    const selects = labelSelector ? parseLabelSelector(labelSelector) : () => true;
    const group = groupOf(apiVersion);
    const objects = [...this.byKey.values()].filter((object) =>
      groupOf(object.apiVersion) === group && object.kind === kind &&
      (namespaces === undefined || !object.metadata.namespace || namespaces.includes(object.metadata.namespace)) &&
      selects(object.metadata.labels as Record<string, string> | undefined));
    return { objects };
  }

  close(): void {}
}
