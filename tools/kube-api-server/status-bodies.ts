// metav1.Status bodies exactly as a kube-apiserver writes them: the key order of
// the Go struct (kind, apiVersion, metadata, status, message, reason, details,
// code), `details.group` omitted for the core group, and the messages of
// k8s.io/apimachinery/pkg/api/errors (which kubectl prints after
// "Error from server (Reason): ").
import { qualifiedResource, type KindInfo } from './catalog.js';

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: Record<string, unknown>;
  code: number;
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** `details` of a resource error: {name, group, kind} where kind is the resource (plural) name. */
function resourceDetails(info: Pick<KindInfo, 'group' | 'plural'>, name?: string): Record<string, unknown> {
  return { ...(name ? { name } : {}), ...(info.group ? { group: info.group } : {}), kind: info.plural };
}

export const notFound = (info: Pick<KindInfo, 'group' | 'plural'>, name: string): StatusBody =>
  status(404, 'NotFound', `${qualifiedResource(info)} "${name}" not found`, resourceDetails(info, name));

/** A path the server does not route (unknown group, version or resource). */
export const pathNotFound = (): StatusBody => status(404, 'NotFound', 'the server could not find the requested resource', {});

export const unauthorized = (): StatusBody => status(401, 'Unauthorized', 'Unauthorized');

export interface ForbiddenRequest {
  user: string;
  verb: string;
  /** Absent for non-resource URLs such as /apis. */
  info?: Pick<KindInfo, 'group' | 'plural'>;
  namespace?: string;
  name?: string;
  path: string;
}

/** RBAC's denial: `deployments.apps "x" is forbidden: User "u" cannot get resource "deployments" in API group "apps" in the namespace "ns"`. */
export function forbidden(request: ForbiddenRequest): StatusBody {
  const { user, verb, info, namespace, name } = request;
  if (!info) return status(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${request.path}"`, {});
  const subject = name ? `${qualifiedResource(info)} "${name}"` : qualifiedResource(info);
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${info.plural}" in API group "${info.group}" ${scope}`;
  return status(403, 'Forbidden', message, resourceDetails(info, name));
}

export const internalError = (cause = 'etcdserver: request timed out'): StatusBody =>
  status(500, 'InternalError', `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });

export const serviceUnavailable = (): StatusBody =>
  status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', {});

/** API Priority and Fairness rejecting a request; the Retry-After header carries the same seconds. */
export const tooManyRequests = (retryAfterSeconds: number): StatusBody =>
  status(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });

export const methodNotAllowed = (): StatusBody =>
  status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

/** Server-side apply refused for conflicts (apimachinery's NewApplyConflict): one line for one conflict, a list for several. */
export function applyConflict(conflicts: { manager: string; apiVersion: string; field: string }[]): StatusBody {
  const managers = [...new Set(conflicts.map(({ manager, apiVersion }) => `"${manager}" using ${apiVersion}`))];
  const heading = `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}:`;
  const message = conflicts.length === 1
    ? `${heading} conflict with ${managers[0]}: ${conflicts[0].field}`
    : `${heading} ${managers.map((manager) => `conflicts with ${manager}:\n${conflicts.filter((c) => `"${c.manager}" using ${c.apiVersion}` === manager).map((c) => `- ${c.field}`).join('\n')}`).join('\n')}`;
  const causes = conflicts.map(({ manager, apiVersion, field }) => ({ reason: 'FieldManagerConflict', message: `conflict with "${manager}" using ${apiVersion}`, field }));
  return status(409, 'Conflict', message, { causes });
}

export const badRequest = (message: string): StatusBody => status(400, 'BadRequest', message);

/** The default body for an injected fault's status code, worded for the request it answers. */
export function statusForCode(code: number, request: ForbiddenRequest, retryAfterSeconds = 1): StatusBody {
  switch (code) {
    case 401: return unauthorized();
    case 403: return forbidden(request);
    case 404: return request.info && request.name ? notFound(request.info, request.name) : pathNotFound();
    case 405: return methodNotAllowed();
    case 429: return tooManyRequests(retryAfterSeconds);
    case 503: return serviceUnavailable();
    case 500: return internalError();
    default: return status(code, 'InternalError', `an error on the server ("unknown") has prevented the request from succeeding`, {});
  }
}

/** One field error of an Invalid status (apimachinery's field.Error): the reason names its type. */
export interface FieldError {
  type: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueNotSupported';
  field: string;
  /** What field.Error.ErrorBody() says after the field: `Forbidden: ...`, `Invalid value: "x": ...`. */
  body: string;
}

/**
 * 422 Invalid (errors.NewInvalid): `<Kind.group> "<name>" is invalid: <field>: <body>`, several
 * errors as `[a, b]` (an aggregate's message), each a cause.
 */
export function invalid(qualifiedKind: { group: string; kind: string }, name: string, errors: FieldError[]): StatusBody {
  const messages = errors.map((error) => `${error.field}: ${error.body}`);
  const aggregate = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  const subject = qualifiedKind.group ? `${qualifiedKind.kind}.${qualifiedKind.group}` : qualifiedKind.kind;
  return status(422, 'Invalid', `${subject} "${name}" is invalid: ${aggregate}`, {
    ...(name ? { name } : {}), ...(qualifiedKind.group ? { group: qualifiedKind.group } : {}), kind: qualifiedKind.kind,
    causes: errors.map((error) => ({ reason: error.type, message: error.body, field: error.field })),
  });
}

/** What a watch from a forgotten resourceVersion gets, as an ERROR event (errors.NewResourceExpired). */
export const expired = (message: string): StatusBody => status(410, 'Expired', message);
