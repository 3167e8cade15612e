// Discovery documents, shaped as a kube-apiserver 1.32 serves them: /version, /api
// (APIVersions), /api/v1 and /apis/{group}/{version} (APIResourceList), /apis
// (APIGroupList) and /apis/{group} (APIGroup), and the aggregated form of /api and
// /apis for clients that ask for it. client-go reads the response's Content-Type
// to tell which form it got, and falls back to the per-group documents.
import { apiVersionOf, storageVersionHash, type Catalog, type KindInfo } from './catalog.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:59:15Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(catalog: Catalog, group: string): object {
  const versions = catalog.groupVersions(group).map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(catalog: Catalog): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: catalog.groups().map((group) => apiGroup(catalog, group)) };
}

/** /apis/{group}; undefined when no kind of that group is served. */
export function apiGroupDocument(catalog: Catalog, group: string): object | undefined {
  if (catalog.groupVersions(group).length === 0) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(catalog, group) };
}

function resourceEntries(info: KindInfo): object[] {
  const main = {
    name: info.plural,
    singularName: info.singular,
    namespaced: info.namespaced,
    kind: info.kind,
    verbs: info.verbs,
    ...(info.shortNames?.length ? { shortNames: info.shortNames } : {}),
    ...(info.categories?.length ? { categories: info.categories } : {}),
    storageVersionHash: storageVersionHash(info),
  };
  // Subresources are listed as `deployments/status`, with an empty singularName.
  const subresources = (info.subresources ?? []).map((sub) => ({
    name: `${info.plural}/${sub.name}`,
    singularName: '',
    namespaced: info.namespaced,
    ...(sub.group !== undefined ? { group: sub.group, version: sub.version } : {}),
    kind: sub.kind,
    verbs: sub.verbs,
  }));
  return [main, ...subresources];
}

/** /api/v1 or /apis/{group}/{version}; undefined when that group version is not served. */
export function apiResourceList(catalog: Catalog, group: string, version: string): object | undefined {
  const kinds = catalog.kinds
    .filter((k) => k.group === group && k.version === version)
    .sort((a, b) => a.plural.localeCompare(b.plural));
  if (kinds.length === 0) return undefined;
  // The core group's list carries no apiVersion; named groups' lists do (as a real server sends them).
  return {
    kind: 'APIResourceList',
    ...(group ? { apiVersion: 'v1' } : {}),
    groupVersion: apiVersionOf({ group, version }),
    resources: kinds.flatMap(resourceEntries),
  };
}

/**
 * Aggregated discovery (apidiscovery.k8s.io/v2, served by default since 1.30): the
 * whole of /api or /apis in one document, which kubectl 1.32 asks for first.
 */
export function aggregatedDiscovery(catalog: Catalog, core: boolean, version: 'v2' | 'v2beta1'): object {
  const groups = core ? [''] : catalog.groups();
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((group) => ({
      metadata: { ...(group ? { name: group } : {}), creationTimestamp: null },
      versions: catalog.groupVersions(group).map((groupVersion) => ({
        version: groupVersion,
        resources: catalog.kinds
          .filter((k) => k.group === group && k.version === groupVersion)
          .sort((a, b) => a.plural.localeCompare(b.plural))
          .map(discoveryResource),
        freshness: 'Current',
      })),
    })),
  };
}

function discoveryResource(info: KindInfo): object {
  return {
    resource: info.plural,
    responseKind: { group: '', version: '', kind: info.kind },
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singular,
    verbs: info.verbs,
    ...(info.shortNames?.length ? { shortNames: info.shortNames } : {}),
    ...(info.categories?.length ? { categories: info.categories } : {}),
    ...(info.subresources?.length ? {
      subresources: info.subresources.map((sub) => ({
        subresource: sub.name,
        responseKind: { group: sub.group ?? '', version: sub.version ?? '', kind: sub.kind },
        verbs: sub.verbs,
      })),
    } : {}),
  };
}
