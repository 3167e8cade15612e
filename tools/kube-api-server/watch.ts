// WATCH as a kube-apiserver 1.32 serves it (`GET .../<resource>?watch=1`):
// HTTP 200, Content-Type application/json, chunked, one JSON event a line,
// {"type":"ADDED"|"MODIFIED"|"DELETED"|"BOOKMARK"|"ERROR","object":{...}}.
// Where it starts (k8s.io/apiserver/pkg/storage/cacher):
// - no resourceVersion, or "0": a synthetic ADDED for every object there now, then changes;
// - resourceVersion N: every change after N, in order, from the watch cache's window;
//   before the window: one ERROR event, Status 410 Expired, and the stream ends;
// - sendInitialEvents=true (the WatchList feature: on by default in 1.32, off in 1.33,
//   on again in 1.34; needs resourceVersionMatch=NotOlderThan): the objects there now,
//   then (with allowWatchBookmarks) a BOOKMARK marked `k8s.io/initial-events-end`, then
//   changes; sendInitialEvents=false starts at N, or now. resourceVersionMatch without
//   sendInitialEvents is refused (422), as apimachinery's validateWatchOptions does.
// Not modelled: a sendInitialEvents watch from a resourceVersion the server has not
// reached yet (a real one waits 3 s, then answers 504 "Too large resource version").
// Selectors filter as the cacher does: an object that starts to match is ADDED,
// one that stops matching is DELETED (its previous content, the change's revision).
// With allowWatchBookmarks, a BOOKMARK carries the current revision every
// `bookmarkIntervalMs` and right before the stream ends at timeoutSeconds (without
// it, after a random 1-2x minRequestTimeoutSeconds, 30-60 min by default). A watcher
// that cannot keep up is cut off once `bufferEvents` changes wait for it: its stream
// ends cleanly, as the cacher terminates a watcher whose channel stays full.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { jsonText } from '../../src/exact-integers.js';
import { apiVersionOf, type KindInfo } from './catalog.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, type FieldRequirement, type LabelSelector } from './selectors.js';
import * as statuses from './status-bodies.js';
import { ObjectStore, type StoredChange } from './store.js';
import { toTable, type IncludeObject } from './tables.js';
import type { WatchCache, WatchSubscriber } from './watch-cache.js';

type Obj = Record<string, any>;

export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

export interface WatchSettings {
  /** How often a watch with allowWatchBookmarks gets a BOOKMARK (a real server: about once a minute). */
  bookmarkIntervalMs: number;
  /** Changes that may wait for a slow watcher before it is cut off. */
  bufferEvents: number;
  /** A watch without timeoutSeconds ends after a random time between this and twice this. */
  minRequestTimeoutSeconds: number;
  /** Fault: every event reaches its watchers this much later. */
  delayMs: number;
  /** Fault: open watches send nothing (changes wait, within bufferEvents) until resumed. */
  stalled: boolean;
}

/** How watch events are written: the object as GET returns it, its metadata only, or a Table row. */
export type WatchRepresentation = { as: 'json' } | { as: 'PartialObjectMetadata' } | { as: 'Table'; version: string; include: IncludeObject };

export interface WatchRequest {
  info: KindInfo;
  namespace?: string;
  query: Record<string, string>;
  representation: WatchRepresentation;
}

const isWatch = (query: Record<string, string>): boolean => query.watch === 'true' || query.watch === '1';
export { isWatch };

/** The 422 the apiserver answers before watching (ListOptions validation, resourceVersion parsing), or undefined. */
export function watchRequestError(info: KindInfo, query: Record<string, string>): statuses.StatusBody | undefined {
  const errors: statuses.FieldError[] = [];
  const match = query.resourceVersionMatch;
  if (query.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    errors.push({ type: 'FieldValueForbidden', field: 'resourceVersionMatch', body: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan' });
  }
  if (match !== undefined && match !== '') {
    if (query.sendInitialEvents === undefined) {
      errors.push({ type: 'FieldValueForbidden', field: 'resourceVersionMatch', body: 'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided' });
    }
    if (match !== 'NotOlderThan') {
      errors.push({ type: 'FieldValueNotSupported', field: 'resourceVersionMatch', body: `Unsupported value: "${match}": supported values: "NotOlderThan"` });
    }
  }
  if (errors.length > 0) return statuses.invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', errors);
  const resourceVersion = query.resourceVersion ?? '';
  if (resourceVersion !== '' && !/^\d+$/.test(resourceVersion)) {
    // The storage versioner's strconv.ParseUint, reported by InterpretWatchError as Invalid on the resource.
    return statuses.invalid({ group: info.group, kind: info.plural }, '', [{ type: 'FieldValueInvalid', field: 'resourceVersion',
      body: `Invalid value: "${resourceVersion}": strconv.ParseUint: parsing "${resourceVersion}": invalid syntax` }]);
  }
  return undefined;
}

interface WatchEvent { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: Obj }
/** What waits to be written: an event, or a line made already (a BOOKMARK, an ERROR). */
type Pending = WatchEvent | string;

/** The event a change becomes for a watcher whose selectors are `matches` (the cacher's convertToWatchEvent). */
function eventFor(change: StoredChange, matches: (object: Obj) => boolean): WatchEvent | undefined {
  const now = change.type !== 'DELETED' && matches(change.object);
  const before = change.previous !== undefined && matches(change.previous);
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: change.object };
  if (!before) return undefined;
  const object = change.type === 'DELETED' ? change.object
    : { ...change.previous, metadata: { ...change.previous!.metadata, resourceVersion: String(change.revision) } };
  return { type: 'DELETED', object };
}

/** Serialized events, kept per stored object: fifty watchers of one resource share one JSON.stringify. */
const lines = new WeakMap<Obj, Map<string, string>>();

function eventLine(type: string, object: Obj): string {
  return `{"type":"${type}","object":${jsonText(object)}}\n`;
}

/** A BOOKMARK's object: an empty object of the kind with only the revision set, as the cacher makes it (newFunc). */
function bookmarkObject(info: KindInfo, representation: WatchRepresentation, resourceVersion: string, initialEventsEnd: boolean): Obj {
  const annotations = initialEventsEnd ? { annotations: { [INITIAL_EVENTS_END]: 'true' } } : {};
  // Custom resources are unstructured maps (keys sorted, no zero values); typed objects carry ObjectMeta's
  // zero creationTimestamp as null up to 1.32 (kubernetes#130989).
  if (info.crd && representation.as === 'json') {
    return { apiVersion: apiVersionOf(info), kind: info.kind, metadata: { ...annotations, resourceVersion } };
  }
  const typeMeta = representation.as === 'PartialObjectMetadata' ? { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' }
    : { kind: info.kind, apiVersion: apiVersionOf(info) };
  return { ...typeMeta, metadata: { resourceVersion, creationTimestamp: null, ...annotations } };
}

/** One open watch: what it is sent, in order, at the pace its client reads. */
class Watcher implements WatchSubscriber {
  readonly resource: string;
  /** Events waiting for the client (bounded by bufferEvents). */
  private readonly waiting: Pending[] = [];
  private initial: Iterator<Pending> | undefined;
  private waitingForDrain = false;
  private endWhenSent = false;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;
  /** A Table watch sends its column definitions with the first event written only. */
  private columnsSent = false;

  private readonly labels: LabelSelector;
  private readonly fields: FieldRequirement[];

  constructor(private readonly request: WatchRequest, private readonly response: ServerResponse, private readonly settings: WatchSettings,
    cache: WatchCache, private readonly currentRevision: () => number) {
    this.labels = parseLabelSelector(request.query.labelSelector ?? '');
    this.fields = parseFieldSelector(request.query.fieldSelector ?? '', request.info.kind);
    this.resource = ObjectStore.resourceOf(request.info);
    this.unsubscribe = cache.subscribe(this);
    response.once('close', () => this.cleanUp());
  }

  start(initial: Iterable<Pending>, timeoutMs: number, bookmarks: boolean): void {
    this.initial = initial[Symbol.iterator]();
    if (bookmarks) this.timers.add(setInterval(() => this.enqueue(this.bookmarkLine(false)), this.settings.bookmarkIntervalMs));
    this.timers.add(setTimeout(() => {
      if (bookmarks) this.enqueue(this.bookmarkLine(false));
      this.end();
    }, timeoutMs));
    this.flush();
  }

  readonly matches = (object: Obj): boolean => {
    const { namespace } = this.request;
    if (namespace !== undefined && object.metadata?.namespace !== namespace) return false;
    return matchesLabels(this.labels, object.metadata?.labels) && matchesFields(this.fields, object);
  };

  /** The line for one event, as this watcher's representation writes it; rendered when written (a Table's columns go with the first). */
  private line({ type, object }: WatchEvent): string {
    const { info, representation } = this.request;
    if (representation.as === 'Table') {
      const table = toTable(info, [{ ...object, apiVersion: apiVersionOf(info) }], { resourceVersion: object.metadata.resourceVersion },
        representation.include, representation.version);
      if (this.columnsSent) table.columnDefinitions = null;
      this.columnsSent = true;
      return eventLine(type, table);
    }
    const key = `${type} ${representation.as === 'json' ? apiVersionOf(info) : 'PartialObjectMetadata'}`;
    let cached = lines.get(object);
    const known = cached?.get(key);
    if (known) return known;
    const served = representation.as === 'json' ? { ...object, apiVersion: apiVersionOf(info) }
      : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
    const text = eventLine(type, served);
    if (!cached) lines.set(object, (cached = new Map()));
    cached.set(key, text);
    return text;
  }

  bookmarkLine(initialEventsEnd: boolean): string {
    return eventLine('BOOKMARK', bookmarkObject(this.request.info, this.request.representation, String(this.currentRevision()), initialEventsEnd));
  }

  deliver(change: StoredChange): void {
    const event = eventFor(change, this.matches);
    if (!event) return;
    if (this.settings.delayMs === 0) return this.enqueue(event);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(event);
    }, this.settings.delayMs);
    this.timers.add(timer);
  }

  private enqueue(pending: Pending): void {
    if (this.closed || this.endWhenSent) return;
    this.waiting.push(pending);
    // The cacher's dispatch gives up on a watcher whose buffer stays full and ends its watch.
    if (this.waiting.length > this.settings.bufferEvents) return this.finish();
    this.flush();
  }

  /** Writes what waits while the client keeps up; the socket's 'drain' resumes it. */
  flush(): void {
    if (this.closed || this.waitingForDrain || this.settings.stalled) return;
    for (;;) {
      const next = this.initial?.next();
      if (next?.done) this.initial = undefined;
      const pending = next && !next.done ? next.value : this.waiting.shift();
      if (pending === undefined) break;
      if (!this.response.write(typeof pending === 'string' ? pending : this.line(pending))) {
        this.waitingForDrain = true;
        this.response.once('drain', () => {
          this.waitingForDrain = false;
          this.flush();
        });
        return;
      }
    }
    if (this.endWhenSent) this.finish();
  }

  end(): void {
    this.endWhenSent = true;
    this.flush();
  }

  /** Ends the stream now, cleanly (the chunked body's terminator): the client sees the watch close and re-watches. */
  private finish(): void {
    if (this.closed) return;
    this.response.end();
    this.cleanUp();
  }

  resume(): void {
    this.flush();
  }

  drop(): void {
    if (this.closed) return;
    this.response.destroy();
    this.cleanUp();
  }

  private cleanUp(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiting.length = 0;
    this.initial = undefined;
    this.timers.forEach((timer) => clearTimeout(timer));
    this.unsubscribe();
  }
}

function* initialEvents(watcher: Watcher, objects: { item: Obj }[]): Generator<Pending> {
  for (const { item } of objects) if (watcher.matches(item)) yield { type: 'ADDED', object: item };
}

function* followedBy(first: Iterable<Pending>, last: Pending): Generator<Pending> {
  yield* first;
  yield last;
}

function* replay(watcher: Watcher, changes: StoredChange[]): Generator<Pending> {
  for (const change of changes) {
    const event = eventFor(change, watcher.matches);
    if (event) yield event;
  }
}

/** Serves one watch until its timeout, its client leaving, or a fault; validate it with watchRequestError first. */
export function serveWatch(request: WatchRequest, store: ObjectStore, cache: WatchCache, settings: WatchSettings, response: ServerResponse): void {
  const { info, query } = request;
  // Parsing the selectors may throw SelectorError (400), before anything is written.
  const watcher = new Watcher(request, response, settings, cache, () => store.currentRevision);
  response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Audit-Id': randomUUID() });
  response.flushHeaders();

  const resourceVersion = query.resourceVersion ?? '';
  const sendInitialEvents = query.sendInitialEvents === undefined ? undefined : query.sendInitialEvents === 'true';
  const bookmarks = query.allowWatchBookmarks === 'true';
  let initial: Iterable<Pending>;
  if (sendInitialEvents === true || (sendInitialEvents === undefined && (resourceVersion === '' || resourceVersion === '0'))) {
    const now = initialEvents(watcher, store.list(info, request.namespace));
    initial = sendInitialEvents && bookmarks ? followedBy(now, watcher.bookmarkLine(true)) : now;
  } else if (resourceVersion === '' || resourceVersion === '0') {
    initial = [];
  } else {
    const since = cache.since(ObjectStore.resourceOf(info), Number(resourceVersion));
    if ('tooOld' in since) {
      // The cacher answers an expired revision with an error watcher: one ERROR event, then the end.
      const { requested, oldest } = since.tooOld;
      watcher.start([eventLine('ERROR', statuses.expired(`too old resource version: ${requested} (${oldest})`))], 0, false);
      watcher.end();
      return;
    }
    initial = replay(watcher, since.changes);
  }
  const timeoutSeconds = Number.parseInt(query.timeoutSeconds ?? '', 10);
  const timeoutMs = timeoutSeconds > 0 ? timeoutSeconds * 1000 : settings.minRequestTimeoutSeconds * 1000 * (1 + Math.random());
  watcher.start(initial, timeoutMs, bookmarks);
}
