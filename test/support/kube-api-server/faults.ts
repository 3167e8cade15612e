// Injected faults: a request that matches answers with an error status (with the
// Status body a real server would send for it, or a given one), after an optional
// delay, a limited number of times. Later kinds of fault (connection reset,
// truncated body, hang, TLS) add a case to `FaultAction` and to `answerWithFault`.
import type { ServerResponse } from 'node:http';
import { statusForCode, type ForbiddenRequest } from './status-bodies.js';

export type FaultAction = 'status';

export interface Fault {
  /** Only requests with this method (GET, PATCH...); any method when absent. */
  method?: string;
  /** The request path without its query: equal to a string, or matching a RegExp. */
  path: RegExp | string;
  /** The status code to answer with (401, 403, 429, 500, 503...). Absent: answer normally, after delayMs. */
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
  action?: FaultAction;
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

/**
 * Answers `response` as the fault says. Returns false when the fault only
 * delays and the request should then be served normally.
 */
export async function answerWithFault(fault: Fault, request: Omit<ForbiddenRequest, 'user'>, response: ServerResponse): Promise<boolean> {
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.status === undefined) return false;
  switch (fault.action ?? 'status') {
    case 'status': {
      const body = fault.body ?? statusForCode(fault.status, { ...request, user: fault.user ?? DEFAULT_FORBIDDEN_USER }, fault.retryAfterSeconds);
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
      response.writeHead(fault.status, headers).end(JSON.stringify(body));
      return true;
    }
  }
}
