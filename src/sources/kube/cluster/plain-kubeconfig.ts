// The common kubeconfig read without the Kubernetes client: one file whose
// context names a cluster (server, CA, insecure-skip-tls-verify, tls-server-name)
// and a user with a token, a client certificate or a username and password.
// Importing @kubernetes/client-node costs about 0.45 s of every run against a
// cluster (docs/benchmarks.md); most kubeconfigs need none of what it adds.
// Anything else (exec plugins, auth-providers, token files, impersonation, a
// proxy, several files, a file the client would refuse) answers undefined, and
// the client reads it as before: the same settings, the same error messages.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { isRecord } from '../objects.js';

/** What connect() needs from a kubeconfig, as the client's applyToHTTPSOptions would set it. */
export interface PlainSettings {
  server: string;
  contextName: string;
  /** The context's namespace, if it names one. */
  namespace?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** false only with insecure-skip-tls-verify: true. */
  rejectUnauthorized?: boolean;
  servername?: string;
  headers: Record<string, string>;
  /** user:password, for basic authentication. */
  auth?: string;
}

const CLUSTER_KEYS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name']);
const USER_KEYS = new Set(['token', 'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'username', 'password']);

type Entry = Record<string, unknown>;

/** The named entries of a kubeconfig list, or undefined when one is malformed or a name repeats (the client's business). */
function namedEntries(list: unknown, field: string, required: string[]): Map<string, Entry> | undefined {
  if (list === undefined || list === null) return new Map();
  if (!Array.isArray(list)) return undefined;
  const entries = new Map<string, Entry>();
  for (const element of list) {
    if (!isRecord(element) || typeof element.name !== 'string' || element.name === '' || entries.has(element.name)) return undefined;
    const body = element[field];
    if (!isRecord(body) || required.some((key) => typeof body[key] !== 'string' || body[key] === '')) return undefined;
    entries.set(element.name, body);
  }
  return entries;
}

const optionalString = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';

/** A file (relative to the kubeconfig's folder, as the client resolves it) or base64 data; the file wins. */
function fileOrData(file: unknown, data: unknown, root: string): Buffer | undefined {
  if (typeof file === 'string' && file !== '') return readFileSync(path.resolve(root, file));
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
  return undefined;
}

/**
 * The settings of `file`'s current context (or `contextName`), or undefined when
 * the kubeconfig needs the Kubernetes client: then connect() loads it.
 */
export function readPlainKubeconfig(file: string, contextName?: string): PlainSettings | undefined {
  try {
    const config = load(readFileSync(file, 'utf8'));
    if (!isRecord(config)) return undefined;
    const clusters = namedEntries(config.clusters, 'cluster', ['server']);
    const users = namedEntries(config.users, 'user', []);
    const contexts = namedEntries(config.contexts, 'context', ['cluster']);
    if (!clusters || !users || !contexts) return undefined;
    const name = contextName ?? config['current-context'];
    if (typeof name !== 'string' || name === '') return undefined;
    const context = contexts.get(name);
    const cluster = context && clusters.get(context.cluster as string);
    const user = context && typeof context.user === 'string' ? users.get(context.user) : undefined;
    if (!context || !cluster || !user || !optionalString(context.namespace)) return undefined;
    if (Object.keys(cluster).some((key) => !CLUSTER_KEYS.has(key)) || Object.keys(user).some((key) => !USER_KEYS.has(key))) return undefined;
    const strings = [cluster['certificate-authority'], cluster['certificate-authority-data'], cluster['tls-server-name'],
      user.token, user['client-certificate'], user['client-certificate-data'], user['client-key'], user['client-key-data'], user.username, user.password];
    if (!strings.every(optionalString)) return undefined;
    // Basic authentication needs both halves (the client would send "user:undefined").
    if ((user.username === undefined) !== (user.password === undefined)) return undefined;

    const root = path.dirname(file);
    const headers: Record<string, string> = {};
    if (user.token) headers.Authorization = `Bearer ${user.token as string}`;
    return {
      server: (cluster.server as string).replace(/\/$/, ''),
      contextName: name,
      namespace: (context.namespace as string | undefined) || undefined,
      ca: fileOrData(cluster['certificate-authority'], cluster['certificate-authority-data'], root),
      cert: fileOrData(user['client-certificate'], user['client-certificate-data'], root),
      key: fileOrData(user['client-key'], user['client-key-data'], root),
      rejectUnauthorized: cluster['insecure-skip-tls-verify'] === true ? false : undefined,
      servername: (cluster['tls-server-name'] as string | undefined) || undefined,
      headers,
      auth: user.username ? `${user.username as string}:${user.password as string}` : undefined,
    };
  } catch {
    // An unreadable file or YAML, a missing certificate: the client says so in its own words.
    return undefined;
  }
}
