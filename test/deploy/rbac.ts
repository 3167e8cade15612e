// Which RBAC permission a request needs, as the kube-apiserver's RequestInfo
// resolver derives it from the URL, and whether a role's rules grant it. Used
// to prove that every request gitdiff makes is allowed by the ClusterRole it
// ships (the test API server itself does not authorize).
type Obj = Record<string, any>;

export type RequestAttributes =
  | { resource: false; path: string; verb: string }
  | { resource: true; verb: string; apiGroup: string; resourceName: string; namespace?: string; name?: string; subresource?: string };

/** /api/v1/..., /apis/GROUP/VERSION/...; discovery documents and other paths are non-resource requests. */
export function requestAttributes(method: string, urlPath: string, query: Record<string, string> = {}): RequestAttributes {
  const segments = urlPath.split('/').filter(Boolean).map(decodeURIComponent);
  const httpVerb = ({ GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[method] ?? method.toLowerCase();
  let rest: string[];
  let apiGroup: string;
  if (segments[0] === 'api' && segments.length > 2) [apiGroup, rest] = ['', segments.slice(2)];
  else if (segments[0] === 'apis' && segments.length > 3) [apiGroup, rest] = [segments[1], segments.slice(3)];
  else return { resource: false, path: urlPath, verb: httpVerb };
  let namespace: string | undefined;
  // namespaces/NAME alone is the Namespace object itself (resource "namespaces").
  if (rest[0] === 'namespaces' && rest.length > 2) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resourceName, name, subresource] = rest;
  let verb = httpVerb;
  if (httpVerb === 'get' && name === undefined) verb = query.watch === 'true' || query.watch === '1' ? 'watch' : 'list';
  if (httpVerb === 'delete' && name === undefined) verb = 'deletecollection';
  return { resource: true, verb, apiGroup, resourceName, namespace, name, subresource };
}

const matches = (allowed: string[] | undefined, value: string) => (allowed ?? []).includes('*') || (allowed ?? []).includes(value);

/** Whether one of the rules grants the request (RBAC is additive: any matching rule allows). */
export function rulesAllow(rules: Obj[], request: RequestAttributes): boolean {
  return rules.some((rule) => {
    if (!matches(rule.verbs, request.verb)) return false;
    if (!request.resource) return (rule.nonResourceURLs ?? []).some((url: string) => url === request.path || (url.endsWith('*') && request.path.startsWith(url.slice(0, -1))));
    const resource = request.subresource ? `${request.resourceName}/${request.subresource}` : request.resourceName;
    if (!matches(rule.apiGroups, request.apiGroup) || !matches(rule.resources, resource)) return false;
    return !rule.resourceNames?.length || (request.name !== undefined && rule.resourceNames.includes(request.name));
  });
}

/**
 * The built-in system:discovery ClusterRole, bound to every authenticated
 * identity: the discovery documents gitdiff reads before any object.
 */
export const SYSTEM_DISCOVERY_RULES: Obj[] = [
  { nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] },
];
