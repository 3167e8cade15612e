// A check's `webhook:` in the checks file: where serve POSTs the check's drift
// events, which ones, and with which headers. Validated strictly at load, like
// the rest of the file, so a typo never silently sends nothing.
//
//   webhook:
//     url: https://hooks.example.com/gitdiff  # or urlFrom: GITDIFF_HOOK_URL (the URL in an environment variable)
//     events: [converged, diverged]          # default; any drift event kind
//     headers: { X-Team: platform }          # plain values: shown nowhere, but kept in the file
//     secretHeaders: { Authorization: GITDIFF_HOOK_AUTH }   # header -> environment variable
//     timeout: 10s                           # per attempt
//
// Many receivers (Slack, Teams, Discord) take their token in the URL's path: a
// URL is shown (page, API, log, errors) as its scheme and host only, and can
// itself come from the environment (urlFrom).
// Secrets stay out of the file: a credential header names the environment
// variable that holds it (secretHeaders), and a plain header that looks like a
// credential is refused. Credentials (secret headers or user:password@ in the
// URL) are refused over plain http, as the kube client refuses a token over
// http: anyone on the path would read them.
import { splitUserinfo } from '../../url-credentials.js';
import { isRecord } from '../../record.js';
import type { DriftEventKind } from '../drift/events.js';
import type { GitdiffError } from '../../errors.js';

export interface WebhookTarget {
  /** Where to POST: the URL without its userinfo. */
  url: string;
  /** The URL as the page, the API and the log show it: scheme and host; userinfo, path and query as `***`. */
  shownUrl: string;
  /** The event kinds sent; the others are not. */
  events: DriftEventKind[];
  /** Every header sent, secret ones resolved from the environment: never shown. */
  headers: Record<string, string>;
  /** Per attempt. */
  timeoutMs: number;
}

/** Every drift event kind, checked complete by the compiler. */
const EVENT_KINDS = Object.keys({
  appeared: true, changed: true, resolved: true, committed: true, converged: true, diverged: true,
} satisfies Record<DriftEventKind, true>) as DriftEventKind[];

export const DEFAULT_WEBHOOK_EVENTS: readonly DriftEventKind[] = ['converged', 'diverged'];
export const DEFAULT_WEBHOOK_TIMEOUT = '10s';
const WEBHOOK_KEYS = ['url', 'urlFrom', 'events', 'headers', 'secretHeaders', 'timeout'];
/** RFC 9110's token: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Set by gitdiff for every delivery (or by the HTTP client): not the config's to choose. */
const RESERVED_HEADERS = ['content-type', 'content-length', 'host', 'transfer-encoding', 'connection'];
/** Header names that carry credentials: refused as plain values, so they are not written into the file. */
const CREDENTIAL_HEADER = /authorization|cookie|token|secret|password|api[-_]?key|signature/i;

type Mapping = Record<string, unknown>;

export interface WebhookSetting {
  /** `checks[0] (web): `: prefixed to every message. */
  where: string;
  fail: (where: string, message: string, hint?: string) => GitdiffError;
  env: NodeJS.ProcessEnv;
  /** The checks file's own duration rule (units required, at least 1s). */
  duration: (mapping: Mapping, key: string, fallback: string, where: string) => { ms: number };
}

export function parseWebhook(value: unknown, { where: at, fail, env, duration }: WebhookSetting): WebhookTarget {
  const where = `${at}webhook: `;
  if (!isRecord(value)) throw fail(where, 'expected a mapping with a url', 'e.g. webhook: { url: https://hooks.example.com/gitdiff }');
  const unknown = Object.keys(value).filter((key) => !WEBHOOK_KEYS.includes(key));
  if (unknown.length > 0) throw fail(where, `unknown field ${unknown.map((key) => JSON.stringify(key)).join(', ')}`, `known fields: ${WEBHOOK_KEYS.join(', ')}`);

  const given = urlOf(value, where, fail, env);
  const { bare, username, password } = splitUserinfo(given.text);
  let url: URL;
  try {
    url = new URL(bare);
  } catch {
    // Not quoted: a URL can hold a token, and this one may come from a Secret.
    throw fail(`${where}${given.field}: `, `${given.from} is not a URL`, 'e.g. url: https://hooks.example.com/gitdiff');
  }
  const shownUrl = shownWebhookUrl(url, username !== undefined);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`${where}url: `, `${url.protocol} is not supported`, 'use an http:// or https:// URL');

  const events = parseEvents(value.events, `${where}events: `, fail);
  const plain = headerMap(value.headers, `${where}headers: `, fail);
  const fromEnv = headerMap(value.secretHeaders, `${where}secretHeaders: `, fail);
  const headers: Record<string, string> = {};
  for (const [name, text] of Object.entries(plain)) {
    if (CREDENTIAL_HEADER.test(name)) {
      throw fail(`${where}headers: ${name}: `, 'looks like a credential, written into the checks file',
        `name the environment variable that holds it instead: secretHeaders: { ${name}: ENV_NAME }`);
    }
    headers[name] = headerValue(text, `${where}headers: ${name}: `, fail);
  }
  for (const [name, variable] of Object.entries(fromEnv)) {
    const field = `${where}secretHeaders: ${name}: `;
    if (Object.keys(headers).some((each) => each.toLowerCase() === name.toLowerCase())) throw fail(field, 'also set in headers');
    if (!ENV_NAME.test(variable)) throw fail(field, `${JSON.stringify(variable)} is not an environment variable name`, 'the value names the variable that holds the header, e.g. GITDIFF_HOOK_AUTH');
    const secret = env[variable];
    if (secret === undefined || secret === '') throw fail(field, `the environment variable ${variable} is not set`, `set ${variable} in serve's environment (in Kubernetes: from a Secret)`);
    headers[name] = headerValue(secret, field, fail, `the value of ${variable}`);
  }
  if (username !== undefined) headers.Authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;

  const credentials = [...(username !== undefined ? ['user:password in the URL'] : []), ...Object.keys(fromEnv)];
  if (url.protocol === 'http:' && credentials.length > 0) {
    throw fail(`${where}url: `, `refusing to send credentials (${credentials.join(', ')}) over plain http to ${url.origin}`,
      'use the receiver\'s https:// address; gitdiff sends no credentials over http, as it sends no kubeconfig token over http');
  }
  const timeout = duration(value, 'timeout', DEFAULT_WEBHOOK_TIMEOUT, where);
  return { url: url.href, shownUrl, events, headers, timeoutMs: timeout.ms };
}

/** The URL, written in the file (url) or named by an environment variable (urlFrom): exactly one of them. */
function urlOf(value: Record<string, unknown>, where: string, fail: WebhookSetting['fail'], env: NodeJS.ProcessEnv): { text: string; field: string; from: string } {
  if (value.url !== undefined && value.urlFrom !== undefined) throw fail(where, 'both url and urlFrom are set', 'give one of them');
  if (value.urlFrom !== undefined) {
    const variable = value.urlFrom;
    if (typeof variable !== 'string' || !ENV_NAME.test(variable)) throw fail(`${where}urlFrom: `, 'expected the name of an environment variable', 'e.g. urlFrom: GITDIFF_HOOK_URL');
    const text = env[variable]?.trim();
    if (!text) throw fail(`${where}urlFrom: `, `the environment variable ${variable} is not set`, `set ${variable} in serve's environment (in Kubernetes: from a Secret)`);
    return { text, field: 'urlFrom', from: `the value of ${variable}` };
  }
  if (typeof value.url !== 'string' || value.url.trim() === '') {
    throw fail(`${where}url: `, value.url === undefined ? 'missing' : 'expected a URL', 'e.g. url: https://hooks.example.com/gitdiff, or urlFrom: ENV_NAME');
  }
  return { text: value.url.trim(), field: 'url', from: 'the value' };
}

/** Scheme and host: what tells one receiver from another without its token (path, query, userinfo: `***`). */
export function shownWebhookUrl(url: URL, withUserinfo: boolean): string {
  const rest = url.pathname !== '/' || url.search !== '' ? '/***' : '/';
  return `${url.protocol}//${withUserinfo ? '***@' : ''}${url.host}${rest}`;
}

function parseEvents(value: unknown, where: string, fail: WebhookSetting['fail']): DriftEventKind[] {
  if (value === undefined) return [...DEFAULT_WEBHOOK_EVENTS];
  const hint = `event kinds: ${EVENT_KINDS.join(', ')}`;
  if (!Array.isArray(value) || value.length === 0) throw fail(where, 'expected a non-empty list of event kinds', hint);
  for (const kind of value) {
    if (!EVENT_KINDS.includes(kind as DriftEventKind)) throw fail(where, `${JSON.stringify(kind)} is not an event kind`, hint);
  }
  if (new Set(value).size !== value.length) throw fail(where, 'an event kind is listed twice');
  return value as DriftEventKind[];
}

function headerMap(value: unknown, where: string, fail: WebhookSetting['fail']): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw fail(where, 'expected a mapping of header names to strings');
  for (const [name, text] of Object.entries(value)) {
    if (!HEADER_NAME.test(name)) throw fail(where, `${JSON.stringify(name)} is not a header name`);
    if (RESERVED_HEADERS.includes(name.toLowerCase())) throw fail(where, `${name} is set by gitdiff`, `gitdiff sets ${RESERVED_HEADERS.join(', ')} itself`);
    if (typeof text !== 'string') throw fail(`${where}${name}: `, `expected a string, got ${JSON.stringify(text)}`, 'quote it, so YAML keeps it as written');
  }
  return value as Record<string, string>;
}

/**
 * A line break would end the header and start another (header injection); a
 * control character or one beyond Latin-1 makes the HTTP client refuse every
 * attempt. Refused at load, rather than failing each delivery; the value
 * itself is never quoted.
 */
function headerValue(text: string, where: string, fail: WebhookSetting['fail'], what = 'the value'): string {
  if (/[^\t\x20-\x7e\x80-\xff]/.test(text)) throw fail(where, `${what} holds a line break, a control character or a character beyond Latin-1, which no header may`);
  return text;
}
