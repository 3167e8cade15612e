// Connecting to a cluster: kubeconfig, contexts and auth (tokens, client
// certificates, exec plugins, in-cluster service account) come from
// @kubernetes/client-node's KubeConfig; the requests themselves are plain
// HTTP GETs, so objects arrive as the API's own JSON (the client's typed
// models would turn timestamps into Dates and rename keys) and gitdiff keeps
// control of timeouts and concurrency. This module is imported only when a
// server is used: the client costs about 0.4 s to load.
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { GitdiffError, messageOf } from '../../../errors.js';

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
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

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export async function connect(options: ConnectOptions): Promise<Connection> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  const kubeconfigFiles = options.kubeconfig
    ? [path.resolve(options.cwd, options.kubeconfig)]
    : (options.env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  const homeConfig = path.join(options.env.HOME ?? os.homedir(), '.kube', 'config');
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
    } else if (options.env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) {
      config.loadFromCluster();
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
  const contextName = config.getCurrentContext() || 'in-cluster';
  const cluster = config.getCurrentCluster();
  if (!cluster?.server) {
    throw new GitdiffError(`kubeconfig context "${contextName}" names no cluster server`, { hint: 'kubectl config view shows the contexts and clusters' });
  }
  const context = config.getContextObject(contextName);
  const namespace = context?.namespace || (config as unknown as { namespace?: string }).namespace || inClusterNamespace(config) || 'default';

  const requestOptions: https.RequestOptions = {};
  try {
    await config.applyToHTTPSOptions(requestOptions);
  } catch (error) {
    // For a plain-http server the client refuses to build its agent, after it has
    // already set the auth headers; that refusal does not concern us (we build our own agent).
    if (!cluster.server.startsWith('http:')) {
      throw new GitdiffError(`authenticating to ${cluster.server} (context ${contextName}): ${firstLine(messageOf(error))}`, {
        hint: 'check the kubeconfig user (token, client certificate, or exec plugin)',
      });
    }
  }
  const agentOptions = {
    keepAlive: true,
    maxSockets: 16,
    ca: requestOptions.ca,
    cert: requestOptions.cert,
    key: requestOptions.key,
    pfx: requestOptions.pfx,
    passphrase: requestOptions.passphrase,
    rejectUnauthorized: requestOptions.rejectUnauthorized,
    servername: requestOptions.servername,
  };
  const agent = cluster.server.startsWith('https:') ? new https.Agent(agentOptions) : new http.Agent({ keepAlive: true, maxSockets: 16 });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(requestOptions.headers ?? {})) if (value !== undefined) headers[name] = String(value);
  return { server: cluster.server.replace(/\/+$/, ''), namespace, contextName, headers, agent, auth: requestOptions.auth ?? undefined };
}

function inClusterNamespace(config: object): string | undefined {
  const contexts = (config as { contexts?: { name: string; namespace?: string }[] }).contexts;
  return contexts?.find((context) => context.name === 'inClusterContext')?.namespace;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
