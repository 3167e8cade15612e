// deploy/kubernetes as kubectl renders it: valid by the rules of
// kubernetes-rules.ts, and in sync, by gitdiff's own check, with what a real
// API server stores for it (cronjob-live.yaml, written by the test API server).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { startKubeApiServer } from '../../tools/kube-api-server/index.js';
import { repoRoot, runGitdiff } from '../support/run-cli.js';
import { cronScheduleProblem, objectProblems, selectorProblem } from './kubernetes-rules.js';
import { cronJobDir, findRendered, itWithKustomize, renderKustomization, secretsReaderDir } from './render.js';

type Obj = Record<string, any>;

const itKubectl = itWithKustomize();
const liveSnapshot = path.join(repoRoot, 'test/deploy/cronjob-live.yaml');
const SNAPSHOT_HEADER = `# What a Kubernetes API server returns for deploy/kubernetes/cronjob once applied
# (\`kubectl apply -k\`), as the test API server stores it: defaults, managedFields,
# last-applied-configuration. Regenerate after changing the manifests, and review:
#   npx vitest run test/deploy/kubernetes.test.ts -u
`;
/** The objects the snapshot holds, as a List's items. */
const snapshotObjects = (): Obj[] => (load(readFileSync(liveSnapshot, 'utf8')) as Obj).items;

/** A fixed uid per object, so the snapshot only changes when the objects do. */
function stableUid(object: Obj): string {
  const hex = createHash('sha256').update(`${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

describe('deploy/kubernetes/cronjob', () => {
  itKubectl('renders the namespace, identity, read-only role, binding, settings and CronJob, breaking no rule', () => {
    const objects = renderKustomization(cronJobDir);
    expect(objects.map((object) => `${object.kind} ${object.metadata.name}`)).toEqual([
      'Namespace gitdiff', 'ServiceAccount gitdiff', 'ClusterRole gitdiff-reader', 'ClusterRoleBinding gitdiff-reader',
      'ConfigMap gitdiff-cronjob', 'CronJob gitdiff-kube',
    ]);
    expect(objectProblems(objects)).toEqual([]);
    const cronJob = findRendered(objects, 'CronJob', 'gitdiff-kube');
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers[0].command).toEqual(['git']);
    expect(pod.containers[0].args).toEqual(['kube', '/work/repo/$(GITDIFF_MANIFESTS)', '--namespace=$(GITDIFF_NAMESPACE)',
      '--pushgateway=$(GITDIFF_PUSHGATEWAY)', '--target=$(GITDIFF_TARGET)', '--no-error-on-diff']);
    expect(new Set(pod.containers.concat(pod.initContainers).map((container: Obj) => container.image))).toEqual(new Set(['gitdiff:0.1.0']));
  });

  itKubectl('is what the test API server stores for it (cronjob-live.yaml, reviewed like code)', async () => {
    const server = await startKubeApiServer();
    try {
      const items = renderKustomization(cronJobDir).map((object) => {
        server.apply(object, { time: '2026-01-05T09:00:00Z' });
        const live = server.get(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name) as Obj;
        live.metadata.uid = stableUid(live);
        return live;
      });
      const text = SNAPSHOT_HEADER + dump({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }, { lineWidth: -1, noRefs: true });
      await expect(text).toMatchFileSnapshot(liveSnapshot);
    } finally {
      await server.close();
    }
  });

  itKubectl('passes gitdiff\'s own check against that live state: gitdiff kube -k ... --live-from exits 0', async () => {
    const result = await runGitdiff(['kube', '-k', 'deploy/kubernetes/cronjob', '--live-from', 'test/deploy/cronjob-live.yaml']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^6 in sync \(6 objects, /m);
    expect(result.code).toBe(0);
  });

  itKubectl('and fails that check when the cluster drifts from it (someone edited the schedule)', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-deploy-live-'));
    try {
      const items = snapshotObjects().map((object) => (object.kind === 'CronJob' ? { ...object, spec: { ...object.spec, schedule: '0 * * * *' } } : object));
      writeFileSync(path.join(scratch, 'live.yaml'), dump({ apiVersion: 'v1', kind: 'List', items }));
      const result = await runGitdiff(['kube', '-k', 'deploy/kubernetes/cronjob', '--live-from', path.join(scratch, 'live.yaml')]);
      expect(result.stdout).toContain('~ batch/v1 CronJob gitdiff/gitdiff-kube (deploy/kubernetes/cronjob (kustomize))');
      expect(result.stdout).toContain("spec.schedule: (changed by kubectl-client-side-apply at 2026-01-05 09:00 UTC)\n-     0 * * * *\n+     '*/15 * * * *'\n");
      expect(result.code).toBe(1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  itKubectl('with the opt-in secrets-reader: one more ClusterRole and binding, the only ones granting Secrets', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-deploy-component-'));
    try {
      writeFileSync(path.join(scratch, 'kustomization.yaml'), dump({
        resources: [path.relative(scratch, cronJobDir), path.relative(scratch, secretsReaderDir)],
      }));
      const objects = renderKustomization(scratch);
      expect(objects.map((object) => `${object.kind} ${object.metadata.name}`)).toEqual(expect.arrayContaining(['ClusterRole gitdiff-secrets-reader', 'ClusterRoleBinding gitdiff-secrets-reader']));
      expect(objectProblems(objects, { secretReaders: ['gitdiff-secrets-reader'] })).toEqual([]);
      expect(objectProblems(objects)).toEqual(['ClusterRole gitdiff-secrets-reader: rule 1 grants access to Secrets (only the opt-in secrets role may)']);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

// Each rule catches what it is for: the committed live state (which passes) with one thing broken.
type Mutation = (objects: Obj[]) => void;
const kind = (objects: Obj[], name: string): Obj => objects.find((object) => object.kind === name)!;
const podOf = (objects: Obj[]): Obj => kind(objects, 'CronJob').spec.jobTemplate.spec.template.spec;
const mainContainer = (objects: Obj[]): Obj => podOf(objects).containers[0];

const brokenBundles: [string, Mutation, string][] = [
  ['a write verb in the ClusterRole', (o) => kind(o, 'ClusterRole').rules[0].verbs.push('patch'), 'ClusterRole gitdiff-reader: rule 1 grants "patch"'],
  ['Secrets in the default role', (o) => kind(o, 'ClusterRole').rules[0].resources.push('secrets'), 'rule 1 grants access to Secrets'],
  ['a wildcard resource', (o) => kind(o, 'ClusterRole').rules[1].resources.push('*'), 'rule 2 has a wildcard in resources'],
  ['a binding to another namespace\'s account', (o) => { kind(o, 'ClusterRoleBinding').subjects[0].namespace = 'ops'; }, 'subject ServiceAccount ops/gitdiff is not among the objects'],
  ['a binding to a missing role', (o) => { kind(o, 'ClusterRoleBinding').roleRef.name = 'gitdiff-viewer'; }, 'binds ClusterRole gitdiff-viewer, which is not among the objects'],
  ['concurrent runs allowed', (o) => { kind(o, 'CronJob').spec.concurrencyPolicy = 'Allow'; }, 'concurrencyPolicy is Allow, not Forbid'],
  ['no deadline', (o) => { delete kind(o, 'CronJob').spec.jobTemplate.spec.activeDeadlineSeconds; }, 'jobTemplate.spec.activeDeadlineSeconds must be a positive integer'],
  ['a four-field schedule', (o) => { kind(o, 'CronJob').spec.schedule = '*/15 * * *'; }, 'does not have five fields'],
  ['a writable root filesystem', (o) => { mainContainer(o).securityContext.readOnlyRootFilesystem = false; }, 'container gitdiff does not set readOnlyRootFilesystem: true'],
  ['privilege escalation', (o) => { delete podOf(o).initContainers[0].securityContext.allowPrivilegeEscalation; }, 'container fetch-manifests does not set allowPrivilegeEscalation: false'],
  ['root allowed', (o) => { delete podOf(o).securityContext.runAsNonRoot; }, 'container gitdiff does not set runAsNonRoot: true'],
  ['no memory limit', (o) => { delete mainContainer(o).resources.limits.memory; }, 'container gitdiff has no resources.limits.memory'],
  ['a typo in a $(VAR) reference', (o) => { mainContainer(o).args[3] = '--pushgateway=$(GITDIFF_PUSHGATEWAYS)'; }, 'args[3] uses $(GITDIFF_PUSHGATEWAYS), which its env does not define'],
  ['a ConfigMap key that does not exist', (o) => { mainContainer(o).env[0].valueFrom.configMapKeyRef.key = 'path'; }, 'reads key path, which ConfigMap gitdiff-cronjob lacks'],
  ['a mount of an undeclared volume', (o) => { mainContainer(o).volumeMounts[0].name = 'checkout'; }, 'mounts volume checkout, which the pod does not declare'],
  ['a ServiceAccount that does not exist', (o) => { podOf(o).serviceAccountName = 'drift'; }, 'ServiceAccount gitdiff/drift is not among the objects'],
  ['a restart policy Jobs refuse', (o) => { podOf(o).restartPolicy = 'Always'; }, 'restartPolicy Always (allowed: Never, OnFailure)'],
  ['an object outside any rendered namespace', (o) => { kind(o, 'ConfigMap').metadata.namespace = 'ops'; }, 'ConfigMap ops/gitdiff-cronjob: namespace ops is not among the objects'],
  ['an invalid label value', (o) => { kind(o, 'ServiceAccount').metadata.labels['app.kubernetes.io/name'] = 'git diff'; }, 'label app.kubernetes.io/name has an invalid value "git diff"'],
  ['a CronJob name too long for its Jobs', (o) => { kind(o, 'CronJob').metadata.name = `gitdiff-${'x'.repeat(50)}`; }, 'the name is not a valid CronJob name'],
];

describe('the rules test/deploy applies', () => {
  it('pass the committed live state', () => {
    expect(objectProblems(snapshotObjects())).toEqual([]);
  });

  it.each(brokenBundles)('catch %s', (_name, mutate, expected) => {
    const objects = structuredClone(snapshotObjects());
    mutate(objects);
    const problems = objectProblems(objects);
    expect(problems.some((problem) => problem.includes(expected)), problems.join('\n')).toBe(true);
  });

  it.each([
    ['*/15 * * * *', undefined],
    ['0 3 * * 1-5', undefined],
    ['5,35 */2 1 1,7 0', undefined],
    ['*/15 * * *', 'does not have five fields'],
    ['60 * * * *', 'field 1 ("60") is not valid'],
    ['*/0 * * * *', 'field 1 ("*/0") is not valid'],
    ['0 24 * * *', 'field 2 ("24") is not valid'],
  ])('schedule %j: %s', (schedule, expected) => {
    const problem = cronScheduleProblem(schedule);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });

  it.each([
    [{ matchLabels: { app: 'gitdiff' } }, { app: 'gitdiff', tier: 'x' }, undefined],
    [{ matchLabels: { app: 'gitdiff' } }, { app: 'other' }, 'selector app=gitdiff does not match'],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['gitdiff'] }] }, { app: 'gitdiff' }, undefined],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, { app: 'gitdiff' }, 'selector expression app DoesNotExist'],
    [undefined, { app: 'gitdiff' }, 'spec.selector is required'],
  ])('selector %j on labels %j: %s', (selector, labels, expected) => {
    const problem = selectorProblem(selector, labels);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });
});
