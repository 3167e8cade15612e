// Issue 15: whatever input is missing or wrong, and whatever a server answers
// at the TLS level, the user reads gitdiff's words naming the file or server:
// one `gitdiff: error:` line and at most one `  hint:` line, never Node's raw
// `ENOENT: ... open '/x'`, OpenSSL's `wrong version number`, `undefined`, an
// `Error:` or a stack trace. Every case is a real situation, run through bin/gitdiff.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runGitdiff } from './support/run-cli.js';
import { startKubeApiServer, type KubeApiServer } from '../tools/kube-api-server/index.js';
import { kubeconfigFor } from '../tools/kube-api-server/kubeconfig.js';

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  k: v\n';

/** What no error line may hold: Node's codes and call syntax, OpenSSL's text, a missing value, an exception's name, a stack frame. */
const RAW_TEXT = /\bE[A-Z]{3,}\b|undefined|wrong version number|ssl3_get_record|SSL routines|Error:|^\s+at /m;

let dir: string;
let plainServer: KubeApiServer;
let tlsServer: KubeApiServer;

/** A kubeconfig in the test folder: one context `ctx` for `server`, `cluster` and `user` merged into its entries. */
function kubeconfig(name: string, server: string, changes: { cluster?: object; user?: object; currentContext?: string | null } = {}): string {
  const config = kubeconfigFor(server, { context: 'ctx', token: 'not-a-secret-token' }) as {
    clusters: Array<{ cluster: object }>; users: Array<{ user: object }>; 'current-context'?: string;
  };
  Object.assign(config.clusters[0].cluster, changes.cluster);
  Object.assign(config.users[0].user, changes.user);
  // null removes a key: an exec plugin's user has no token.
  for (const [key, value] of Object.entries(config.users[0].user)) if (value === null) delete (config.users[0].user as Record<string, unknown>)[key];
  if (changes.currentContext === null) delete config['current-context'];
  writeFileSync(path.join(dir, name), dump(config));
  return name;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gitdiff-error-words-'));
  writeFileSync(path.join(dir, 'app.yaml'), CONFIG_MAP);
  mkdirSync(path.join(dir, 'folder'));
  mkdirSync(path.join(dir, 'folder.prom'));
  [plainServer, tlsServer] = await Promise.all([startKubeApiServer(), startKubeApiServer({ tls: true })]);
  const plainAsHttps = plainServer.url.replace('http:', 'https:');
  kubeconfig('plain-http.yaml', plainAsHttps);
  kubeconfig('self-signed.yaml', tlsServer.url);
  kubeconfig('other-name.yaml', tlsServer.url, { cluster: { 'certificate-authority-data': Buffer.from(tlsServer.caCertificate!).toString('base64'), 'tls-server-name': 'other.example' } });
  kubeconfig('no-current-context.yaml', tlsServer.url, { currentContext: null });
  kubeconfig('missing-ca.yaml', tlsServer.url, { cluster: { 'certificate-authority': 'no/such/ca.pem' } });
  kubeconfig('missing-client-cert.yaml', tlsServer.url, { user: { 'client-certificate': 'no/such/client.pem', 'client-key': 'no/such/client.key' } });
  kubeconfig('exec-missing-ca.yaml', tlsServer.url, {
    cluster: { 'certificate-authority': 'no/such/ca.pem' },
    user: { token: null, exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'true' } },
  });
});

afterAll(async () => {
  await Promise.all([plainServer?.close(), tlsServer?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const snapshot = ['--live-from', 'app.yaml'];

it.each<[string, () => string[], RegExp, RegExp | undefined]>([
  // Files named on the command line: missing, a folder where a file belongs, a file where a folder belongs.
  ['a missing manifest', () => ['kube', 'nosuch.yaml', ...snapshot], /^nosuch\.yaml: no such file or directory$/, /name manifest files/],
  ['a manifest path through a file', () => ['kube', 'app.yaml/inner.yaml', ...snapshot], /^app\.yaml\/inner\.yaml: a part of the path is not a directory$/, /name manifest files/],
  ['a missing snapshot', () => ['kube', 'app.yaml', '--live-from', 'nosuch.yaml'], /^--live-from nosuch\.yaml: no such file or directory$/, /kubectl get/],
  ['a folder as the snapshot', () => ['kube', 'app.yaml', '--live-from', 'folder'], /^--live-from folder: is a directory$/, /kubectl get/],
  ['a missing .gitdiff.yaml', () => ['kube', 'app.yaml', ...snapshot, '--config', 'nosuch.yaml'], /^--config nosuch\.yaml: no such file or directory$/, /--config names a \.gitdiff\.yaml/],
  ['a folder as .gitdiff.yaml', () => ['kube', 'app.yaml', ...snapshot, '--config', 'folder'], /^config \S+\/folder: is a directory$/, /--config names a \.gitdiff\.yaml/],
  ['a missing kustomization folder', () => ['kube', '-k', 'nosuch', ...snapshot], /^-k nosuch: no such directory$/, /kustomization\.yaml/],
  ['a missing kubeconfig', () => ['kube', 'app.yaml', '--kubeconfig', 'nosuch.yaml'], /^kubeconfig \S+\/nosuch\.yaml: no such file or directory$/, /--kubeconfig/],
  ['a folder as the kubeconfig', () => ['kube', 'app.yaml', '--kubeconfig', 'folder'], /^kubeconfig \S+\/folder: is a directory$/, /--kubeconfig/],
  ['a missing plan JSON', () => ['terraform', '--plan-json', 'nosuch.json'], /^nosuch\.json: no such file$/, /terraform show -json/],
  ['a folder as the plan JSON', () => ['terraform', '--plan-json', 'folder'], /^folder: is a directory, not a saved plan$/, /without --plan-json/],
  ['a missing plan file', () => ['terraform', '--plan', 'nosuch.plan'], /^--plan nosuch\.plan: no such file or directory$/, /terraform plan -out/],
  ['a folder as the plan file', () => ['terraform', '--plan', 'folder'], /^--plan folder: is a directory, not a saved plan$/, /without --plan/],
  ['a missing Terraform folder', () => ['terraform', 'nosuch'], /^nosuch: no such directory$/, /root module/],
  ['missing Ansible results', () => ['ansible', '--results', 'nosuch.json'], /^cannot read results nosuch\.json: no such file or directory$/, /--results/],
  ['a folder as Ansible results', () => ['ansible', '--results', 'folder'], /^cannot read results folder: is a directory$/, /--results/],
  ['a missing serve config', () => ['serve', '--config', 'nosuch.yaml'], /^config \S+\/nosuch\.yaml: no such file or directory$/, /--config FILE/],
  ['a folder as the serve config', () => ['serve', '--config', 'folder'], /^config \S+\/folder: is a directory$/, /--config FILE/],
  ['a textfile in a missing folder', () => ['kube', 'app.yaml', ...snapshot, '--metrics-textfile', 'nosuch/gitdiff.prom'],
    /^metrics textfile \S+\/nosuch\/gitdiff\.prom: cannot write: the directory does not exist$/, /writable/],
  ['a textfile under a file', () => ['kube', 'app.yaml', ...snapshot, '--metrics-textfile', 'app.yaml/gitdiff.prom'],
    /^metrics textfile \S+\/app\.yaml\/gitdiff\.prom: cannot write: a part of the path is not a directory$/, /writable/],
  ['a folder as the textfile', () => ['kube', 'app.yaml', ...snapshot, '--metrics-textfile', 'folder.prom'], /^metrics textfile \S+\/folder\.prom: not a regular file \(a directory\)$/, /the path of a \.prom file/],
  ['a --bin that is not executable (ansible)', () => ['ansible', 'app.yaml', '--bin', './app.yaml'], /^could not run \.\/app\.yaml: permission denied$/, /--bin/],
  ['a --bin that is not executable (terraform)', () => ['terraform', '.', '--bin', './app.yaml'], /^\.\/app\.yaml: not executable$/, /--bin PATH/],
  // Files a kubeconfig names.
  ['a kubeconfig without current-context', () => ['kube', 'app.yaml', '--kubeconfig', 'no-current-context.yaml'],
    /^kubeconfig \S+\/no-current-context\.yaml sets no current context$/, /give --context NAME/],
  ['a context that does not exist', () => ['kube', 'app.yaml', '--kubeconfig', 'self-signed.yaml', '--context', 'nosuch'],
    /^kubeconfig \S+\/self-signed\.yaml has no context "nosuch" \(contexts: ctx\)$/, /pass --context with one of them/],
  ['a missing certificate-authority file', () => ['kube', 'app.yaml', '--kubeconfig', 'missing-ca.yaml'],
    /^kubeconfig context "ctx": certificate-authority \S+\/no\/such\/ca\.pem: no such file or directory$/, /fix the path in the kubeconfig/],
  ['a missing client-certificate file', () => ['kube', 'app.yaml', '--kubeconfig', 'missing-client-cert.yaml'],
    /^kubeconfig context "ctx": client-certificate \S+\/no\/such\/client\.pem: no such file or directory$/, /fix the path in the kubeconfig/],
  ['a missing CA file beside an exec plugin', () => ['kube', 'app.yaml', '--kubeconfig', 'exec-missing-ca.yaml'],
    /^kubeconfig context "ctx": \S+\/no\/such\/ca\.pem: no such file or directory$/, /fix the path in the kubeconfig/],
  // Servers: TLS problems in words, naming the server.
  ['an https URL to a plain http API server', () => ['kube', 'app.yaml', '--kubeconfig', 'plain-http.yaml', '--request-timeout', '10s'],
    /^server https:\/\/127\.0\.0\.1:\d+: answered in plain HTTP, not TLS$/, /is the URL http:\/\/, not https:\/\//],
  ['a self-signed API server without its CA', () => ['kube', 'app.yaml', '--kubeconfig', 'self-signed.yaml', '--request-timeout', '10s'],
    /^server https:\S+: TLS certificate not trusted: it is self-signed$/, /certificate-authority/],
  ['an API server certificate for another name', () => ['kube', 'app.yaml', '--kubeconfig', 'other-name.yaml', '--request-timeout', '10s'],
    /^server https:\S+: TLS certificate is for another host name$/, /host name the server's certificate lists/],
  ['an https Pushgateway URL to a plain http server', () => ['kube', 'app.yaml', ...snapshot, '--pushgateway', plainServer.url.replace('http:', 'https:')],
    /^Pushgateway https:\S+: PUT \S+ failed: answered in plain HTTP, not TLS$/, /is the URL http:\/\//],
  ['a self-signed Pushgateway', () => ['kube', 'app.yaml', ...snapshot, '--pushgateway', tlsServer.url],
    /^Pushgateway https:\S+: PUT \S+ failed: TLS certificate not trusted: it is self-signed$/, /NODE_EXTRA_CA_CERTS/],
])('%s: exit 2, one error line in words, at most one hint', async (_case, args, message, hint) => {
  const result = await runGitdiff(args(), { cwd: dir, timeoutMs: 30_000 });
  expect(result.code).toBe(2);
  expect(result.stderr).not.toMatch(RAW_TEXT);
  const lines = result.stderr.replace(/\n$/, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^gitdiff: error: /);
  expect(lines[0].slice('gitdiff: error: '.length)).toMatch(message);
  if (hint) {
    expect(lines[1]).toMatch(/^ {2}hint: /);
    expect(lines[1]).toMatch(hint);
  } else {
    expect(lines).toHaveLength(1);
  }
});

describe('the README says what an error looks like', () => {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

  it.each([
    ['a missing snapshot', ['kube', 'app.yaml', '--live-from', 'snapshot.yaml']],
    ['a misspelt option', ['kube', 'app.yaml', '--contxt', 'prod']],
  ])('%s: its lines, as gitdiff prints them', async (_case, args) => {
    const result = await runGitdiff(args, { cwd: dir });
    expect(result.code).toBe(2);
    const [error, hint] = result.stderr.replace(/\n$/, '').split('\n');
    expect(readme).toContain(error);
    expect(readme).toContain(hint);
  });
});
