// Pushgateway client: the grouping-key URL, PUT (replace the group) and POST
// (replace only the pushed metrics), with a timeout and one retry.
// Written on fetch rather than prom-client's Pushgateway class, which puts
// grouping values into the path with encodeURIComponent only: a terraform
// directory `infra/prod` arrives as `infra%2Fprod`, which the Pushgateway
// decodes and rejects ("odd number of components"), and an empty value leaves
// an empty path segment. The Pushgateway's answer is `name@base64/<base64url>`
// (https://github.com/prometheus/pushgateway#url).
import { setTimeout as sleep } from 'node:timers/promises';
import { GitdiffError } from '../errors.js';
import { connectionProblem } from '../system-errors.js';
import type { Labels } from './metric-set.js';
import type { PushgatewayEndpoint } from './options.js';

export const PUSH_TIMEOUT_MS = 10_000;
/** A Pushgateway restarting (a rolling update) refuses connections for a moment. */
const RETRY_DELAY_MS = 500;

/** Values that travel through a URL path unchanged; anything else (`/`, empty, `.`, `..`, spaces) goes base64. */
const PLAIN_VALUE = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

function pathPair(name: string, value: string): string {
  if (PLAIN_VALUE.test(value) && value !== '..') return `${name}/${value}`;
  // An empty value must still be a non-empty segment: `=` is the base64 of nothing.
  return `${name}@base64/${value === '' ? '=' : Buffer.from(value, 'utf8').toString('base64url')}`;
}

/** `/metrics/job/<job>/<label>/<value>...`, relative to the Pushgateway's base path. */
export function groupingPath(job: string, grouping: Labels): string {
  return ['/metrics', pathPair('job', job), ...Object.entries(grouping).map(([name, value]) => pathPair(name, value))].join('/');
}

export function groupUrl(endpoint: PushgatewayEndpoint, job: string, grouping: Labels): URL {
  const url = new URL(endpoint.url.href);
  url.pathname = url.pathname.replace(/\/+$/, '') + groupingPath(job, grouping);
  return url;
}

export interface PushRequest {
  endpoint: PushgatewayEndpoint;
  job: string;
  grouping: Labels;
  /** PUT replaces the whole group; POST replaces only the metrics it carries. */
  method: 'PUT' | 'POST';
  body: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  timeoutMs?: number;
}

/** Why one attempt failed, and whether trying again could help. */
interface AttemptFailure {
  message: string;
  retry: boolean;
  hint?: string;
}

async function attempt(request: PushRequest, url: URL): Promise<AttemptFailure | undefined> {
  const timeoutMs = request.timeoutMs ?? PUSH_TIMEOUT_MS;
  const headers: Record<string, string> = { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' };
  if (request.endpoint.username !== undefined) {
    const credentials = `${request.endpoint.username}:${request.endpoint.password ?? ''}`;
    headers.Authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  }
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  try {
    // Never followed: a 301-303 would turn the PUT into a GET (the metrics silently lost), and any
    // redirect would carry the credentials to wherever it points.
    const response = await fetch(url, { method: request.method, headers, body: request.body, signal, redirect: 'manual' });
    if (response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const text = (await errorBodyStart(response)).trim().split('\n')[0].slice(0, 200);
    const denied = response.status === 401 || response.status === 403;
    const redirected = response.status >= 300 && response.status < 400;
    return {
      message: `HTTP ${response.status}${text ? `: ${text}` : ''}`,
      retry: response.status >= 500,
      hint: denied
        ? 'check the credentials (URL userinfo, or GITDIFF_PUSHGATEWAY_USERNAME / _PASSWORD)'
        : redirected ? 'gitdiff does not follow redirects: give the URL the Pushgateway answers at (its base path included)' : undefined,
    };
  } catch (error) {
    if (request.signal?.aborted) return { message: 'interrupted', retry: false };
    if (timeout.aborted) return { message: `no answer within ${timeoutMs / 1000} s`, retry: true };
    // In words (system-errors.ts): not "fetch failed", nor OpenSSL's "wrong version number".
    const problem = connectionProblem(error, "trust the CA that signed the Pushgateway's certificate: NODE_EXTRA_CA_CERTS=FILE");
    // A TLS problem is the same the second time; anything else may be a Pushgateway restarting.
    return { message: problem.reason, retry: !problem.tls, hint: problem.hint };
  }
}

/** The most of an error body gitdiff reads: its first line is all a message quotes. */
const ERROR_BODY_BYTES = 4096;

/** The start of the response's body, at most ERROR_BODY_BYTES; the rest is never read (an endless body ends here). */
async function errorBodyStart(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    while (bytes < ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.length;
    }
  } catch {
    // what was read is enough to quote
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8');
}

/** Sends one push; a network failure, timeout or 5xx is tried once more. Throws a GitdiffError naming the server. */
export async function push(request: PushRequest): Promise<void> {
  const url = groupUrl(request.endpoint, request.job, request.grouping);
  let failure: AttemptFailure | undefined;
  for (let tries = 1; tries <= 2; tries++) {
    request.log?.(`metrics: ${request.method} ${url.href}${tries > 1 ? ' (retry)' : ''}`);
    failure = await attempt(request, url);
    if (!failure || !failure.retry || tries === 2) break;
    await sleep(RETRY_DELAY_MS, undefined, { signal: request.signal }).catch(() => {});
  }
  if (failure) {
    throw new GitdiffError(`Pushgateway ${request.endpoint.url.href}: ${request.method} ${url.pathname} failed: ${failure.message}`, {
      hint: failure.hint ?? 'is the Pushgateway running and reachable at that address?',
    });
  }
}
