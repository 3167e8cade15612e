// A local HTTP receiver for webhook tests: records every request (headers,
// JSON body, when) and answers each as the test scripts it (a status, headers,
// a delay), so retries, Retry-After and slow receivers can be shown for real.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, for "the secret is nowhere in it". */
  text: string;
  body: any;
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow receiver). */
  delayMs?: number;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedRequest[];
  /** Resolves once `count` requests have arrived (at most `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (`port` 0: a free one); `answer(n)` says how to answer the n-th request (0-based). */
export async function startReceiver(answer: (index: number) => Answer = () => ({ status: 204 }), port = 0): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const open = new Set<ServerResponse>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const index = received.length;
      received.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, text, body, at: Date.now() });
      const { status, headers = {}, delayMs = 0 } = answer(index);
      open.add(response);
      if (delayMs > 0) await sleep(delayMs);
      if (!response.destroyed) response.writeHead(status, headers).end();
      open.delete(response);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/hook`,
    port: bound,
    received,
    waitFor: async (count, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} webhook requests; got ${received.length}`);
        await sleep(20);
      }
      return received;
    },
    close: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

