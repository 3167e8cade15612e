// A check's `webhook:` in the checks file: read strictly, secrets from the
// environment only, and no credentials over plain http.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitdiffError } from '../../src/errors.js';
import { sources } from '../../src/sources/index.js';
import { parseServeConfig } from '../../src/serve/checks-file.js';
import { webhookBody, type WebhookBody } from '../../src/serve/webhook/payload.js';
import { repoRoot } from '../support/run-cli.js';

const FILE = '/srv/gitdiff/gitdiff-serve.yaml';

function withWebhook(webhook: string): string {
  return `checks:\n  - name: web\n    command: [kube, manifests/, --live-from, live.yaml]\n    webhook: ${webhook}\n`;
}

const parse = (webhook: string, env: NodeJS.ProcessEnv = {}) => parseServeConfig(withWebhook(webhook), FILE, sources, env).checks[0].webhook;

function refusal(webhook: string, env: NodeJS.ProcessEnv = {}): GitdiffError {
  try {
    parse(webhook, env);
  } catch (error) {
    expect(error).toBeInstanceOf(GitdiffError);
    return error as GitdiffError;
  }
  throw new Error('the config was accepted');
}

describe('webhook: in the checks file', () => {
  it('defaults to the converged and diverged events and a 10 s timeout; a check without one has none', () => {
    expect(parse('{ url: "https://hooks.example.com/gitdiff" }')).toEqual({
      url: 'https://hooks.example.com/gitdiff', shownUrl: 'https://hooks.example.com/***',
      events: ['converged', 'diverged'], headers: {}, timeoutMs: 10_000,
    });
    const plain = parseServeConfig('checks: [{name: a, command: [kube, m/]}]\n', FILE, sources, {}).checks[0];
    expect(plain.webhook).toBeUndefined();
  });

  it('takes any event kinds, plain headers, and secret headers from the environment', () => {
    const webhook = parse(
      '{ url: "https://hooks.example.com/x", events: [appeared, resolved, committed], headers: { X-Team: platform }, secretHeaders: { Authorization: HOOK_AUTH }, timeout: 3s }',
      { HOOK_AUTH: 'Bearer s3cr3t' },
    );
    expect(webhook).toMatchObject({ events: ['appeared', 'resolved', 'committed'], headers: { 'X-Team': 'platform', Authorization: 'Bearer s3cr3t' }, timeoutMs: 3000 });
  });

  it('sends credentials in the URL as basic auth and shows the URL with them masked', () => {
    const webhook = parse('{ url: "https://bot:pa%40ss@hooks.example.com/x" }')!;
    expect(webhook.url).toBe('https://hooks.example.com/x');
    expect(webhook.shownUrl).toBe('https://***@hooks.example.com/***');
    expect(webhook.headers.Authorization).toBe(`Basic ${Buffer.from('bot:pa@ss').toString('base64')}`);
  });

  it('shows a URL as its scheme and host only: a receiver such as Slack takes its token in the path', () => {
    const token = 'XXXXsecretXXXX';
    const webhook = parse(`{ url: "https://hooks.slack.com/services/T0/B0/${token}?x=${token}" }`)!;
    expect(webhook.url).toBe(`https://hooks.slack.com/services/T0/B0/${token}?x=${token}`);
    expect(webhook.shownUrl).toBe('https://hooks.slack.com/***');
    expect(parse('{ url: "https://hooks.example.com" }')!.shownUrl).toBe('https://hooks.example.com/');
  });

  it('takes the URL from an environment variable (urlFrom), so it need not be written in the file', () => {
    const webhook = parse('{ urlFrom: HOOK_URL }', { HOOK_URL: 'https://hooks.slack.com/services/T0/B0/tok3n' })!;
    expect([webhook.url, webhook.shownUrl]).toEqual(['https://hooks.slack.com/services/T0/B0/tok3n', 'https://hooks.slack.com/***']);
    expect(refusal('{ urlFrom: HOOK_URL }').message).toMatch(/webhook: urlFrom: the environment variable HOOK_URL is not set/);
    expect(refusal('{ url: "https://a.example.com", urlFrom: HOOK_URL }', { HOOK_URL: 'https://b.example.com' }).message).toMatch(/webhook: both url and urlFrom are set/);
    const bad = refusal('{ urlFrom: HOOK_URL }', { HOOK_URL: 'not a url tok3n' });
    expect(bad.message).toMatch(/webhook: urlFrom: the value of HOOK_URL is not a URL/);
    expect(bad.message).not.toContain('tok3n');
  });

  it.each([
    ['not a mapping', '"https://hooks.example.com"', /checks\[0\] \(web\): webhook: expected a mapping with a url/],
    ['an unknown field', '{ url: "https://h.example.com", event: [diverged] }', /webhook: unknown field "event"/],
    ['no url', '{ events: [diverged] }', /webhook: url: missing/],
    ['a url that does not parse (not quoted: it may hold a token)', '{ url: "https://exa mple.com:99999" }', /webhook: url: the value is not a URL$/],
    ['another scheme', '{ url: "ftp://h.example.com/x" }', /webhook: url: ftp: is not supported/],
    ['an unknown event kind', '{ url: "https://h.example.com", events: [drifted] }', /webhook: events: "drifted" is not an event kind/],
    ['an empty event list', '{ url: "https://h.example.com", events: [] }', /webhook: events: expected a non-empty list/],
    ['an event listed twice', '{ url: "https://h.example.com", events: [diverged, diverged] }', /webhook: events: an event kind is listed twice/],
    ['a header with a number', '{ url: "https://h.example.com", headers: { X-Port: 80 } }', /webhook: headers: X-Port: expected a string, got 80/],
    ['a header gitdiff sets', '{ url: "https://h.example.com", headers: { Content-Type: text/plain } }', /webhook: headers: Content-Type is set by gitdiff/],
    ['a header name with a space', '{ url: "https://h.example.com", headers: { "X Team": a } }', /webhook: headers: "X Team" is not a header name/],
    ['a credential written into the file', '{ url: "https://h.example.com", headers: { Authorization: "Bearer abc" } }', /webhook: headers: Authorization: looks like a credential/],
    ['a token header written into the file', '{ url: "https://h.example.com", headers: { X-Gitlab-Token: abc } }', /webhook: headers: X-Gitlab-Token: looks like a credential/],
    ['a secret header naming no variable', '{ url: "https://h.example.com", secretHeaders: { Authorization: "Bearer abc" } }', /secretHeaders: Authorization: "Bearer abc" is not an environment variable name/],
    ['a secret header whose variable is unset', '{ url: "https://h.example.com", secretHeaders: { Authorization: HOOK_AUTH } }', /secretHeaders: Authorization: the environment variable HOOK_AUTH is not set/],
    ['a timeout without a unit', '{ url: "https://h.example.com", timeout: 10 }', /webhook: timeout: expected a duration with a unit, got 10/],
    ['a timeout under a second', '{ url: "https://h.example.com", timeout: 100ms }', /webhook: timeout: "100ms" is shorter than 1s/],
  ])('refuses %s, naming the field', (_, webhook, message) => {
    const error = refusal(webhook);
    expect(error.message).toMatch(/^config \/srv\/gitdiff\/gitdiff-serve.yaml: checks\[0\]/);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['would add a header of its own', 'Bearer a\r\nX-Admin: yes'],
    ['holds a character the HTTP client would refuse on every attempt', 'Bearer \u20acuro'],
  ])('refuses a secret header whose value %s, without quoting it', (_, value) => {
    const error = refusal('{ url: "https://h.example.com", secretHeaders: { Authorization: HOOK_AUTH } }', { HOOK_AUTH: value });
    expect(error.message).toContain('secretHeaders: Authorization: the value of HOOK_AUTH holds a line break, a control character or a character beyond Latin-1');
    expect(error.message).not.toContain('Bearer');
  });

  it.each([
    ['a secret header', '{ url: "http://hooks.example.com/x", secretHeaders: { Authorization: HOOK_AUTH } }', 'Authorization'],
    ['user:password in the URL', '{ url: "http://bot:hunter2@hooks.example.com/x" }', 'user:password in the URL'],
  ])('refuses credentials (%s) over plain http, without printing them', (_, webhook, named) => {
    const error = refusal(webhook, { HOOK_AUTH: 'Bearer s3cr3t' });
    expect(error.message).toContain(`webhook: url: refusing to send credentials (${named}) over plain http to http://hooks.example.com`);
    expect(error.hint).toContain('https://');
    expect(`${error.message}\n${error.hint}`).not.toMatch(/s3cr3t|hunter2/);
  });
});

describe('docs/serve.md, "Webhook"', () => {
  const section = /\n## Webhook\n([^]*?)\n## /.exec(readFileSync(path.join(repoRoot, 'docs/serve.md'), 'utf8'))![1];

  it('its example is valid, the secret header taken from the environment', () => {
    const example = /```yaml\n([^]*?)```/.exec(section)![1];
    const [check] = parseServeConfig(example, FILE, sources, { GITDIFF_HOOK_AUTH: 'Bearer from-env' }).checks;
    expect(check.webhook).toEqual({
      url: 'https://hooks.example.com/gitdiff', shownUrl: 'https://hooks.example.com/***', events: ['converged', 'diverged'],
      headers: { 'X-Team': 'platform', Authorization: 'Bearer from-env' }, timeoutMs: 10_000,
    });
  });

  it('its body has the fields, and the item the fields, that webhookBody() makes', () => {
    const documented = JSON.parse(/```json\n([^]*?)```/.exec(section)![1]) as WebhookBody;
    const made = webhookBody({
      id: 42, check: 'prod-cluster', kind: 'appeared', at: Date.parse(documented.at), revision: '3f9a2c1',
      item: { key: 'k', title: 'apps/v1 Deployment cache/redis', status: 'diverged', changes: [{ path: 'spec.replicas', declared: 4, live: 3 }] },
    });
    expect(made).toEqual(documented);
  });
});
