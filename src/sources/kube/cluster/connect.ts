// Connecting to a cluster: kubeconfig, contexts and auth (tokens, client
// certificates, exec plugins, in-cluster service account) come from
// @kubernetes/client-node's KubeConfig, except for one plain kubeconfig file
// (plain-kubeconfig.ts), read without loading the client; the requests themselves are plain
// HTTP GETs, so objects arrive as the API's own JSON (the client's typed
// models would turn timestamps into Dates and rename keys) and gitdiff keeps
// control of timeouts and concurrency. This module is imported only when a
// server is used: the client costs about 0.4 s to load.
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig as KubeConfigType } from '@kubernetes/client-node';
import { GitdiffError, messageOf } from '../../../errors.js';
import { readPlainKubeconfig } from './plain-kubeconfig.js';
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
  const kubeconfigFiles = options.kubeconfig
    ? [path.resolve(options.cwd, options.kubeconfig)]
    : (options.env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  const homeConfig = path.join(options.env.HOME ?? os.homedir(), '.kube', 'config');
  // One plain kubeconfig (a token, a client certificate) needs no Kubernetes client: see plain-kubeconfig.ts.
  const single = kubeconfigFiles.length === 1 ? kubeconfigFiles[0] : kubeconfigFiles.length === 0 && existsSync(homeConfig) ? homeConfig : undefined;
  const plain = single ? readPlainKubeconfig(single, options.context) : undefined;
  if (plain) {
    const { server, contextName, namespace, headers, auth, ...tls } = plain;
    return connection(server, contextName, namespace, headers, auth, tls);
  }
  return connectWithClient(options, kubeconfigFiles, homeConfig);
}

async function connectWithClient(options: ConnectOptions, kubeconfigFiles: string[], homeConfig: string): Promise<Connection> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  if (options.signal) execPluginsUnder(config, options.signal);
  let inCluster = false;
  try {
    if (kubeconfigFiles.length > 0) {
      config.loadFromFile(kubeconfigFiles[0]);
      for (const file of kubeconfigFiles.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(file);
        config.mergeConfig(more);
      }
    } else if (existsSync(homeConfig)) {
      config.loadFromFile(homeConfig);
    } else if (options.env.KUBERNETES_SERVICE_HOST) {
      loadInCluster(config, options.env);
      inCluster = true;
    } else {
      throw new GitdiffError('no Kubernetes configuration: no --kubeconfig, no $KUBECONFIG, no ~/.kube/config, and not running in a cluster', {
        hint: 'point at a cluster with --kubeconfig FILE (or --context NAME), or compare with a saved snapshot: --live-from FILE',
      });
    }
  } catch (error) {
    if (error instanceof GitdiffError) throw error;
    const file = kubeconfigFiles[0] ?? homeConfig;
    throw new GitdiffError(`kubeconfig ${file}: ${firstLine(messageOf(error))}`, { hint: 'check the file (kubectl config view --kubeconfig FILE)' });
  }

  if (options.context) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((context) => context.name).join(', ') || 'none';
      throw new GitdiffError(`kubeconfig has no context "${options.context}" (contexts: ${known})`, { hint: 'kubectl config get-contexts lists them' });
    }
    config.setCurrentContext(options.context);
  }
  const contextName = inCluster ? 'in-cluster' : config.getCurrentContext();
  const cluster = config.getCurrentCluster();
  if (!cluster?.server) {
    throw new GitdiffError(`kubeconfig context "${contextName}" names no cluster server`, { hint: 'kubectl config view shows the contexts and clusters' });
  }
  const context = config.getContextObject(config.getCurrentContext());

  const requestOptions: https.RequestOptions = {};
  try {
    await config.applyToHTTPSOptions(requestOptions);
  } catch (error) {
    // An exec plugin killed at the deadline: the deadline is the reason, not the plugin.
    if (options.signal?.aborted) throw options.signal.reason;
    // For a plain-http server the client refuses to build its agent, after it has
    // already set the auth headers; that refusal does not concern us (we build our own agent).
    if (!cluster.server.startsWith('http:')) {
      throw new GitdiffError(`authenticating to ${cluster.server} (context ${contextName}): ${firstLine(messageOf(error))}`, {
        hint: 'check the kubeconfig user (token, client certificate, or exec plugin)',
      });
    }
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(requestOptions.headers ?? {})) if (value !== undefined) headers[name] = String(value);
  return connection(cluster.server, contextName, context?.namespace, headers, requestOptions.auth ?? undefined, requestOptions);
}

/** TLS settings of the agent, as the client's applyToHTTPSOptions sets them. */
type TlsSettings = Pick<https.AgentOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'rejectUnauthorized' | 'servername'>;

function connection(clusterServer: string, contextName: string, namespace: string | undefined, headers: Record<string, string>,
  auth: string | undefined, tls: TlsSettings): Connection {
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
  const agent = clusterServer.startsWith('https:') ? new https.Agent(agentOptions) : new http.Agent({ keepAlive: true, maxSockets: 16 });
  const { server, userinfo } = withoutUserinfo(clusterServer, contextName);
  return { server, namespace: namespace?.trim() || 'default', contextName, headers, agent, auth: auth ?? userinfo };
}

/**
 * The server URL as messages and logs show it: credentials written into the
 * URL (https://user:password@host) are moved to the request's basic auth,
 * never printed.
 */
function withoutUserinfo(server: string, contextName: string): { server: string; userinfo?: string } {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new GitdiffError(`kubeconfig context "${contextName}": the cluster server is not a URL`, { hint: 'kubectl config view shows the clusters; a server looks like https://HOST:6443' });
  }
  if (url.username === '' && url.password === '') return { server: server.replace(/\/+$/, '') };
  const userinfo = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { server: url.href.replace(/\/+$/, ''), userinfo };
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
