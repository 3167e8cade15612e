// Values an API server hands back are data, never patterns (issue 14, class 4),
// as a process against the local test API server: a live autoscaler whose
// scaleTargetRef names "*" (a real server accepts it: the name is only checked
// as a path segment) or a glob, or an object of another API group, owns the
// replicas of nothing Git declares. Only the object it names exactly is set aside.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runGitdiff, type CliResult } from '../support/run-cli.js';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';

const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'app' },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'nginx:1.27' }] } } },
});
const autoscaler = (name: string, target: { apiVersion: string; kind: string; name: string }) => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace: 'app' },
  spec: { scaleTargetRef: target, minReplicas: 1, maxReplicas: 10 },
});

const servers: KubeApiServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** gitdiff kube with web and worker declared at 2 replicas, against `server`. */
async function compareTwoDeployments(server: KubeApiServer): Promise<CliResult> {
  servers.push(server);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-trust-server-'));
  const manifests = path.join(dir, 'app.yaml');
  writeFileSync(manifests, [deployment('web', 2), deployment('worker', 2)].map((object) => dump(object)).join('---\n'));
  return runGitdiff(['kube', manifests, '--kubeconfig', server.writeKubeconfig(dir)]);
}

describe('live autoscalers with hostile targets', () => {
  it.each([
    ['"*"', { apiVersion: 'apps/v1', kind: 'Deployment', name: '*' }],
    ['a glob', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'w*' }],
    ['another API group', { apiVersion: 'example.com/v1', kind: 'Deployment', name: 'web' }],
  ])('an autoscaler targeting %s leaves the replicas difference counted (exit 1)', async (_what, target) => {
    const server = await startKubeApiServer({ objects: [deployment('web', 9), deployment('worker', 9), autoscaler('hostile', target)] });
    const result = await compareTwoDeployments(server);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^2 diverged, 0 in sync \(2 objects, /m);
  });

  it('an autoscaler naming the Deployment exactly owns its replicas, and only its', async () => {
    const server = await startKubeApiServer({ objects: [deployment('web', 9), deployment('worker', 9), autoscaler('web', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' })] });
    const result = await compareTwoDeployments(server);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^1 diverged, 1 in sync \(2 objects, [\d.]+ s\); 1 difference ignored$/m);
  });
});
