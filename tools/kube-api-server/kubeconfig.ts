// A kubeconfig for the test server, in the shape `kind` and `kubectl config` write.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

export interface KubeconfigOptions {
  /** The context's namespace. */
  namespace?: string;
  /** A bearer token for the user. */
  token?: string;
  /** The context (and cluster and user) name; default `gitdiff-test`. */
  context?: string;
  /** File name inside the directory; default `kubeconfig`. */
  fileName?: string;
  /** PEM of the CA to trust (a TLS server's own certificate by default); null to trust none. */
  certificateAuthority?: string | null;
}

export function kubeconfigFor(server: string, options: KubeconfigOptions = {}): object {
  const name = options.context ?? 'gitdiff-test';
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: {
      server,
      ...(options.certificateAuthority ? { 'certificate-authority-data': Buffer.from(options.certificateAuthority).toString('base64') } : {}),
    } }],
    users: [{ name, user: options.token ? { token: options.token } : {} }],
    contexts: [{ name, context: { cluster: name, user: name, ...(options.namespace ? { namespace: options.namespace } : {}) } }],
    'current-context': name,
    preferences: {},
  };
}

/** Writes the kubeconfig into `dir` (created if needed) and returns its path. */
export function writeKubeconfigFile(dir: string, server: string, options: KubeconfigOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, options.fileName ?? 'kubeconfig');
  writeFileSync(file, yaml.dump(kubeconfigFor(server, options)), { mode: 0o600 });
  return file;
}
