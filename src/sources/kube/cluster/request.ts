// One request to the API server: a GET (or, in server-side mode, a dry-run
// PATCH) that returns the status and the parsed JSON body, or throws a
// GitdiffError naming the server when there is no answer.
import http from 'node:http';
import https from 'node:https';
import { GitdiffError, messageOf } from '../../../errors.js';
import type { Connection } from './connect.js';

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface RequestSettings {
  /** Per request; 0 means none. */
  timeoutMs: number;
  signal: AbortSignal;
  /** Debug log: method, URL and status only; never headers (they carry the token). */
  log: (line: string) => void;
}

/** Asks for object metadata only (PartialObjectMetadataList), falling back to whole objects on servers that cannot. */
export const ACCEPT_METADATA = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

export function getJson(connection: Connection, apiPath: string, settings: RequestSettings, accept = 'application/json'): Promise<ApiResponse> {
  return requestJson(connection, apiPath, settings, { method: 'GET', accept });
}

/** A request that sends a body (`contentType`, `body`): the logs and errors name the method, never the body. */
export interface RequestShape {
  method: 'GET' | 'PATCH';
  accept?: string;
  contentType?: string;
  body?: string;
}

export function requestJson(connection: Connection, apiPath: string, settings: RequestSettings, shape: RequestShape): Promise<ApiResponse> {
  const { method, accept = 'application/json' } = shape;
  const url = new URL(connection.server + apiPath);
  const transport = url.protocol === 'https:' ? https : http;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method,
        agent: connection.agent,
        auth: connection.auth,
        headers: {
          ...connection.headers,
          Accept: accept,
          'User-Agent': 'gitdiff',
          ...(shape.contentType ? { 'Content-Type': shape.contentType } : {}),
          ...(shape.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(shape.body)) } : {}),
        },
        signal: settings.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(unreachable(connection, method, url, error, settings)));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          settings.log(`${method} ${url.pathname}${url.search} -> ${status} (${Math.round(performance.now() - started)} ms)`);
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            if (status >= 200 && status < 300) {
              reject(new GitdiffError(`server ${connection.server}: ${method} ${url.pathname} returned a body that is not JSON`, { hint: 'is --kubeconfig pointing at a Kubernetes API server?' }));
              return;
            }
            body = { message: text.slice(0, 200) };
          }
          resolve({ status, body });
        });
      },
    );
    if (settings.timeoutMs > 0) {
      request.setTimeout(settings.timeoutMs, () => request.destroy(new TimeoutError()));
    }
    request.on('error', (error) => reject(unreachable(connection, method, url, error, settings)));
    request.end(shape.body);
  });
}

class TimeoutError extends Error {}

function unreachable(connection: Connection, method: string, url: URL, error: unknown, settings: RequestSettings): GitdiffError {
  if (settings.signal.aborted) return new GitdiffError('interrupted');
  if (error instanceof TimeoutError) {
    return new GitdiffError(`server ${connection.server}: no answer to ${method} ${url.pathname} within ${settings.timeoutMs / 1000} s`, {
      hint: 'is the cluster reachable? raise --request-timeout if it is slow',
    });
  }
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ECONNREFUSED' ? 'connection refused'
    : code === 'ENOTFOUND' ? 'host not found'
    : code === 'ECONNRESET' ? 'connection reset'
    : code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ? `TLS certificate not trusted (${code})`
    : messageOf(error);
  return new GitdiffError(`cannot reach server ${connection.server}: ${reason}`, {
    hint: 'check that the cluster is up and that --context / --kubeconfig point at it',
  });
}
