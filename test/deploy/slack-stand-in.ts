// A stand-in for Slack's incoming webhook: Alertmanager POSTs its message here
// (JSON: text and attachments, as to hooks.slack.com) and the test reads what
// it received. Answers `ok` like Slack, so Alertmanager does not retry.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SlackAttachment {
  title?: string;
  title_link?: string;
  text?: string;
  fallback?: string;
  color?: string;
}

export interface SlackMessage {
  text?: string;
  attachments?: SlackAttachment[];
}

export interface SlackStandIn {
  /** The webhook URL to give Alertmanager as api_url. */
  url: string;
  messages: SlackMessage[];
  /** Waits until `count` messages arrived, at most `timeoutMs`; returns them all. */
  waitForMessages: (count: number, timeoutMs: number) => Promise<SlackMessage[]>;
  close: () => Promise<void>;
}

export async function startSlackStandIn(): Promise<SlackStandIn> {
  const messages: SlackMessage[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST') messages.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackMessage);
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    messages,
    async waitForMessages(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count && Date.now() < deadline) await sleep(100);
      return messages;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
