// URL routing as a kube-apiserver does it: discovery documents, then resource
// paths `/api/v1/...` and `/apis/{group}/{version}/...`, namespaced
// (`namespaces/{ns}/{resource}[/{name}[/{subresource}]]`) or cluster-wide
// (`{resource}[/{name}[/{subresource}]]`), and the OpenAPI documents. Anything
// else is the apiserver's 404.
import type { Catalog, KindInfo } from './catalog.js';
import { SERVER_VERSION, apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './discovery.js';

export type Route =
  /** `root`: /api or /apis, which also have an aggregated form. */
  | { type: 'document'; body: object; root?: 'core' | 'groups' }
  | { type: 'object'; info: KindInfo; namespace?: string; name: string; subresource?: string }
  | { type: 'collection'; info: KindInfo; namespace?: string }
  /** /openapi/v3..., /openapi/v2: the published schemas (openapi.ts). */
  | { type: 'openapi' }
  | { type: 'unknown' };

const UNKNOWN: Route = { type: 'unknown' };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function resourceRoute(catalog: Catalog, group: string, version: string, rest: string[]): Route {
  let namespace: string | undefined;
  // namespaces/{ns}/... is a namespaced path, except the Namespace's own subresources (namespaces/{name}/status).
  if (group === '' && rest[0] === 'namespaces' && rest.length >= 3 && !catalog.byResource(group, version, rest[2])) {
    return objectRoute(catalog.byResource('', 'v1', 'namespaces')!, undefined, rest.slice(1));
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const info = catalog.byResource(group, version, rest[0]);
  if (!info || (namespace !== undefined && !info.namespaced)) return UNKNOWN;
  if (rest.length === 1) return { type: 'collection', info, namespace };
  // A namespaced object is only addressable inside its namespace.
  if (info.namespaced && namespace === undefined) return UNKNOWN;
  return objectRoute(info, namespace, rest.slice(1));
}

function objectRoute(info: KindInfo, namespace: string | undefined, rest: string[]): Route {
  const [name, subresource, ...more] = rest;
  if (more.length > 0) return UNKNOWN;
  if (subresource !== undefined && !(info.subresources ?? []).some((s) => s.name === subresource)) return UNKNOWN;
  return { type: 'object', info, namespace, name, ...(subresource !== undefined ? { subresource } : {}) };
}

export function routeFor(path: string, catalog: Catalog, serverAddress: string): Route {
  const segments = path.split('/').filter(Boolean).map(decode);
  if (path === '/version' || path === '/version/') return { type: 'document', body: SERVER_VERSION };
  if (segments[0] === 'openapi') return { type: 'openapi' };
  if (segments[0] === 'api') {
    if (segments.length === 1) return { type: 'document', body: apiVersions(serverAddress), root: 'core' };
    if (segments[1] !== 'v1') return UNKNOWN;
    if (segments.length === 2) return { type: 'document', body: apiResourceList(catalog, '', 'v1')! };
    return resourceRoute(catalog, '', 'v1', segments.slice(2));
  }
  if (segments[0] === 'apis') {
    if (segments.length === 1) return { type: 'document', body: apiGroupList(catalog), root: 'groups' };
    const group = segments[1];
    if (segments.length === 2) {
      const body = apiGroupDocument(catalog, group);
      return body ? { type: 'document', body } : UNKNOWN;
    }
    const version = segments[2];
    if (segments.length === 3) {
      const body = apiResourceList(catalog, group, version);
      return body ? { type: 'document', body } : UNKNOWN;
    }
    return resourceRoute(catalog, group, version, segments.slice(3));
  }
  return UNKNOWN;
}

/** The RBAC verb a request needs, as a 403 names it. */
export function verbFor(method: string, route: Route, query: Record<string, string>): string {
  const byMethod: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
  if (method !== 'GET' && method !== 'HEAD') {
    return route.type === 'collection' && method === 'DELETE' ? 'deletecollection' : byMethod[method] ?? method.toLowerCase();
  }
  if (route.type === 'collection') return query.watch === 'true' || query.watch === '1' ? 'watch' : 'list';
  return 'get';
}
