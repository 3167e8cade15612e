// Parse errors never quote the input. An unquoted password that starts with
// `!` or `*` is, to YAML, an unknown tag or an alias without an anchor, and
// js-yaml's message names the token: the password. Every parse error must say
// the file, the position and a reason in gitdiff's own words, for kube
// manifests, snapshots, .gitdiff.yaml and kubeconfigs, terraform plans, ansible results and
// serve's config, in every output format and on serve's page, API and log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderers } from '../../src/render/index.js';
import { runGitdiff } from '../support/run-cli.js';
import { startServe } from '../support/serve-process.js';
import { runInProcess } from '../support/in-process.js';
import { revealingForms } from './secret-values.js';

const TAG_SECRET = '!Tagpw-93af1c2e7b';
const ALIAS_SECRET = '*Aliaspw-5d0e8a4c1f';
const BARE_SECRET = 'Barepw-0a9f3c7e2d';
/** What a leak looks like: each secret with and without its first character, and their base64. */
const FORMS = [TAG_SECRET, ALIAS_SECRET, BARE_SECRET].flatMap((secret) => [...revealingForms(secret), ...revealingForms(secret.replace(/^[!*]/, ''))]);
const leaksIn = (text: string) => FORMS.filter((form) => text.includes(form));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-parse-error-secrets-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const secretManifest = (value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\nstringData:\n  password: ${value}\n`;
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  a: b\n';

const kubeconfig = (token: string) => `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user:\n    token: ${token}\n`;

/** A case: the arguments after the subcommand (given the scratch folder) and the file the error must name with a position. */
type Case = [name: string, args: () => string[], file: string, position: RegExp];

const yamlAt = (file: string) => new RegExp(`${file.replace('.', '\\.')}:\\d+:\\d+: invalid YAML: `);
const cases: Case[] = [
  ['kube manifest, a password read as a tag', () => ['kube', write('tag.yaml', secretManifest(TAG_SECRET)), '--live-from', write('live-ok.yaml', configMap)], 'tag.yaml', yamlAt('tag.yaml')],
  ['kube manifest, a password read as an alias', () => ['kube', write('alias.yaml', secretManifest(ALIAS_SECRET)), '--live-from', write('live-ok.yaml', configMap)], 'alias.yaml', yamlAt('alias.yaml')],
  ['kube manifest, second document', () => ['kube', write('second.yaml', `${configMap}---\n${secretManifest(TAG_SECRET)}`), '--live-from', write('live-ok.yaml', configMap)], 'second.yaml', /second\.yaml:1[56]:\d+: document 2, invalid YAML: /],
  ['kube snapshot, a password read as a tag', () => ['kube', write('ok.yaml', configMap), '--live-from', write('snapshot-tag.yaml', secretManifest(TAG_SECRET))], 'snapshot-tag.yaml', yamlAt('snapshot-tag.yaml')],
  ['kube snapshot, a password read as an alias', () => ['kube', write('ok.yaml', configMap), '--live-from', write('snapshot-alias.yaml', secretManifest(ALIAS_SECRET))], 'snapshot-alias.yaml', yamlAt('snapshot-alias.yaml')],
  ['kube .gitdiff.yaml', () => ['kube', write('ok.yaml', configMap), '--live-from', write('live-ok.yaml', configMap), '--config', write('gitdiff-config.yaml', `kube:\n  ignore:\n    - name: ${TAG_SECRET}\n      paths: [data]\n`)], 'gitdiff-config.yaml', /gitdiff-config\.yaml: invalid YAML at line \d+, column \d+: /],
  ['kubeconfig, a token read as an alias', () => ['kube', write('ok.yaml', configMap), '--kubeconfig', write('kubeconfig.yaml', kubeconfig(ALIAS_SECRET))], 'kubeconfig.yaml', /kubeconfig\.yaml: invalid YAML at line \d+, column \d+: /],
  ['kubeconfig, a token read as a tag', () => ['kube', write('ok.yaml', configMap), '--kubeconfig', write('kubeconfig-tag.yaml', kubeconfig(TAG_SECRET))], 'kubeconfig-tag.yaml', /kubeconfig-tag\.yaml: invalid YAML at line \d+, column \d+: /],
  ['terraform plan with an unquoted value', () => ['terraform', '--plan-json', write('plan.json', `{"format_version": "1.2", "variables": {"password": {"value": ${BARE_SECRET}}}}`)], 'plan.json', /plan\.json: not valid JSON \(.+ at line 1, column \d+\)/],
  ['terraform plan cut short inside a value', () => ['terraform', '--plan-json', write('plan-cut.json', `{"format_version": "1.2",\n "variables": {"password": {"value": "${BARE_SECRET}`)], 'plan-cut.json', /plan-cut\.json: not valid JSON \(.+ at line 2, column \d+\)/],
  ['ansible json callback output cut short inside a value', () => ['ansible', '--results', write('results.json', `{"plays": [{"tasks": [{"hosts": {"web": {"msg": "${BARE_SECRET}`)], 'results.json', /results\.json is cut short: .* at line 1, column \d+/],
];

describe('parse errors name file and position, and quote nothing', () => {
  it.each(cases)('%s', async (_name, args, file, position) => {
    const argv = args();
    for (const format of Object.keys(renderers)) {
      const result = await runInProcess([...argv, '-o', format, '-v']);
      const output = result.stdout + result.stderr;
      expect(result.code, `${format}: ${output}`).toBe(2);
      expect(output, format).toMatch(position);
      expect(output).toContain(file);
      expect(leaksIn(output), format).toEqual([]);
    }
  });

  it("serve: a config that does not parse exits 2 naming file and position; a check's parse error stays off the page, API and log", async () => {
    const badConfig = write('serve-bad.yaml', `checks:\n  - name: db\n    command: [kube, x.yaml, --context, ${ALIAS_SECRET}]\n    interval: 1h\n`);
    const refused = await runGitdiff(['serve', '--config', badConfig, '--listen', '127.0.0.1:0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/serve-bad\.yaml: invalid YAML at line 3, column \d+: /);
    expect(leaksIn(refused.stdout + refused.stderr)).toEqual([]);

    const config = write('serve.yaml', dump({ checks: [
      { name: 'tag', command: ['kube', write('serve-tag.yaml', secretManifest(TAG_SECRET)), '--live-from', write('live-ok.yaml', configMap)], interval: '1h' },
      { name: 'plan', command: ['terraform', '--plan-json', write('serve-plan.json', `{"format_version": "1.2", "variables": {"password": {"value": ${BARE_SECRET}}}}`)], interval: '1h' },
    ] }));
    const serve = await startServe(['--config', config, '-v']);
    try {
      await serve.waitForChecks((body) => body.ready, 'every check to have run', 60_000);
      const pages = await Promise.all(['/', '/api/checks', '/metrics'].map((pathname) => serve.get(pathname)));
      expect(pages.map((page) => page.status)).toEqual([200, 200, 200]);
      const bytes = pages.map((page) => page.body).join('\n') + serve.stderr();
      expect(bytes).toMatch(/serve-tag\.yaml:\d+:\d+: invalid YAML: /);
      expect(leaksIn(bytes)).toEqual([]);
    } finally {
      await serve.stop();
    }
  }, 90_000);
});
