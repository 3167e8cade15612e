// The real Prometheus components the metrics tests run against: a
// node_exporter with only the textfile collector, a Pushgateway without
// persistence, promtool, and an Alertmanager (test/deploy/alertmanager*).
// Each listens on 127.0.0.1 on a port picked by binding port 0 first; tests
// stop them in afterAll.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { parseExposition } from '../../src/metrics/exposition.js';
import type { Labels, MetricFamily } from '../../src/metrics/metric-set.js';

export const INSTALL = 'apt-get install prometheus prometheus-pushgateway prometheus-node-exporter';

/** A port nothing listens on right now: bind port 0, read it, close. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Component {
  url: string;
  /** What every request needs (basic auth, when the component demands it). */
  headers: Record<string, string>;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

async function start(binary: string, args: (port: number) => string[], readyPath: string, headers: Record<string, string> = {}): Promise<Component> {
  const port = await freePort();
  const child = spawn(binary, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  for (let tries = 0; tries < 100; tries++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(url + readyPath, { headers })).ok) return { url, headers, process: child, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`${binary} did not start on port ${port}:\n${output}`);
}

export function startNodeExporter(textfileDirectory: string): Promise<Component> {
  return start('prometheus-node-exporter', (port) => [
    '--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${textfileDirectory}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], '/metrics');
}

/**
 * A Pushgateway that demands basic auth. The hash is bcrypt (cost 4, to keep
 * each request fast) of PUSHGATEWAY_PASSWORD, made with Python's
 * crypt.crypt('test-password', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)).
 */
export const PUSHGATEWAY_USER = 'gitdiff';
export const PUSHGATEWAY_PASSWORD = 'test-password';
const PUSHGATEWAY_WEB_CONFIG = `basic_auth_users:\n  ${PUSHGATEWAY_USER}: $2b$04$pOlkRKbceTmhQB7CkV8gQ.euoIG2Z0wS.RPL7NDSC9mt0V.rEjhzS\n`;

export function startPushgateway(options: { basicAuthIn?: string } = {}): Promise<Component> {
  const webConfig = options.basicAuthIn && path.join(options.basicAuthIn, 'web.yml');
  if (webConfig) writeFileSync(webConfig, PUSHGATEWAY_WEB_CONFIG);
  const authorization = `Basic ${Buffer.from(`${PUSHGATEWAY_USER}:${PUSHGATEWAY_PASSWORD}`).toString('base64')}`;
  return start('prometheus-pushgateway', (port) => [
    `--web.listen-address=127.0.0.1:${port}`, '--persistence.file=', ...(webConfig ? [`--web.config.file=${webConfig}`] : []),
  ], '/-/ready', webConfig ? { Authorization: authorization } : {});
}

/**
 * An Alertmanager alone: no clustering (an empty --cluster.listen-address), its
 * silences and notification log in `storageDirectory`.
 */
export function startAlertmanager(configFile: string, storageDirectory: string): Promise<Component> {
  return start('prometheus-alertmanager', (port) => [
    `--config.file=${configFile}`, `--storage.path=${storageDirectory}`,
    `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
  ], '/-/ready');
}

export async function scrape(component: Component): Promise<MetricFamily[]> {
  const response = await fetch(`${component.url}/metrics`, { headers: component.headers });
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
export function valueOf(families: MetricFamily[], name: string, labels: Labels = {}): number | undefined {
  const matches = (families.find((each) => each.name === name)?.samples ?? []).filter((sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  expect(matches.length, `more than one ${name} sample with ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return matches[0]?.value;
}

/** `promtool check metrics` (reads stdin): exit 0 and no complaint, else the test fails with promtool's words. */
export function expectPromtoolAccepts(exposition: string): void {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  expect(`${result.stdout}${result.stderr}`.trim(), exposition).toBe('');
  expect(result.status).toBe(0);
}
