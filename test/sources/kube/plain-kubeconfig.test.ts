// The plain kubeconfig reader must set exactly what the Kubernetes client's
// KubeConfig.applyToHTTPSOptions sets (it replaces the client only to save its
// load time), and must hand every kubeconfig it does not fully understand back
// to the client.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { readPlainKubeconfig } from '../../../src/sources/kube/cluster/plain-kubeconfig.js';
import { connect } from '../../../src/sources/kube/cluster/connect.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gitdiff-plain-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, 'ca.pem'), 'CA FROM FILE\n');
writeFileSync(path.join(dir, 'client.crt'), 'CERT FROM FILE\n');
writeFileSync(path.join(dir, 'client.key'), 'KEY FROM FILE\n');

const base64 = (text: string): string => Buffer.from(text).toString('base64');
let files = 0;

function kubeconfig(cluster: object, user: object | undefined, extra: object = {}): string {
  const file = path.join(dir, `kubeconfig-${files++}`);
  writeFileSync(file, dump({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'main',
    clusters: [{ name: 'c', cluster }, { name: 'other', cluster: { server: 'https://10.0.0.9:6443' } }],
    users: user ? [{ name: 'u', user }] : [],
    contexts: [{ name: 'main', context: { cluster: 'c', user: 'u', namespace: 'shop' } }, { name: 'second', context: { cluster: 'other', user: 'u' } }],
    ...extra,
  }));
  return file;
}

/** What the client sets for the same file: the reference the plain reader must match. */
async function clientSettings(file: string, context?: string) {
  const config = new KubeConfig();
  config.loadFromFile(file);
  if (context) config.setCurrentContext(context);
  const options: https.RequestOptions = {};
  await config.applyToHTTPSOptions(options).catch(() => {}); // http servers: the agent is refused after the headers are set
  const headers = Object.fromEntries(Object.entries(options.headers ?? {}).filter(([, value]) => value !== undefined));
  return { server: config.getCurrentCluster()!.server, ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: options.rejectUnauthorized, servername: options.servername, headers, auth: options.auth ?? undefined };
}

describe('readPlainKubeconfig', () => {
  it.each([
    ['a token and CA data', { server: 'https://127.0.0.1:6443/', 'certificate-authority-data': base64('CA DATA') }, { token: 'abc.def' }],
    ['client certificate files beside the kubeconfig, and a CA file', { server: 'https://k8s.example.com', 'certificate-authority': 'ca.pem' },
      { 'client-certificate': 'client.crt', 'client-key': 'client.key' }],
    ['client certificate data', { server: 'https://k8s.example.com' }, { 'client-certificate-data': base64('CERT'), 'client-key-data': base64('KEY') }],
    ['insecure-skip-tls-verify and tls-server-name', { server: 'https://10.0.0.1', 'insecure-skip-tls-verify': true, 'tls-server-name': 'kubernetes' }, { token: 't' }],
    ['a username and password', { server: 'https://10.0.0.1' }, { username: 'admin', password: 'secret' }],
    ['a plain-http server and an empty user', { server: 'http://127.0.0.1:8080' }, {}],
    ['a proxy-url (connect() routes it)', { server: 'https://10.0.0.1', 'proxy-url': 'http://proxy:3128' }, { token: 't' }],
  ])('reads %s as the client does', async (_name, cluster, user) => {
    const file = kubeconfig(cluster, user);
    const plain = readPlainKubeconfig(file);
    expect(plain).toBeDefined();
    const { contextName, namespace, ...settings } = plain!;
    expect({ contextName, namespace }).toEqual({ contextName: 'main', namespace: 'shop' });
    expect(settings).toEqual(await clientSettings(file));
  });

  it('reads the context it is asked for', async () => {
    const file = kubeconfig({ server: 'https://10.0.0.1' }, { token: 't' });
    const plain = readPlainKubeconfig(file, 'second');
    expect(plain).toMatchObject({ contextName: 'second', server: 'https://10.0.0.9:6443', namespace: undefined });
    const { contextName: _c, namespace: _n, ...settings } = plain!;
    expect(settings).toEqual(await clientSettings(file, 'second'));
  });

  it.each([
    ['an exec plugin', { server: 'https://10.0.0.1' }, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws', args: ['eks', 'get-token'] } }, {}],
    ['an auth-provider', { server: 'https://10.0.0.1' }, { 'auth-provider': { name: 'oidc', config: { 'id-token': 'x' } } }, {}],
    ['a token file', { server: 'https://10.0.0.1' }, { 'token-file': '/var/run/token' }, {}],
    ['impersonation', { server: 'https://10.0.0.1' }, { token: 't', as: 'someone' }, {}],
    ['a missing CA file', { server: 'https://10.0.0.1', 'certificate-authority': 'nowhere.pem' }, { token: 't' }, {}],
    ['a context whose user is not defined', { server: 'https://10.0.0.1' }, undefined, {}],
    ['no current context', { server: 'https://10.0.0.1' }, { token: 't' }, { 'current-context': '' }],
    ['a cluster without a server', { 'certificate-authority-data': base64('CA') }, { token: 't' }, {}],
    ['a username without a password', { server: 'https://10.0.0.1' }, { username: 'admin' }, {}],
  ])('leaves %s to the client', (_name, cluster, user, extra) => {
    expect(readPlainKubeconfig(kubeconfig(cluster, user, extra))).toBeUndefined();
  });

  it('leaves an unknown context, a repeated name and a broken file to the client', () => {
    expect(readPlainKubeconfig(kubeconfig({ server: 'https://10.0.0.1' }, { token: 't' }), 'nope')).toBeUndefined();
    const repeated = kubeconfig({ server: 'https://10.0.0.1' }, { token: 't' }, { users: [{ name: 'u', user: { token: 'a' } }, { name: 'u', user: { token: 'b' } }] });
    expect(readPlainKubeconfig(repeated)).toBeUndefined();
    const broken = path.join(dir, 'broken');
    writeFileSync(broken, 'clusters: [\n');
    expect(readPlainKubeconfig(broken)).toBeUndefined();
    expect(readPlainKubeconfig(path.join(dir, 'absent'))).toBeUndefined();
  });
});

describe('connect', () => {
  it('connects through the plain reader, and names a certificate file it cannot read in words', async () => {
    const plain = await connect({ kubeconfig: kubeconfig({ server: 'https://10.0.0.1/' }, { token: 'abc' }), env: {}, cwd: dir });
    expect(plain).toMatchObject({ server: 'https://10.0.0.1', namespace: 'shop', contextName: 'main', headers: { Authorization: 'Bearer abc' } });
    plain.agent.destroy();
    const missingCa = kubeconfig({ server: 'https://10.0.0.1', 'certificate-authority': 'nowhere.pem' }, { token: 't' });
    await expect(connect({ kubeconfig: missingCa, env: {}, cwd: dir })).rejects.toThrow(/^kubeconfig context "main": certificate-authority \S+\/nowhere\.pem: no such file or directory$/);
  });
});
