// The shipped Alertmanager configuration is one Alertmanager accepts (its
// template included), and its route sends every gitdiff alert, and only those,
// to the Slack receiver. What the message says is proven end to end in
// alertmanager.e2e.test.ts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { itWith } from '../support/binaries.js';
import { repoRoot } from '../support/run-cli.js';
import { alertNamesOf } from './rule-evaluation.js';

const configDirectory = path.join(repoRoot, 'deploy/alertmanager');
const configFile = path.join(configDirectory, 'alertmanager.yml');
const rulesFile = path.join(repoRoot, 'docs/prometheus/gitdiff-rules.yaml');
const itAmtool = itWith(['amtool'], 'apt-get install prometheus-alertmanager');

function amtool(args: string[]) {
  const result = spawnSync('amtool', args, { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` };
}

/** The receiver the shipped route picks for an alert with these labels. */
function receiverFor(labels: Record<string, string>): string {
  const result = amtool(['config', 'routes', 'test', `--config.file=${configFile}`, ...Object.entries(labels).map(([name, value]) => `${name}=${value}`)]);
  expect(result.status, result.output).toBe(0);
  return result.stdout.trim();
}

describe('deploy/alertmanager/alertmanager.yml', () => {
  itAmtool('passes amtool check-config, with its template', () => {
    const result = amtool(['check-config', configFile]);
    expect(result.output).toContain('1 templates');
    expect(result.output).not.toContain('FAILED');
    expect(result.status).toBe(0);
  });

  itAmtool('amtool check-config reads the template: a broken one fails it', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-alertmanager-'));
    try {
      copyFileSync(configFile, path.join(scratch, 'alertmanager.yml'));
      const template = readFileSync(path.join(configDirectory, 'gitdiff.tmpl'), 'utf8');
      writeFileSync(path.join(scratch, 'gitdiff.tmpl'), template.replace('{{ define "gitdiff.slack.text" -}}', '{{ define "gitdiff.slack.text" -}}{{ if }}'));
      const result = amtool(['check-config', path.join(scratch, 'alertmanager.yml')]);
      expect(result.output).toContain('FAILED');
      expect(result.status).not.toBe(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  itAmtool('routes every alert of the shipped rules to Slack, and nothing else', () => {
    const alertNames = alertNamesOf(rulesFile);
    expect(alertNames.length).toBeGreaterThan(0);
    for (const alertname of alertNames) expect(receiverFor({ alertname, source: 'kube', target: 'prod' }), alertname).toBe('gitdiff-slack');
    // serve's own alert (docs/serve.md) has no check labels and still reaches the same channel.
    expect(receiverFor({ alertname: 'GitdiffServeConfigReloadFailed' })).toBe('gitdiff-slack');
    expect(receiverFor({ alertname: 'NodeFilesystemAlmostOutOfSpace', source: 'kube' })).toBe('default');
  });
});
