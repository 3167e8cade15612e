// The HTTP side of serve: six read-only routes, GET and HEAD only.
//   /             the status page (HTML)
//   /api/checks   the same as JSON
//   /api/checks/NAME/history?limit=N&before=ID   a check's drift events, newest first
//   /metrics      Prometheus exposition
//   /healthz      liveness: the process answers
//   /readyz       readiness: every check has finished its first run (see docs/serve.md)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GitdiffError, messageOf } from '../errors.js';
import { apiJson, historyJson, type ServeView } from './api.js';
import type { HistoryPage } from './history/store.js';
import { renderPage } from './page.js';
import { PAGE_STYLE_HASH } from './page-style.js';

export interface Routes {
  view(): ServeView;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Undefined when ready; otherwise why not, for the 503 body. */
  notReady(): string | undefined;
  /** A check's events; undefined when no check has that name. */
  history?(check: string, page: { before?: number; limit: number }): { kept: boolean; page: HistoryPage } | undefined;
}

/** Events per page of /api/checks/NAME/history: 50 unless ?limit= says otherwise, never more than 500. */
const HISTORY_PAGE = { default: 50, max: 500 };
const HISTORY_PATH = /^\/api\/checks\/([^/]+)\/history$/;

export interface ListenAddress {
  host: string;
  port: number;
}

/** `127.0.0.1:9720`, `[::1]:9720`, `0.0.0.0:9720`; the host is required, so exposing the page is always a decision. */
export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new GitdiffError(`--listen ${text}: expected HOST:PORT`, { hint: 'e.g. --listen 127.0.0.1:9720, or 0.0.0.0:9720 to listen on every interface (see docs/serve.md)' });
  }
  return { host: match[1] ?? match[2], port };
}

const SECURITY_HEADERS = {
  // The page is self-contained: its one inline style block, no scripts, no remote anything, no framing.
  'Content-Security-Policy': `default-src 'none'; style-src ${PAGE_STYLE_HASH}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

type Reply = { status: number; contentType: string; body: string; headers?: Record<string, string> };

const text = (status: number, body: string): Reply => ({ status, contentType: 'text/plain; charset=utf-8', body });
const json = (status: number, body: string): Reply => ({ status, contentType: 'application/json; charset=utf-8', body });
const jsonError = (status: number, error: string): Reply => json(status, JSON.stringify({ error }) + '\n');

/** `?limit=N&before=ID`, checked: a reader's typo is a 400 naming the parameter, never a silently different page. */
function historyQuery(query: URLSearchParams): { before?: number; limit: number } | string {
  for (const name of query.keys()) if (name !== 'limit' && name !== 'before') return `unknown parameter ${name} (use limit and before)`;
  const limitText = query.get('limit');
  const beforeText = query.get('before');
  const limit = limitText === null ? HISTORY_PAGE.default : /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= HISTORY_PAGE.max)) return `limit must be a whole number from 1 to ${HISTORY_PAGE.max}`;
  if (beforeText === null) return { limit };
  const before = /^\d{1,15}$/.test(beforeText) ? Number(beforeText) : NaN;
  if (!(before >= 1)) return 'before must be an event id (a whole number from 1), as `next` gives it';
  return { before, limit };
}

function historyRoute(routes: Routes, encodedName: string, query: URLSearchParams): Reply {
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    return jsonError(400, 'bad check name in the path');
  }
  const page = historyQuery(query);
  if (typeof page === 'string') return jsonError(400, page);
  const found = routes.history?.(name, page);
  if (!found) return jsonError(404, `no check named ${name}`);
  return json(200, historyJson(name, found.kept, found.page));
}

async function route(routes: Routes, { pathname, searchParams }: URL): Promise<Reply> {
  const history = HISTORY_PATH.exec(pathname);
  if (history) return historyRoute(routes, history[1], searchParams);
  switch (pathname) {
    case '/':
      return { status: 200, contentType: 'text/html; charset=utf-8', body: renderPage(routes.view()) };
    case '/api/checks':
      return { status: 200, contentType: 'application/json; charset=utf-8', body: apiJson(routes.view()) };
    case '/metrics': {
      const { contentType, body } = await routes.metrics();
      return { status: 200, contentType, body };
    }
    case '/healthz':
      return text(200, 'ok\n');
    case '/readyz': {
      const reason = routes.notReady();
      return reason === undefined ? text(200, 'ready\n') : text(503, `not ready: ${reason}\n`);
    }
    default:
      return text(404, `not found: ${pathname} (try /, /api/checks, /api/checks/NAME/history, /metrics, /healthz, /readyz)\n`);
  }
}

/** The request's URL; a target no URL parser accepts (`GET http://[::1`) is answered 400, never thrown. */
function urlOf(request: IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

async function replyTo(routes: Routes, request: IncomingMessage): Promise<Reply> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return { ...text(405, 'only GET and HEAD\n'), headers: { Allow: 'GET, HEAD' } };
  const url = urlOf(request);
  if (url === undefined) return text(400, 'bad request target\n');
  try {
    return await route(routes, url);
  } catch (error) {
    return text(500, `gitdiff serve: ${messageOf(error)}\n`);
  }
}

async function handle(routes: Routes, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const reply = await replyTo(routes, request);
  response.writeHead(reply.status, {
    ...SECURITY_HEADERS,
    ...reply.headers,
    'Content-Type': reply.contentType,
    'Content-Length': Buffer.byteLength(reply.body),
  });
  response.end(request.method === 'HEAD' ? undefined : reply.body);
}

export interface HttpServer {
  /** The address actually bound (port 0 picks a free one). */
  address: ListenAddress;
  close(): Promise<void>;
}

export async function startHttpServer(address: ListenAddress, routes: Routes): Promise<HttpServer> {
  // Anyone who can reach the port can send anything: no request, however malformed, may stop the
  // process. A failure while answering ends that one connection; an unparsable request gets a 400.
  const server: Server = createServer((request, response) => {
    handle(routes, request, response).catch(() => response.destroy());
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable && !socket.writableEnded) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  // Scrapes and page loads are short; an idle keep-alive connection must not hold up shutdown.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the address is in use' : error.code === 'EADDRNOTAVAIL' ? 'no such local address' : error.code === 'EACCES' ? 'permission denied' : messageOf(error);
      reject(new GitdiffError(`cannot listen on ${address.host}:${address.port}: ${why}`, { hint: 'choose another address with --listen HOST:PORT' }));
    });
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    address: { host: bound.address, port: bound.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
