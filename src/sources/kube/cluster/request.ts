// One request to the API server: a GET (or, in server-side mode, a dry-run
// PATCH) that returns the status and the parsed JSON body, or throws a
// GitdiffError naming the server when there is no usable answer. Reads are
// idempotent, so a GET that fails in a way that looks transient is retried
// (see retry.ts); the run's signal (SIGTERM, --timeout) stops a request and
// any wait between attempts at once. Answers are untrusted input: each attempt
// has one deadline (--request-timeout) over connecting, the headers and the
// whole body, so a server that drips its answer cannot hold a run; and a body
// is read up to a bound, so a server cannot fill the memory.
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { GitdiffError } from '../../../errors.js';
import { parseJsonExact } from '../../../exact-integers.js';
import { MAX_TIMER_MS } from '../../../timers.js';
import { connectionProblem } from '../../../system-errors.js';
import type { Connection } from './connect.js';
import { backoffMs, MAX_ATTEMPTS, retryAfterMs, retryableStatus } from './retry.js';

export interface ApiResponse {
  status: number;
  body: unknown;
  /** The size of the body as received, at most MAX_RESPONSE_BYTES. */
  bytes?: number;
  /** How many requests it took (more than 1 after retries), for the error message. */
  attempts?: number;
  /** The Retry-After the server sent with its last answer, in seconds. */
  retryAfterSeconds?: number;
}

export interface RequestSettings {
  /** Per attempt, from connecting to the last byte of the body; 0 means none. */
  timeoutMs: number;
  signal: AbortSignal;
  /** Debug log: method, URL and status only; never headers (they carry the token). */
  log: (line: string) => void;
}

/**
 * The most of one answer gitdiff reads. A LIST page of 500 objects is a few MB
 * (Pods of 5-15 KB); 64 KB per object on average is far past real clusters, and
 * several requests in flight at this size still stay well under 1 GiB once parsed.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Asks for object metadata only (PartialObjectMetadataList), falling back to whole objects on servers that cannot. */
export const ACCEPT_METADATA = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** A failed attempt that another attempt may fix: no answer, a cut connection, a body cut short. */
class TransientFailure extends Error {
  constructor(readonly failure: GitdiffError) {
    super(failure.message);
  }
}

export async function getJson(connection: Connection, apiPath: string, settings: RequestSettings, accept = 'application/json'): Promise<ApiResponse> {
  for (let attempt = 1; ; attempt++) {
    let waitMs: number;
    let outcome: string;
    try {
      const response = await attemptRequest(connection, apiPath, settings, { method: 'GET', accept });
      if (!retryableStatus(response.status) || attempt === MAX_ATTEMPTS) return { ...response, attempts: attempt };
      const asked = retryAfterMs(response.retryAfterSeconds);
      // A server that asks for a long pause is answered with the failure, not waited for.
      if (asked === 'too-long') return { ...response, attempts: attempt };
      waitMs = asked ?? backoffMs(attempt);
      outcome = `HTTP ${response.status}${response.retryAfterSeconds !== undefined ? ` (Retry-After ${response.retryAfterSeconds})` : ''}`;
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      if (attempt === MAX_ATTEMPTS) throw attemptsSaid(error.failure, attempt);
      waitMs = backoffMs(attempt);
      outcome = error.failure.message;
    }
    settings.log(`GET ${apiPath} failed (${outcome}); attempt ${attempt + 1} of ${MAX_ATTEMPTS} in ${waitMs} ms`);
    await sleep(waitMs, undefined, { signal: settings.signal }).catch(() => {
      throw interrupted(settings);
    });
  }
}

/** A request that sends a body (`contentType`, `body`): the logs and errors name the method, never the body. */
export interface RequestShape {
  method: 'GET' | 'PATCH';
  accept?: string;
  contentType?: string;
  body?: string;
}

/** One attempt, not retried: the dry-run PATCH of server-side mode. */
export async function requestJson(connection: Connection, apiPath: string, settings: RequestSettings, shape: RequestShape): Promise<ApiResponse> {
  try {
    return await attemptRequest(connection, apiPath, settings, shape);
  } catch (error) {
    throw error instanceof TransientFailure ? error.failure : error;
  }
}

function attemptsSaid(error: GitdiffError, attempts: number): GitdiffError {
  return attempts === 1 ? error : new GitdiffError(`${error.message} (${attempts} attempts)`, { hint: error.hint });
}

/** The transport and options of a request to the server: its agent (TLS), credentials and headers. Never log them. */
export function requestOptions(connection: Connection, shape: RequestShape, signal: AbortSignal): http.RequestOptions {
  return {
    method: shape.method,
    agent: connection.agent,
    auth: connection.auth,
    headers: {
      ...connection.headers,
      Accept: shape.accept ?? 'application/json',
      'User-Agent': 'gitdiff',
      ...(shape.contentType ? { 'Content-Type': shape.contentType } : {}),
      ...(shape.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(shape.body)) } : {}),
    },
    signal,
  };
}

export function transportFor(url: URL): typeof http | typeof https {
  return url.protocol === 'https:' ? https : http;
}

function attemptRequest(connection: Connection, apiPath: string, settings: RequestSettings, shape: RequestShape): Promise<ApiResponse> {
  const { method } = shape;
  const url = new URL(connection.server + apiPath);
  const transport = transportFor(url);
  const started = performance.now();
  if (settings.signal.aborted) return Promise.reject(interrupted(settings));
  return new Promise((resolve, reject) => {
    let answering = false;
    /** Ends the attempt for gitdiff's own reason, which wins over the 'error' and 'close' that destroying brings. */
    const stop = (reason: TimeoutError | TooLargeError) => {
      reject(unreachable(connection, method, url, reason, settings));
      request.destroy(reason);
    };
    const request = transport.request(
      url,
      requestOptions(connection, shape, settings.signal),
      (response) => {
        const declaredLength = Number(response.headers['content-length']);
        answering = true;
        if (declaredLength > MAX_RESPONSE_BYTES) {
          stop(new TooLargeError());
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          // Stop reading at once: a server streaming hundreds of MB must not get them into memory.
          if (received > MAX_RESPONSE_BYTES) stop(new TooLargeError());
          else chunks.push(chunk);
        });
        response.on('error', (error) => reject(unreachable(connection, method, url, error, settings)));
        // A connection cut mid-body ends the response without 'end' (and, depending on timing, without 'error').
        response.on('close', () => {
          if (!response.complete) reject(unreachable(connection, method, url, Object.assign(new Error('cut'), { code: 'ECONNRESET' }), settings));
        });
        response.on('end', () => {
          clearTimeout(deadline);
          const status = response.statusCode ?? 0;
          settings.log(`${method} ${url.pathname}${url.search} -> ${status} (${Math.round(performance.now() - started)} ms)`);
          const text = Buffer.concat(chunks).toString('utf8');
          chunks.length = 0;
          const retryAfter = Number.parseInt(String(response.headers['retry-after'] ?? ''), 10);
          const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined;
          let body: unknown;
          try {
            body = text === '' ? undefined : parseJsonExact(text);
          } catch {
            if (status >= 200 && status < 300) {
              // A web page (an SSO login, a proxy's portal) is no API server, now or after a retry.
              if (/\bhtml\b/i.test(String(response.headers['content-type'] ?? ''))) {
                reject(new GitdiffError(`server ${connection.server}: ${method} ${url.pathname} answered with a web page (${status}, HTML), not JSON: not a Kubernetes API server`, { hint: NOT_AN_API_SERVER_HINT }));
                return;
              }
              // Most often a body cut short by a proxy or a dying server: worth another attempt.
              reject(new TransientFailure(new GitdiffError(`server ${connection.server}: ${method} ${url.pathname} returned a body that is not JSON (cut short?)`, {
                hint: NOT_AN_API_SERVER_HINT,
              })));
              return;
            }
            body = { message: text.slice(0, 200) };
          }
          resolve({ status, body, bytes: received, retryAfterSeconds });
        });
      },
    );
    // One deadline over the whole attempt (capped at Node's longest timer, 24.8 days, as good as any longer wait) (an idle timer would let a server dripping a byte a second run forever).
    const deadline = settings.timeoutMs > 0 ? setTimeout(() => stop(new TimeoutError(answering)), Math.min(settings.timeoutMs, MAX_TIMER_MS)) : undefined;
    request.on('close', () => clearTimeout(deadline));
    request.on('error', (error) => reject(unreachable(connection, method, url, error, settings)));
    request.end(shape.body);
  });
}

const NOT_AN_API_SERVER_HINT = 'is --kubeconfig pointing at a Kubernetes API server, or is a proxy (or a login page) in the way?';

export class TimeoutError extends Error {
  /** Whether the headers had come: a slow body, not a silent server. */
  constructor(readonly answerStarted: boolean) {
    super('timeout');
  }
}
class TooLargeError extends Error {}

/** The run's own reason to stop (a signal, --timeout), which says more than "aborted". */
export function interrupted(settings: RequestSettings): GitdiffError {
  const reason: unknown = settings.signal.reason;
  return reason instanceof GitdiffError ? reason : new GitdiffError('interrupted');
}

/** A failure to get (or to go on reading) an answer, in words: for a WATCH, which is always opened again. */
export function connectionFailure(connection: Connection, method: string, url: URL, error: unknown, settings: RequestSettings): GitdiffError {
  const failure = unreachable(connection, method, url, error, settings);
  return failure instanceof TransientFailure ? failure.failure : failure as GitdiffError;
}

/** Connection failures, in words (system-errors.ts); those another attempt may fix are wrapped as TransientFailure. */
function unreachable(connection: Connection, method: string, url: URL, error: unknown, settings: RequestSettings): Error {
  if (settings.signal.aborted) return interrupted(settings);
  if (error instanceof TimeoutError) {
    const what = error.answerStarted ? `${method} ${url.pathname} did not complete` : `no answer to ${method} ${url.pathname}`;
    return new TransientFailure(new GitdiffError(`server ${connection.server}: ${what} within ${settings.timeoutMs / 1000} s`, {
      hint: 'is the cluster reachable? raise --request-timeout if it is slow',
    }));
  }
  if (error instanceof TooLargeError) {
    // Not retried: the same request gets the same answer.
    return new GitdiffError(`server ${connection.server}: ${method} ${url.pathname} answered with more than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB: not read`, {
      hint: 'no Kubernetes answer is that large: is --kubeconfig pointing at a Kubernetes API server, or is a proxy in the way?',
    });
  }
  const problem = connectionProblem(error, "the kubeconfig's certificate-authority must have signed the server's certificate: is this the server you meant?");
  // A TLS problem means the server was reached: it answered in plain HTTP, or with a certificate not trusted.
  const failure = new GitdiffError(`${problem.tls ? 'server' : 'cannot reach server'} ${connection.server}: ${problem.reason}`, {
    hint: problem.hint ?? 'check that the cluster is up and that --context / --kubeconfig point at it',
  });
  return problem.transient ? new TransientFailure(failure) : failure;
}
