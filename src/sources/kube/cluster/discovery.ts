// Discovery, once per run and only for the group-versions the manifests use:
// which kinds the server serves, their plural resource names and their scope.
import type { Connection } from './connect.js';
import { getJson, type RequestSettings } from './request.js';
import { apiFailure, NotKubernetesApiServer } from './status.js';
import { isRecord } from '../objects.js';

export interface ServedKind {
  resource: string;
  namespaced: boolean;
  verbs: string[];
}

export type GroupVersionDiscovery =
  | { state: 'served'; kinds: Map<string, ServedKind> }
  | { state: 'not-served' }
  /** `unreachable`: the failure is the server's as a whole (credentials refused), not this group-version's. */
  | { state: 'error'; message: string; hint?: string; unreachable?: boolean };

/** A resource's plural name, as the API requires of it (a DNS-1035 label; CRDs' plurals too). */
const RESOURCE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export async function discoverGroupVersion(connection: Connection, apiVersion: string, settings: RequestSettings): Promise<GroupVersionDiscovery> {
  const apiPath = groupVersionPath(apiVersion);
  const response = await getJson(connection, apiPath, settings);
  if (response.status === 404) {
    // "Not served" only from a server that is a Kubernetes API: anything else answers 404 to every path.
    await confirmKubernetesApi(connection, settings);
    return { state: 'not-served' };
  }
  if (response.status !== 200) {
    // Discovery is open to every authenticated user (system:discovery): a 401 or 403 there refuses the credentials, not a kind.
    const refused = response.status === 401 || response.status === 403;
    return { state: 'error', ...apiFailure(connection, response, { verb: 'get', path: apiPath }), ...(refused ? { unreachable: true } : {}) };
  }
  const body = response.body;
  if (!isRecord(body) || !Array.isArray(body.resources) || body.groupVersion !== apiVersion) {
    throw new NotKubernetesApiServer(connection, `GET ${apiPath} answered 200 without its APIResourceList`);
  }
  const kinds = new Map<string, ServedKind>();
  const resources = body.resources;
  for (const resource of resources) {
    // Subresources (deployments/status, pods/log) share the kind; the top-level resource is the one we read.
    if (!isRecord(resource) || typeof resource.name !== 'string' || resource.name.includes('/')) continue;
    if (typeof resource.kind !== 'string') continue;
    // The name becomes a segment of every request's path: `..`, `?` or `#` there would send gitdiff's reads elsewhere.
    if (!RESOURCE_NAME.test(resource.name)) {
      return {
        state: 'error',
        message: `server ${connection.server}: GET ${apiPath} answered with a resource name that is not a Kubernetes resource name: the answer is not trusted`,
        hint: 'a Kubernetes API server names resources in lowercase letters, digits and "-": is a proxy or an aggregated API server in the way?',
      };
    }
    kinds.set(resource.kind, {
      resource: resource.name,
      namespaced: resource.namespaced === true,
      verbs: Array.isArray(resource.verbs) ? resource.verbs.map(String) : [],
    });
  }
  return { state: 'served', kinds };
}

const confirmed = new WeakMap<Connection, Promise<void>>();

/** Once per connection: GET /api must answer the APIVersions every Kubernetes API server serves. */
function confirmKubernetesApi(connection: Connection, settings: RequestSettings): Promise<void> {
  let confirmation = confirmed.get(connection);
  if (!confirmation) {
    confirmation = getJson(connection, '/api', settings).then((response) => {
      const body = response.body;
      if (response.status === 200 && isRecord(body) && Array.isArray(body.versions)) return;
      throw new NotKubernetesApiServer(connection, `GET /api answered HTTP ${response.status} without the APIVersions of a Kubernetes API`);
    });
    confirmed.set(connection, confirmation);
  }
  return confirmation;
}
