// Kind by kind: the defaults, allocations and controller effects the test API
// server applies, and custom resources served once their CRD is applied.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from './index.js';

type Obj = Record<string, any>;

let server: KubeApiServer;
beforeEach(async () => { server = await startKubeApiServer(); });
afterEach(async () => server.close());

const at = (object: Obj, path: string): unknown => path.split('.').reduce<any>((node, key) => node?.[key], object);
const podTemplate = (containers: Obj[], extra: Obj = {}): Obj => ({ metadata: { labels: { app: 'x' } }, spec: { containers, ...extra } });
const workload = (apiVersion: string, kind: string, spec: Obj): Obj => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'ns' }, spec });

describe('server defaults', () => {
  const sts = workload('apps/v1', 'StatefulSet', { serviceName: 'x', selector: { matchLabels: { app: 'x' } },
    template: podTemplate([{ name: 'c', image: 'img@sha256:abc' }]),
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] });
  const job = workload('batch/v1', 'Job', { template: podTemplate([{ name: 'c', image: 'busybox' }], { restartPolicy: 'Never' }) });
  const cronJob = workload('batch/v1', 'CronJob', { schedule: '*/5 * * * *',
    jobTemplate: { spec: { template: podTemplate([{ name: 'c', image: 'busybox:1.36' }], { restartPolicy: 'OnFailure' }) } } });
  const probed = workload('apps/v1', 'Deployment', { selector: { matchLabels: { app: 'x' } }, template: podTemplate([{
    name: 'c', image: 'registry:5000/team/app', ports: [{ containerPort: 8080 }],
    env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
    readinessProbe: { httpGet: { port: 8080 } } }], { serviceAccountName: 'runner', volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'tmp' }] }) });

  it.each([
    ['Deployment replicas', probed, 'spec.replicas', 1],
    ['Deployment strategy', probed, 'spec.strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }],
    ['a Recreate Deployment gets no rollingUpdate', workload('apps/v1', 'Deployment', { strategy: { type: 'Recreate' },
      template: podTemplate([{ name: 'c', image: 'i:1' }]) }), 'spec.strategy', { type: 'Recreate' }],
    ['template creationTimestamp', probed, 'spec.template.metadata', { creationTimestamp: null, labels: { app: 'x' } }],
    ['untagged image pull policy', probed, 'spec.template.spec.containers.0.imagePullPolicy', 'Always'],
    ['container port protocol', probed, 'spec.template.spec.containers.0.ports.0.protocol', 'TCP'],
    ['fieldRef apiVersion', probed, 'spec.template.spec.containers.0.env.0.valueFrom.fieldRef.apiVersion', 'v1'],
    ['probe', probed, 'spec.template.spec.containers.0.readinessProbe', { httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 }],
    ['deprecated serviceAccount', probed, 'spec.template.spec.serviceAccount', 'runner'],
    ['configMap volume mode', probed, 'spec.template.spec.volumes.0.configMap.defaultMode', 420],
    ['sourceless volume', probed, 'spec.template.spec.volumes.1.emptyDir', {}],
    ['digest pull policy', sts, 'spec.template.spec.containers.0.imagePullPolicy', 'IfNotPresent'],
    ['StatefulSet update strategy', sts, 'spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }],
    ['StatefulSet policies', sts, 'spec.podManagementPolicy', 'OrderedReady'],
    ['StatefulSet PVC retention', sts, 'spec.persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' }],
    ['StatefulSet claim template', sts, 'spec.volumeClaimTemplates.0', { apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', creationTimestamp: null }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } },
        volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
    ['DaemonSet update strategy', workload('apps/v1', 'DaemonSet', { template: podTemplate([{ name: 'c', image: 'i:1' }]) }),
      'spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }],
    ['Job counts', job, 'spec.completions', 1],
    ['Job backoff', job, 'spec.backoffLimit', 6],
    ['Job completion mode', job, 'spec.completionMode', 'NonIndexed'],
    ['Job status', job, 'status.succeeded', 1],
    ['CronJob policy', cronJob, 'spec.concurrencyPolicy', 'Allow'],
    ['CronJob history', cronJob, 'spec.successfulJobsHistoryLimit', 3],
    ['CronJob job template', cronJob, 'spec.jobTemplate.metadata', { creationTimestamp: null }],
    ['CronJob pod defaults', cronJob, 'spec.jobTemplate.spec.template.spec.dnsPolicy', 'ClusterFirst'],
    ['NetworkPolicy types', workload('networking.k8s.io/v1', 'NetworkPolicy', { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] }),
      'spec.policyTypes', ['Ingress', 'Egress']],
    ['NetworkPolicy port protocol', workload('networking.k8s.io/v1', 'NetworkPolicy', { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] }),
      'spec.egress.0.ports.0.protocol', 'TCP'],
    ['HPA metrics', workload('autoscaling/v2', 'HorizontalPodAutoscaler', { maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' } }),
      'spec.metrics', [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]],
    ['RoleBinding subject group', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'x', namespace: 'ns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }] },
    'subjects.0.apiGroup', 'rbac.authorization.k8s.io'],
    ['webhook defaults', { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'x' },
      webhooks: [{ name: 'w.example.com', admissionReviewVersions: ['v1'], sideEffects: 'None', clientConfig: { service: { name: 's', namespace: 'ns' } },
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] }] },
    'webhooks.0', expect.objectContaining({ failurePolicy: 'Fail', matchPolicy: 'Equivalent', timeoutSeconds: 10, reinvocationPolicy: 'Never',
      namespaceSelector: {}, objectSelector: {}, clientConfig: { service: { name: 's', namespace: 'ns', port: 443 } } })],
  ])('%s', (_name, manifest, path, expected) => {
    expect(at(server.apply(manifest as Obj) as Obj, path)).toEqual(expected);
  });

  it('gives a Job the selector and labels its registry generates from the uid', () => {
    const job = server.apply(workload('batch/v1', 'Job', { template: podTemplate([{ name: 'c', image: 'busybox' }], { restartPolicy: 'Never' }) })) as Obj;
    const uid = job.metadata.uid;
    expect(job.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect(job.spec.template.metadata.labels).toMatchObject({ 'job-name': 'x', 'controller-uid': uid, 'batch.kubernetes.io/job-name': 'x' });
  });

  it('allocates Service cluster IPs and node ports once, and keeps them on later writes', () => {
    const manifest = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } };
    const first = server.apply(manifest) as Obj;
    expect(first.spec).toMatchObject({ type: 'NodePort', sessionAffinity: 'None', externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80, targetPort: 'http', protocol: 'TCP', nodePort: expect.any(Number) }] });
    expect(first.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(first.spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
    const second = server.apply(manifest) as Obj;
    expect([second.spec.clusterIP, second.spec.ports[0].nodePort]).toEqual([first.spec.clusterIP, first.spec.ports[0].nodePort]);
    const other = server.apply({ ...manifest, metadata: { name: 'api', namespace: 'ns' } }) as Obj;
    expect(other.spec.clusterIP).not.toBe(first.spec.clusterIP);
    const headless = server.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'h', namespace: 'ns' }, spec: { clusterIP: 'None', ports: [{ port: 5432 }] } }) as Obj;
    expect(headless.spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'], ipFamilyPolicy: 'RequireDualStack' });
  });

  it('lets the writer own what defaulting added, and nobody what admission and the registry added', () => {
    const ns = server.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }, { manager: 'kubectl-create' }) as Obj;
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.metadata.managedFields[0].fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { '.': {}, 'f:kubernetes.io/metadata.name': {} } } });
    const service = server.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }) as Obj;
    expect(Object.keys(service.metadata.managedFields[0].fieldsV1['f:spec']).sort()).toEqual(
      ['f:internalTrafficPolicy', 'f:ports', 'f:selector', 'f:sessionAffinity', 'f:type']);
    const pod = server.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } }) as Obj;
    expect(pod.spec).toMatchObject({ serviceAccountName: 'default', priority: 0, enableServiceLinks: true,
      volumes: [{ name: expect.stringMatching(/^kube-api-access-[a-z0-9]{5}$/), projected: expect.objectContaining({ defaultMode: 420 }) }] });
    expect(pod.status).toMatchObject({ phase: 'Running', containerStatuses: [{ name: 'c', ready: true }] });
    const podFields = Object.keys(pod.metadata.managedFields[0].fieldsV1['f:spec']);
    expect(podFields).toContain('f:enableServiceLinks');
    expect(podFields).not.toContain('f:serviceAccountName');
    expect(podFields).not.toContain('f:volumes');
  });

  it('folds a Secret\'s stringData into base64 data and never stores stringData', () => {
    const secret = server.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' },
      data: { kept: Buffer.from('old').toString('base64') }, stringData: { password: 'hunter2' } }) as Obj;
    expect(secret.type).toBe('Opaque');
    expect(secret.data).toEqual({ kept: 'b2xk', password: Buffer.from('hunter2').toString('base64') });
    expect(secret.stringData).toBeUndefined();
  });

  it('creates the namespace of a namespaced object, and drops a namespace from a cluster-scoped one', () => {
    server.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'fresh' } });
    expect(server.get('v1', 'Namespace', undefined, 'fresh')).toMatchObject({
      metadata: { labels: { 'kubernetes.io/metadata.name': 'fresh' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    const role = server.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r', namespace: 'fresh' }, rules: [] }) as Obj;
    expect(role.metadata.namespace).toBeUndefined();
    expect(server.get('v1', 'ConfigMap', undefined, 'c')).toBeUndefined(); // no namespace means "default"
    expect(() => server.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toThrow(/not served/);
  });

  it('aggregates ClusterRole rules from the roles its selectors match', () => {
    server.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'monitoring' },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] }, rules: [] });
    server.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
      metadata: { name: 'pods-reader', labels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] });
    expect((server.get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, 'monitoring') as Obj).rules)
      .toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
  });
});

describe('custom resources', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget', shortNames: ['wd'] },
      versions: ['v1beta1', 'v1'].map((name) => ({ name, served: true, storage: name === 'v1', schema: { openAPIV3Schema: {
        type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 3 }, color: { type: 'string' } } } } } } })) },
  };
  const fetchJson = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: { Accept: 'application/json' } });
    return { status: response.status, body: await response.json() as Obj };
  };

  it('are served, defaulted and pruned once their CRD is applied, and gone when it is removed', async () => {
    expect((await fetchJson('/apis/example.com/v1')).status).toBe(404);
    const stored = server.apply(crd) as Obj;
    expect(stored.spec.names).toMatchObject({ singular: 'widget', listKind: 'WidgetList' });
    expect(stored.status).toMatchObject({ acceptedNames: { kind: 'Widget' }, storedVersions: ['v1'],
      conditions: expect.arrayContaining([expect.objectContaining({ type: 'Established', status: 'True' })]) });
    const groups = (await fetchJson('/apis')).body.groups;
    expect(groups.find((g: Obj) => g.name === 'example.com')).toMatchObject({ preferredVersion: { groupVersion: 'example.com/v1' },
      versions: [{ groupVersion: 'example.com/v1', version: 'v1' }, { groupVersion: 'example.com/v1beta1', version: 'v1beta1' }] });
    expect((await fetchJson('/apis/example.com/v1')).body.resources).toEqual([expect.objectContaining(
      { name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', shortNames: ['wd'] })]);

    server.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' }, spec: { color: 'red', unknown: true } });
    const widget = (await fetchJson('/apis/example.com/v1/namespaces/ns/widgets/w')).body;
    expect(widget.spec).toEqual({ color: 'red', size: 3 });
    expect(widget.metadata.generation).toBe(1);
    expect((await fetchJson('/apis/example.com/v1beta1/namespaces/ns/widgets/w')).body.apiVersion).toBe('example.com/v1beta1');
    const list = (await fetchJson('/apis/example.com/v1/widgets')).body;
    expect(list).toMatchObject({ kind: 'WidgetList', apiVersion: 'example.com/v1' });
    expect(list.items[0]).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Widget' }); // unstructured items keep their TypeMeta

    server.remove('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'widgets.example.com');
    expect((await fetchJson('/apis/example.com/v1/namespaces/ns/widgets/w')).status).toBe(404);
    expect(server.get('example.com/v1', 'Widget', 'ns', 'w')).toBeUndefined();
  });
});
