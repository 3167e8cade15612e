// A small Kubernetes API server for gitdiff's tests, started in-process on
// 127.0.0.1 (random port). It serves discovery, GET and LIST of built-in and
// custom kinds, shaped as a kube-apiserver 1.32 returns them (the real kubectl
// is the judge: see kubectl.test.ts and kubectl-watch.test.ts beside it), with Status
// errors, bearer-token authentication and injected faults; its OpenAPI
// documents (v3 and v2, CRDs included); server-side apply dry runs, which
// merge by the published schema, default and admit, and store nothing; and
// WATCH, as a real server streams it (watch.ts: resourceVersion, bookmarks,
// selectors, timeoutSeconds, 410 Expired from a window of recent changes kept
// per resource as the watch cache keeps it, watch-cache.ts). The tests change
// live objects through this handle, not HTTP: create, update, apply, remove, each
// a write at a new resourceVersion that open watches see; compact() forgets the
// window; dropWatches(), stallWatches() and delayWatchEvents() are the faults of
// a watch (delayMs, 'hang', a status, 'reset' or 'truncate' on the watch path are
// ordinary faults). A watch from a LIST's metadata.resourceVersion sees every
// change after that LIST: both read the one cluster-wide revision counter.
//
//   const server = await startKubeApiServer({ objects: [deployment] });
//   const kubeconfig = server.writeKubeconfig(tmpDir, { namespace: 'cache' });
//   server.update('apps/v1', 'Deployment', 'shop', 'web', (live) => { live.spec.replicas = 3; }, { manager: 'hpa' });
//   ...
//   await server.close();
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { FaultTable, type Fault } from './faults.js';
import { handleRequest, type RecordedRequest, type ServerState } from './handler.js';
import { writeKubeconfigFile, type KubeconfigOptions } from './kubeconfig.js';
import type { WriteOptions } from './materialize.js';
import { ObjectStore, type Admission } from './store.js';
import { internalError } from './status-bodies.js';
import { selfSignedCertificate } from './tls.js';
import { WatchCache } from './watch-cache.js';
import type { WatchSettings } from './watch.js';

export type { Fault } from './faults.js';
export type { RecordedRequest } from './handler.js';
export type { WriteOptions } from './materialize.js';
export type { KubeconfigOptions } from './kubeconfig.js';
export type { Admission } from './store.js';

export interface KubeApiServer {
  /** http://127.0.0.1:PORT, or https:// when started with `tls`. */
  url: string;
  /** With `tls`: the server's self-signed certificate (PEM), the CA its kubeconfigs trust. */
  caCertificate?: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Stores a manifest as a real server would (defaults, metadata, managedFields, status); returns the live object. */
  apply(manifest: object, options?: WriteOptions): object;
  /** Stores a new object as apply does; throws when it exists already (the API server's 409 AlreadyExists). */
  create(manifest: object, options?: WriteOptions): object;
  /**
   * An update (PUT) of a live object by `options.manager` (default kubectl-edit): `edit` changes the live
   * object (served form, without managedFields) in place; the server records the manager's fields, bumps
   * generation when the spec changed and the resourceVersion always. A status left as it was is recomputed
   * (the controllers catch up); a changed status stands for what a controller wrote. Throws when missing.
   */
  update(apiVersion: string, kind: string, namespace: string | undefined, name: string, edit: (live: Record<string, any>) => void,
    options?: WriteOptions): object;
  /**
   * Deletes the object; one with metadata.finalizers is only marked (deletionTimestamp) and stays, as the API
   * server keeps it. Deleting a Namespace or a CRD deletes what it held first, each at its own resourceVersion.
   */
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): void;
  /** The last resourceVersion written (what a LIST now reports). */
  resourceVersion(): string;
  /** Forgets the window of recent changes: a watch from any earlier resourceVersion gets 410 Expired. */
  compact(): void;
  /** How many watches are open now. */
  openWatches(): number;
  /** Fault: destroys every open watch's connection mid-stream; returns how many. */
  dropWatches(): number;
  /** Fault: open watches send nothing (changes wait, up to the buffer) until the returned function resumes them. */
  stallWatches(): () => void;
  /** Fault: every watch event reaches its watchers `ms` later (0 ends it). */
  delayWatchEvents(ms: number): void;
  /** The live object as the server would return it for that apiVersion, or undefined. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): object | undefined;
  addFault(fault: Fault): void;
  /**
   * A mutating admission webhook from now on: it changes every later write, dry
   * runs included, while objects already stored stay as they are (as when a
   * webhook is installed in a running cluster). Returns what removes it.
   */
  addAdmission(admission: Admission): () => void;
  /** Writes a kubeconfig pointing at this server into `dir`; returns its path. */
  writeKubeconfig(dir: string, options?: KubeconfigOptions): string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Manifests stored before the server answers (in order: put CRDs before their custom resources). */
  objects?: object[];
  /** Require `Authorization: Bearer <token>` on every request; others get 401 Unauthorized. */
  token?: string;
  /**
   * Serve https with a fresh self-signed certificate (needs the openssl CLI). kubectl only
   * sends kubeconfig credentials over TLS; gitdiff's client also sends them over http.
   */
  tls?: boolean;
  /**
   * Answer /api and /apis in the aggregated discovery form when a client asks (kubectl 1.32
   * does), as a 1.32 server does; default true. False serves only the per-group documents.
   */
  aggregatedDiscovery?: boolean;
  /** The OpenAPI documents served: 'v3' (with v2 too, as 1.24+ does; the default), 'v2' only, or false for none. */
  openApi?: 'v3' | 'v2' | false;
  /** Changes remembered per resource for watches from an older resourceVersion; default 500. */
  watchWindow?: number;
  /** How often a watch with allowWatchBookmarks gets a BOOKMARK; default 1000 ms (a real server: about 60 s). */
  bookmarkIntervalMs?: number;
  /** Events that may wait for a slow watch client before the server ends its watch; default 100. */
  watchBufferEvents?: number;
  /** A watch without timeoutSeconds ends after a random 1-2x this; default 1800 (kube-apiserver's --min-request-timeout). */
  minRequestTimeoutSeconds?: number;
}

export async function startKubeApiServer(options: StartOptions = {}): Promise<KubeApiServer> {
  const store = new ObjectStore();
  for (const object of options.objects ?? []) store.apply(object);
  // The watch cache is filled when the server starts: a watch from before then gets 410, as after a restart.
  const watches = new WatchCache(options.watchWindow ?? 500, store.currentRevision);
  store.onChange = (change) => watches.record(change);
  const watchSettings: WatchSettings = {
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000, bufferEvents: options.watchBufferEvents ?? 100,
    minRequestTimeoutSeconds: options.minRequestTimeoutSeconds ?? 1800, delayMs: 0, stalled: false,
  };
  const state: ServerState = {
    store, faults: new FaultTable(), requests: [], token: options.token, address: '', aggregatedDiscovery: options.aggregatedDiscovery ?? true,
    openApi: options.openApi ?? 'v3', watches, watchSettings,
  };
  const certificate = options.tls ? await selfSignedCertificate() : undefined;
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    handleRequest(state, request, response).catch((error: unknown) => {
      // A bug in the test server must show as a 500 naming it, never as a hang.
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(internalError(`test API server: ${String((error as Error)?.stack ?? error)}`)));
    });
  };
  const server: Server = certificate ? createTlsServer(certificate, listener) : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  state.address = `127.0.0.1:${port}`;
  const url = `${certificate ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url,
    caCertificate: certificate?.cert,
    requests: state.requests,
    apply: (manifest, writeOptions) => store.apply(manifest, writeOptions),
    create: (manifest, writeOptions) => store.create(manifest, writeOptions),
    update: (apiVersion, kind, namespace, name, edit, writeOptions) => store.update(apiVersion, kind, namespace, name, edit, writeOptions),
    remove: (apiVersion, kind, namespace, name) => store.remove(apiVersion, kind, namespace, name),
    resourceVersion: () => store.resourceVersion,
    compact: () => watches.compact(store.currentRevision),
    openWatches: () => watches.open().length,
    dropWatches() {
      const open = watches.open();
      open.forEach((watch) => watch.drop());
      return open.length;
    },
    stallWatches() {
      watchSettings.stalled = true;
      return () => {
        watchSettings.stalled = false;
        watches.open().forEach((watch) => watch.resume());
      };
    },
    delayWatchEvents(ms) {
      watchSettings.delayMs = ms;
    },
    get(apiVersion, kind, namespace, name) {
      const info = store.catalog.byKind(apiVersion, kind);
      const object = info && store.find(info, info.namespaced ? namespace ?? 'default' : undefined, name);
      return info && object ? store.served(info, object) : undefined;
    },
    addFault: (fault) => state.faults.add(fault),
    addAdmission(admission) {
      store.admissions.push(admission);
      return () => store.admissions.splice(store.admissions.indexOf(admission), 1);
    },
    writeKubeconfig: (dir, kubeconfigOptions) => writeKubeconfigFile(dir, url, { certificateAuthority: certificate?.cert, ...kubeconfigOptions }),
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
