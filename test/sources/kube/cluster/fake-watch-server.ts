// A tiny API server whose WATCH answers the test writes byte by byte: lines
// split across chunks, a 410 ERROR, bookmarks, a socket cut mid-line, an event
// from another namespace, a line that never ends. Discovery of core/v1
// (ConfigMaps, Secrets) and LISTs of what `objects` holds, at `resourceVersion`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import type { Connection } from '../../../../src/sources/kube/cluster/connect.js';

export interface OpenWatch {
  url: URL;
  response: ServerResponse;
  /** Writes these bytes as one chunk. */
  write(text: string | Buffer): void;
  /** One event as one line. */
  send(type: string, object: object): void;
  end(): void;
  /** Cuts the connection without ending the body. */
  cut(): void;
}

export interface FakeWatchServer {
  url: string;
  requests: URL[];
  /** The objects LISTs answer with, by collection path. */
  objects: Map<string, object[]>;
  resourceVersion: string;
  /** Answers a LIST with this status (and a Status body) instead, by collection path. */
  refuse: Map<string, number>;
  /** The next WATCH, once it is open. */
  nextWatch(): Promise<OpenWatch>;
  /** WATCHes are answered with this status instead of 200, while set; after those queued here, one each. */
  watchStatus?: number;
  watchStatuses: number[];
  /** WATCHes get no answer at all, not even headers, while set. */
  hangWatches?: boolean;
  connection(): Connection;
  close(): Promise<void>;
}

const DISCOVERY = {
  kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1',
  resources: [
    { name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: ['get', 'list', 'watch'] },
    { name: 'secrets', namespaced: true, kind: 'Secret', verbs: ['get', 'list', 'watch'] },
    { name: 'namespaces', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'] },
  ],
};

export function configMap(namespace: string, name: string, resourceVersion: string, data: Record<string, string> = {}, extra: object = {}): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, resourceVersion }, data, ...extra };
}

export async function startFakeWatchServer(): Promise<FakeWatchServer> {
  const waiting: ((watch: OpenWatch) => void)[] = [];
  const opened: OpenWatch[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const state: Omit<FakeWatchServer, 'url' | 'close' | 'connection'> = {
    requests: [],
    objects: new Map(),
    resourceVersion: '100',
    refuse: new Map(),
    watchStatuses: [],
    nextWatch: () => new Promise<OpenWatch>((resolve) => {
      const ready = opened.shift();
      if (ready) resolve(ready);
      else waiting.push(resolve);
    }),
  };
  const json = (response: ServerResponse, status: number, body: object) => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    state.requests.push(url);
    if (url.pathname === '/api/v1') return json(response, 200, DISCOVERY);
    if (url.searchParams.get('watch') === '1') {
      if (state.hangWatches) return;
      const status = state.watchStatuses.shift() ?? state.watchStatus;
      if (status !== undefined) {
        return json(response, status, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: status, reason: status === 410 ? 'Expired' : 'Forbidden', message: 'watch refused' });
      }
      response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      response.flushHeaders();
      const watch: OpenWatch = {
        url,
        response,
        write: (text) => response.write(text),
        send: (type, object) => response.write(`${JSON.stringify({ type, object })}\n`),
        end: () => response.end(),
        cut: () => response.socket?.destroy(),
      };
      const resolve = waiting.shift();
      if (resolve) resolve(watch);
      else opened.push(watch);
      return;
    }
    const refused = state.refuse.get(url.pathname);
    if (refused) return json(response, refused, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: refused, message: 'refused by the test' });
    const collection = url.pathname.slice(0, url.pathname.lastIndexOf('/'));
    const named = state.objects.get(collection)?.find((item) => (item as { metadata: { name: string } }).metadata.name === url.pathname.slice(collection.length + 1));
    if (named && !state.refuse.has(url.pathname)) return json(response, 200, named);
    const items = state.objects.get(url.pathname);
    if (!items) return json(response, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' });
    return json(response, 200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: state.resourceVersion }, items });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url,
    connection: (): Connection => ({ server: url, namespace: 'default', contextName: 'fake', headers: {}, agent: new http.Agent({ keepAlive: true }) }),
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  });
}
