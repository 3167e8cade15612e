// A saved snapshot as the live side: what `kubectl get -o yaml` or `-o json`
// printed (a List, or YAML documents, Lists of Lists), read once and indexed.
// There is no discovery, so scope comes from the snapshot itself (namespaced
// objects carry metadata.namespace), then from the built-in table of standard
// kinds. A snapshot can only speak for what it holds: an object saved twice
// is refused (which copy is live?), and a kind it holds none of was most
// likely not saved at all (`kubectl get deploy,svc,cm` has no Secrets, `kubectl
// get all` no ConfigMaps), so its declared objects are not checked, rather
// than all reported missing.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GitdiffError } from '../../errors.js';
import { fileProblem } from '../../system-errors.js';
import { checkObject, decodeManifest, listOf, parseDocuments, type ParsedDocument } from './documents.js';
import { readStream } from '../../read-stream.js';
import { builtInNamespaced, groupOf, guessedResource } from './kinds.js';
import { kindKey, type KindScope, type ListResult, type LiveGroup, type LiveLookup, type LiveSide, type ServedObject } from './live.js';
import { parseLabelSelector } from './selector.js';
import { isRecord, objectKey, titleOf, type KubeObject } from './objects.js';

export async function readSnapshot(file: string, cwd: string, stdin: NodeJS.ReadableStream, namespace: string | undefined): Promise<LiveSide> {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? await readStream(stdin) : await readFile(path.resolve(cwd, file));
  } catch (error) {
    throw new GitdiffError(`--live-from ${file}: ${fileProblem(error)}`, {
      hint: 'save a snapshot with: kubectl get KINDS -A -o yaml > snapshot.yaml',
    });
  }
  const shown = file === '-' ? '(stdin)' : file;
  const text = decodeManifest(bytes, shown);
  // `kubectl get -o yaml` of nothing still prints an empty List; an empty file is a failed save, not an empty cluster.
  if (!/^[ \t]*(?!---\s*$)[^\s#]/m.test(text)) {
    throw new GitdiffError(`--live-from ${shown}: empty, no snapshot in it`, { hint: 'save a snapshot with: kubectl get KINDS -A -o yaml > snapshot.yaml (did that command fail?)' });
  }
  return new SnapshotLiveSide(snapshotContents(parseDocuments(text, shown)), file === '-' ? 'stdin' : path.basename(file), namespace ?? 'default', shown);
}

/** One live object and where the snapshot holds it: `document 2 (line 14): items[3]`. */
export interface SnapshotObject {
  object: KubeObject;
  position: string;
}

export interface SnapshotContents {
  objects: SnapshotObject[];
  /** `group/Kind` of every kind the snapshot read: each object's, and each typed list's (an empty `SecretList` read Secrets and found none). */
  kindsRead: Set<string>;
}

/** Every object of the snapshot's documents, Lists (and Lists of Lists) expanded, with its position. */
export function snapshotContents(documents: ParsedDocument[]): SnapshotContents {
  const contents: SnapshotContents = { objects: [], kindsRead: new Set() };
  // `items` is the path inside the document (`items[1].items[0]` in a List of Lists), for messages.
  const collect = (value: unknown, where: string, document: string, items: string): void => {
    const list = isRecord(value) ? listOf(value) : undefined;
    if (!list) {
      const object = checkObject(value, where);
      contents.objects.push({ object, position: [document, items].filter(Boolean).join(': ') });
      contents.kindsRead.add(groupKindOf(object.apiVersion, object.kind));
      return;
    }
    if (list.itemKind && isRecord(value) && typeof value.apiVersion === 'string') contents.kindsRead.add(groupKindOf(value.apiVersion, list.itemKind));
    list.items.forEach((item, index) => collect(item, `${where}: items[${index}]`, document, `${items}${items ? '.' : ''}items[${index}]`));
  };
  for (const document of documents) collect(document.value, document.where, document.position, '');
  return contents;
}

function groupKindOf(apiVersion: string, kind: string): string {
  return `${groupOf(apiVersion)}/${kind}`;
}

export class SnapshotLiveSide implements LiveSide {
  private readonly byKey = new Map<string, SnapshotObject>();
  /** group/Kind -> whether the snapshot's objects of that kind carry a namespace. */
  private readonly observedScope = new Map<string, boolean>();
  private readonly kindsRead: Set<string>;

  /** `shown` names the snapshot in errors: the path as given, or '(stdin)'. */
  constructor(contents: SnapshotContents, readonly target: string, readonly defaultNamespace: string, private readonly shown = target) {
    this.kindsRead = contents.kindsRead;
    for (const entry of contents.objects) {
      const { object } = entry;
      // A namespaced object saved without metadata.namespace (hand-written, or trimmed) lives where
      // kubectl apply would have put it: the default namespace. Kinds of unknown scope keep none.
      const namespace = object.metadata.namespace || (builtInNamespaced(object.apiVersion, object.kind) ? defaultNamespace : undefined);
      if (namespace && !object.metadata.namespace) object.metadata = { ...object.metadata, namespace };
      const key = objectKey(object.apiVersion, object.kind, namespace, object.metadata.name);
      const first = this.byKey.get(key);
      // As in Git (run.ts rejectDuplicates): with two copies, the verdict would depend on which one wins.
      if (first) {
        throw new GitdiffError(`--live-from ${shown}: ${titleOf(object.apiVersion, object.kind, namespace, object.metadata.name)} is in the snapshot twice: ${first.position} and ${entry.position}`, {
          hint: 'save each object once: one `kubectl get` that names each kind once (kubectl get KINDS -A -o yaml > snapshot.yaml)',
        });
      }
      this.byKey.set(key, entry);
      const groupKind = groupKindOf(object.apiVersion, object.kind);
      this.observedScope.set(groupKind, (this.observedScope.get(groupKind) ?? false) || namespace !== undefined);
    }
  }

  async scopes(kinds: { apiVersion: string; kind: string }[]): Promise<Map<string, KindScope>> {
    const scopes = new Map<string, KindScope>();
    for (const { apiVersion, kind } of kinds) {
      const namespaced = builtInNamespaced(apiVersion, kind) ?? this.observedScope.get(groupKindOf(apiVersion, kind)) ?? true;
      scopes.set(kindKey(apiVersion, kind), { state: 'served', namespaced, resource: guessedResource(apiVersion, kind) });
    }
    return scopes;
  }

  /** A snapshot is already in memory: one group, all of it. */
  async *fetch(objects: ServedObject[]): AsyncIterable<LiveGroup> {
    if (objects.length > 0) yield objects.map((object) => ({ object, lookup: this.lookup(object) }));
  }

  /** Why the snapshot cannot speak for a kind it holds none of (most likely never saved), or undefined when it read the kind. */
  private unread(apiVersion: string, kind: string): { message: string; hint: string } | undefined {
    if (this.kindsRead.has(groupKindOf(apiVersion, kind))) return undefined;
    const resource = guessedResource(apiVersion, kind);
    return {
      message: `the snapshot ${this.shown} holds no ${kind} objects: not checked`,
      hint: `include \`${resource}\` in the \`kubectl get\` that saves the snapshot (kubectl get ${resource},... -A -o yaml)`,
    };
  }

  /** Absent only where the snapshot read the kind; a kind it holds none of was most likely never saved: not checked. */
  private lookup(declared: ServedObject): LiveLookup {
    const { apiVersion, kind, metadata } = declared.object;
    const unread = this.unread(apiVersion, kind);
    if (unread) return { state: 'error', ...unread };
    const entry = this.byKey.get(objectKey(apiVersion, kind, declared.namespace, metadata.name));
    return entry ? { state: 'found', object: entry.object } : { state: 'absent', reason: `not in the snapshot ${this.target}` };
  }

  async list(apiVersion: string, kind: string, namespaces: string[] | undefined, labelSelector?: string): Promise<ListResult> {
    const selects = labelSelector ? parseLabelSelector(labelSelector) : () => true;
    const group = groupOf(apiVersion);
    const objects = [...this.byKey.values()].map(({ object }) => object).filter((object) =>
      groupOf(object.apiVersion) === group && object.kind === kind &&
      (namespaces === undefined || !object.metadata.namespace || namespaces.includes(object.metadata.namespace)) &&
      selects(object.metadata.labels as Record<string, string> | undefined));
    const unread = this.unread(apiVersion, kind);
    return unread ? { objects, unread } : { objects };
  }

  close(): void {}
}
