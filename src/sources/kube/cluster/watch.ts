// One WATCH of a collection, from a resourceVersion: the server answers with
// a body that never ends on its own (it ends after timeoutSeconds), one JSON
// event per line. So the body is read as a stream, a line at a time, never
// whole: each line is bounded (no Kubernetes object is near 32 MiB; etcd
// refuses more than 1.5 MiB by default) and so is what waits for its end of
// line. Like every answer, each event is untrusted input: its object must be
// what was asked (answers.ts: the kind, the namespace), or the watch ends with
// an error and nothing of it is applied.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
import type { IncomingMessage } from 'node:http';
import { GitdiffError } from '../../../errors.js';
import { parseJsonExact } from '../../../exact-integers.js';
import { MAX_TIMER_MS } from '../../../timers.js';
import { isRecord, type KubeObject } from '../objects.js';
import type { Connection } from './connect.js';
import { connectionFailure, MAX_RESPONSE_BYTES, requestOptions, TimeoutError, transportFor, type RequestSettings } from './request.js';
import { ANSWER_HINT, trustedAnswer, type Asked } from './answers.js';
import { apiFailure } from './status.js';

/** The longest event line read, and the most bytes held while waiting for a line's end. */
export const MAX_EVENT_BYTES = MAX_RESPONSE_BYTES;
/** A refused WATCH says why in a Status of a few hundred bytes: no more is read of it. */
const MAX_REFUSAL_BYTES = 64 * 1024;
/**
 * The server ends a watch at its timeoutSeconds; one still open a tenth of that later (at most 30 s)
 * is hung: a half-open connection that a NAT or a proxy dropped without a word.
 */
const MAX_OVERDUE_GRACE_MS = 30_000;

export interface WatchRequest {
  /** The collection path, without its query. */
  path: string;
  /** Where to start: the resourceVersion of the LIST, or of the last event or bookmark. */
  resourceVersion: string;
  timeoutSeconds: number;
  /** What each event's object must be (verb WATCH). */
  asked: Asked;
  /** `deployments.apps`, for the RBAC hint of a refusal. */
  resource: string;
}

/**
 * A watch that sent what was not asked (another namespace, a line that is not an event): nothing
 * more of it is trusted, and opening it again would most likely bring the same.
 */
export class UntrustedWatch extends GitdiffError {}

export type WatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject; resourceVersion: string; bytes: number }
  /** Nothing changed, but the watch has come this far: a watch opened again starts here. */
  | { type: 'BOOKMARK'; resourceVersion: string }
  /** The resourceVersion is too old for the server (410 Gone, reason Expired): only a new LIST can go on. */
  | { type: 'GONE' };

/**
 * Opens the WATCH and returns its events as they come, or 'gone' when the server answers 410 at once.
 * Throws a GitdiffError naming the server when there is no answer, or a refusal. The events end when the
 * server ends the watch; a cut connection, a hung one, or an event that is not trusted throws instead.
 * `settings.signal` ends it at any time.
 */
export async function openWatch(connection: Connection, watch: WatchRequest, settings: RequestSettings): Promise<AsyncGenerator<WatchEvent> | 'gone'> {
  const query = new URLSearchParams({
    watch: '1', allowWatchBookmarks: 'true', resourceVersion: watch.resourceVersion, timeoutSeconds: String(watch.timeoutSeconds),
  });
  const url = new URL(`${connection.server}${watch.path}?${query}`);
  const started = performance.now();
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = transportFor(url).request(url, requestOptions(connection, { method: 'GET' }, settings.signal), resolve);
    // The headers of a watch come at once; only its body lasts. --request-timeout bounds the wait for them.
    const deadline = settings.timeoutMs > 0 ? setTimeout(() => request.destroy(new TimeoutError(false)), Math.min(settings.timeoutMs, MAX_TIMER_MS)) : undefined;
    request.on('response', () => clearTimeout(deadline));
    request.on('close', () => clearTimeout(deadline));
    request.on('error', (error) => reject(connectionFailure(connection, 'WATCH', url, error, settings)));
    request.end();
  });
  const status = response.statusCode ?? 0;
  settings.log(`WATCH ${url.pathname}${url.search} -> ${status} (${Math.round(performance.now() - started)} ms)`);
  if (status === 200) return watchEvents(connection, watch, response, settings);
  const body = await refusal(response).catch(() => undefined);
  if (status === 410) return 'gone';
  const failure = apiFailure(connection, { status, body }, { verb: 'watch', path: watch.path, resource: watch.resource, namespace: watch.asked.namespace });
  throw new GitdiffError(failure.message, { hint: failure.hint });
}

async function* watchEvents(connection: Connection, watch: WatchRequest, response: IncomingMessage, settings: RequestSettings): AsyncGenerator<WatchEvent> {
  let overdue = false;
  const graceMs = Math.min(MAX_OVERDUE_GRACE_MS, watch.timeoutSeconds * 100);
  const deadline = setTimeout(() => {
    overdue = true;
    response.destroy();
  }, Math.min(watch.timeoutSeconds * 1000 + graceMs, MAX_TIMER_MS));
  const untrusted = (what: string, hint = ANSWER_HINT) =>
    new UntrustedWatch(`server ${connection.server}: WATCH ${watch.path} ${what}: the answer is not trusted`, { hint });
  /** The start of a line whose end has not come yet, in the chunks it came in. */
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const lineTooLong = () => untrusted(`sent an event line of more than ${MAX_EVENT_BYTES / 1024 / 1024} MiB`, 'no Kubernetes object is that large: is a proxy in the way?');
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, end);
        if (pendingBytes + piece.length > MAX_EVENT_BYTES) throw lineTooLong();
        const line = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        pendingBytes = 0;
        start = end + 1;
        const event = trustedEvent(line, connection, watch, untrusted);
        if (!event) continue;
        yield event;
        if (event.type === 'GONE') return;
      }
      if (start < chunk.length) {
        pendingBytes += chunk.length - start;
        // Stop reading at once: a line that never ends must not take the memory.
        if (pendingBytes > MAX_EVENT_BYTES) throw lineTooLong();
        pending.push(chunk.subarray(start));
      }
    }
    if (!response.complete || pendingBytes > 0) throw Object.assign(new Error('cut'), { code: 'ECONNRESET' });
  } catch (error) {
    if (error instanceof GitdiffError) throw error;
    if (overdue && !settings.signal.aborted) {
      throw new GitdiffError(`server ${connection.server}: WATCH ${watch.path} was still open ${graceMs / 1000} s after its timeoutSeconds (${watch.timeoutSeconds})`, {
        hint: 'the connection may have died silently (a proxy or a NAT dropped it): it is opened again',
      });
    }
    throw connectionFailure(connection, 'WATCH', new URL(connection.server + watch.path), error, settings);
  } finally {
    clearTimeout(deadline);
    response.destroy();
  }
}

/** One line as an event, or an UntrustedWatch; undefined for a blank line. */
function trustedEvent(line: Buffer, connection: Connection, watch: WatchRequest, untrusted: (what: string) => GitdiffError): WatchEvent | undefined {
  try {
    return parseEvent(line, connection, watch, untrusted);
  } catch (error) {
    // answers.ts words what is wrong with an object; the watch is no more trusted than its LIST would be.
    if (error instanceof GitdiffError && !(error instanceof UntrustedWatch) && !(error instanceof WatchErrorEvent)) throw new UntrustedWatch(error.message, { hint: error.hint });
    throw error;
  }
}

/** An ERROR event other than 410: the server's failure, after which the watch is opened again. */
class WatchErrorEvent extends GitdiffError {}

function parseEvent(line: Buffer, connection: Connection, watch: WatchRequest, untrusted: (what: string) => GitdiffError): WatchEvent | undefined {
  const text = line.toString('utf8').trim();
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = parseJsonExact(text);
  } catch {
    throw untrusted('sent a line that is not JSON');
  }
  if (!isRecord(value) || typeof value.type !== 'string' || !isRecord(value.object)) throw untrusted('sent an event without a type and an object');
  const object = value.object;
  switch (value.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED': {
      const trusted = trustedAnswer(connection.server, object, watch.asked);
      const resourceVersion = resourceVersionOf(trusted);
      if (resourceVersion === undefined) throw untrusted('sent an object without a metadata.resourceVersion');
      return { type: value.type, object: trusted, resourceVersion, bytes: line.length };
    }
    case 'BOOKMARK': {
      const resourceVersion = resourceVersionOf(object);
      if (resourceVersion === undefined) throw untrusted('sent a BOOKMARK without a metadata.resourceVersion');
      return { type: 'BOOKMARK', resourceVersion };
    }
    case 'ERROR': {
      // The object is a Status; 410 (reason Expired, or Gone on older servers): the resourceVersion was compacted away.
      if (object.code === 410 || object.reason === 'Expired' || object.reason === 'Gone') return { type: 'GONE' };
      const code = typeof object.code === 'number' ? object.code : 0;
      const failure = apiFailure(connection, { status: code, body: object }, { verb: 'watch', path: watch.path, resource: watch.resource, namespace: watch.asked.namespace });
      throw new WatchErrorEvent(`${failure.message} (an ERROR event of its WATCH)`, { hint: failure.hint });
    }
    default:
      throw untrusted('sent an event of a type that is not ADDED, MODIFIED, DELETED, BOOKMARK or ERROR');
  }
}

/** An object's resourceVersion: opaque, compared for equality only (the watch protocol orders events itself). */
export function resourceVersionOf(object: Record<string, unknown>): string | undefined {
  const metadata = object.metadata;
  return isRecord(metadata) && typeof metadata.resourceVersion === 'string' && metadata.resourceVersion !== '' ? metadata.resourceVersion : undefined;
}

/** The body of a refused WATCH (its Status), read up to a bound. */
async function refusal(response: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > MAX_REFUSAL_BYTES) break;
    chunks.push(chunk);
  }
  response.destroy();
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return parseJsonExact(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
