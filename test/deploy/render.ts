// The deployment manifests as `kubectl kustomize` renders them (the renderer
// `kubectl apply -k` uses), for the tests that check them.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadAll } from 'js-yaml';
import { repoRoot } from '../support/run-cli.js';

type Obj = Record<string, any>;

export const kubernetesDir = path.join(repoRoot, 'deploy/kubernetes');
export const cronJobDir = path.join(kubernetesDir, 'cronjob');
export const secretsReaderDir = path.join(kubernetesDir, 'components/secrets-reader');
export const KUBECTL_INSTALL = 'install kubectl (https://kubernetes.io/docs/tasks/tools/; Debian: apt-get install kubernetes-client)';

export function renderKustomization(dir: string): Obj[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return (loadAll(result.stdout) as Obj[]).filter(Boolean);
}

export function findRendered(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.find((object) => object.kind === kind && object.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((object) => `${object.kind} ${object.metadata?.name}`).join(', ')}`);
  return found;
}
