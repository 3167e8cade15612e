// gitdiff kube under API server faults, as a process against the local test
// API server: what cannot be read ends as exit 2 naming the object and the
// server, the report still shows what could be checked, reads are retried with
// backoff (honouring Retry-After), and the whole run has a deadline. Never exit
// 0 or 1 in a fault case that persists.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGitdiff, type CliResult } from '../support/run-cli.js';
import { startKubeApiServer, type Fault, type KubeApiServer, type StartOptions } from '../../tools/kube-api-server/index.js';

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app' }, data: { key: name } });
const objects = [
  configMap('settings'),
  configMap('features'),
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'app' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'app' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
];

/** The requests each kind of read goes to: discovery of a group-version, a GET of one object, a LIST of two. */
const READS = {
  discovery: '/apis/apps/v1',
  get: '/apis/apps/v1/namespaces/app/deployments/web',
  list: '/api/v1/namespaces/app/configmaps',
} as const;
/** What the summary says when that read fails: the objects behind it are errors, the rest are checked. */
const SUMMARY_WHEN_FAILED = { discovery: /^1 error, 3 in sync \(4 objects/m, get: /^1 error, 3 in sync \(4 objects/m, list: /^2 errors, 2 in sync \(4 objects/m };

let dir: string;
let manifests: string;
const servers: KubeApiServer[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-faults-'));
  manifests = path.join(dir, 'app.yaml');
  writeFileSync(manifests, objects.map((object) => dump(object)).join('---\n'));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** A fresh server (so tests can run side by side) holding the declared objects, with these faults. */
async function serverWith(faults: Fault[], options: StartOptions = {}): Promise<KubeApiServer> {
  const server = await startKubeApiServer({ objects, ...options });
  servers.push(server);
  for (const fault of faults) server.addFault(fault);
  return server;
}

async function gitdiffAgainst(server: KubeApiServer, args: string[] = [], kubeconfigOptions = {}): Promise<CliResult> {
  const kubeconfig = server.writeKubeconfig(mkdtempSync(path.join(dir, 'kc-')), kubeconfigOptions);
  return runGitdiff(['kube', manifests, '--kubeconfig', kubeconfig, ...args]);
}

/** Every fault case: exit 2, the failure named with the server, the report of the rest printed, no stack trace. */
function expectCouldNotTell(result: CliResult, server: KubeApiServer, summary: RegExp, message: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toMatch(summary);
  const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('gitdiff: error:'));
  expect(errorLines.length).toBeGreaterThan(0);
  expect(errorLines.some((line) => line.includes(server.url) && message.test(line)), result.stderr).toBe(true);
  // Each error names what could not be checked: the object (or the first of several), then the server;
  // a server never reached at all is the run's one error, and names the server alone.
  for (const line of errorLines) expect(line).toMatch(/^gitdiff: error: ((apps\/v1 Deployment app\/web|v1 Service app\/web|v1 ConfigMap app\/\w+( and \d+ more)?): )?(server|cannot reach server) /);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe.concurrent('a fault that persists ends in exit 2 with the rest of the report', () => {
  const persistent: [string, Omit<Fault, 'path'>, RegExp][] = [
    ['500', { status: 500 }, /failed with HTTP 500.* \(4 attempts\)$/],
    ['a connection reset mid-body', { action: 'reset' }, /connection reset \(4 attempts\)$/],
    ['a hang, cut by --request-timeout', { action: 'hang' }, /no answer to GET \S+ within 1 s \(4 attempts\)$/],
  ];
  const cases = persistent.flatMap(([fault, shape, message]) =>
    (Object.keys(READS) as (keyof typeof READS)[]).map((read) => [fault, read, shape, message] as const));

  it.each(cases)('%s on %s', async (_fault, read, shape, message) => {
    const server = await serverWith([{ path: READS[read], ...shape }]);
    // --request-timeout bounds a whole answer: short enough for the hang, long enough for a loaded machine's other answers.
    const result = await gitdiffAgainst(server, ['--request-timeout', '1s']);
    expectCouldNotTell(result, server, SUMMARY_WHEN_FAILED[read], message);
  });

  it.each([
    ['503 with Retry-After', { status: 503, retryAfterSeconds: 1 }, /failed with HTTP 503.* \(4 attempts\)$/],
    ['429 with Retry-After', { status: 429, retryAfterSeconds: 1 }, /too many requests \(429\) for get deployments\.apps "web" in namespace "app"; it asked to retry after 1 s \(4 attempts\)$/],
    ['a truncated JSON body', { action: 'truncate' }, /returned a body that is not JSON \(cut short\?\) \(4 attempts\)$/],
  ] as const)('%s on a GET', async (_fault, shape, message) => {
    const server = await serverWith([{ path: READS.get, ...shape }]);
    expectCouldNotTell(await gitdiffAgainst(server), server, SUMMARY_WHEN_FAILED.get, message);
  });

  it('does not retry what another attempt cannot fix: 401 from an expired token, 403, a long Retry-After', async () => {
    const service = '/api/v1/namespaces/app/services/web';
    const server = await serverWith([
      { path: READS.get, status: 401 },
      { path: service, status: 403 },
      { path: READS.list, status: 429, retryAfterSeconds: 600 },
    ]);
    const result = await gitdiffAgainst(server);
    expectCouldNotTell(result, server, /^4 errors, 0 in sync/m, /unauthorized \(401\): the credentials of context "gitdiff-test" were rejected$/);
    expect(result.stderr).toMatch(/hint: the token or certificate may have expired/);
    expect(result.stderr).toMatch(/forbidden \(403\): cannot get services "web" in namespace "app"/);
    expect(result.stderr).toMatch(/too many requests \(429\) for list configmaps in namespace "app"; it asked to retry after 600 s$/m);
    expect(result.stderr).not.toMatch(/attempts\)/);
    for (const faulty of [READS.get, service, READS.list]) expect(server.requests.filter((request) => request.path === faulty)).toHaveLength(1);
  });

  it('names an untrusted TLS certificate, without retrying', async () => {
    const server = await serverWith([], { tls: true });
    const result = await gitdiffAgainst(server, [], { certificateAuthority: null });
    // A server never reached is one run-level error; the objects are counted as not checked (kube-noise.e2e.test.ts).
    expectCouldNotTell(result, server, /^4 unchecked, 1 error, 0 in sync/m, /server https:\/\/127\.0\.0\.1:\d+: TLS certificate not trusted: it is self-signed$/);
    expect(result.stderr).toContain("hint: the kubeconfig's certificate-authority must have signed the server's certificate");
    expect(server.requests).toHaveLength(0); // the handshake failed: no request reached the server
  });
});

describe.concurrent('a fault that passes is retried away', () => {
  it.each([
    ['503 with Retry-After', { status: 503, retryAfterSeconds: 1, times: 2 }, /GET \/apis\/apps\/v1\/namespaces\/app\/deployments\/web failed \(HTTP 503 \(Retry-After 1\)\); attempt 2 of 4 in 1000 ms/],
    ['429 with Retry-After', { status: 429, retryAfterSeconds: 1, times: 1 }, /failed \(HTTP 429 \(Retry-After 1\)\); attempt 2 of 4 in 1000 ms/],
    ['a connection reset mid-body', { action: 'reset', times: 2 }, /failed \(cannot reach server \S+: connection reset\); attempt 3 of 4 in \d+ ms/],
    ['a truncated JSON body', { action: 'truncate', times: 3 }, /failed \(.*not JSON \(cut short\?\)\); attempt 4 of 4 in \d+ ms/],
    ['a 500 on discovery', { path: READS.discovery, status: 500, times: 1 }, /GET \/apis\/apps\/v1 failed \(HTTP 500\); attempt 2 of 4/],
    ['a reset LIST', { path: READS.list, action: 'reset', times: 1 }, /GET \/api\/v1\/namespaces\/app\/configmaps\?limit=500 failed/],
  ] as [string, Omit<Fault, 'path'> & { path?: string }, RegExp][])('%s: in sync, exit 0, the retries in the --debug log', async (_fault, shape, logged) => {
    const server = await serverWith([{ path: READS.get, ...shape }]);
    const result = await gitdiffAgainst(server, ['--debug']);
    expect(result.stdout).toMatch(/^4 in sync \(4 objects/m);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(logged);
    expect(result.stderr).not.toContain('gitdiff: error');
  });
});

describe('the whole run has a deadline', () => {
  it('gives up after --timeout on a server that never answers, naming the deadline, with the report', async () => {
    const server = await serverWith([{ path: /.*/, action: 'hang' }]);
    const result = await gitdiffAgainst(server, ['--request-timeout', '0', '--timeout', '1500ms']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: .*gave up after --timeout 1500ms: the run took too long$/m);
    expect(result.stderr).toContain('hint: raise --timeout (0 for no limit)');
    expect(result.stdout).toMatch(/^4 errors, 0 in sync/m);
  });

  it('refuses a --timeout that is not a duration before doing anything', async () => {
    const server = await serverWith([]);
    const result = await gitdiffAgainst(server, ['--timeout', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: --timeout: invalid duration "soon"$/m);
    expect(server.requests).toHaveLength(0);
  });
});

describe.concurrent('--debug logs requests, never credentials', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.gitdiff-test-token-5f8d1c';

  it('keeps the bearer token out of the log, the errors and the report', async () => {
    // Over TLS: gitdiff, like kubectl, sends credentials to no plain-http server.
    const server = await serverWith([{ path: READS.get, status: 503, retryAfterSeconds: 0, times: 1 }, { path: READS.list, status: 500 }], { token, tls: true });
    const result = await gitdiffAgainst(server, ['--debug', '-v'], { token });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^debug: GET \/api\/v1 -> 200/m);
    expect(server.requests.every((request) => request.headers.authorization === `Bearer ${token}`)).toBe(true);
    const output = result.stdout + result.stderr;
    expect(output).not.toContain(token);
    expect(output).not.toContain('gitdiff-test-token');
    expect(output).not.toMatch(/bearer|authorization/i);
  });

  it('moves credentials written into the server URL to basic auth, and never prints them', async () => {
    const server = await serverWith([{ path: READS.get, status: 500 }], { tls: true });
    const kubeconfig = server.writeKubeconfig(mkdtempSync(path.join(dir, 'kc-')));
    const withUserinfo = path.join(path.dirname(kubeconfig), 'userinfo');
    writeFileSync(withUserinfo, readFileSync(kubeconfig, 'utf8').replace('https://', 'https://admin:hunter2-url-secret@'));
    const result = await runGitdiff(['kube', manifests, '--kubeconfig', withUserinfo, '--debug']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`server ${server.url}:`);
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('admin:hunter2-url-secret').toString('base64')}`);
    expect(result.stdout + result.stderr).not.toMatch(/hunter2|admin:|authorization|basic /i);
  });
});
