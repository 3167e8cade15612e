// gitdiff kube against a server whose answers cannot be trusted, as a process:
// a paging loop, a LIST that never ends, a body of hundreds of MB, items of
// another namespace or kind than asked for, names with control characters,
// nesting deep enough to exhaust a recursive walk, an answer dripped a byte at
// a time, a kubeconfig exec plugin that never returns. Each ends in exit 2 with
// one clear error line naming the server, within bounded time and memory (peak
// RSS measured by /usr/bin/time); never exit 0, never a crash or a stack trace,
// and no control character from the server reaches the output raw.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitdiffBin, type CliResult } from '../support/run-cli.js';
import { startKubeApiServer, type Fault, type KubeApiServer } from '../../tools/kube-api-server/index.js';
import { parseServeConfig } from '../../src/serve/checks-file.js';
import { runCheck } from '../../src/serve/run-check.js';
import { sources } from '../../src/sources/index.js';
import { configMapItem, drip, endlessContinue, hugeList, jsonAnswer, repeatingContinue, textAnswer } from '../../tools/kube-api-server/hostile-answers.js';

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app', labels: { team: 'web' } }, data: { key: name } });
const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'app' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
};
const objects = [configMap('settings'), configMap('features'), deployment];
const LIST = '/api/v1/namespaces/app/configmaps';
const GET = '/apis/apps/v1/namespaces/app/deployments/web';
/** Peak resident memory a run may reach against any server: well under 1 GiB. */
const MAX_RSS_BYTES = 300 * 1024 * 1024;

let dir: string;
let manifests: string;
const servers: KubeApiServer[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-hostile-'));
  manifests = path.join(dir, 'app.yaml');
  writeFileSync(manifests, objects.map((object) => dump(object)).join('---\n'));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function serverWith(faults: Fault[], tls = false): Promise<KubeApiServer> {
  const server = await startKubeApiServer({ objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } }, ...objects], tls });
  servers.push(server);
  for (const fault of faults) server.addFault(fault);
  return server;
}

interface MeasuredRun extends CliResult { seconds: number; peakRssBytes: number }

/** bin/gitdiff under /usr/bin/time: its exit, output, wall time and peak RSS. */
function runMeasured(args: string[], killAfterMs = 60_000): Promise<MeasuredRun> {
  const timeFile = path.join(mkdtempSync(path.join(dir, 'time-')), 'rss');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env = { PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8' };
    // Its own process group, so that a run that hangs is killed with /usr/bin/time, not left behind it.
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, process.execPath, gitdiffBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const rssKb = existsSync(timeFile) ? Number.parseInt(readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '', 10) : Number.NaN;
      resolve({
        code, signal, seconds: (performance.now() - started) / 1000, peakRssBytes: rssKb * 1024,
        stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

function kubeconfigOf(server: KubeApiServer): string {
  return server.writeKubeconfig(mkdtempSync(path.join(dir, 'kc-')));
}

/** Exit 2, in time and memory, with a one-line error naming the server and saying what it did; nothing raw from it. */
function expectRefused(result: MeasuredRun, server: KubeApiServer, said: RegExp, maxSeconds: number): void {
  const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('gitdiff: error:'));
  expect(result.code, result.stderr.slice(0, 2000)).toBe(2);
  expect(errorLines.some((line) => line.includes(server.url) && said.test(line)), result.stderr.slice(0, 2000)).toBe(true);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.seconds).toBeLessThan(maxSeconds);
  expect(result.peakRssBytes).toBeLessThan(MAX_RSS_BYTES);
  // Nothing the server sent may drive a terminal or forge a log line: no control character but line ends.
  expect(result.stdout + result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
}

const sameNameElsewhere = (name: string, namespace: string) => configMapItem(name, namespace, { key: name });

describe.concurrent('a server answer gitdiff cannot trust ends in exit 2', () => {
  it.each([
    ['a continue token that repeats', { path: LIST, respond: repeatingContinue([sameNameElsewhere('settings', 'app')]) }, /LIST .*repeated a continue token/],
    ['a continue token that never ends', { path: LIST, respond: endlessContinue('app', 100, 50) }, /LIST .*did not end after \d+ pages/],
    ['a LIST body of 300 MB', { path: LIST, respond: hugeList('app', 300 * 1024 * 1024) }, /answered with more than \d+ MiB/],
    ['a GET body of 300 MB', { path: GET, respond: hugeList('app', 300 * 1024 * 1024) }, /answered with more than \d+ MiB/],
    ['a LIST item of another namespace', { path: LIST, respond: jsonAnswer(() => ({
      kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '1' },
      items: [sameNameElsewhere('settings', 'app'), sameNameElsewhere('features', 'other')],
    })) }, /LIST .*an item of another namespace than "app"/],
    ['a LIST item of another kind', { path: LIST, respond: jsonAnswer(() => ({
      kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '1' },
      items: [sameNameElsewhere('settings', 'app'), { ...sameNameElsewhere('features', 'app'), apiVersion: 'v1', kind: 'Secret' }],
    })) }, /LIST .*an item of another kind than v1 ConfigMap/],
    ['a LIST item whose name holds control characters', { path: LIST, respond: jsonAnswer(() => ({
      kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '1' },
      items: [sameNameElsewhere('settings', 'app'), sameNameElsewhere('features', 'app'), sameNameElsewhere('x\u001b[2J\u001b]0;owned\u0007\r\ngitdiff: ok', 'app')],
    })) }, /LIST .*an item whose metadata\.name holds spaces or control characters/],
    ['a LIST item without a name', { path: LIST, respond: jsonAnswer(() => ({
      kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '1' },
      items: [sameNameElsewhere('settings', 'app'), sameNameElsewhere('features', 'app'), { metadata: { name: 42, namespace: 'app' } }],
    })) }, /LIST .*an item without a metadata\.name/],
    ['a GET answered with an object of another namespace', { path: GET, respond: jsonAnswer(() => ({ ...deployment, metadata: { ...deployment.metadata, namespace: 'other' } })) },
      /GET .*an object of another namespace than "app"/],
    ['a GET answered with an object of another name', { path: GET, respond: jsonAnswer(() => ({ ...deployment, metadata: { ...deployment.metadata, name: 'api' } })) },
      /GET .*an object of another name than "web"/],
    ['a GET answered with an object nested 200,000 levels deep', { path: GET, respond: textAnswer(
      // As text: JSON.stringify of such a value would itself overflow the stack.
      `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"app"},"spec":{"replicas":2,"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`,
    ) }, /GET .*nested more than \d+ levels deep/],
    ['a Status message with terminal escapes and line breaks', { path: GET, status: 500, body: {
      kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500, message: 'boom\u001b[2J\r\ngitdiff: forged\u009b',
    } }, /failed with HTTP 500: boom\\x1b\[2J gitdiff: forged\\x9b \(4 attempts\)$/],
    ['a LIST with one object twice, in two versions', { path: LIST, respond: jsonAnswer(() => ({
      kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '1' },
      items: [sameNameElsewhere('settings', 'app'), sameNameElsewhere('features', 'app'), configMapItem('features', 'app', { key: 'changed' })],
    })) }, /LIST .*answered with the same object twice/],
    ['a LIST without items', { path: LIST, respond: jsonAnswer(() => ({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '1' } })) },
      /LIST .*answered without an items list/],
    ['a discovery resource name that leaves its path', { path: '/api/v1', respond: jsonAnswer(() => ({
      kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: '..', singularName: '', namespaced: true, kind: 'ConfigMap', verbs: ['get', 'list'] }],
    })) }, /GET \/api\/v1 answered with a resource name that is not a Kubernetes resource name/],
    ['a GET answered with null', { path: GET, respond: textAnswer('null') }, /GET .*an object without metadata/],
  ] as [string, Fault, RegExp][])('%s', async (_case, fault, said) => {
    const server = await serverWith([fault]);
    // Generous bounds: a thousand pages on a loaded machine take a while; a hang or a crash still fails.
    const result = await runMeasured(['kube', manifests, '--kubeconfig', kubeconfigOf(server), '--request-timeout', '20s', '--timeout', '150s'], 170_000);
    expectRefused(result, server, said, 160);
    // The rest of the report is still there: what could be read was compared.
    expect(result.stdout).toMatch(/\d+ errors?, \d+ in sync \(3 objects/);
  }, 180_000);

  it('refuses an orphan whose name holds control characters instead of printing it', async () => {
    const server = await serverWith([{ path: LIST, respond: jsonAnswer(() => ({
      kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '1' },
      items: [{ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'old\u001b[31m\u009b2J\r\n::error::forged', namespace: 'app', labels: { team: 'web' } } }],
    })) }]);
    // Only the Deployment is declared: the one LIST of ConfigMaps is the search for orphans.
    const deploymentOnly = path.join(mkdtempSync(path.join(dir, 'orphans-')), 'web.yaml');
    writeFileSync(deploymentOnly, dump(deployment));
    const result = await runMeasured(['kube', deploymentOnly, '--kubeconfig', kubeconfigOf(server), '--prune-selector', 'team=web', '--prune-kinds', 'ConfigMap']);
    expectRefused(result, server, /LIST .*an item whose metadata\.name holds spaces or control characters/, 30);
  });
});

describe.concurrent('a live value reaches no output raw', () => {
  it.each(['text', 'markdown', 'github'])('a multi-line value with terminal escapes, in -o %s: shown escaped', async (format) => {
    const declared = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'motd', namespace: 'app' }, data: { motd: 'welcome\nbye\n' } };
    const server = await serverWith([{ path: '/api/v1/namespaces/app/configmaps/motd', respond: jsonAnswer(() => ({
      ...declared, metadata: { ...declared.metadata, uid: 'u', resourceVersion: '1' }, data: { motd: 'welcome\n\u001b]0;owned\u0007\u001b[2J\r::error::forged\u009b\nbye\n' },
    })) }]);
    const file = path.join(mkdtempSync(path.join(dir, 'motd-')), 'motd.yaml');
    writeFileSync(file, dump(declared));
    const result = await runMeasured(['kube', file, '--kubeconfig', kubeconfigOf(server), '-o', format]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('\\x1b]0;owned\\x07\\x1b[2J\\x0d::error::forged\\x9b');
    expect(result.stdout + result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});

describe.concurrent('--request-timeout bounds the whole answer, not the silence between bytes', () => {
  it('cuts a server that drips its body a byte at a time', async () => {
    const server = await serverWith([{ path: GET, respond: drip(200) }]);
    const result = await runMeasured(['kube', manifests, '--kubeconfig', kubeconfigOf(server), '--request-timeout', '3s', '--timeout', '0'], 55_000);
    expectRefused(result, server, /GET \S+ did not complete within 3 s \(4 attempts\)$/, 45);
  });
});

/** A kubeconfig whose user's token comes from an exec plugin that sleeps two minutes; its pid lands in `pidFile`. */
function sleepingPluginKubeconfig(server: KubeApiServer): { kubeconfig: string; pidFile: string; pluginDir: string } {
  const pluginDir = mkdtempSync(path.join(dir, 'exec-'));
  const pidFile = path.join(pluginDir, 'pid');
  const plugin = path.join(pluginDir, 'credential-plugin.sh');
  writeFileSync(plugin, `#!/bin/sh\necho $$ > '${pidFile}'\nsleep 120\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"late"}}'\n`);
  chmodSync(plugin, 0o755);
  const kubeconfig = path.join(pluginDir, 'kubeconfig');
  writeFileSync(kubeconfig, dump({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'exec',
    // Over TLS: gitdiff sends no credentials (an exec plugin's token included) over plain http.
    clusters: [{ name: 'exec', cluster: { server: server.url, 'certificate-authority-data': Buffer.from(server.caCertificate!).toString('base64') } }],
    users: [{ name: 'exec', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } } }],
    contexts: [{ name: 'exec', context: { cluster: 'exec', user: 'exec' } }],
  }));
  return { kubeconfig, pidFile, pluginDir };
}

/**
 * The plugin itself is gone, not left running behind gitdiff. A serve check gives up at its
 * timeout without waiting for the killed plugin to be reaped, so allow the reaping a moment.
 */
async function expectKilled(pidFile: string): Promise<void> {
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let waited = 0; alive() && waited < 5000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
}

describe.concurrent('a kubeconfig exec plugin runs under the run\'s deadline', () => {
  it('kills a plugin that never returns when --timeout expires, and says so', async () => {
    const server = await serverWith([], true);
    const { kubeconfig, pidFile } = sleepingPluginKubeconfig(server);
    // Long enough for a loaded machine to start gitdiff and the plugin; far below the plugin's two minutes.
    const result = await runMeasured(['kube', manifests, '--kubeconfig', kubeconfig, '--timeout', '12s'], 55_000);
    expect(result.code, result.stderr).toBe(2);
    expect(result.seconds).toBeLessThan(50);
    expect(result.stderr).toMatch(/^gitdiff: error: .*gave up after --timeout 12s: the run took too long$/m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    await expectKilled(pidFile);
    expect(server.requests).toHaveLength(0);
  });

  it('kills it when a serve check reaches its timeout', async () => {
    const server = await serverWith([], true);
    const { kubeconfig, pidFile, pluginDir } = sleepingPluginKubeconfig(server);
    const config = parseServeConfig(dump({ checks: [{ name: 'exec', command: ['kube', manifests, '--kubeconfig', kubeconfig], timeout: '25s' }] }),
      path.join(pluginDir, 'gitdiff.yaml'), sources, {});
    const started = performance.now();
    const run = await runCheck(config.checks[0], { cwd: pluginDir, env: { PATH: process.env.PATH, HOME: dir }, signal: new AbortController().signal });
    expect(run.verdict).toBe('error');
    expect(run.error?.message).toBe('timed out after 25s');
    expect((performance.now() - started) / 1000).toBeLessThan(60);
    await expectKilled(pidFile);
  }, 120_000);
});
