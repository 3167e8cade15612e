// fast-check generators of Kubernetes objects as people write them: ConfigMaps
// with awkward values, Secrets, Deployments (containers, env, ports, resource
// quantities in every spelling) and Services. Each comes with the leaf fields a
// test may change and the path gitdiff must report the change at.
import fc from 'fast-check';
import { childPath, keyedPath } from '../../src/sources/kube/paths.js';

type Obj = Record<string, any>;

/** A change of one declared leaf, and where gitdiff must report it. */
export interface Mutation {
  path: string;
  apply(object: Obj): void;
}

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
const labelKey = fc.oneof(dnsLabel, fc.tuple(fc.constantFrom('app.kubernetes.io', 'example.com'), dnsLabel).map(([prefix, name]) => `${prefix}/${name}`));
const labelValue = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,14}[A-Za-z0-9])?$/);
/** Values that YAML 1.1 (kubectl's reading) would turn into something else unless quoted. */
const trickyText = fc.constantFrom('yes', 'no', 'on', 'off', 'y', 'N', '~', 'null', '0644', '0x1F', '1_000', '1e3', '.inf', '2024-05-01', '2024-05-01T10:00:00Z', '<<', '', ' ', '- item', '{a: 1}', '#', 'a: b', '"quoted"', "'single'", '\ttab', 'multi\nline\n');
const text = fc.oneof(trickyText, fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const configKey = fc.stringMatching(/^[A-Za-z0-9_][-._A-Za-z0-9]{0,15}$/);
export const secretValue = fc.stringMatching(/^[A-Za-z0-9]{12,32}$/);

const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });

/** A CPU quantity in one of its spellings, and its value in millicores. */
const cpu = fc.oneof(
  fc.integer({ min: 1, max: 4000 }).map((milli) => ({ text: `${milli}m`, milli })),
  fc.integer({ min: 1, max: 8 }).map((cores) => ({ text: String(cores), milli: cores * 1000 })),
  fc.constantFrom({ text: '0.5', milli: 500 }, { text: '1.5', milli: 1500 }, { text: '0.25', milli: 250 }),
);
const memory = fc.oneof(
  fc.integer({ min: 1, max: 4096 }).map((mi) => `${mi}Mi`),
  fc.integer({ min: 1, max: 8 }).map((gi) => `${gi}Gi`),
  fc.integer({ min: 1, max: 512 }).map((m) => `${m}M`),
);

function uniqueBy<T>(items: T[], key: (item: T) => unknown): T[] {
  const seen = new Set();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)));
}

export const configMap = fc.record({ name: dnsLabel, labels, data: fc.dictionary(configKey, text, { minKeys: 1, maxKeys: 5 }) })
  .map(({ name, labels, data }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(Object.keys(labels).length ? { labels } : {}) }, data }));

/** A Secret declaring some keys in `data` (base64) and some in `stringData` (plain). */
export const secret = fc.record({ name: dnsLabel, values: fc.dictionary(configKey, secretValue, { minKeys: 1, maxKeys: 4 }), plainKeys: fc.integer({ min: 0, max: 4 }) })
  .map(({ name, values, plainKeys }) => {
    const entries = Object.entries(values);
    const data = Object.fromEntries(entries.slice(plainKeys).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
    const stringData = Object.fromEntries(entries.slice(0, plainKeys));
    return {
      apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque',
      ...(Object.keys(data).length ? { data } : {}),
      ...(Object.keys(stringData).length ? { stringData } : {}),
    };
  });

const container = fc.record({
  name: dnsLabel,
  image: fc.tuple(dnsLabel, fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}$/)).map(([image, tag]) => `${image}:${tag}`),
  env: fc.array(fc.record({ name: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/), value: text }), { maxLength: 3 }).map((env) => uniqueBy(env, (item) => item.name)),
  ports: fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 2 }).map((ports) => [...new Set(ports)].map((containerPort) => ({ containerPort }))),
  cpu, memory,
}).map(({ name, image, env, ports, cpu, memory }) => ({
  name, image,
  ...(env.length ? { env } : {}),
  ...(ports.length ? { ports } : {}),
  resources: { requests: { cpu: cpu.text, memory }, limits: { memory } },
}));

export const deployment = fc.record({
  name: dnsLabel, labels, replicas: fc.integer({ min: 0, max: 20 }),
  containers: fc.array(container, { minLength: 1, maxLength: 3 }).map((containers) => uniqueBy(containers, (item) => item.name)),
}).map(({ name, labels, replicas, containers }) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, ...(Object.keys(labels).length ? { labels } : {}) },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers } } },
}));

export const service = fc.record({
  name: dnsLabel,
  ports: fc.array(fc.record({ port: fc.integer({ min: 1, max: 65535 }), targetPort: fc.oneof(fc.integer({ min: 1, max: 65535 }), dnsLabel) }), { minLength: 1, maxLength: 3 })
    .map((ports) => uniqueBy(ports, (item) => item.port)),
}).map(({ name, ports }) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports } }));

export const kubeObject = fc.oneof(configMap, secret, deployment, service);

/** Every leaf of `object` a test may change, with the path the change must be reported at. */
export function mutationsOf(object: Obj): Mutation[] {
  const mutations: Mutation[] = [];
  const changed = (value: unknown) => (typeof value === 'number' ? value + 1 : `${String(value)}-changed`);
  for (const key of Object.keys(object.metadata.labels ?? {})) {
    mutations.push({ path: childPath('metadata.labels', key), apply: (o) => { o.metadata.labels[key] = changed(o.metadata.labels[key]); } });
  }
  switch (object.kind) {
    case 'ConfigMap':
      for (const key of Object.keys(object.data)) mutations.push({ path: childPath('data', key), apply: (o) => { o.data[key] = changed(o.data[key]); } });
      break;
    case 'Secret':
      for (const field of ['data', 'stringData'] as const) {
        for (const key of Object.keys(object[field] ?? {})) {
          mutations.push({
            path: childPath(field, key),
            apply: (o) => { o[field][key] = field === 'data' ? Buffer.from('another value').toString('base64') : 'another value'; },
          });
        }
      }
      break;
    case 'Deployment': {
      mutations.push({ path: 'spec.replicas', apply: (o) => { o.spec.replicas += 1; } });
      const containers = 'spec.template.spec.containers';
      object.spec.template.spec.containers.forEach((item: Obj, index: number) => {
        const at = keyedPath(containers, { name: item.name });
        const inContainer = (o: Obj) => o.spec.template.spec.containers[index];
        mutations.push({ path: `${at}.image`, apply: (o) => { inContainer(o).image = changed(inContainer(o).image); } });
        // Another value, not another spelling: one more core.
        mutations.push({ path: `${at}.resources.requests.cpu`, apply: (o) => { inContainer(o).resources.requests.cpu = `${cpuMillis(inContainer(o).resources.requests.cpu) + 1000}m`; } });
        for (const [envIndex, env] of (item.env ?? []).entries()) {
          mutations.push({ path: `${keyedPath(`${at}.env`, { name: env.name })}.value`, apply: (o) => { inContainer(o).env[envIndex].value = changed(env.value); } });
        }
      });
      break;
    }
    case 'Service':
      object.spec.ports.forEach((port: Obj, index: number) => {
        mutations.push({
          path: `${keyedPath('spec.ports', { port: port.port })}.targetPort`,
          apply: (o) => { o.spec.ports[index].targetPort = typeof port.targetPort === 'number' ? (port.targetPort % 65535) + 1 : `${port.targetPort}x`; },
        });
      });
      break;
  }
  return mutations;
}

function cpuMillis(text: string): number {
  return text.endsWith('m') ? Number(text.slice(0, -1)) : Math.round(Number(text) * 1000);
}

/**
 * What a real API server does to quantities that the test server leaves alone:
 * it stores them canonically, so `0.5` comes back as `500m` and `1024Mi` as `1Gi`.
 */
export function canonicalQuantities(live: Obj): Obj {
  for (const item of live.spec?.template?.spec?.containers ?? []) {
    const requests = item.resources?.requests;
    if (requests?.cpu !== undefined) {
      const milli = cpuMillis(requests.cpu);
      requests.cpu = milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
    }
    for (const side of [item.resources?.requests, item.resources?.limits]) {
      const mi = /^(\d+)Mi$/.exec(side?.memory ?? '');
      if (mi && Number(mi[1]) % 1024 === 0) side.memory = `${Number(mi[1]) / 1024}Gi`;
    }
  }
  return live;
}
