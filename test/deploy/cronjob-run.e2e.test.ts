// One run of the CronJob, as the kubelet would perform it, without a cluster:
// the rendered pod's init container (git clone of a local repository) and main
// container (gitdiff, the image's ENTRYPOINT) run as processes with the env the
// pod spec gives them ($(VAR) expanded, ConfigMap keys resolved), the pod's
// volumes as folders, the service account files and KUBERNETES_SERVICE_* of a
// pod, against the test API server and a real Pushgateway. Every request gitdiff
// makes must be one the shipped ClusterRole allows.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL as PROMETHEUS_INSTALL, scrape, startPushgateway, valueOf, type Component } from '../support/prometheus.js';
import { itWith } from '../support/binaries.js';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';
import { repoRoot, runGitdiff } from '../support/run-cli.js';
import { makeManifestsRepository } from './manifests-repository.js';
import { containerProcess } from './pod-process.js';
import { requestAttributes, rulesAllow, SYSTEM_DISCOVERY_RULES } from './rbac.js';
import { cronJobDir, findRendered, itWithKustomize, renderKustomization } from './render.js';
import { podEnvironment, SERVICE_ACCOUNT_TOKEN, writeServiceAccount, type PodFiles } from './service-account.js';

type Obj = Record<string, any>;

const itKustomize = itWithKustomize();
const itComponents = itKustomize === it ? itWith(['prometheus-pushgateway', 'openssl'], `${PROMETHEUS_INSTALL} openssl`) : itKustomize;
const example = loadAll(readFileSync(path.join(repoRoot, 'fixtures/example/manifests/redis.yaml'), 'utf8')) as Obj[];
/** The example with the Deployment scaled by hand to 3 replicas, while Git says 4. */
const drifted = example.map((object) => (object.kind === 'Deployment' ? { ...object, spec: { ...object.spec, replicas: 3 } } : object));

let scratch: string;
let server: KubeApiServer;
let pushgateway: Component;
let pod: PodFiles;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-cronjob-run-'));
  if (itComponents !== it) return;
  server = await startKubeApiServer({ tls: true, token: SERVICE_ACCOUNT_TOKEN, objects: drifted });
  pushgateway = await startPushgateway();
  pod = writeServiceAccount(server, 'gitdiff');
});

afterAll(async () => {
  await server?.close();
  await pushgateway?.stop();
  rmSync(scratch, { recursive: true, force: true });
  if (pod) rmSync(pod.root, { recursive: true, force: true });
});

/** The manifests repository the CronJob clones: the example under clusters/prod, on main. */
function manifestsRepository(): string {
  const repository = path.join(scratch, 'manifests.git');
  makeManifestsRepository(repository, 'clusters/prod');
  return repository;
}

describe('the CronJob, run once as its pod would', () => {
  itComponents('clones the repository, reports the drift through the Pushgateway, exits 0, and reads only what its role allows', async () => {
    const objects = renderKustomization(cronJobDir);
    const spec = findRendered(objects, 'CronJob', 'gitdiff-kube').spec.jobTemplate.spec.template.spec;
    const settings = {
      ...findRendered(objects, 'ConfigMap', 'gitdiff-cronjob').data,
      repository: manifestsRepository(), manifests: 'clusters/prod', pushgateway: pushgateway.url, target: 'prod',
    };
    const volumes: Record<string, string> = Object.fromEntries(spec.volumes.map((volume: Obj) => [volume.name, path.join(scratch, 'volumes', volume.name)]));
    for (const folder of Object.values(volumes)) mkdirSync(folder, { recursive: true });
    const inputs = { configMaps: { 'gitdiff-cronjob': settings }, volumes };

    const [fetch] = spec.initContainers;
    const clone = containerProcess(fetch, inputs);
    expect(clone.argv[0]).toBe('git');
    const cloned = spawnSync(clone.argv[0], clone.argv.slice(1), { env: { PATH: process.env.PATH, ...clone.env }, encoding: 'utf8' });
    expect(cloned.stderr).not.toContain('fatal');
    expect(cloned.status).toBe(0);
    expect(existsSync(path.join(volumes.work, 'repo/clusters/prod/redis.yaml'))).toBe(true);

    // The image runs gitdiff under tini (see the Dockerfile test); runGitdiff runs bin/gitdiff.
    const [main] = spec.containers;
    const check = containerProcess(main, inputs);
    const before = server.requests.length;
    const result = await runGitdiff(check.argv, { cwd: scratch, env: { ...check.env, ...podEnvironment(server, pod) } });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('~ apps/v1 Deployment cache/redis');
    expect(result.stdout).toMatch(/^1 diverged, 3 in sync \(4 objects, /m);
    expect(result.code).toBe(0);

    const families = await scrape(pushgateway);
    expect(valueOf(families, 'gitdiff_diverged', { job: 'gitdiff', source: 'kube', target: 'prod' })).toBe(1);
    expect(valueOf(families, 'gitdiff_run_success', { job: 'gitdiff', source: 'kube', target: 'prod' })).toBe(1);

    const rules = [...findRendered(objects, 'ClusterRole', 'gitdiff-reader').rules, ...SYSTEM_DISCOVERY_RULES];
    const requests = server.requests.slice(before).map((request) => ({ request, needs: requestAttributes(request.method, request.path, request.query) }));
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter(({ needs }) => !rulesAllow(rules, needs)).map(({ request }) => `${request.method} ${request.path}`)).toEqual([]);
  });
});
