// The HTTP side: record the request, apply injected faults, authenticate, then
// serve GETs the way a kube-apiserver does (content negotiation for JSON,
// Table and PartialObjectMetadata; selectors; pagination; OpenAPI documents),
// WATCH (watch.ts), and server-side apply dry runs (PATCH,
// application/apply-patch+yaml, dryRun=All), which store nothing. Every other
// write is refused with 405.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { load } from 'js-yaml';
import { jsonText } from '../../src/exact-integers.js';
import { KUBECTL_YAML_SCHEMA } from '../../src/sources/kube/yaml-schema.js';
import { apiVersionOf, type KindInfo } from './catalog.js';
import { openApiDocument } from './openapi.js';
import { aggregatedDiscovery } from './discovery.js';
import { answerWithFault, cutResponse, cutWatch, type FaultTable } from './faults.js';
import { routeFor, verbFor, type Route } from './routes.js';
import { SelectorError, matchesFields, matchesLabels, paginate, parseFieldSelector, parseLabelSelector } from './selectors.js';
import * as statuses from './status-bodies.js';
import type { ObjectStore } from './store.js';
import { toTable, type IncludeObject } from './tables.js';
import type { WatchCache } from './watch-cache.js';
import { isWatch, serveWatch, watchRequestError, type WatchRepresentation, type WatchSettings } from './watch.js';

type Obj = Record<string, any>;

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The body of a PATCH, as sent. */
  body?: string;
}

export interface ServerState {
  store: ObjectStore;
  faults: FaultTable;
  requests: RecordedRequest[];
  token?: string;
  /** host:port, as /api reports it in serverAddressByClientCIDRs. */
  address: string;
  /** Answer /api and /apis in the aggregated form when asked (a 1.32 server does). */
  aggregatedDiscovery: boolean;
  /** Which OpenAPI documents the server publishes: v3 and v2 (1.24+), only v2, or none. */
  openApi: 'v3' | 'v2' | false;
  /** The window of recent changes and the open watches (watch-cache.ts). */
  watches: WatchCache;
  /** Bookmarks, buffers, timeouts and the watch faults in force (watch.ts). */
  watchSettings: WatchSettings;
}

type Representation =
  | { as: 'json' }
  | { as: 'Table'; version: string }
  | { as: 'PartialObjectMetadata' }
  | { as: 'APIGroupDiscoveryList'; version: 'v2' | 'v2beta1' }
  | { as: 'unacceptable' };

/**
 * The first media type of the Accept header that the server can produce for this
 * route, in the client's order (a type the route cannot produce falls through to
 * the next, as the apiserver's negotiation does).
 */
export function negotiate(accept: string | undefined, supports: Representation['as'][] = ['json', 'Table', 'PartialObjectMetadata']): Representation {
  if (!accept) return { as: 'json' };
  for (const mediaType of accept.split(',')) {
    const [type, ...parameters] = mediaType.split(';').map((part) => part.trim());
    const params = Object.fromEntries(parameters.map((p) => p.split('=').map((s) => s.trim())));
    if (!['application/json', 'application/*', '*/*'].includes(type)) continue;
    const candidate = representationOf(params);
    if (candidate && supports.includes(candidate.as)) return candidate;
  }
  return { as: 'unacceptable' };
}

function representationOf(params: Record<string, string>): Representation | undefined {
  if (params.as === undefined) return { as: 'json' };
  if (params.g === 'meta.k8s.io' && params.as === 'Table' && (params.v === 'v1' || params.v === 'v1beta1')) return { as: 'Table', version: params.v };
  if (params.g === 'meta.k8s.io' && params.v === 'v1' && (params.as === 'PartialObjectMetadata' || params.as === 'PartialObjectMetadataList')) {
    return { as: 'PartialObjectMetadata' };
  }
  if (params.g === 'apidiscovery.k8s.io' && params.as === 'APIGroupDiscoveryList' && (params.v === 'v2' || params.v === 'v2beta1')) {
    return { as: 'APIGroupDiscoveryList', version: params.v };
  }
  return undefined;
}

function send(response: ServerResponse, code: number, body: object, contentType = 'application/json'): void {
  response.writeHead(code, {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
    'Audit-Id': randomUUID(),
  });
  // int64 values beyond 2^53 (BigInt in the store) as their exact digits, as the apiserver writes them.
  response.end(jsonText(body));
}

const sendStatus = (response: ServerResponse, body: statuses.StatusBody): void => send(response, body.code, body);

/** Items of a list carry no apiVersion/kind for built-in kinds; custom resources (unstructured) keep theirs. */
function listItem(info: KindInfo, object: Obj): Obj {
  if (info.crd) return object;
  const { apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

function serveCollection(state: ServerState, route: Extract<Route, { type: 'collection' }>, query: Record<string, string>,
  representation: Representation, response: ServerResponse): void {
  const { info, namespace } = route;
  if (isWatch(query)) {
    const invalid = watchRequestError(info, query);
    if (invalid) return sendStatus(response, invalid);
    const watchRepresentation: WatchRepresentation = representation.as === 'Table'
      ? { as: 'Table', version: representation.version, include: (query.includeObject ?? 'Metadata') as IncludeObject }
      : representation.as === 'PartialObjectMetadata' ? representation : { as: 'json' };
    return serveWatch({ info, namespace, query, representation: watchRepresentation }, state.store, state.watches, state.watchSettings, response);
  }
  const labels = parseLabelSelector(query.labelSelector ?? '');
  const fields = parseFieldSelector(query.fieldSelector ?? '', info.kind);
  // Stored objects, read in place: only the page served is copied (a LIST of a large kind must stay cheap).
  const listed = state.store.list(info, namespace);
  const matching = labels.length + fields.length === 0 ? listed
    : listed.filter(({ item }) => matchesLabels(labels, item.metadata.labels) && matchesFields(fields, item));
  const limit = query.limit ? Number.parseInt(query.limit, 10) : undefined;
  const resourceVersion = state.store.resourceVersion;
  const page = paginate(matching, { limit, continueToken: query.continue, resourceVersion, filtered: labels.length + fields.length > 0 });
  const metadata = {
    resourceVersion,
    ...(page.continueToken ? { continue: page.continueToken } : {}),
    ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
  };
  if (representation.as === 'Table') {
    const table = toTable(info, page.items.map((item) => state.store.served(info, item)), metadata, (query.includeObject ?? 'Metadata') as IncludeObject, representation.version);
    return send(response, 200, table, `application/json;as=Table;v=${representation.version};g=meta.k8s.io`);
  }
  if (representation.as === 'PartialObjectMetadata') {
    // The apiserver sets each item's own TypeMeta in a PartialObjectMetadataList (asPartialObjectMetadataList).
    const items = page.items.map((item) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata }));
    return send(response, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items },
      'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io');
  }
  // Only serialized: a shallow copy with the served apiVersion is enough (no deep clone of every item).
  send(response, 200, { kind: `${info.kind}List`, apiVersion: apiVersionOf(info), metadata, items: page.items.map((item) => listItem(info, { ...item, apiVersion: apiVersionOf(info) })) });
}

/** autoscaling/v1 Scale, what GET .../deployments/{name}/scale returns. */
function scaleOf(object: Obj): Obj {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  const selector = Object.entries(object.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: object.spec?.replicas ?? 0 }, status: { replicas: object.status?.replicas ?? 0, selector },
  };
}

function serveObject(state: ServerState, route: Extract<Route, { type: 'object' }>, query: Record<string, string>,
  representation: Representation, response: ServerResponse): void {
  const { info, namespace, name, subresource } = route;
  const stored = state.store.find(info, namespace, name);
  if (!stored) return sendStatus(response, statuses.notFound(info, name));
  const object = state.store.served(info, stored);
  if (subresource === 'scale') return send(response, 200, scaleOf(object));
  if (subresource !== undefined && subresource !== 'status') return sendStatus(response, statuses.methodNotAllowed());
  if (representation.as === 'Table') {
    const include = (query.includeObject ?? 'Metadata') as IncludeObject;
    const table = toTable(info, [object], { resourceVersion: object.metadata.resourceVersion }, include, representation.version);
    return send(response, 200, table, `application/json;as=Table;v=${representation.version};g=meta.k8s.io`);
  }
  if (representation.as === 'PartialObjectMetadata') {
    return send(response, 200, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata },
      'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io');
  }
  send(response, 200, object);
}

function serveDocument(state: ServerState, route: Extract<Route, { type: 'document' }>, accept: string | undefined, response: ServerResponse): void {
  const aggregated = route.root && state.aggregatedDiscovery;
  const representation = negotiate(accept, aggregated ? ['json', 'APIGroupDiscoveryList'] : ['json']);
  if (representation.as === 'APIGroupDiscoveryList' && route.root) {
    const body = aggregatedDiscovery(state.store.catalog, route.root === 'core', representation.version);
    return send(response, 200, body, `application/json;g=apidiscovery.k8s.io;v=${representation.version};as=APIGroupDiscoveryList`);
  }
  send(response, 200, route.body);
}

const APPLY_PATCH = 'application/apply-patch+yaml';

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * A server-side apply with dryRun=All: the object the apply would produce, not
 * stored. Checks what the apiserver checks (fieldManager, the body's identity
 * against the URL, the namespace's existence, conflicts unless forced).
 */
function serveDryRunApply(state: ServerState, route: Extract<Route, { type: 'object' }>, query: Record<string, string>, body: string, response: ServerResponse): void {
  const { info, namespace, name } = route;
  if (!query.fieldManager) {
    return sendStatus(response, statuses.badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'));
  }
  let config: unknown;
  try {
    // sigs.k8s.io/yaml reads the body as the apiserver does: int64 exactly (BigInt beyond 2^53).
    config = load(body, { schema: KUBECTL_YAML_SCHEMA });
  } catch (error) {
    return sendStatus(response, statuses.badRequest(`error converting YAML to JSON: ${(error as Error).message.split('\n')[0]}`));
  }
  const object = config as Obj;
  if (typeof config !== 'object' || config === null || object.apiVersion !== apiVersionOf(info) || object.kind !== info.kind) {
    return sendStatus(response, statuses.badRequest(`the body is not a ${apiVersionOf(info)} ${info.kind}`));
  }
  if (object.metadata?.name !== name) {
    return sendStatus(response, statuses.badRequest(`the name of the object (${String(object.metadata?.name)}) does not match the name on the URL (${name})`));
  }
  if (info.namespaced && object.metadata.namespace && object.metadata.namespace !== namespace) {
    return sendStatus(response, statuses.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
  }
  const namespaces = state.store.catalog.byKind('v1', 'Namespace')!;
  if (info.namespaced && !state.store.find(namespaces, undefined, namespace!)) return sendStatus(response, statuses.notFound(namespaces, namespace!));
  const result = state.store.dryRunApply(info, namespace, object, query.fieldManager, query.force === 'true');
  if ('conflicts' in result) return sendStatus(response, statuses.applyConflict(result.conflicts));
  send(response, result.created ? 201 : 200, result.object);
}

function serveOpenApi(state: ServerState, path: string, response: ServerResponse): void {
  const document = state.openApi ? openApiDocument(path, state.store.catalog, state.openApi) : undefined;
  if (!document) return sendStatus(response, statuses.pathNotFound());
  send(response, 200, document);
}

export async function handleRequest(state: ServerState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = (request.method ?? 'GET').toUpperCase();
  const query = Object.fromEntries(url.searchParams.entries());
  // Only PATCH bodies are read (a dry-run apply's); other writes are refused unread.
  const body = method === 'PATCH' ? await readBody(request) : (request.resume(), undefined);
  state.requests.push({ method, path: url.pathname, query, headers: { ...request.headers }, ...(body !== undefined ? { body } : {}) });

  const route = routeFor(url.pathname, state.store.catalog, state.address);
  const resource = route.type === 'object' || route.type === 'collection'
    ? { info: route.info, namespace: route.namespace, name: route.type === 'object' ? route.name : undefined }
    : {};
  const fault = state.faults.take(method, url.pathname);
  if (fault) {
    const effect = await answerWithFault(fault, { verb: verbFor(method, route, query), path: url.pathname, ...resource }, response, query);
    if (effect === 'answered') return;
    if (effect !== 'serve' && route.type === 'collection' && isWatch(query)) cutWatch(response, effect.cut);
    else if (effect !== 'serve') cutResponse(response, effect.cut);
  }

  if (state.token !== undefined && request.headers.authorization !== `Bearer ${state.token}`) {
    return sendStatus(response, statuses.unauthorized());
  }
  if (route.type === 'unknown') return sendStatus(response, statuses.pathNotFound());
  const contentType = String(request.headers['content-type'] ?? '').split(';')[0].trim();
  if (method === 'PATCH' && route.type === 'object' && route.subresource === undefined && contentType === APPLY_PATCH && query.dryRun === 'All') {
    return serveDryRunApply(state, route, query, body ?? '', response);
  }
  if (method !== 'GET') return sendStatus(response, statuses.methodNotAllowed());
  if (route.type === 'openapi') return serveOpenApi(state, url.pathname, response);
  if (route.type === 'document') return serveDocument(state, route, request.headers.accept, response);

  const representation = negotiate(request.headers.accept);
  if (representation.as === 'unacceptable') {
    return send(response, 406, { ...statuses.badRequest('only the following media types are accepted: application/json'),
      reason: 'NotAcceptable', code: 406 });
  }
  try {
    if (route.type === 'collection') serveCollection(state, route, query, representation, response);
    else serveObject(state, route, query, representation, response);
  } catch (error) {
    if (error instanceof SelectorError) return sendStatus(response, statuses.badRequest(error.message));
    throw error;
  }
}
