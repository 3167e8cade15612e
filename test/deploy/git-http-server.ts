// A git smart-HTTP server for tests: `git http-backend` (git's own CGI program)
// behind Node's http server on 127.0.0.1, serving the repositories under a
// folder, and refusing (401) any request without the expected Authorization
// header. It records the Authorization header of every request.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHttpServer {
  url: string;
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

function serveThroughBackend(projectRoot: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const backend = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH, GIT_PROJECT_ROOT: projectRoot, GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: request.method ?? 'GET', PATH_INFO: decodeURIComponent(url.pathname), QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: request.headers['content-type'] ?? '', HTTP_CONTENT_ENCODING: request.headers['content-encoding'] ?? '',
      HTTP_GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''), REMOTE_ADDR: '127.0.0.1',
    },
  });
  request.pipe(backend.stdin);
  const output: Buffer[] = [];
  backend.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  backend.on('close', () => {
    // CGI output: header lines, a blank line, the body; "Status: 404 Not Found" sets the status.
    const all = Buffer.concat(output);
    const split = all.indexOf('\r\n\r\n');
    const headerText = all.subarray(0, split).toString('latin1');
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of headerText.split('\r\n')) {
      const [name, ...value] = line.split(':');
      if (name.toLowerCase() === 'status') status = Number.parseInt(value.join(':').trim(), 10);
      else if (name) headers[name] = value.join(':').trim();
    }
    response.writeHead(status, headers);
    response.end(all.subarray(split + 4));
  });
}

export async function startGitHttpServer(projectRoot: string, authorization: string): Promise<GitHttpServer> {
  const authorizations: (string | undefined)[] = [];
  const server = createServer((request, response) => {
    authorizations.push(request.headers.authorization);
    if (request.headers.authorization !== authorization) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      response.end();
      return;
    }
    serveThroughBackend(projectRoot, request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
