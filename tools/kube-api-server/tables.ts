// Server-side printing: the meta.k8s.io Table a kube-apiserver returns when a
// client (kubectl get without -o) asks for `as=Table`. Columns are those of
// pkg/printers/internalversion in 1.32 for the kinds below; other built-ins use
// the default table convertor (Name, Created At); custom resources use their
// additionalPrinterColumns, or Age when they declare none.
import { jsonText } from '../../src/exact-integers.js';
import type { KindInfo } from './catalog.js';

type Obj = Record<string, any>;
type Cell = string | number | boolean;
interface Column { name: string; type: string; format?: string; priority?: number; cell: (o: Obj) => Cell }

/** apimachinery's duration.HumanDuration, as the printers show ages. */
export function humanDuration(seconds: number): string {
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  const s = Math.floor(seconds);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (h < 24 * 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

const age = (o: Obj): string => humanDuration((Date.now() - Date.parse(o.metadata?.creationTimestamp)) / 1000);
const none = (value: string): string => (value === '' ? '<none>' : value);
const count = (v: unknown): number => (v && typeof v === 'object' ? Object.keys(v).length : 0);
const podSpec = (o: Obj): Obj => o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec ?? {};
const containers = (o: Obj): string => (podSpec(o).containers ?? []).map((c: Obj) => c.name).join(',');
const images = (o: Obj): string => (podSpec(o).containers ?? []).map((c: Obj) => c.image).join(',');
const selector = (s: Obj | undefined): string =>
  none([
    ...Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(s?.matchExpressions ?? []).map((e: Obj) => `${e.key} ${String(e.operator).toLowerCase()} (${(e.values ?? []).join(',')})`),
  ].join(','));
const mapSelector = (m: Obj | undefined): string => none(Object.entries(m ?? {}).map(([k, v]) => `${k}=${v}`).join(','));

const col = (name: string, type: string, cell: Column['cell'], priority = 0): Column => ({ name, type, cell, priority });
const NAME: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const AGE = col('Age', 'string', age);
const CONTAINERS = col('Containers', 'string', containers, 1);
const IMAGES = col('Images', 'string', images, 1);
const SELECTOR = col('Selector', 'string', (o) => selector(o.spec?.selector), 1);
const bindingColumns = [NAME, col('Role', 'string', (o) => `${o.roleRef?.kind}/${o.roleRef?.name}`), AGE,
  ...['User', 'Group', 'ServiceAccount'].map((kind) => col(`${kind === 'ServiceAccount' ? 'ServiceAccounts' : `${kind}s`}`, 'string',
    (o) => (o.subjects ?? []).filter((s: Obj) => s.kind === kind)
      .map((s: Obj) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name)).join(', '), 1))];

function servicePorts(o: Obj): string {
  const ports = (o.spec?.ports ?? []).map((p: Obj) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`);
  return none(ports.join(','));
}

function jobStatusCell(o: Obj): string {
  const conditions: Obj[] = o.status?.conditions ?? [];
  const has = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  return has('Complete') ? 'Complete' : has('Failed') ? 'Failed' : o.spec?.suspend ? 'Suspended' : 'Running';
}

const COLUMNS: Record<string, Column[]> = {
  'apps/Deployment': [NAME, col('Ready', 'string', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`),
    col('Up-to-date', 'integer', (o) => o.status?.updatedReplicas ?? 0), col('Available', 'integer', (o) => o.status?.availableReplicas ?? 0),
    AGE, CONTAINERS, IMAGES, SELECTOR],
  'apps/StatefulSet': [NAME, col('Ready', 'string', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`), AGE, CONTAINERS, IMAGES],
  'apps/ReplicaSet': [NAME, col('Desired', 'integer', (o) => o.spec?.replicas ?? 0), col('Current', 'integer', (o) => o.status?.replicas ?? 0),
    col('Ready', 'integer', (o) => o.status?.readyReplicas ?? 0), AGE, CONTAINERS, IMAGES, SELECTOR],
  'apps/DaemonSet': [NAME, ...([['Desired', 'desiredNumberScheduled'], ['Current', 'currentNumberScheduled'], ['Ready', 'numberReady'],
    ['Up-to-date', 'updatedNumberScheduled'], ['Available', 'numberAvailable']] as const).map(([name, field]) =>
    col(name, 'integer', (o) => o.status?.[field] ?? 0)),
  col('Node Selector', 'string', (o) => mapSelector(podSpec(o).nodeSelector)), AGE, CONTAINERS, IMAGES, SELECTOR],
  'batch/Job': [NAME, col('Status', 'string', jobStatusCell),
    col('Completions', 'string', (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`),
    col('Duration', 'string', (o) => (o.status?.completionTime
      ? humanDuration((Date.parse(o.status.completionTime) - Date.parse(o.status.startTime)) / 1000) : '')),
    AGE, CONTAINERS, IMAGES, SELECTOR],
  'batch/CronJob': [NAME, col('Schedule', 'string', (o) => o.spec?.schedule ?? ''), col('Timezone', 'string', (o) => o.spec?.timeZone ?? '<none>'),
    col('Suspend', 'boolean', (o) => o.spec?.suspend === true), col('Active', 'integer', (o) => (o.status?.active ?? []).length),
    col('Last Schedule', 'string', (o) => (o.status?.lastScheduleTime ? humanDuration((Date.now() - Date.parse(o.status.lastScheduleTime)) / 1000) : '<none>')),
    AGE, CONTAINERS, IMAGES, col('Selector', 'string', () => '<none>', 1)],
  '/Pod': [NAME, col('Ready', 'string', (o) => `${(o.status?.containerStatuses ?? []).filter((c: Obj) => c.ready).length}/${(o.spec?.containers ?? []).length}`),
    col('Status', 'string', (o) => o.status?.phase ?? 'Pending'),
    col('Restarts', 'string', (o) => String((o.status?.containerStatuses ?? []).reduce((n: number, c: Obj) => n + (c.restartCount ?? 0), 0))),
    AGE, col('IP', 'string', (o) => o.status?.podIP ?? '<none>', 1), col('Node', 'string', (o) => o.spec?.nodeName ?? '<none>', 1),
    col('Nominated Node', 'string', () => '<none>', 1), col('Readiness Gates', 'string', () => '<none>', 1)],
  '/Service': [NAME, col('Type', 'string', (o) => o.spec?.type ?? 'ClusterIP'), col('Cluster-IP', 'string', (o) => o.spec?.clusterIP ?? '<none>'),
    col('External-IP', 'string', (o) => none((o.spec?.externalIPs ?? []).join(','))), col('Port(s)', 'string', servicePorts), AGE,
    col('Selector', 'string', (o) => mapSelector(o.spec?.selector), 1)],
  '/Namespace': [NAME, col('Status', 'string', (o) => o.status?.phase ?? ''), AGE],
  '/ConfigMap': [NAME, col('Data', 'integer', (o) => count(o.data) + count(o.binaryData)), AGE],
  '/Secret': [NAME, col('Type', 'string', (o) => o.type ?? ''), col('Data', 'integer', (o) => count(o.data)), AGE],
  '/ServiceAccount': [NAME, col('Secrets', 'string', (o) => (o.secrets ?? []).length), AGE],
  '/Endpoints': [NAME, col('Endpoints', 'string', (o) => none((o.subsets ?? []).flatMap((s: Obj) =>
    (s.addresses ?? []).flatMap((a: Obj) => (s.ports ?? []).map((p: Obj) => `${a.ip}:${p.port}`))).join(','))), AGE],
  '/Node': [NAME, col('Status', 'string', (o) => ((o.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady')),
    col('Roles', 'string', (o) => none(Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/'))
      .map((k) => k.slice('node-role.kubernetes.io/'.length)).join(','))),
    AGE, col('Version', 'string', (o) => o.status?.nodeInfo?.kubeletVersion ?? '')],
  '/PersistentVolumeClaim': [NAME, col('Status', 'string', (o) => o.status?.phase ?? ''), col('Volume', 'string', (o) => o.spec?.volumeName ?? ''),
    col('Capacity', 'string', (o) => o.status?.capacity?.storage ?? ''), col('Access Modes', 'string', (o) => (o.status?.accessModes ?? []).join(',')),
    col('StorageClass', 'string', (o) => o.spec?.storageClassName ?? '<unset>'), col('VolumeAttributesClass', 'string', () => '<unset>'), AGE,
    col('VolumeMode', 'string', (o) => o.spec?.volumeMode ?? '', 1)],
  'networking.k8s.io/Ingress': [NAME, col('Class', 'string', (o) => o.spec?.ingressClassName ?? '<none>'),
    col('Hosts', 'string', (o) => (o.spec?.rules ?? []).map((r: Obj) => r.host ?? '*').join(',') || '*'),
    col('Address', 'string', () => ''), col('Ports', 'string', (o) => (o.spec?.tls?.length ? '80, 443' : '80')), AGE],
  'networking.k8s.io/NetworkPolicy': [NAME, col('Pod-Selector', 'string', (o) => selector(o.spec?.podSelector)), AGE],
  'policy/PodDisruptionBudget': [NAME, col('Min Available', 'string', (o) => String(o.spec?.minAvailable ?? 'N/A')),
    col('Max Unavailable', 'string', (o) => String(o.spec?.maxUnavailable ?? 'N/A')),
    col('Allowed Disruptions', 'integer', (o) => o.status?.disruptionsAllowed ?? 0), AGE],
  'autoscaling/HorizontalPodAutoscaler': [NAME, col('Reference', 'string', (o) => `${o.spec?.scaleTargetRef?.kind}/${o.spec?.scaleTargetRef?.name}`),
    col('Targets', 'string', () => '<unknown>'), col('MinPods', 'string', (o) => String(o.spec?.minReplicas ?? 1)),
    col('MaxPods', 'integer', (o) => o.spec?.maxReplicas ?? 0), col('Replicas', 'integer', (o) => o.status?.currentReplicas ?? 0), AGE],
  'rbac.authorization.k8s.io/RoleBinding': bindingColumns,
  'rbac.authorization.k8s.io/ClusterRoleBinding': bindingColumns,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': [NAME, col('Webhooks', 'integer', (o) => (o.webhooks ?? []).length), AGE],
};

/** The default table convertor of the generic registry: the creation time printed as is. */
const DEFAULT_COLUMNS: Column[] = [NAME, { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp }];

/** `.spec.replicas`-style JSONPath of additionalPrinterColumns (simple field paths only). */
function jsonPathValue(object: Obj, path: string): unknown {
  return path.replace(/^\{?\.?/, '').replace(/\}$/, '').split('.').filter(Boolean).reduce<any>((node, key) => node?.[key], object);
}

function customResourceColumns(info: KindInfo): Column[] {
  const version = (info.crd?.spec?.versions ?? []).find((v: Obj) => v.name === info.version);
  const declared: Obj[] = version?.additionalPrinterColumns ?? [];
  if (declared.length === 0) return [NAME, AGE];
  return [NAME, ...declared.map((c) => ({
    name: c.name, type: c.type, format: c.format, priority: c.priority ?? 0,
    cell: (o: Obj) => {
      const value = jsonPathValue(o, c.jsonPath);
      if (value === undefined || value === null) return '';
      if (c.type === 'date' && typeof value === 'string') return humanDuration((Date.now() - Date.parse(value)) / 1000);
      return typeof value === 'object' ? jsonText(value) : (value as Cell);
    },
  }))];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** A Table of `objects`; each row carries the object's metadata (includeObject=Metadata, the default) for kubectl's NAMESPACE column. */
export function toTable(info: KindInfo, objects: Obj[], listMetadata: Obj, include: IncludeObject, tableVersion: string): Obj {
  const columns = info.crd ? customResourceColumns(info) : COLUMNS[`${info.group}/${info.kind}`] ?? DEFAULT_COLUMNS;
  const rowObject = (o: Obj): Obj | undefined =>
    include === 'None' ? undefined
      : include === 'Object' ? o
        : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${tableVersion}`,
    metadata: listMetadata,
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.name, priority: c.priority ?? 0 })),
    rows: objects.map((o) => ({ cells: columns.map((c) => c.cell(o)), ...(include === 'None' ? {} : { object: rowObject(o) }) })),
  };
}
