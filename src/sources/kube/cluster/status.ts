// API errors turned into messages a person can act on. A Kubernetes `Status`
// body carries a reason and message; 401 and 403 get hints that name exactly
// what RBAC must allow: get and list, plus patch in server-side mode (a dry run).
import { GitdiffError } from '../../../errors.js';
import type { Connection } from './connect.js';
import type { ApiResponse } from './request.js';
import { isRecord } from '../objects.js';
import { visibleText } from '../../../visible-text.js';

export interface FailedRead {
  verb: 'get' | 'list' | 'watch' | 'patch';
  path: string;
  /** `deployments.apps`, for the RBAC hint. */
  resource?: string;
  namespace?: string;
  name?: string;
  /** Leave out the server's message: it may quote what was sent (a Secret's values, in a dry-run apply). */
  withoutServerMessage?: boolean;
}

export function apiFailure(connection: Connection, response: ApiResponse, read: FailedRead): { message: string; hint?: string } {
  const failure = failureFor(connection, response, read);
  // Retried answers say so: "failed 4 times" is a different problem from a single refusal.
  return response.attempts && response.attempts > 1 ? { ...failure, message: `${failure.message} (${response.attempts} attempts)` } : failure;
}

/** The most of a server's message a report repeats: an admission webhook's list of violations fits; a body of megabytes does not. */
const MAX_SERVER_MESSAGE = 1000;

/**
 * A server's Status message as one line of an error: it is the server's to choose,
 * so its line breaks become spaces, its control characters escapes, its length bounded.
 */
function serverWords(message: string): string {
  const line = visibleText(message.trim().replace(/\s*[\r\n]+\s*/g, ' '));
  return line.length > MAX_SERVER_MESSAGE ? `${line.slice(0, MAX_SERVER_MESSAGE)}...` : line;
}

function failureFor(connection: Connection, response: ApiResponse, read: FailedRead): { message: string; hint?: string } {
  const body = isRecord(response.body) ? response.body : {};
  const serverMessage = typeof body.message === 'string' && !read.withoutServerMessage ? serverWords(body.message) : '';
  const what = read.resource ? `${read.verb} ${read.resource}${read.name ? ` "${read.name}"` : ''}${read.namespace ? ` in namespace "${read.namespace}"` : ''}` : `GET ${read.path}`;
  switch (response.status) {
    case 401:
      return {
        message: `server ${connection.server}: unauthorized (401): the credentials of context "${connection.contextName}" were rejected`,
        hint: 'the token or certificate may have expired; refresh it (kubectl get ns should work)',
      };
    case 403:
      if (read.verb === 'patch') {
        const where = read.namespace ? ` in namespace "${read.namespace}"` : ' (cluster-wide)';
        return {
          message: `server ${connection.server}: forbidden (403): cannot ${what} (the server-side apply dry run of --server-side)${serverMessage ? `: ${serverMessage}` : ''}`,
          hint: `--server-side needs RBAC "patch" on ${read.resource}${where}, though its dry run changes nothing; without --server-side, gitdiff only reads (get and list)`,
        };
      }
      return {
        message: `server ${connection.server}: forbidden (403): cannot ${what}${serverMessage ? `: ${serverMessage}` : ''}`,
        hint: read.resource
          ? `RBAC must allow "${read.verb}" on ${read.resource}${read.namespace ? ` in namespace "${read.namespace}"` : ' (cluster-wide)'}; gitdiff only needs get and list${read.verb === 'watch' ? ', and watch where it keeps watching (serve)' : ''}`
          : 'gitdiff needs read access to discovery (the system:discovery role)',
      };
    case 429:
      return {
        message: `server ${connection.server}: too many requests (429) for ${what}${response.retryAfterSeconds !== undefined ? `; it asked to retry after ${response.retryAfterSeconds} s` : ''}`,
        hint: 'the API server is throttling; try again later',
      };
    default:
      return {
        message: `server ${connection.server}: ${what} failed with HTTP ${response.status}${serverMessage ? `: ${serverMessage}` : ''}`,
        hint: response.status >= 500 ? 'the API server failed; try again, or check its health' : undefined,
      };
  }
}

/**
 * The answer of something that is not a Kubernetes API server (a web server, an
 * ingress, a wrong port): one error for the whole run, never "kind not served"
 * or `missing`, which would report the cluster's content from a stranger's 404s.
 */
export class NotKubernetesApiServer extends GitdiffError {
  constructor(connection: Connection, why: string) {
    super(`${connection.server} is not a Kubernetes API server: ${why}`, {
      hint: 'check that --kubeconfig and --context point at the cluster\'s API server (kubectl cluster-info shows it), not at a web server, an ingress or a proxy',
    });
    this.name = 'NotKubernetesApiServer';
  }
}

/** A 404 as the API server words it: a Status body with reason NotFound. Anything else answering 404 is not the API server. */
export function isKubernetesNotFound(body: unknown): boolean {
  return isRecord(body) && body.kind === 'Status' && (body.reason === 'NotFound' || body.code === 404);
}
