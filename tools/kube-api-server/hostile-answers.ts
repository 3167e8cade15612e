// Answers a broken or hostile API server might give, as `respond` functions for
// faults (faults.ts): LIST pages whose `continue` token repeats or never ends,
// a body of hundreds of MB (streamed, never built in memory), a body dripped a
// byte at a time, and any JSON a test makes up (items of another namespace or
// kind, names with control characters). gitdiff must treat each as untrusted
// input: exit 2 with a clear error, within bounded memory and time.
import type { ServerResponse } from 'node:http';
import type { Responder } from './faults.js';

type Json = Record<string, unknown>;

/** A 200 with the JSON `body` builds for the request's query. */
export function jsonAnswer(body: (query: Record<string, string>) => Json): Responder {
  return async (response, query) => {
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body(query)));
  };
}

/** A 200 with `text` as its body, as it is (JSON too deep for JSON.stringify to write). */
export function textAnswer(text: string): Responder {
  return async (response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(text);
  };
}

/** A ConfigMap as a LIST item (no apiVersion/kind, as the server sends built-in kinds). */
export function configMapItem(name: string, namespace: string, data: Record<string, string> = { key: name }): Json {
  return { metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: '1' }, data };
}

/** Every page holds the same items and asks for the same next page: a paging loop. */
export function repeatingContinue(items: Json[]): Responder {
  return jsonAnswer(() => ({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '1', continue: 'the-same-page' }, items }));
}

/** Every page holds `perPage` new items and a new token: a LIST that never ends. */
export function endlessContinue(namespace: string, perPage: number, dataBytes = 100): Responder {
  let page = 0;
  return jsonAnswer(() => {
    page += 1;
    const items = Array.from({ length: perPage }, (_, index) => configMapItem(`page-${page}-item-${index}`, namespace, { filler: 'x'.repeat(dataBytes) }));
    return { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '1', continue: `page-${page + 1}` }, items };
  });
}

/** Writes `chunk`, waiting for the client to take it; false once the client has gone. */
function write(response: ServerResponse, chunk: string): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  if (response.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (open: boolean) => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(open);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/**
 * A valid ConfigMapList of about `totalBytes`, chunked (no Content-Length), made
 * of 1 KB items produced as the client reads them: the server never holds it.
 */
export function hugeList(namespace: string, totalBytes: number): Responder {
  return async (response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    if (!(await write(response, '{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":['))) return;
    const filler = 'x'.repeat(1000);
    let sent = 0;
    for (let index = 0; sent < totalBytes; index++) {
      const batch: string[] = [];
      for (let n = 0; n < 64; n++, index++) batch.push(JSON.stringify(configMapItem(`filler-${index}`, namespace, { filler })));
      const chunk = `${sent === 0 ? '' : ','}${batch.join(',')}`;
      sent += chunk.length;
      if (!(await write(response, chunk))) return;
    }
    response.end(']}');
  };
}

/** Headers at once, then the body one byte every `intervalMs`, never finished: only a deadline on the whole answer ends it. */
export function drip(intervalMs: number): Responder {
  return async (response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.write('{');
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (response.destroyed) return;
        response.write(' ');
      }, intervalMs);
      response.once('close', () => {
        clearInterval(timer);
        resolve();
      });
    });
  };
}
