// The common kubeconfig read without the Kubernetes client: a context whose
// cluster has a server, a CA, insecure-skip-tls-verify or tls-server-name (and
// perhaps a proxy-url, which connect() routes), and whose user has a token, a
// client certificate or a username and password. Importing
// @kubernetes/client-node costs about 0.45 s of every run against a cluster
// (docs/benchmarks.md); most kubeconfigs need none of what it adds. Anything
// else (exec plugins, auth-providers, token files, impersonation) answers
// undefined, and the client reads it: the same settings. A certificate file
// that cannot be read is an error naming it (the client's would be Node's raw
// ENOENT). Which files and which context is decided
// before (kubeconfig-files.ts), the same for both.
import { readFileSync } from 'node:fs';
import { chooseContext, loadKubeconfig, unreadableReferencedFile, type ChosenContext } from './kubeconfig-files.js';

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

const CLUSTER_KEYS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'proxy-url']);
const USER_KEYS = new Set(['token', 'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'username', 'password']);

const optionalString = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';

/** A file (made absolute when the kubeconfig was loaded) or base64 data; the file wins. A file that cannot be read is an error naming it. */
function fileOrData(chosen: ChosenContext, key: string, file: unknown, data: unknown): Buffer | undefined {
  if (typeof file === 'string' && file !== '') {
    try {
      return readFileSync(file);
    } catch (error) {
      throw unreadableReferencedFile(chosen.name, file, error, key);
    }
  }
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
  return undefined;
}

/** The settings of the chosen context, or undefined when it needs the Kubernetes client: then connect() loads it. */
export function plainSettings(chosen: ChosenContext): PlainSettings | undefined {
  const { cluster, user, context } = chosen;
  if (!optionalString(context.namespace)) return undefined;
  if (Object.keys(cluster).some((key) => !CLUSTER_KEYS.has(key)) || Object.keys(user).some((key) => !USER_KEYS.has(key))) return undefined;
  const strings = [cluster['certificate-authority'], cluster['certificate-authority-data'], cluster['tls-server-name'],
    user.token, user['client-certificate'], user['client-certificate-data'], user['client-key'], user['client-key-data'], user.username, user.password];
  if (!strings.every(optionalString)) return undefined;
  // Basic authentication needs both halves (the client would send "user:undefined").
  if ((user.username === undefined) !== (user.password === undefined)) return undefined;
  const headers: Record<string, string> = {};
  if (user.token) headers.Authorization = `Bearer ${user.token as string}`;
  return {
    server: chosen.server.replace(/\/$/, ''),
    contextName: chosen.name,
    namespace: (context.namespace as string | undefined) || undefined,
    ca: fileOrData(chosen, 'certificate-authority', cluster['certificate-authority'], cluster['certificate-authority-data']),
    cert: fileOrData(chosen, 'client-certificate', user['client-certificate'], user['client-certificate-data']),
    key: fileOrData(chosen, 'client-key', user['client-key'], user['client-key-data']),
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] === true ? false : undefined,
    servername: (cluster['tls-server-name'] as string | undefined) || undefined,
    headers,
    auth: user.username ? `${user.username as string}:${user.password as string}` : undefined,
  };
}

/** One file's settings (its current context, or `contextName`), or undefined: for tests and tools that hold one file. */
export function readPlainKubeconfig(file: string, contextName?: string): PlainSettings | undefined {
  try {
    return plainSettings(chooseContext(loadKubeconfig([file]), contextName));
  } catch {
    return undefined;
  }
}
