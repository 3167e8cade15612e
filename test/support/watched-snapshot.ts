// A WatchedLiveSide over a snapshot file, for tests of what runs over a watch
// cache (the kube watch session, --wait, serve's watch mode) without a cluster:
// reload() reads the file again and, as a watch cache does, keeps the very
// object instance of every object that did not change, then tells its listeners.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeManifest, parseDocuments } from '../../src/sources/kube/documents.js';
import { snapshotContents, SnapshotLiveSide } from '../../src/sources/kube/snapshot.js';
import { objectKey, type KubeObject } from '../../src/sources/kube/objects.js';
import type { LiveChange, LiveSide, WatchedLiveSide, WatchStats } from '../../src/sources/kube/live.js';
import type { WatchedRun } from '../../src/sources/types.js';

export class WatchedSnapshot implements WatchedLiveSide {
  private side!: SnapshotLiveSide;
  private held = new Map<string, { text: string; object: KubeObject }>();
  private readonly listeners = new Set<(change: LiveChange) => void>();
  private loads = 0;
  closed = false;

  /** `target` is the file's name, as a snapshot's: a run over it reads as `--live-from FILE` does. */
  readonly target: string;

  constructor(private readonly file: string, readonly defaultNamespace = 'default') {
    this.target = path.basename(file);
    this.load();
  }

  /** Reads the file again; objects whose JSON did not change keep their instance. Tells the listeners. */
  reload(): void {
    this.load();
    for (const listener of [...this.listeners]) listener({ apiVersion: 'v1', kind: 'List' });
  }

  private load(): void {
    const text = decodeManifest(readFileSync(this.file), this.file);
    const contents = snapshotContents(parseDocuments(text, this.file));
    const held = new Map<string, { text: string; object: KubeObject }>();
    for (const entry of contents.objects) {
      const { apiVersion, kind, metadata } = entry.object;
      const key = objectKey(apiVersion, kind, metadata.namespace, metadata.name);
      const json = JSON.stringify(entry.object);
      const before = this.held.get(key);
      if (before?.text === json) entry.object = before.object;
      held.set(key, { text: json, object: entry.object });
    }
    this.held = held;
    this.side = new SnapshotLiveSide(contents, this.target, this.defaultNamespace);
    this.loads++;
  }

  scopes: LiveSide['scopes'] = (kinds) => this.side.scopes(kinds);
  fetch: LiveSide['fetch'] = (objects) => this.side.fetch(objects);
  list: LiveSide['list'] = (apiVersion, kind, namespaces, labelSelector) => this.side.list(apiVersion, kind, namespaces, labelSelector);

  onChange(listener: (change: LiveChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): WatchStats {
    return { lists: this.loads, watches: 0, relists: 0, events: 0, objects: this.held.size };
  }

  close(): void {
    this.closed = true;
  }
}

/** Resolves when the session says something changed, within `ms`; rejects after. */
export function nextChange(watched: Pick<WatchedRun, 'onChange'>, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no change reported within ${ms} ms`)), ms);
    const stop = watched.onChange(() => {
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}
