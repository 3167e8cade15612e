// Which cluster a set of kubeconfig files means, and whether a request goes
// through the environment's proxy, are kubectl's decisions: gitdiff must make
// the same ones. Generated KUBECONFIG lists (several files, repeated and
// missing names, files listed twice or missing) are given to the real kubectl
// and to gitdiff's loading rules, and both must name the same server or both
// refuse; NO_PROXY cases are given to kubectl with a recording proxy.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { chooseContext, kubeconfigFiles, loadKubeconfig } from '../../../src/sources/kube/cluster/kubeconfig-files.js';
import { proxiedHost, proxyRoute } from '../../../src/sources/kube/cluster/proxy.js';
import { itWith } from '../../support/binaries.js';
import { startConnectProxy, type ConnectProxy } from '../../support/connect-proxy.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-kubeconfig-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kubectlIt = itWith(['kubectl'], 'https://kubernetes.io/docs/tasks/tools/');

// Names that YAML 1.1 (kubectl's parser) would read as something else than a string are left out.
const NAMES = ['alpha', 'beta', 'gamma'];
const name = fc.constantFrom(...NAMES);
const file = fc.record({
  currentContext: fc.option(name, { nil: undefined }),
  clusters: fc.uniqueArray(fc.record({ name, port: fc.integer({ min: 1, max: 9 }) }), { selector: (entry) => entry.name, maxLength: 3 }),
  contexts: fc.uniqueArray(fc.record({ name, cluster: name }), { selector: (entry) => entry.name, maxLength: 3 }),
});
/** A KUBECONFIG list: indexes into the written files (one past the end: a missing file). */
const scenario = fc.record({ files: fc.array(file, { minLength: 1, maxLength: 3 }), order: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }) });

let written = 0;
function writeFiles(files: (typeof file extends fc.Arbitrary<infer Shape> ? Shape : never)[]): string[] {
  return files.map((shape) => {
    const target = path.join(dir, `kc-${written++}.yaml`);
    writeFileSync(target, dump({
      apiVersion: 'v1', kind: 'Config', ...(shape.currentContext ? { 'current-context': shape.currentContext } : {}),
      // The file's number in the port: which file's definition won is visible in the server.
      clusters: shape.clusters.map((cluster) => ({ name: cluster.name, cluster: { server: `https://10.0.0.${cluster.port}:${6440 + written}` } })),
      contexts: shape.contexts.map((context) => ({ name: context.name, context: { cluster: context.cluster } })),
    }));
    return target;
  });
}

function kubectlServer(KUBECONFIG: string): string | undefined {
  const result = spawnSync('kubectl', ['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'], {
    encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG },
  });
  return result.status === 0 && result.stdout.trim() !== '' ? result.stdout.trim() : undefined;
}

function gitdiffServer(KUBECONFIG: string): string | undefined {
  try {
    return chooseContext(loadKubeconfig(kubeconfigFiles(undefined, { KUBECONFIG, HOME: dir }, dir)), undefined).server;
  } catch {
    return undefined;
  }
}

describe('KUBECONFIG merging', () => {
  kubectlIt('names the server kubectl names, for any list of files (or both refuse)', () => {
    fc.assert(fc.property(scenario, ({ files, order }) => {
      const paths = [...writeFiles(files), path.join(dir, 'missing.yaml')];
      const KUBECONFIG = order.map((index) => paths[Math.min(index, paths.length - 1)]).join(path.delimiter);
      expect(gitdiffServer(KUBECONFIG)).toBe(kubectlServer(KUBECONFIG));
    }), { numRuns: 30 });
  }, 120_000);

  kubectlIt('refuses a name repeated within one file, as kubectl does', () => {
    const target = path.join(dir, 'repeated.yaml');
    writeFileSync(target, dump({ 'current-context': 'a', contexts: [{ name: 'a', context: { cluster: 'c' } }],
      clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1' } }, { name: 'c', cluster: { server: 'https://10.0.0.2' } }] }));
    expect(kubectlServer(target)).toBeUndefined();
    expect(() => loadKubeconfig([target])).toThrow(/clusters has the name "c" twice/);
  });
});

describe('environment proxies', () => {
  let proxy: ConnectProxy;
  beforeAll(async () => {
    proxy = await startConnectProxy();
  });
  afterAll(() => proxy?.close());

  /** Whether kubectl sent its request through HTTPS_PROXY for this server and NO_PROXY. */
  async function kubectlProxies(server: string, noProxy: string): Promise<boolean> {
    const config = path.join(dir, `proxy-${written++}.yaml`);
    // A token: without credentials kubectl would prompt for a username on a TLS server.
    writeFileSync(config, dump({ 'current-context': 'a', contexts: [{ name: 'a', context: { cluster: 'c', user: 'u' } }], users: [{ name: 'u', user: { token: 't' } }],
      clusters: [{ name: 'c', cluster: { server } }] }));
    const before = proxy.requests.length;
    await promisify(execFile)('kubectl', ['get', '--raw', '/version', '--kubeconfig', config, '--request-timeout', '1s'], {
      env: { PATH: process.env.PATH, HOME: dir, HTTPS_PROXY: proxy.url, NO_PROXY: noProxy },
    }).catch(() => undefined);
    return proxy.requests.length > before;
  }

  kubectlIt.each([
    ['https://kube.invalid:6443', ''],
    ['https://kube.invalid:6443', 'kube.invalid'],
    ['https://kube.invalid:6443', 'KUBE.INVALID'],
    ['https://kube.invalid:6443', 'invalid'],
    ['https://kube.invalid:6443', '.invalid'],
    ['https://kube.invalid:6443', '*.invalid'],
    ['https://kube.invalid:6443', 'ube.invalid'],
    ['https://kube.invalid:6443', 'kube.invalid:6443'],
    ['https://kube.invalid:6443', 'kube.invalid:443'],
    ['https://kube.invalid', 'kube.invalid:443'],
    ['https://kube.invalid:6443', ' other.example , kube.invalid '],
    ['https://kube.invalid:6443', '*'],
    ['https://192.0.2.10:6443', '192.0.2.0/24'],
    ['https://192.0.2.10:6443', '192.0.2.11'],
    ['https://192.0.2.10:6443', '192.0.2.10'],
    ['https://192.0.2.10:6443', '192.0.2.10:6443'],
    ['https://192.0.2.10:6443', '2.10'],
    ['https://192.0.2.10:6443', '.2.10'],
    ['https://[2001:db8::5]:6443', '2001:db8::/32'],
    ['https://[2001:db8::5]:6443', '[2001:db8::5]:6443'],
    ['https://[2001:db8::5]:6443', '2001:db8::6'],
    ['https://[::1]:6443', ''],
    ['https://127.1.2.3:6443', ''],
    ['https://localhost:6443', ''],
  ])('proxies %s with NO_PROXY=%j as kubectl does', async (server, noProxy) => {
    const expected = await kubectlProxies(server, noProxy);
    expect(proxiedHost(new URL(server), noProxy)).toBe(expected);
    expect(proxyRoute(new URL(server), 'c', undefined, { HTTPS_PROXY: proxy.url, NO_PROXY: noProxy }) !== undefined).toBe(expected);
  }, 20_000);
});
