// A generated Git repository of Kubernetes manifests and the live cluster that
// matches it, for the kube-at-scale scenario. Each "app" is five objects
// (Deployment, Service, ConfigMap, Secret, ServiceAccount) shaped like the
// kube-prometheus and guestbook manifests of ../shared/fixtures: the
// app.kubernetes.io labels, annotations, probes, resources, env from ConfigMaps
// and Secrets, volumes, a security context. One file per app, several documents
// each, a folder per namespace. A fixed share of objects drifts live.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dump } from 'js-yaml';

type Obj = Record<string, any>;

export const KINDS_PER_APP = ['Deployment', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount'] as const;

export interface ClusterShape {
  /** Declared objects in all (a multiple of 5: one app is five objects). */
  objects: number;
  namespaces: number;
  /** One object in `driftEvery` is changed live (1 in 100 by default). */
  driftEvery?: number;
}

export interface GeneratedCluster {
  /** The manifests folder (one folder per namespace, one file per app). */
  dir: string;
  /** The live objects, to store in the test API server (server.apply adds its fields). */
  live: Obj[];
  /** The declared objects, as kind, namespace and name: the sample the per-object kubectl loop reads. */
  declared: { kind: string; namespace: string; name: string }[];
  /** How many declared objects differ live. */
  drifted: number;
  files: number;
  bytes: number;
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');

function labelsOf(app: string, component: string, version: string): Obj {
  return {
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/part-of': 'shop',
    'app.kubernetes.io/version': version,
  };
}

function selectorOf(labels: Obj): Obj {
  const { 'app.kubernetes.io/version': _version, ...selector } = labels;
  return selector;
}

/** The five manifests of one app, as written in Git. */
export function appManifests(app: string, namespace: string, index: number): Obj[] {
  const component = ['api', 'worker', 'frontend', 'exporter'][index % 4];
  const version = `1.${index % 17}.${index % 5}`;
  const labels = labelsOf(app, component, version);
  const selector = selectorOf(labels);
  const port = 8000 + (index % 100);
  const configMap = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: `${app}-config`, namespace, labels },
    data: {
      LOG_LEVEL: index % 3 === 0 ? 'debug' : 'info',
      FEATURE_FLAGS: 'checkout,search,recommendations',
      'config.yml': [
        'server:',
        `  port: ${port}`,
        '  readTimeout: 30s',
        'upstreams:',
        `  - name: ${app}-db`,
        `    url: postgres://${app}-db.${namespace}.svc:5432/${app.replace(/-/g, '_')}`,
        '  - name: cache',
        `    url: redis://redis.${namespace}.svc:6379/0`,
        '',
      ].join('\n'),
    },
  };
  const secret = {
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
    metadata: { name: `${app}-credentials`, namespace, labels },
    data: { username: base64(`${app}-user`), password: base64(`s3cr3t-${index.toString(36)}-${namespace}`), 'api-key': base64(`key-${index * 7919}`) },
  };
  const serviceAccount = {
    apiVersion: 'v1', kind: 'ServiceAccount', automountServiceAccountToken: false,
    metadata: { name: app, namespace, labels },
  };
  const service = {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: app, namespace, labels, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port) } },
    spec: {
      ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 'metrics' }],
      selector,
    },
  };
  const securityContext = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 65534,
  };
  const deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: app, namespace, labels, annotations: { 'app.example.com/owner': `team-${namespace}`, 'app.example.com/runbook': `https://runbooks.example.com/${app}` } },
    spec: {
      replicas: 1 + (index % 3),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels, annotations: { 'kubectl.kubernetes.io/default-container': component, 'checksum/config': `sha256-${(index * 2654435761 % 2 ** 32).toString(16)}` } },
        spec: {
          serviceAccountName: app,
          automountServiceAccountToken: false,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          securityContext: { fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: component,
              image: `registry.example.com/shop/${app}:v${version}`,
              args: [`--config=/etc/${app}/config.yml`, `--listen-address=:${port}`],
              ports: [{ containerPort: port, name: 'http' }, { containerPort: 9090, name: 'metrics' }],
              env: [
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: `${app}-config`, key: 'LOG_LEVEL' } } },
                { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: `${app}-credentials`, key: 'password' } } },
                { name: 'GOMAXPROCS', value: '2' },
              ],
              envFrom: [{ configMapRef: { name: `${app}-config` } }],
              resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 10 },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
              securityContext,
              volumeMounts: [
                { name: 'config', mountPath: `/etc/${app}`, readOnly: true },
                { name: 'credentials', mountPath: '/var/run/secrets/app', readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
            {
              name: 'config-reloader',
              image: 'ghcr.io/jimmidyson/configmap-reload:v0.15.0',
              args: [`--webhook-url=http://localhost:${port}/-/reload`, `--volume-dir=/etc/${app}`],
              resources: { limits: { cpu: '20m', memory: '40Mi' }, requests: { cpu: '10m', memory: '20Mi' } },
              securityContext,
              volumeMounts: [{ name: 'config', mountPath: `/etc/${app}`, readOnly: true }],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: `${app}-config` } },
            { name: 'credentials', secret: { secretName: `${app}-credentials` } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
  return [serviceAccount, configMap, secret, deployment, service];
}

/** What changed live on a drifted object: a hotfix image, an edited config, a rotated password, a new port, a label. */
function drift(object: Obj): Obj {
  const live = structuredClone(object);
  switch (live.kind) {
    case 'Deployment': live.spec.template.spec.containers[0].image += '-hotfix'; break;
    case 'ConfigMap': live.data.LOG_LEVEL = 'trace'; break;
    case 'Secret': live.data.password = base64('rotated-by-hand'); break;
    case 'Service': live.spec.ports[1].port = 9091; break;
    default: live.metadata.labels = { ...live.metadata.labels, 'app.kubernetes.io/version': 'edited' };
  }
  return live;
}

/** Writes the manifests under `dir` and returns the live objects that match them (and the drifted ones). */
export function generateCluster(dir: string, shape: ClusterShape): GeneratedCluster {
  const apps = Math.ceil(shape.objects / KINDS_PER_APP.length);
  const driftEvery = shape.driftEvery ?? 100;
  const live: Obj[] = [];
  const declared: GeneratedCluster['declared'] = [];
  let drifted = 0;
  let bytes = 0;
  let objectIndex = 0;
  for (let index = 0; index < apps; index++) {
    const namespace = `team-${String(index % shape.namespaces).padStart(2, '0')}`;
    const app = `app-${String(index).padStart(5, '0')}`;
    const manifests = appManifests(app, namespace, index);
    for (const manifest of manifests) {
      // Spread evenly, one in each block of `driftEvery`, at a place that walks through the five kinds.
      const block = Math.floor(objectIndex / driftEvery);
      const isDrifted = objectIndex % driftEvery === (Math.floor(driftEvery / 2) + block) % driftEvery;
      live.push(isDrifted ? drift(manifest) : manifest);
      if (isDrifted) drifted++;
      declared.push({ kind: manifest.kind, namespace, name: manifest.metadata.name });
      objectIndex++;
    }
    const text = manifests.map((manifest) => dump(manifest, { lineWidth: -1, noRefs: true })).join('---\n');
    const folder = path.join(dir, namespace);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `${app}.yaml`), text);
    bytes += Buffer.byteLength(text);
  }
  return { dir, live, declared, drifted, files: apps, bytes };
}
