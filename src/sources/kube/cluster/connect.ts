// Connecting to a cluster: which kubeconfig files and which context (as
// kubectl chooses them: kubeconfig-files.ts), which proxy (proxy.ts), then the
// credentials: a plain token, client certificate or password read directly
// (plain-kubeconfig.ts), and anything else (exec plugins, auth providers, the
// in-cluster service account) through @kubernetes/client-node's KubeConfig,
// which costs about 0.4 s to load. The requests themselves are plain HTTP
// GETs, so objects arrive as the API's own JSON (the client's typed models
// would turn timestamps into Dates and rename keys) and gitdiff keeps control
// of timeouts and concurrency. Imported only when a server is used.
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { KubeConfig as KubeConfigType } from '@kubernetes/client-node';
import { GitdiffError, messageOf } from '../../../errors.js';
import { chooseContext, kubeconfigDocument, kubeconfigFiles, loadKubeconfig, unreadableReferencedFile, type ChosenContext } from './kubeconfig-files.js';
import { isFileError } from '../../../system-errors.js';
import { plainSettings } from './plain-kubeconfig.js';
import { proxyRoute, tunnelingAgent, type ProxyRoute } from './proxy.js';
import { splitUserinfo } from '../../../url-credentials.js';
import { execPluginsUnder } from './exec-plugin.js';

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The run's signal (--timeout, serve's check timeout, SIGTERM): exec credential plugins are killed when it fires. */
  signal?: AbortSignal;
}

export interface Connection {
  /** The API server URL, e.g. https://10.0.0.1:6443. */
  server: string;
  /** The context's namespace, else "default". */
  namespace: string;
  /** The context name (or "in-cluster"): the default `target` of metrics. */
  contextName: string;
  /** Headers (Authorization) and the agent that carries TLS settings. Never log these. */
  headers: Record<string, string>;
  agent: http.Agent;
  auth?: string;
}

/** Where the kubelet mounts a pod's service-account token (and ca.crt, namespace), as client-go reads it. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/**
 * A folder that stands for `/` when looking for the service-account files, as
 * Telepresence's TELEPRESENCE_ROOT does: for a pod's volumes mounted elsewhere,
 * and for tests, which cannot write /var/run/secrets without root. Unset in a pod.
 */
export const IN_CLUSTER_ROOT_VARIABLE = 'GITDIFF_IN_CLUSTER_ROOT';

export async function connect(options: ConnectOptions): Promise<Connection> {
  const files = kubeconfigFiles(options.kubeconfig, options.env, options.cwd);
  if (files.length === 0) {
    if (options.context) {
      throw new GitdiffError(`kubeconfig has no context "${options.context}": no kubeconfig file (no --kubeconfig, no $KUBECONFIG file, no ~/.kube/config)`, {
        hint: 'point at the kubeconfig that defines it with --kubeconfig FILE',
      });
    }
    return connectInCluster(options);
  }
  const kubeconfig = loadKubeconfig(files);
  const chosen = chooseContext(kubeconfig, options.context);
  const server = serverUrl(chosen.server, chosen.name);
  refuseCredentialsOverPlainHttp(server, chosen);
  const route = proxyRoute(server, chosen.clusterName, chosen.cluster['proxy-url'], options.env);
  // A plain kubeconfig (a token, a client certificate) needs no Kubernetes client: see plain-kubeconfig.ts.
  const plain = plainSettings(chosen);
  if (plain) {
    const { server: plainServer, contextName, namespace, headers, auth, ...tls } = plain;
    return connection(plainServer, contextName, namespace, headers, auth, tls, route);
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  // Exec credential plugins run under the run's deadline (--timeout, serve's per-check timeout) and are killed at it.
  if (options.signal) execPluginsUnder(config, options.signal);
  try {
    // JSON is YAML: the merged kubeconfig, its paths already absolute, handed to the client as one file.
    config.loadFromString(JSON.stringify(kubeconfigDocument(kubeconfig, chosen.name)));
  } catch (error) {
    throw new GitdiffError(`kubeconfig ${files.join(path.delimiter)}: ${firstLine(messageOf(error))}`, { hint: 'check the file (kubectl config view --kubeconfig FILE)' });
  }
  return connectWithClient(config, chosen.name, chosen.context.namespace, route, options.signal);
}

/**
 * kubectl (clientcmd) applies a kubeconfig user's credentials only when the
 * transport is TLS: over plain http it sends none. gitdiff refuses instead of
 * going on anonymously, before an exec plugin or auth provider even runs, so a
 * server: http://... line (a typo, or an edit meant to catch the token) never
 * receives a token, a password or a client certificate.
 */
const CREDENTIAL_KEYS = ['token', 'token-file', 'username', 'password', 'client-certificate', 'client-certificate-data', 'client-key',
  'client-key-data', 'exec', 'auth-provider'];

function refuseCredentialsOverPlainHttp(server: URL, chosen: ChosenContext): void {
  if (server.protocol !== 'http:') return;
  const carried = CREDENTIAL_KEYS.filter((key) => Object.hasOwn(chosen.user, key) && chosen.user[key] !== '' && chosen.user[key] !== null);
  if (splitUserinfo(chosen.server).username !== undefined) carried.push('a user and password in the server URL');
  if (carried.length === 0) return;
  throw new GitdiffError(
    `kubeconfig context "${chosen.name}": refusing to send credentials (${carried.join(', ')}) over plain http to ${withoutUserinfo(server.href, chosen.name).server}`,
    { hint: "use the server's https:// address; kubectl sends no credentials over http either (an unauthenticated server such as kubectl proxy needs a user without them)" },
  );
}

/** The server's URL without credentials written into it (split at the last `@`: a password may hold `/`, `#` or `?`). */
function serverUrl(server: string, contextName: string): URL {
  try {
    const url = new URL(splitUserinfo(server).bare);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch { /* below */ }
  throw new GitdiffError(`kubeconfig context "${contextName}": the cluster server is not an http(s) URL`, { hint: 'kubectl config view shows the clusters; a server looks like https://HOST:6443' });
}

/** No kubeconfig: the pod's service account, or an error saying there is nothing to connect to. */
async function connectInCluster(options: ConnectOptions): Promise<Connection> {
  if (!options.env.KUBERNETES_SERVICE_HOST) {
    throw new GitdiffError('no Kubernetes configuration: no --kubeconfig, no $KUBECONFIG file, no ~/.kube/config, and not running in a cluster', {
      hint: 'point at a cluster with --kubeconfig FILE (or --context NAME), or compare with a saved snapshot: --live-from FILE',
    });
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  loadInCluster(config, options.env);
  const cluster = config.getCurrentCluster();
  const route = cluster ? proxyRoute(serverUrl(cluster.server, 'in-cluster'), 'in-cluster', undefined, options.env) : undefined;
  // The pod's namespace, from the service account's namespace file.
  return connectWithClient(config, 'in-cluster', config.getContextObject(config.getCurrentContext())?.namespace, route);
}

async function connectWithClient(config: KubeConfigType, contextName: string, namespace: unknown, route: ProxyRoute | undefined, signal?: AbortSignal): Promise<Connection> {
  const cluster = config.getCurrentCluster();
  if (!cluster?.server) {
    throw new GitdiffError(`kubeconfig context "${contextName}" names no cluster server`, { hint: 'kubectl config view shows the contexts and clusters' });
  }
  const requestOptions: https.RequestOptions = {};
  try {
    await config.applyToHTTPSOptions(requestOptions);
  } catch (error) {
    // An exec plugin killed at the deadline: the deadline is the reason, not the plugin.
    if (signal?.aborted) throw signal.reason;
    // For a plain-http server (with no credentials: refused above) the client refuses to
    // build its agent; that refusal does not concern us (we build our own agent).
    if (!cluster.server.startsWith('http:')) {
      // A certificate or token file the client could not read: named in words, not Node's ENOENT.
      if (isFileError(error)) throw unreadableReferencedFile(contextName, error.path, error);
      throw new GitdiffError(`authenticating to ${cluster.server} (context ${contextName}): ${firstLine(messageOf(error))}`, {
        hint: 'check the kubeconfig user (token, client certificate, or exec plugin)',
      });
    }
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(requestOptions.headers ?? {})) if (value !== undefined) headers[name] = String(value);
  return connection(cluster.server, contextName, typeof namespace === 'string' ? namespace : undefined, headers, requestOptions.auth ?? undefined, requestOptions, route);
}

/** TLS settings of the agent, as the client's applyToHTTPSOptions sets them. */
type TlsSettings = Pick<https.AgentOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'rejectUnauthorized' | 'servername'>;

function connection(clusterServer: string, contextName: string, namespace: string | undefined, headers: Record<string, string>,
  auth: string | undefined, tls: TlsSettings, route: ProxyRoute | undefined): Connection {
  const agentOptions = {
    keepAlive: true,
    maxSockets: 16,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    pfx: tls.pfx,
    passphrase: tls.passphrase,
    rejectUnauthorized: tls.rejectUnauthorized,
    servername: tls.servername,
  };
  const agent = route ? tunnelingAgent(new URL(clusterServer), route, agentOptions)
    : clusterServer.startsWith('https:') ? new https.Agent(agentOptions) : new http.Agent({ keepAlive: true, maxSockets: 16 });
  const { server, userinfo } = withoutUserinfo(clusterServer, contextName);
  return { server, namespace: namespace?.trim() || 'default', contextName, headers, agent, auth: auth ?? userinfo };
}

/**
 * The server URL as messages and logs show it: credentials written into the
 * URL (https://user:password@host) are moved to the request's basic auth,
 * never printed.
 */
function withoutUserinfo(server: string, contextName: string): { server: string; userinfo?: string } {
  const split = splitUserinfo(server);
  let url: URL;
  try {
    url = new URL(split.bare);
  } catch {
    throw new GitdiffError(`kubeconfig context "${contextName}": the cluster server is not a URL`, { hint: 'kubectl config view shows the clusters; a server looks like https://HOST:6443' });
  }
  if (split.username === undefined) return { server: server.replace(/\/+$/, '') };
  return { server: url.href.replace(/\/+$/, ''), userinfo: `${split.username}:${split.password ?? ''}` };
}

/**
 * The pod's service account, as client-go's rest.InClusterConfig reads it:
 * KUBERNETES_SERVICE_HOST and _PORT, and the token, CA and namespace files the
 * kubelet mounts. In a pod without its token (automountServiceAccountToken:
 * false) that is an error of its own, not "no configuration".
 */
function loadInCluster(config: KubeConfigType, env: NodeJS.ProcessEnv): void {
  const root = (env[IN_CLUSTER_ROOT_VARIABLE] ?? '').replace(/\/+$/, '');
  const tokenFile = `${root}${SERVICE_ACCOUNT_DIR}/token`;
  if (!existsSync(tokenFile)) {
    throw new GitdiffError(`in a pod (KUBERNETES_SERVICE_HOST is set) but there is no service-account token at ${tokenFile}`, {
      hint: 'mount the service account token (automountServiceAccountToken: true), or point at a cluster with --kubeconfig FILE',
    });
  }
  if (!env.KUBERNETES_SERVICE_PORT) {
    throw new GitdiffError('KUBERNETES_SERVICE_HOST is set but KUBERNETES_SERVICE_PORT is not: the in-cluster API server address is incomplete', {
      hint: 'the kubelet sets both in every pod; outside a pod, unset KUBERNETES_SERVICE_HOST or give --kubeconfig FILE',
    });
  }
  // The client reads KUBERNETES_SERVICE_HOST/_PORT from process.env; the CLI's env is process.env.
  config.loadFromCluster(root);
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
