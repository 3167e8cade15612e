// A small Kubernetes API server for gitdiff's tests, started in-process on
// 127.0.0.1 (random port). It serves discovery, GET and LIST of built-in and
// custom kinds, shaped as a kube-apiserver 1.32 returns them (the real kubectl
// is the judge: see kubectl.test.ts beside it), with Status
// errors, bearer-token authentication and injected faults; its OpenAPI
// documents (v3 and v2, CRDs included); and server-side apply dry runs, which
// merge by the published schema, default and admit, and store nothing.
//
//   const server = await startKubeApiServer({ objects: [deployment] });
//   const kubeconfig = server.writeKubeconfig(tmpDir, { namespace: 'cache' });
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
  /** Deletes the object; one with metadata.finalizers is only marked (deletionTimestamp) and stays, as the API server keeps it. */
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): void;
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
}

export async function startKubeApiServer(options: StartOptions = {}): Promise<KubeApiServer> {
  const store = new ObjectStore();
  for (const object of options.objects ?? []) store.apply(object);
  const state: ServerState = {
    store, faults: new FaultTable(), requests: [], token: options.token, address: '', aggregatedDiscovery: options.aggregatedDiscovery ?? true,
    openApi: options.openApi ?? 'v3',
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
    remove: (apiVersion, kind, namespace, name) => store.remove(apiVersion, kind, namespace, name),
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
