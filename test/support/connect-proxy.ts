// A small HTTP CONNECT proxy on 127.0.0.1 for tests of `proxy-url` and
// HTTPS_PROXY: it records every request it receives (method, target, headers)
// and tunnels CONNECTs to 127.0.0.1 whatever host they name, so that a
// kubeconfig can name a host only the proxy can reach (`kube.invalid`): a
// client that goes direct fails, one that goes through the proxy gets the test
// API server. Optional Basic proxy authentication, as corporate proxies ask.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** host:port of a CONNECT, or the absolute URL of a plain request. */
  target: string;
  headers: IncomingHttpHeaders;
}

export interface ConnectProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

export interface ConnectProxyOptions {
  /** `user:password` the proxy demands in Proxy-Authorization (407 otherwise). */
  credentials?: string;
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server: Server = createServer((request, response) => {
    // Plain (absolute-form) requests are not forwarded: gitdiff tunnels every request.
    requests.push({ method: request.method ?? '', target: request.url ?? '', headers: request.headers });
    response.writeHead(405, { 'Content-Type': 'text/plain' }).end('this test proxy only tunnels (CONNECT)\n');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (request, clientSocket, head) => {
    requests.push({ method: 'CONNECT', target: request.url ?? '', headers: request.headers });
    const expected = options.credentials && `Basic ${Buffer.from(options.credentials).toString('base64')}`;
    if (expected && request.headers['proxy-authorization'] !== expected) {
      clientSocket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const port = Number((request.url ?? '').split(':').pop());
    const upstream = net.connect(port, '127.0.0.1', () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
