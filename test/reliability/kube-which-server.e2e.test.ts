// Which cluster, which server: gitdiff must check the cluster kubectl would
// talk to, through the proxy kubectl would use, and must send credentials only
// where kubectl would. Each case runs bin/gitdiff as a process against local
// test API servers, and where kubectl has an answer (which server a KUBECONFIG
// list means, whether a proxy is used) the real kubectl is asked the same
// question on the same files and gitdiff must agree with it.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGitdiff } from '../support/run-cli.js';
import { itWith } from '../support/binaries.js';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';

const settings = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'app' }, data: { mode: 'declared' } };
const drifted = { ...settings, data: { mode: 'drifted' } };
const TOKEN = 'which-server-token-7c1e9a';

let dir: string;
let manifest: string;
/** `inSync` holds the declared object, `diverged` a changed one: the exit code says which one gitdiff read. */
let inSync: KubeApiServer;
let diverged: KubeApiServer;
let tlsServer: KubeApiServer;
let proxy: ConnectProxy;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-which-'));
  manifest = path.join(dir, 'settings.yaml');
  writeFileSync(manifest, dump(settings));
  [inSync, diverged, tlsServer, proxy] = await Promise.all([
    startKubeApiServer({ objects: [settings] }),
    startKubeApiServer({ objects: [drifted] }),
    startKubeApiServer({ objects: [drifted], tls: true, token: TOKEN }),
    startConnectProxy(),
  ]);
});

afterAll(async () => {
  await Promise.all([inSync?.close(), diverged?.close(), tlsServer?.close(), proxy?.close()]);
});

type Entry = { name: string; [key: string]: unknown };
interface KubeconfigShape { currentContext?: string; clusters?: Entry[]; users?: Entry[]; contexts?: Entry[] }

let written = 0;
function kubeconfigFile(shape: KubeconfigShape, folder = dir): string {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `kubeconfig-${written++}.yaml`);
  writeFileSync(file, dump({
    apiVersion: 'v1', kind: 'Config',
    ...(shape.currentContext !== undefined ? { 'current-context': shape.currentContext } : {}),
    clusters: shape.clusters ?? [], users: shape.users ?? [], contexts: shape.contexts ?? [],
  }));
  return file;
}
const cluster = (name: string, server: string, extra: object = {}): Entry => ({ name, cluster: { server, ...extra } });
const context = (name: string, clusterName: string, user?: string): Entry => ({ name, context: { cluster: clusterName, ...(user ? { user } : {}) } });

/** The server kubectl would talk to with this environment: its own answer, from the same files. */
function kubectlServer(env: NodeJS.ProcessEnv, args: string[] = []): string {
  const result = spawnSync('kubectl', ['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}', ...args], {
    encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, ...env },
  });
  return result.status === 0 ? result.stdout.trim() : `kubectl failed: ${result.stderr.trim()}`;
}

function requestsTo(server: KubeApiServer): number {
  return server.requests.length;
}

describe('KUBECONFIG with several files merges as kubectl merges it', () => {
  const kubectlIt = itWith(['kubectl'], 'https://kubernetes.io/docs/tasks/tools/');

  kubectlIt.each([
    ['the first file to set current-context wins', () => {
      const first = kubeconfigFile({ currentContext: 'a', clusters: [cluster('a', inSync.url)], contexts: [context('a', 'a')] });
      const second = kubeconfigFile({ currentContext: 'b', clusters: [cluster('b', diverged.url)], contexts: [context('b', 'b')] });
      return [first, second];
    }],
    ['the first definition of a cluster name wins, whichever file sets current-context', () => {
      const first = kubeconfigFile({ clusters: [cluster('shared', inSync.url)] });
      const second = kubeconfigFile({ currentContext: 'main', clusters: [cluster('shared', diverged.url)], contexts: [context('main', 'shared')] });
      return [first, second];
    }],
    ['the first definition of a context name wins', () => {
      const first = kubeconfigFile({ clusters: [cluster('one', inSync.url)], contexts: [context('main', 'one')] });
      const second = kubeconfigFile({ currentContext: 'main', clusters: [cluster('two', diverged.url)], contexts: [context('main', 'two')] });
      return [first, second];
    }],
    ['missing files are skipped, and a file listed twice counts once', () => {
      const only = kubeconfigFile({ currentContext: 'a', clusters: [cluster('a', inSync.url)], contexts: [context('a', 'a')] });
      const other = kubeconfigFile({ currentContext: 'b', clusters: [cluster('b', diverged.url)], contexts: [context('b', 'b')] });
      return [path.join(dir, 'no-such-kubeconfig'), only, '', other, only];
    }],
  ])('%s: gitdiff checks the server kubectl would', async (_name, files) => {
    const KUBECONFIG = files().join(path.delimiter);
    const expected = kubectlServer({ KUBECONFIG });
    expect([inSync.url, diverged.url]).toContain(expected);
    const before = [requestsTo(inSync), requestsTo(diverged)];
    const result = await runGitdiff(['kube', manifest], { env: { KUBECONFIG } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(expected === inSync.url ? 0 : 1);
    // Only kubectl's server was asked anything.
    const other = expected === inSync.url ? diverged : inSync;
    expect(requestsTo(other)).toBe(before[other === inSync ? 0 : 1]);
  });

  kubectlIt('--kubeconfig means exactly that one file, with no merge', async () => {
    const listed = kubeconfigFile({ currentContext: 'a', clusters: [cluster('a', inSync.url)], contexts: [context('a', 'a')] });
    const named = kubeconfigFile({ clusters: [cluster('b', diverged.url)], contexts: [context('b', 'b')], currentContext: 'b' });
    expect(kubectlServer({ KUBECONFIG: listed }, ['--kubeconfig', named])).toBe(diverged.url);
    const result = await runGitdiff(['kube', manifest, '--kubeconfig', named], { env: { KUBECONFIG: listed } });
    expect(result.code).toBe(1);
  });

  it('resolves each file\'s relative paths against that file\'s own folder', async () => {
    // The CA sits beside the second file only: read against the first file's folder it would not be found.
    const second = path.join(dir, 'second-folder');
    mkdirSync(second, { recursive: true });
    writeFileSync(path.join(second, 'ca.pem'), tlsServer.caCertificate!);
    const first = kubeconfigFile({ clusters: [cluster('elsewhere', inSync.url)] }, path.join(dir, 'first-folder'));
    const withCa = kubeconfigFile({
      currentContext: 'tls', clusters: [cluster('tls', tlsServer.url, { 'certificate-authority': 'ca.pem' })],
      users: [{ name: 'u', user: { token: TOKEN } }], contexts: [context('tls', 'tls', 'u')],
    }, second);
    const result = await runGitdiff(['kube', manifest], { env: { KUBECONFIG: [first, withCa].join(path.delimiter) } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
  });
});

describe('credentials go only over TLS, and only to the configured server', () => {
  it('refuses to send a token over plain http (kubectl sends none): exit 2, and the server never sees it', async () => {
    const config = kubeconfigFile({
      currentContext: 'plain', clusters: [cluster('plain', inSync.url)], users: [{ name: 'u', user: { token: TOKEN } }], contexts: [context('plain', 'plain', 'u')],
    });
    const before = inSync.requests.length;
    const result = await runGitdiff(['kube', manifest, '--kubeconfig', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/credentials .*plain http/);
    expect(result.stderr).not.toContain(TOKEN);
    expect(inSync.requests.slice(before).some((request) => request.headers.authorization !== undefined)).toBe(false);
  });

  it.each([
    ['basic auth', { username: 'admin', password: TOKEN }],
    ['an exec plugin (not even run)', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'PLUGIN', interactiveMode: 'Never' } }],
  ])('refuses %s over plain http too', async (_name, user) => {
    const marker = path.join(dir, `plugin-ran-${written}`);
    const plugin = path.join(dir, `plugin-${written}.sh`);
    writeFileSync(plugin, `#!/bin/sh\ntouch '${marker}'\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${TOKEN}"}}'\n`);
    chmodSync(plugin, 0o755);
    const config = kubeconfigFile({
      currentContext: 'plain', clusters: [cluster('plain', inSync.url)], contexts: [context('plain', 'plain', 'u')],
      users: [{ name: 'u', user: JSON.parse(JSON.stringify(user).replace('PLUGIN', plugin)) }],
    });
    const before = inSync.requests.length;
    const result = await runGitdiff(['kube', manifest, '--kubeconfig', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain(TOKEN);
    expect(inSync.requests.slice(before).some((request) => request.headers.authorization !== undefined)).toBe(false);
    expect(spawnSync('test', ['-e', marker]).status).not.toBe(0);
  });

  it.each(['http-token.yaml', 'http-userinfo.yaml', 'http-client-certificate.yaml'])('never shows a credential of the hostile %s, in text or JSON', async (file) => {
    for (const format of ['text', 'json']) {
      const result = await runGitdiff(['kube', manifest, '--kubeconfig', `fixtures/hostile/kube/kubeconfigs/${file}`, '-o', format, '--debug']);
      expect(result.code).toBe(2);
      expect(result.stdout + result.stderr).not.toMatch(/hostile-token-value|hostile-password|aG9zdGlsZQ|admin:/);
    }
  });

  it('follows no redirect: a token never reaches the server a redirect names', async () => {
    const elsewhere = await startKubeApiServer({ objects: [settings], tls: true });
    const redirecting = await startKubeApiServer({ objects: [drifted], tls: true, token: TOKEN });
    try {
      redirecting.addFault({ path: '/api/v1/namespaces/app/configmaps/settings', status: 307, headers: { Location: `${elsewhere.url}/api/v1/namespaces/app/configmaps/settings` } });
      const result = await runGitdiff(['kube', manifest, '--kubeconfig', redirecting.writeKubeconfig(path.join(dir, 'redirecting'), { token: TOKEN })]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/HTTP 307/);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await Promise.all([elsewhere.close(), redirecting.close()]);
    }
  });
});

describe('proxies as kubectl uses them', () => {
  /** A kubeconfig for the TLS server under a name only the proxy resolves (it tunnels every host to 127.0.0.1). */
  function unresolvableTlsKubeconfig(clusterExtra: object = {}): string {
    const port = new URL(tlsServer.url).port;
    return kubeconfigFile({
      currentContext: 'far', contexts: [context('far', 'far', 'u')], users: [{ name: 'u', user: { token: TOKEN } }],
      clusters: [cluster('far', `https://kube.invalid:${port}`, {
        'certificate-authority-data': Buffer.from(tlsServer.caCertificate!).toString('base64'), 'tls-server-name': 'localhost', ...clusterExtra,
      })],
    });
  }

  it('goes through the cluster\'s proxy-url (CONNECT), and the proxy never sees the token', async () => {
    const before = proxy.requests.length;
    const result = await runGitdiff(['kube', manifest, '--kubeconfig', unresolvableTlsKubeconfig({ 'proxy-url': proxy.url })]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const seen = proxy.requests.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((request) => request.method === 'CONNECT' && request.target === `kube.invalid:${new URL(tlsServer.url).port}`)).toBe(true);
    expect(JSON.stringify(seen)).not.toContain(TOKEN);
  });

  const kubectlIt = itWith(['kubectl'], 'https://kubernetes.io/docs/tasks/tools/');
  kubectlIt.each([
    ['HTTPS_PROXY', (url: string) => ({ HTTPS_PROXY: url }), 'proxied'],
    ['https_proxy (lower case)', (url: string) => ({ https_proxy: url }), 'proxied'],
    ['HTTPS_PROXY with NO_PROXY naming the host', (url: string) => ({ HTTPS_PROXY: url, NO_PROXY: 'example.org,kube.invalid' }), 'direct'],
    ['HTTPS_PROXY with NO_PROXY naming the parent domain', (url: string) => ({ HTTPS_PROXY: url, NO_PROXY: '.invalid' }), 'direct'],
    ['HTTP_PROXY only (not for https)', (url: string) => ({ HTTP_PROXY: url }), 'direct'],
  ])('honours %s as kubectl does', async (_name, environment, route) => {
    const config = unresolvableTlsKubeconfig();
    const env = environment(proxy.url);
    const before = proxy.requests.length;
    // Asynchronously: the proxy answers from this process.
    const kubectlSucceeded = await promisify(execFile)('kubectl', ['get', 'configmap', 'settings', '-n', 'app', '-o', 'name', '--kubeconfig', config, '--request-timeout', '5s'], {
      env: { PATH: process.env.PATH, HOME: dir, ...env },
    }).then(() => true, () => false);
    const kubectlProxied = proxy.requests.length > before;
    expect(kubectlProxied).toBe(route === 'proxied');
    expect(kubectlSucceeded).toBe(route === 'proxied');

    const middle = proxy.requests.length;
    const result = await runGitdiff(['kube', manifest, '--kubeconfig', config], { env });
    expect(proxy.requests.length > middle).toBe(kubectlProxied);
    // Through the proxy the drift is seen; directly the name does not resolve: exit 2, never a verdict.
    expect(result.code).toBe(route === 'proxied' ? 1 : 2);
  });

  it('never sends a request to localhost or 127.0.0.1 through an environment proxy (as Go\'s ProxyFromEnvironment)', async () => {
    const config = kubeconfigFile({ currentContext: 'a', clusters: [cluster('a', inSync.url)], contexts: [context('a', 'a')] });
    const before = proxy.requests.length;
    const result = await runGitdiff(['kube', manifest, '--kubeconfig', config], { env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url } });
    expect(result.code).toBe(0);
    expect(proxy.requests.length).toBe(before);
  });

  it.each([
    ['socks5://127.0.0.1:1080', /proxy-url .*socks5/],
    ['ftp://127.0.0.1:21', /proxy-url/],
  ])('refuses a proxy-url it cannot use (%s) with a clear error, never going direct', async (proxyUrl, message) => {
    const config = kubeconfigFile({ currentContext: 'a', clusters: [cluster('a', inSync.url, { 'proxy-url': proxyUrl })], contexts: [context('a', 'a')] });
    const before = inSync.requests.length;
    const result = await runGitdiff(['kube', manifest, '--kubeconfig', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(inSync.requests.length).toBe(before);
  });

  it('a proxy that refuses the tunnel (407) is exit 2 naming the proxy, not the server\'s verdict', async () => {
    const guarded = await startConnectProxy({ credentials: 'someone:proxy-secret' });
    try {
      const result = await runGitdiff(['kube', manifest, '--kubeconfig', unresolvableTlsKubeconfig({ 'proxy-url': guarded.url })]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/proxy/);
      const authorized = await runGitdiff(['kube', manifest, '--kubeconfig', unresolvableTlsKubeconfig({ 'proxy-url': guarded.url.replace('http://', 'http://someone:proxy-secret@') })]);
      expect(authorized.stderr).toBe('');
      expect(authorized.code).toBe(1);
      expect(authorized.stdout + authorized.stderr).not.toContain('proxy-secret');
    } finally {
      await guarded.close();
    }
  });
});

describe('a server that is not a Kubernetes API server', () => {
  let web: Server;
  let webUrl: string;
  beforeAll(async () => {
    // What a web server, an ingress or a wrong port answers: 404 page not found, or an empty JSON object.
    web = createServer((request, response) => {
      if (request.url?.startsWith('/json')) response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      else if (request.url?.startsWith('/sso')) response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Sign in</title>');
      else response.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => web.close(() => resolve())));

  it.each([
    ['answers 404 without a Status body to everything', () => webUrl],
    ['answers 200 {} to everything', () => `${webUrl}/json`],
  ])('one that %s is exit 2 "not a Kubernetes API server", never missing', async (_name, server) => {
    const config = kubeconfigFile({ currentContext: 'web', clusters: [cluster('web', server())], contexts: [context('web', 'web')] });
    const result = await runGitdiff(['kube', manifest, '--kubeconfig', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${server()} is not a Kubernetes API server`);
    expect(result.stdout).not.toMatch(/missing|not served/);
  });

  it('one that answers 200 with a web page (a login page) is exit 2 at once, said so: not "cut short", not retried', async () => {
    const config = kubeconfigFile({ currentContext: 'web', clusters: [cluster('web', `${webUrl}/sso`)], contexts: [context('web', 'web')] });
    const result = await runGitdiff(['kube', manifest, '--kubeconfig', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: .*answered with a web page \(200, HTML\), not JSON: not a Kubernetes API server/m);
    expect(result.stderr).not.toMatch(/cut short|attempts/);
    expect(result.stderr).toMatch(/^ {2}hint: .*login page/m);
  });

  it.each([
    ['404 in plain text, as an ingress answers', { action: 'not-kubernetes' as const }, 'is not a Kubernetes API server'],
    ['404 as JSON that is not a Status', { status: 404, body: { error: 'no route' } }, 'is not a Kubernetes API server'],
    // Answered, but not with the object asked for: an answer gitdiff does not trust (cluster/answers.ts).
    ['as a 200 that is not the object', { status: 200, body: {} }, 'the answer is not trusted'],
  ])('an answer %s for an object is neither "absent" nor a verdict', async (_name, fault, says) => {
    const server = await startKubeApiServer({ objects: [settings] });
    try {
      server.addFault({ path: '/api/v1/namespaces/app/configmaps/settings', ...fault });
      const config = server.writeKubeconfig(path.join(dir, 'fault-404'));
      const result = await runGitdiff(['kube', manifest, '--kubeconfig', config]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(server.url);
      expect(result.stderr).toContain(says);
      expect(result.stdout).not.toMatch(/missing/);
    } finally {
      await server.close();
    }
  });
});
