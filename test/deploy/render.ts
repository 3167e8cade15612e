// The deployment manifests as `kubectl kustomize` renders them (the renderer
// `kubectl apply -k` uses), for the tests that check them.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadAll } from 'js-yaml';
import { itUnless, whichBinary } from '../support/binaries.js';
import { repoRoot } from '../support/run-cli.js';

type Obj = Record<string, any>;

export const kubernetesDir = path.join(repoRoot, 'deploy/kubernetes');
export const cronJobDir = path.join(kubernetesDir, 'cronjob');
export const secretsReaderDir = path.join(kubernetesDir, 'secrets-reader');
const KUBECTL_INSTALL = 'install kubectl 1.21 or later: https://kubernetes.io/docs/tasks/tools/';

/**
 * `it` for tests that render deploy/kubernetes: they need kubectl with a
 * kustomize that takes folders in `resources` and inline `patches` (kubectl
 * 1.21 and later, as every supported Kubernetes version has). Debian 12's
 * kubernetes-client is kubectl 1.20, with kustomize v2.0.
 */
export function itWithKustomize(): ReturnType<typeof itUnless> {
  if (!whichBinary('kubectl')) return itUnless(`missing kubectl (${KUBECTL_INSTALL})`);
  const result = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  const version = result.status === 0 ? (JSON.parse(result.stdout) as { clientVersion?: { major?: string; minor?: string } }).clientVersion : undefined;
  const minor = Number.parseInt(version?.minor ?? '', 10);
  if (version?.major === '1' && minor >= 21) return itUnless(undefined);
  return itUnless(`kubectl 1.21 or later for kustomize (found ${version ? `${version.major}.${version.minor}` : 'an unknown version'}; ${KUBECTL_INSTALL})`);
}

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
