// A pod's view of the cluster, outside a pod: the files the kubelet mounts at
// /var/run/secrets/kubernetes.io/serviceaccount, written under a folder that
// GITDIFF_IN_CLUSTER_ROOT makes gitdiff read as `/` (the real path needs root),
// and the variables the kubelet sets, pointing at the test API server.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KubeApiServer } from '../../tools/kube-api-server/index.js';

export const SERVICE_ACCOUNT_TOKEN = 'in-cluster-token-5d1e9c';

export interface PodFiles {
  /** The folder that stands for `/`. */
  root: string;
  /** The service-account folder under it. */
  serviceAccountDir: string;
}

/** Writes token, ca.crt and namespace as the kubelet does (the namespace file has no newline). */
export function writeServiceAccount(server: KubeApiServer, namespace: string, files: { token?: string; ca?: string } = {}): PodFiles {
  const root = mkdtempSync(path.join(tmpdir(), 'gitdiff-pod-root-'));
  const serviceAccountDir = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(serviceAccountDir, { recursive: true });
  if (files.token !== '') writeFileSync(path.join(serviceAccountDir, 'token'), files.token ?? SERVICE_ACCOUNT_TOKEN);
  writeFileSync(path.join(serviceAccountDir, 'ca.crt'), files.ca ?? server.caCertificate ?? '');
  writeFileSync(path.join(serviceAccountDir, 'namespace'), namespace);
  return { root, serviceAccountDir };
}

/** KUBERNETES_SERVICE_HOST/_PORT as the kubelet sets them in every pod, plus the root override. */
export function podEnvironment(server: KubeApiServer, files: PodFiles): NodeJS.ProcessEnv {
  const url = new URL(server.url);
  return { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port, GITDIFF_IN_CLUSTER_ROOT: files.root };
}
