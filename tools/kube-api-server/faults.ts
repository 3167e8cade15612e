// Injected faults: a request that matches answers with an error status (with the
// Status body a real server would send for it, or a given one), after an optional
// delay, a limited number of times; or fails the way networks and dying servers
// do: the connection cut in the middle of the body, a 200 whose JSON body ends
// half-way, or no answer at all; or answers the way a hostile or broken server
// might, through a `respond` function (hostile-answers.ts has them). (TLS with an untrusted certificate is a server
// option plus a kubeconfig without its CA: see `tls` and `certificateAuthority`.)
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { statusForCode, type ForbiddenRequest } from './status-bodies.js';

/**
 * status: answer `status` with its Status body (the default).
 * reset: send the headers and half of the real body, then destroy the connection
 *   (a watch: half of its first event; see cutWatch).
 * truncate: answer 200 with the real body cut in half, ending the response cleanly
 *   (a watch: half of its first event, then the end).
 * hang: read the request and never answer (until the client or the server closes).
 * not-kubernetes: answer as something else on that address would (a web server, an
 *   ingress, Go's default mux): 404 `404 page not found` in plain text, no Status.
 * respond: let `respond` write the whole answer (a body of any size, at any pace).
 */
export type FaultAction = 'status' | 'reset' | 'truncate' | 'hang' | 'not-kubernetes' | 'respond';

/** Writes a whole answer; resolves once it is done (or the client went away). */
export type Responder = (response: ServerResponse, query: Record<string, string>) => Promise<void>;

export interface Fault {
  /** Only requests with this method (GET, PATCH...); any method when absent. */
  method?: string;
  /** The request path without its query: equal to a string, or matching a RegExp. */
  path: RegExp | string;
  /** The status code to answer with (401, 403, 429, 500, 503...). Absent (and no action): answer normally, after delayMs. */
  status?: number;
  /** The response body; default: the Status a real server sends for that code, worded for the request. */
  body?: object;
  /** How many matching requests the fault answers; default all of them. */
  times?: number;
  /** Sent as the Retry-After header (and in a 429's details.retryAfterSeconds). */
  retryAfterSeconds?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** The user a 403 names; default a service account, as RBAC denials usually show. */
  user?: string;
  /** What to do; default 'status' when `status` is given, 'respond' when `respond` is. */
  action?: FaultAction;
  /** More response headers with a status answer: a `Location` makes a redirect. */
  headers?: Record<string, string>;
  /** With 'respond': writes the answer instead of the server. */
  respond?: Responder;
}

export const DEFAULT_FORBIDDEN_USER = 'system:serviceaccount:default:gitdiff';

interface ActiveFault { fault: Fault; remaining: number }

export class FaultTable {
  private readonly faults: ActiveFault[] = [];

  add(fault: Fault): void {
    this.faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  /** The first fault matching the request that has uses left; using it counts. */
  take(method: string, path: string): Fault | undefined {
    const active = this.faults.find(({ fault, remaining }) =>
      remaining > 0
      && (fault.method === undefined || fault.method.toUpperCase() === method)
      && (typeof fault.path === 'string' ? fault.path === path : fault.path.test(path)));
    if (!active) return undefined;
    active.remaining -= 1;
    return active.fault;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What a fault does to one response: answered (or cut, or left hanging) by the fault, or served normally afterwards. */
export type FaultEffect = 'answered' | 'serve' | { cut: 'reset' | 'truncate' };

/**
 * Applies the fault to `response`. 'serve' means the fault only delayed and the
 * request should be served normally; `{ cut }` means serve it, but through a
 * response that `cutResponse` breaks.
 */
export async function answerWithFault(fault: Fault, request: Omit<ForbiddenRequest, 'user'>, response: ServerResponse,
  query: Record<string, string> = {}): Promise<FaultEffect> {
  if (fault.delayMs) await sleep(fault.delayMs);
  const action = fault.action ?? (fault.respond ? 'respond' : fault.status === undefined ? undefined : 'status');
  switch (action) {
    case undefined:
      return 'serve';
    case 'respond':
      if (!fault.respond) throw new Error('test API server: a respond fault without its respond function');
      await fault.respond(response, query);
      return 'answered';
    case 'status': {
      const code = fault.status ?? 500;
      const body = fault.body ?? statusForCode(code, { ...request, user: fault.user ?? DEFAULT_FORBIDDEN_USER }, fault.retryAfterSeconds);
      const headers: Record<string, string> = { 'Content-Type': 'application/json', ...fault.headers };
      if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
      response.writeHead(code, headers).end(JSON.stringify(body));
      return 'answered';
    }
    case 'not-kubernetes':
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return 'answered';
    case 'hang':
      // Hold the connection: the client's timeout, or the server's close(), ends it.
      await new Promise<void>((resolve) => response.once('close', resolve));
      return 'answered';
    case 'reset':
    case 'truncate':
      return { cut: action };
  }
}

/**
 * Wraps `response.end` so the body the handler writes is cut in half: with
 * 'reset' the half is sent with the full Content-Length and the socket
 * destroyed (the client sees the connection drop mid-body); with 'truncate'
 * the half is sent as the whole body of a clean 200 (the client gets JSON that
 * stops half-way).
 */
export function cutResponse(response: ServerResponse, cut: 'reset' | 'truncate'): void {
  const writeHead = response.writeHead.bind(response);
  const end = response.end.bind(response);
  // The handler answers with writeHead(code, headers).end(body): hold the head until the body's length is known.
  let head: { code: number; headers: OutgoingHttpHeaders } = { code: 200, headers: {} };
  response.writeHead = ((code: number, headers?: OutgoingHttpHeaders) => {
    head = { code, headers: headers ?? {} };
    return response;
  }) as ServerResponse['writeHead'];
  response.end = ((chunk?: unknown) => {
    const body = Buffer.from(typeof chunk === 'string' ? chunk : (chunk as Buffer | undefined) ?? '');
    const half = body.subarray(0, Math.floor(body.length / 2));
    if (cut === 'truncate') {
      writeHead(head.code, { ...head.headers, 'Content-Length': half.length });
      return end(half);
    }
    writeHead(head.code, { ...head.headers, 'Content-Length': body.length });
    response.write(half, () => response.destroy());
    return response;
  }) as ServerResponse['end'];
}

/**
 * A watch's stream cut by a 'reset' or 'truncate' fault: its first event is sent
 * half-way, then the connection is destroyed ('reset': the client sees the socket
 * drop mid-stream) or the chunked body ends cleanly ('truncate': a JSON line that
 * stops half-way, then the end). Nothing after the cut is written.
 */
export function cutWatch(response: ServerResponse, cut: 'reset' | 'truncate'): void {
  const write = response.write.bind(response);
  response.write = ((chunk: unknown) => {
    response.write = (() => false) as ServerResponse['write'];
    const line = Buffer.from(typeof chunk === 'string' ? chunk : (chunk as Buffer));
    write(line.subarray(0, Math.floor(line.length / 2)), () => (cut === 'reset' ? response.destroy() : response.end()));
    // Never drained: the watch waits until the connection closes.
    return false;
  }) as ServerResponse['write'];
}
