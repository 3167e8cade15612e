// The test API server's injected faults, seen from a plain HTTP client: each
// breaks a response the way the network or a dying server would, so the
// end-to-end fault tests exercise what they claim to.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';

const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'app' }, data: { key: 'x'.repeat(2000) } };
const objectPath = '/api/v1/namespaces/app/configmaps/settings';

let server: KubeApiServer;

beforeAll(async () => {
  server = await startKubeApiServer({ objects: [configMap] });
});

afterAll(async () => {
  await server.close();
});

/** A GET that reports what arrived: status, declared length, bytes received, and how it ended. */
function rawGet(url: string): Promise<{ status?: number; declaredLength?: number; received: number; ended: 'end' | 'error' }> {
  return new Promise((resolve) => {
    let received = 0;
    const request = http.get(url, (response) => {
      const declaredLength = Number(response.headers['content-length']);
      response.on('data', (chunk: Buffer) => { received += chunk.length; });
      response.on('end', () => resolve({ status: response.statusCode, declaredLength, received, ended: 'end' }));
      response.on('error', () => resolve({ status: response.statusCode, declaredLength, received, ended: 'error' }));
    });
    request.on('error', () => resolve({ received, ended: 'error' }));
  });
}

describe('injected faults', () => {
  it('reset: the headers and half the body, then the connection is cut', async () => {
    const whole = await rawGet(`${server.url}${objectPath}`);
    server.addFault({ path: objectPath, action: 'reset', times: 1 });
    const cut = await rawGet(`${server.url}${objectPath}`);
    expect(cut).toMatchObject({ status: 200, ended: 'error' });
    expect(cut.declaredLength).toBe(whole.received);
    expect(cut.received).toBeLessThan(whole.received);
  });

  it('truncate: a clean 200 whose JSON stops half-way', async () => {
    const whole = await (await fetch(`${server.url}${objectPath}`)).text();
    server.addFault({ path: objectPath, action: 'truncate', times: 1 });
    const response = await fetch(`${server.url}${objectPath}`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toBe(whole.slice(0, Math.floor(whole.length / 2)));
    expect(() => JSON.parse(text)).toThrow();
  });

  it('hang: no answer, until the client gives up', async () => {
    server.addFault({ path: objectPath, action: 'hang', times: 1 });
    await expect(fetch(`${server.url}${objectPath}`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/aborted|timeout/i);
    expect((await fetch(`${server.url}${objectPath}`)).status).toBe(200);
  });

  it('status: the code, its Status body and Retry-After', async () => {
    server.addFault({ path: objectPath, status: 503, retryAfterSeconds: 7, times: 1 });
    const response = await fetch(`${server.url}${objectPath}`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toMatchObject({ kind: 'Status', code: 503 });
  });

  it('TLS: a client without the CA refuses the self-signed certificate', async () => {
    const tls = await startKubeApiServer({ tls: true });
    try {
      const failure = await fetch(`${tls.url}/api`).then(() => undefined, (error: Error & { cause?: { code?: string } }) => error.cause?.code);
      expect(failure).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      await tls.close();
    }
  });
});
