// Each normalizer, and each chain of them, as a table: a manifest or live
// object in, the object compared out, both as YAML lines. Every row is a
// difference a user does (or does not) get to see.
import { describe, expect, it } from 'vitest';
import { dump, load } from 'js-yaml';
import {
  DECLARED_STEPS,
  dropIdentity,
  dropPlatformKeys,
  dropServerMetadata,
  dropStatus,
  hideSecretValues,
  LIVE_STEPS,
  normalize,
  SERVER_SIDE_STEPS,
  type Normalizer,
} from '../../../src/sources/kube/normalize.js';
import type { KubeObject } from '../../../src/sources/kube/objects.js';

const STEPS: Record<string, readonly Normalizer[]> = {
  dropIdentity: [dropIdentity],
  dropServerMetadata: [dropServerMetadata],
  dropPlatformKeys: [dropPlatformKeys],
  dropStatus: [dropStatus],
  hideSecretValues: [hideSecretValues],
  DECLARED_STEPS,
  LIVE_STEPS,
  SERVER_SIDE_STEPS,
};

// Keys sorted: which field comes first is not something a user sees in a difference.
const yamlLines = (value: unknown): string[] => dump(value, { lineWidth: -1, sortKeys: true }).trimEnd().split('\n');

// [what the user sees, normalizer or chain, input (YAML lines), what is compared (YAML lines)]
const cases: [string, keyof typeof STEPS, string[], string[]][] = [
  [
    'apps/v1beta2 in Git and apps/v1 live are one object: identity is how they were matched, not a difference',
    'dropIdentity',
    ['apiVersion: apps/v1beta2', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: shop', '  labels:', '    app: web', 'spec:', '  replicas: 2'],
    ['metadata:', '  labels:', '    app: web', 'spec:', '  replicas: 2'],
  ],
  [
    'a generated manifest\'s `creationTimestamp: null` is no difference',
    'dropServerMetadata',
    ['kind: ConfigMap', 'metadata:', '  name: a', '  creationTimestamp: null', 'data:', '  k: v'],
    ['kind: ConfigMap', 'metadata:', '  name: a', 'data:', '  k: v'],
  ],
  [
    'what only the server writes (uid, resourceVersion, generation, managedFields, selfLink, deletion fields) is not compared',
    'dropServerMetadata',
    [
      'kind: ConfigMap', 'metadata:', '  name: a', '  uid: 1b2c', '  resourceVersion: "42"', '  generation: 3', '  selfLink: /api/v1/a',
      '  managedFields: []', '  deletionTimestamp: "2026-01-01T00:00:00Z"', '  deletionGracePeriodSeconds: 30', '  labels:', '    app: a',
    ],
    ['kind: ConfigMap', 'metadata:', '  name: a', '  labels:', '    app: a'],
  ],
  [
    'an object whose metadata is not a mapping is left for the comparison to report',
    'dropServerMetadata',
    ['kind: ConfigMap', 'metadata: null'],
    ['kind: ConfigMap', 'metadata: null'],
  ],
  [
    'the platform\'s labels and annotations (a rollout\'s revision, kubectl\'s last-applied record, Helm\'s release) are not Git\'s',
    'dropPlatformKeys',
    [
      'metadata:', '  labels:', '    app: web', '    pod-template-hash: 5d8f', '  annotations:', '    team: payments',
      '    deployment.kubernetes.io/revision: "7"', '    kubectl.kubernetes.io/last-applied-configuration: "{}"', '    meta.helm.sh/release-name: web',
    ],
    ['metadata:', '  labels:', '    app: web', '  annotations:', '    team: payments'],
  ],
  [
    'a team\'s own key that only resembles a platform prefix (helm.sh/chart) stays compared',
    'dropPlatformKeys',
    ['metadata:', '  labels:', '    helm.sh/chart: web-1.0', '    constructor: x'],
    ['metadata:', '  labels:', '    helm.sh/chart: web-1.0', '    constructor: x'],
  ],
  [
    'status is the controllers\': an apply leaves it as it is',
    'dropStatus',
    ['kind: Deployment', 'spec:', '  replicas: 2', 'status:', '  readyReplicas: 1'],
    ['kind: Deployment', 'spec:', '  replicas: 2'],
  ],
  [
    'a Secret\'s values never reach the comparison of the rest, nor kubectl\'s copy of them in last-applied',
    'hideSecretValues',
    [
      'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: db', '  annotations:', '    kubectl.kubernetes.io/last-applied-configuration: \'{"data":{"password":"aHVudGVyMg=="}}\'',
      'type: Opaque', 'data:', '  password: aHVudGVyMg==', 'stringData:', '  user: admin',
    ],
    ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: db', '  annotations:', '    kubectl.kubernetes.io/last-applied-configuration: (sensitive value)', 'type: Opaque'],
  ],
  [
    'a Secret spelt in another case or group (core/v1 SECRET) is still a Secret',
    'hideSecretValues',
    ['apiVersion: core/v1', 'kind: SECRET', 'metadata:', '  name: db', 'data:', '  password: aHVudGVyMg=='],
    ['apiVersion: core/v1', 'kind: SECRET', 'metadata:', '  name: db'],
  ],
  [
    'a ConfigMap\'s data is compared as it is',
    'hideSecretValues',
    ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: settings', 'data:', '  mode: fast'],
    ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: settings', 'data:', '  mode: fast'],
  ],
  [
    'Git\'s side: Secret values hidden before the identity that names it a Secret is dropped; server fields and identity go',
    'DECLARED_STEPS',
    ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: db', '  namespace: shop', '  creationTimestamp: null', '  labels:', '    app: db', 'type: Opaque', 'data:', '  password: aHVudGVyMg=='],
    ['metadata:', '  labels:', '    app: db', 'type: Opaque'],
  ],
  [
    'Git\'s side keeps what a manifest declares, status and platform annotations included: declaring them makes them compared',
    'DECLARED_STEPS',
    ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  annotations:', '    deployment.kubernetes.io/revision: "1"', 'status:', '  replicas: 1'],
    ['metadata:', '  annotations:', '    deployment.kubernetes.io/revision: "1"', 'status:', '  replicas: 1'],
  ],
  [
    'the live side keeps every field (only those Git declares are looked at), and hides a Secret\'s values',
    'LIVE_STEPS',
    ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: db', '  uid: 1b2c', 'data:', '  password: aHVudGVyMg==', 'status: {}'],
    ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: db', '  uid: 1b2c', 'status: {}'],
  ],
  [
    '--server-side: a dry run and the live object compare on every field but the server\'s, the platform\'s and status',
    'SERVER_SIDE_STEPS',
    [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: shop', '  resourceVersion: "9"', '  annotations:',
      '    deployment.kubernetes.io/revision: "3"', '    team: payments', 'spec:', '  replicas: 2', 'status:', '  replicas: 2',
    ],
    ['metadata:', '  annotations:', '    team: payments', 'spec:', '  replicas: 2'],
  ],
];

describe('kube normalizers', () => {
  it.each(cases)('%s (%s)', (_behaviour, steps, input, expected) => {
    const object = load(input.join('\n')) as KubeObject;
    const before = structuredClone(object);
    expect(yamlLines(normalize(object, STEPS[steps]))).toEqual(yamlLines(load(expected.join('\n'))));
    // Pure: the declared and live objects are read again by --strict and for managedFields.
    expect(object).toEqual(before);
  });
});
