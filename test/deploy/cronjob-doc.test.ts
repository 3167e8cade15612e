// docs/cronjob.md, run as written where a cluster is not needed: its overlay
// and each addition to it rendered by `kubectl kustomize` and checked with the
// Kubernetes rules; the private-repository recipe carried out (the Secret made
// by its own kubectl line, git cloning with the patched init container's
// environment from an HTTP server that demands the header); promtool on the
// rules. Not run here: docker build/push, kubectl apply/create job/logs.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { dump, load, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { itWith } from '../support/binaries.js';
import { repoRoot } from '../support/run-cli.js';
import { blockContaining, blockLabelled, codeBlocks, runCommandBlock } from './doc-blocks.js';
import { startGitHttpServer } from './git-http-server.js';
import { objectProblems } from './kubernetes-rules.js';
import { git, makeManifestsRepository } from './manifests-repository.js';
import { containerProcess } from './pod-process.js';
import { findRendered, itWithKustomize, kubernetesDir, renderKustomization } from './render.js';

type Obj = Record<string, any>;

const itKubectl = itWithKustomize();
const itPromtool = itWith(['promtool'], 'apt-get install prometheus');
const blocks = codeBlocks(path.join(repoRoot, 'docs/cronjob.md'));
const OVERLAY = 'gitdiff-prod/kustomization.yaml';
const overlay = load(blockLabelled(blocks, OVERLAY).text) as Obj;
const addition = (snippet: string) => load(blockLabelled(blocks, `added to ${OVERLAY}`, snippet).text) as Obj;
const additions = {
  customResources: addition('monitoring.coreos.com'),
  secretsReader: addition('../gitdiff/secrets-reader'),
  secretsRole: addition('secrets-shop.yaml'),
  privateRepository: addition('GIT_CONFIG_COUNT'),
  namespace: addition('namespace: ops'),
};

let ops: string;

beforeAll(() => {
  // The layout the doc describes: gitdiff's deploy/kubernetes as gitdiff/, the overlay beside it.
  ops = mkdtempSync(path.join(tmpdir(), 'gitdiff-ops-'));
  cpSync(kubernetesDir, path.join(ops, 'gitdiff'), { recursive: true });
  mkdirSync(path.join(ops, 'gitdiff-prod'));
  writeFileSync(path.join(ops, 'gitdiff-prod/secrets-shop.yaml'), blockLabelled(blocks, 'gitdiff-prod/secrets-shop.yaml').text);
});

afterAll(() => {
  rmSync(ops, { recursive: true, force: true });
});

/** The overlay with additions merged in, as a reader would edit it: lists extended, other fields set. */
function renderOverlay(...more: Obj[]): Obj[] {
  const merged: Obj = structuredClone(overlay);
  for (const fragment of more) {
    for (const [key, value] of Object.entries(fragment)) merged[key] = Array.isArray(value) ? [...(merged[key] ?? []), ...value] : value;
  }
  writeFileSync(path.join(ops, OVERLAY), dump(merged));
  return renderKustomization(path.join(ops, 'gitdiff-prod'));
}

const podSpec = (objects: Obj[]) => findRendered(objects, 'CronJob', 'gitdiff-kube').spec.jobTemplate.spec.template.spec;

describe('docs/cronjob.md', () => {
  itKubectl('its overlay renders (`kubectl kustomize gitdiff-prod`) with the image, the settings and the schedule, breaking no rule', () => {
    writeFileSync(path.join(ops, OVERLAY), blockLabelled(blocks, OVERLAY).text);
    const commands = blockContaining(blocks, 'sh', 'kubectl kustomize gitdiff-prod');
    // The block's first line; the others (apply, create job, logs) need a cluster.
    const result = runCommandBlock({ ...commands, text: commands.text.split('\n')[0] }, ops);
    expect(result.status, result.stderr).toBe(0);
    const objects = loadAll(result.stdout) as Obj[];
    expect(objectProblems(objects)).toEqual([]);
    const pod = podSpec(objects);
    expect([...pod.initContainers, ...pod.containers].map((container: Obj) => container.image)).toEqual(['registry.example.com/platform/gitdiff:0.1.0', 'registry.example.com/platform/gitdiff:0.1.0']);
    expect(findRendered(objects, 'ConfigMap', 'gitdiff-cronjob').data).toEqual({
      repository: 'https://git.example.com/platform/manifests.git', revision: 'main', manifests: 'clusters/prod',
      namespace: 'default', pushgateway: 'http://pushgateway.monitoring.svc:9091', target: 'prod',
    });
    expect(findRendered(objects, 'CronJob', 'gitdiff-kube').spec.schedule).toBe('*/10 * * * *');
  });

  itKubectl('custom resources: the added rule reads them, and the role stays read-only', () => {
    const objects = renderOverlay(additions.customResources);
    expect(objectProblems(objects)).toEqual([]);
    expect(findRendered(objects, 'ClusterRole', 'gitdiff-reader').rules.at(-1)).toEqual({
      apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'prometheusrules'], verbs: ['get', 'list'],
    });
  });

  itKubectl('Secrets, opt-in: secrets-reader adds the only role that reads them', () => {
    const objects = renderOverlay(additions.secretsReader);
    expect(objectProblems(objects, { secretReaders: ['gitdiff-secrets-reader'] })).toEqual([]);
    expect(objectProblems(objects)).toEqual(['ClusterRole gitdiff-secrets-reader: rule 1 grants access to Secrets (only the opt-in secrets role may)']);
  });

  itKubectl('Secrets, narrower: a Role for named Secrets in one namespace, bound to gitdiff\'s ServiceAccount', () => {
    const objects = renderOverlay(additions.secretsRole);
    // The shop namespace is the application's, not part of this bundle.
    expect(objectProblems(objects, { secretReaders: ['gitdiff-secrets-reader'] })).toEqual([
      'Role shop/gitdiff-secrets-reader: namespace shop is not among the objects',
      'RoleBinding shop/gitdiff-secrets-reader: namespace shop is not among the objects',
    ]);
    expect(findRendered(objects, 'Role', 'gitdiff-secrets-reader').rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['shop-database', 'shop-api-keys'], verbs: ['get'] }]);
  });

  itKubectl('another namespace: everything moves, the binding too; without the subject patch it would not', () => {
    expect(objectProblems(renderOverlay(additions.namespace))).toEqual([]);
    const withoutPatch = renderOverlay({ namespace: 'ops' });
    expect(objectProblems(withoutPatch)).toContain('ClusterRoleBinding gitdiff-reader: subject ServiceAccount gitdiff/gitdiff is not among the objects');
  });

  itKubectl('private repositories: the Secret from its kubectl line, the patched init container, and git sending the header', async () => {
    const objects = renderOverlay(additions.privateRepository);
    expect(objectProblems(objects)).toEqual([]);

    const token = 'github_pat_11TEST0Token';
    const create = blockContaining(blocks, 'sh', 'kubectl create secret generic gitdiff-git').text.trim();
    const made = spawnSync('sh', ['-c', `${create} --dry-run=client -o yaml`], { cwd: ops, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: ops, TOKEN: token } });
    expect(made.status, made.stderr).toBe(0);
    const secret = load(made.stdout) as Obj;
    const authorization = Buffer.from(secret.data.authorization, 'base64').toString('utf8');
    expect(authorization).toBe(`Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`);

    const repositories = path.join(ops, 'repositories');
    makeManifestsRepository(path.join(repositories, 'source'), '.');
    git(['clone', '--quiet', '--bare', 'source', 'manifests.git'], repositories);

    const server = await startGitHttpServer(repositories, authorization.replace(/^Authorization: /, ''));
    try {
      const work = path.join(ops, 'volumes/work');
      mkdirSync(work, { recursive: true });
      const fetch = containerProcess(podSpec(objects).initContainers[0], {
        configMaps: { 'gitdiff-cronjob': { ...findRendered(objects, 'ConfigMap', 'gitdiff-cronjob').data, repository: `${server.url}/manifests.git` } },
        secrets: { 'gitdiff-git': { authorization } },
        volumes: { work, tmp: path.join(ops, 'volumes/tmp') },
      });
      // Asynchronously: the HTTP server answering git lives in this process.
      const cloned = await execa(fetch.argv[0], fetch.argv.slice(1), { env: { PATH: process.env.PATH, ...fetch.env }, extendEnv: false, reject: false, timeout: 30_000 });
      expect(cloned.exitCode, cloned.stderr).toBe(0);
      expect(readdirSync(path.join(work, 'repo'))).toContain('redis.yaml');
      expect(server.authorizations.length).toBeGreaterThan(0);
      expect(new Set(server.authorizations)).toEqual(new Set([authorization.replace(/^Authorization: /, '')]));
    } finally {
      await server.close();
    }
  });

  itPromtool('its promtool line passes on the shipped rules', () => {
    const result = runCommandBlock(blockContaining(blocks, 'sh', 'promtool check rules'), repoRoot);
    expect(result.stdout).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});
