// Discovery, once per run and only for the group-versions the manifests use:
// which kinds the server serves, their plural resource names and their scope.
import type { Connection } from './connect.js';
import { getJson, type RequestSettings } from './request.js';
import { apiFailure } from './status.js';
import { isRecord } from '../objects.js';

export interface ServedKind {
  resource: string;
  namespaced: boolean;
  verbs: string[];
}

export type GroupVersionDiscovery =
  | { state: 'served'; kinds: Map<string, ServedKind> }
  | { state: 'not-served' }
  | { state: 'error'; message: string; hint?: string };

export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export async function discoverGroupVersion(connection: Connection, apiVersion: string, settings: RequestSettings): Promise<GroupVersionDiscovery> {
  const apiPath = groupVersionPath(apiVersion);
  const response = await getJson(connection, apiPath, settings);
  if (response.status === 404) return { state: 'not-served' };
  if (response.status !== 200) return { state: 'error', ...apiFailure(connection, response, { verb: 'get', path: apiPath }) };
  const kinds = new Map<string, ServedKind>();
  const resources = isRecord(response.body) && Array.isArray(response.body.resources) ? response.body.resources : [];
  for (const resource of resources) {
    // Subresources (deployments/status, pods/log) share the kind; the top-level resource is the one we read.
    if (!isRecord(resource) || typeof resource.name !== 'string' || resource.name.includes('/')) continue;
    if (typeof resource.kind !== 'string') continue;
    kinds.set(resource.kind, {
      resource: resource.name,
      namespaced: resource.namespaced === true,
      verbs: Array.isArray(resource.verbs) ? resource.verbs.map(String) : [],
    });
  }
  return { state: 'served', kinds };
}
