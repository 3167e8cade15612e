// Issue 15: "instantly alerting us if it is not, via Prometheus and Slack, and
// informing us of the nature of the divergence". The whole way from a gitdiff
// run to a Slack message, with the real pieces: gitdiff writes its metrics
// textfile, promtool evaluates the shipped rules on it, a real Alertmanager
// with the shipped route and template receives those alerts as Prometheus
// would send them (POST /api/v2/alerts) and delivers to a stand-in for Slack.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { parseExposition } from '../../src/metrics/exposition.js';
import type { MetricFamily } from '../../src/metrics/metric-set.js';
import { itWith } from '../support/binaries.js';
import { repoRoot, runGitdiff } from '../support/run-cli.js';
import { startAlertmanager, type Component } from '../support/prometheus.js';
import { alertsFiredBy, type FiredAlert } from './rule-evaluation.js';
import { startServe } from '../support/serve-process.js';
import { codeBlocks } from './doc-blocks.js';
import { startSlackStandIn, type SlackMessage, type SlackStandIn } from './slack-stand-in.js';

const shippedConfig = path.join(repoRoot, 'deploy/alertmanager/alertmanager.yml');
const shippedTemplate = path.join(repoRoot, 'deploy/alertmanager/gitdiff.tmpl');
const rulesFile = path.join(repoRoot, 'docs/prometheus/gitdiff-rules.yaml');
const itAlertmanager = itWith(['prometheus-alertmanager', 'promtool'], 'apt-get install prometheus-alertmanager prometheus');

const PAGE = 'https://gitdiff.example.internal/#check-live.yaml';

/** docs/alerting.md's example message: its title line, then its text. */
function documentedMessage(): { title: string; text: string[] } {
  const block = codeBlocks(path.join(repoRoot, 'docs/alerting.md')).filter((each) => each.text.startsWith('[FIRING:'));
  expect(block).toHaveLength(1);
  const [title, ...text] = block[0].text.trimEnd().split('\n');
  return { title, text };
}

/** Alertmanager's order of a group's alerts is its own: the bullets are compared as a set. */
function bulletsSorted(lines: string[]): string[] {
  return [...lines.filter((line) => line.startsWith('• ')).sort(), ...lines.filter((line) => !line.startsWith('• '))];
}

interface AlertmanagerConfig {
  route: { routes: { receiver: string; group_wait?: string; group_interval?: string }[] };
  receivers: { name: string; slack_configs?: Record<string, unknown>[] }[];
}

/**
 * The shipped configuration, unchanged but for what a test cannot wait for or
 * reach: Slack's webhook is the stand-in, and the check's alerts are sent after
 * 2 seconds instead of 30 (and changes after a second instead of 5 minutes).
 */
function configForTest(directory: string, slackUrl: string): string {
  const config = load(readFileSync(shippedConfig, 'utf8')) as AlertmanagerConfig;
  const route = config.route.routes.find((each) => each.receiver === 'gitdiff-slack')!;
  Object.assign(route, { group_wait: '2s', group_interval: '1s' });
  const slack = config.receivers.find((each) => each.name === 'gitdiff-slack')!.slack_configs![0];
  delete slack.api_url_file;
  slack.api_url = slackUrl;
  copyFileSync(shippedTemplate, path.join(directory, 'gitdiff.tmpl'));
  const file = path.join(directory, 'alertmanager.yml');
  writeFileSync(file, dump(config));
  return file;
}

/** A second check's drift, named by a hostile ansible task: Slack must show it as text, not ping everyone. */
const ANSIBLE_CHECK: MetricFamily[] = [
  { name: 'gitdiff_diverged', help: '', type: 'gauge', samples: [{ labels: { source: 'ansible', target: 'site.yml' }, value: 1 }] },
  {
    name: 'gitdiff_object_diverged', help: '', type: 'gauge',
    samples: [{ labels: { source: 'ansible', target: 'site.yml', host: 'web-1', task: 'Notify <!channel> & co' }, value: 1 }],
  },
];

/** A third check with more drifted items than a message lists: the rest is on the page. */
const TERRAFORM_CHECK: MetricFamily[] = [
  { name: 'gitdiff_diverged', help: '', type: 'gauge', samples: [{ labels: { source: 'terraform', target: 'infra' }, value: 1 }] },
  {
    name: 'gitdiff_object_diverged', help: '', type: 'gauge',
    samples: Array.from({ length: 30 }, (_, index) => ({ labels: { source: 'terraform', target: 'infra', address: `terraform_data.item[${index}]` }, value: 1 })),
  },
];

/**
 * As Prometheus sends an alert: startsAt when it began firing (`for` elapsed; an
 * older startsAt would make Alertmanager skip group_wait), endsAt a few
 * evaluation intervals ahead while it fires, or when it resolved.
 */
async function postAlerts(alertmanager: Component, alerts: FiredAlert[], state: 'firing' | 'resolved', firedAt: number): Promise<void> {
  const now = Date.now();
  const body = alerts.map((alert) => ({
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: new Date(firedAt).toISOString(),
    endsAt: new Date(state === 'firing' ? now + 240_000 : now - 1000).toISOString(),
    generatorURL: 'http://prometheus.example.internal:9090/graph',
  }));
  const response = await fetch(`${alertmanager.url}/api/v2/alerts`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  expect(response.status, await response.text()).toBe(200);
}

function messageAbout(messages: SlackMessage[], check: string, status = 'FIRING'): SlackMessage | undefined {
  return messages.find((message) => message.attachments?.[0]?.title?.startsWith(`[${status}`) && message.attachments[0].title.endsWith(`gitdiff ${check}`));
}

describe('deploy/alertmanager: a drift found by gitdiff reaches Slack', () => {
  let scratch: string;
  let slack: SlackStandIn;
  let alertmanager: Component | undefined;
  let alerts: FiredAlert[] = [];
  let firedAt = 0;

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-alertmanager-'));
    slack = await startSlackStandIn();
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await slack?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  itAlertmanager('the shipped rules fire on what gitdiff exported: the drift, and the object by name', async () => {
    const textfile = path.join(scratch, 'kube.prom');
    const run = await runGitdiff(['kube', 'fixtures/example/manifests', '--live-from', 'fixtures/example/live.yaml', '--metrics-textfile', textfile, '--metrics-per-object']);
    expect(run.code, run.stderr).toBe(1);
    const families = [...parseExposition(readFileSync(textfile, 'utf8')), ...ANSIBLE_CHECK, ...TERRAFORM_CHECK];
    alerts = alertsFiredBy(rulesFile, families, { job: 'node', instance: 'host-a:9100' }, '61m');
    expect(alerts.filter((alert) => alert.labels.source === 'terraform')).toHaveLength(31);
    const named = alerts.filter((alert) => alert.labels.source !== 'terraform');
    expect(named.map((alert) => `${alert.labels.alertname} ${alert.labels.source} ${alert.annotations.object ?? ''}`).sort()).toEqual([
      'GitdiffDriftPersists ansible ',
      'GitdiffDriftPersists kube ',
      'GitdiffObjectDiverged ansible web-1: Notify <!channel> & co',
      'GitdiffObjectDiverged kube Deployment cache/redis (apps/v1)',
    ]);
  });

  itAlertmanager('Alertmanager sends one Slack message per check, naming the check, the diverged objects (25 at most) and the page', async () => {
    expect(alerts).toHaveLength(35);
    const storage = path.join(scratch, 'storage');
    mkdirSync(storage);
    alertmanager = await startAlertmanager(configForTest(scratch, slack.url), storage);
    firedAt = Date.now();
    await postAlerts(alertmanager, alerts, 'firing', firedAt);

    const messages = await slack.waitForMessages(3, 20_000);
    expect(messages, alertmanager.output()).toHaveLength(3);
    const kube = messageAbout(messages, 'kube live.yaml')?.attachments?.[0];
    expect(kube, JSON.stringify(messages)).toBeDefined();
    expect(kube!.title).toBe('[FIRING:2] gitdiff kube live.yaml');
    expect(kube!.title_link).toBe(PAGE);
    expect(kube!.color).toBe('warning');
    const lines = kube!.text!.split('\n');
    expect(bulletsSorted(lines)).toEqual([
      '• Deployment cache/redis (apps/v1) differs from Git',
      '• kube live.yaml has differed from Git for over an hour',
      `The diff: <${PAGE}|gitdiff serve's page>`,
    ]);
    const documented = documentedMessage();
    expect(documented.title).toBe(kube!.title);
    expect(bulletsSorted(documented.text)).toEqual(bulletsSorted(lines));

    const ansible = messageAbout(messages, 'ansible site.yml')?.attachments?.[0];
    expect(ansible, JSON.stringify(messages)).toBeDefined();
    expect(ansible!.text).toContain('• web-1: Notify &lt;!channel&gt; &amp; co differs from Git');
    expect(JSON.stringify(messages)).not.toContain('<!channel>');
    expect(ansible!.title_link).toBe('https://gitdiff.example.internal/#check-site.yml');

    const terraform = messageAbout(messages, 'terraform infra')?.attachments?.[0];
    expect(terraform?.title, JSON.stringify(messages)).toBe('[FIRING:31] gitdiff terraform infra');
    const terraformLines = terraform!.text!.split('\n');
    expect(terraformLines.filter((line) => line.startsWith('• '))).toHaveLength(25);
    expect(terraformLines.slice(25)).toEqual(['… 31 alerts in all, see the page.', "The diff: <https://gitdiff.example.internal/#check-infra|gitdiff serve's page>"]);
  });

  itAlertmanager('an object no longer reported as differing is told as no longer firing, while the drift of the check still fires', async () => {
    expect(alertmanager).toBeDefined();
    const redis = alerts.filter((alert) => alert.annotations.object === 'Deployment cache/redis (apps/v1)');
    expect(redis).toHaveLength(1);
    const before = slack.messages.length;
    await postAlerts(alertmanager!, redis, 'resolved', firedAt);
    const messages = await slack.waitForMessages(before + 1, 20_000);
    const update = messages.slice(before).find((message) => message.attachments?.[0]?.title === '[FIRING:1] gitdiff kube live.yaml');
    expect(update, JSON.stringify(messages.slice(before))).toBeDefined();
    expect(update!.attachments![0].text!.split('\n')).toEqual([
      '• kube live.yaml has differed from Git for over an hour',
      'No longer firing:',
      '• Deployment cache/redis (apps/v1)',
      `The diff: <${PAGE}|gitdiff serve's page>`,
    ]);
  });

  itAlertmanager("with gitdiff serve scraped directly, the message's link opens the check's section of serve's page", async () => {
    expect(alertmanager).toBeDefined();
    const config = path.join(scratch, 'gitdiff.yaml');
    const example = path.join(repoRoot, 'fixtures/example');
    writeFileSync(config, dump({ checks: [{
      name: 'example', interval: '1h',
      command: ['kube', path.join(example, 'manifests'), '--live-from', path.join(example, 'live.yaml'), '--metrics-per-object'],
    }] }));
    const serve = await startServe(['--config', config]);
    try {
      await serve.waitForChecks((body) => body.ready, 'the first run');
      const metrics = await serve.get('/metrics');
      const families = parseExposition(metrics.body).filter((family) => family.name.startsWith('gitdiff_'));
      const served = alertsFiredBy(rulesFile, families, { job: 'gitdiff', instance: new URL(serve.url).host }, '61m');
      expect(served.map((alert) => `${alert.labels.alertname} ${alert.labels.target}`).sort()).toEqual(['GitdiffDriftPersists example', 'GitdiffObjectDiverged example']);

      const before = slack.messages.length;
      await postAlerts(alertmanager!, served, 'firing', Date.now());
      const messages = await slack.waitForMessages(before + 1, 20_000);
      const message = messageAbout(messages.slice(before), 'kube example')?.attachments?.[0];
      expect(message?.text, JSON.stringify(messages.slice(before))).toContain('• Deployment cache/redis (apps/v1) differs from Git');
      // The operator sets gitdiff.page_base_url to where serve is reached; the fragment is the template's.
      const link = new URL(message!.title_link!);
      expect(`${link.origin}${link.pathname}`).toBe('https://gitdiff.example.internal/');
      const page = await serve.get(`/${link.hash}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain(`id="${decodeURIComponent(link.hash.slice(1))}"`);
    } finally {
      await serve.stop();
    }
  });
});
