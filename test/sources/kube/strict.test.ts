import { describe, expect, it } from 'vitest';
import { strictExtras } from '../../../src/sources/kube/strict.js';

const paths = (declared: unknown, live: unknown) => strictExtras(declared, live, { kind: 'ConfigMap' }).extras.map((change) => change.path);

describe('strictExtras', () => {
  it.each([
    ['an extra label', { metadata: { labels: { app: 'a' } } }, { metadata: { labels: { app: 'a', team: 'x' } } }, ['metadata.labels.team']],
    ['labels Git does not declare at all', { metadata: { name: 'a' } }, { metadata: { labels: { team: 'x' } } }, ['metadata.labels.team']],
    ['an extra annotation with a slash', { metadata: { annotations: {} } }, { metadata: { annotations: { 'example.com/owner': 'me' } } }, ['metadata.annotations["example.com/owner"]']],
    ['an extra container', { spec: { containers: [{ name: 'app' }] } }, { spec: { containers: [{ name: 'app' }, { name: 'debug' }] } }, ['spec.containers[name=debug]']],
    ['an extra env var inside a matched container', { containers: [{ name: 'app', env: [{ name: 'A' }] }] }, { containers: [{ name: 'app', env: [{ name: 'A' }, { name: 'B' }] }] }, ['containers[name=app].env[name=B]']],
    ['an extra ConfigMap key', { data: { a: '1' } }, { data: { a: '1', b: '2' } }, ['data.b']],
  ])('reports %s', (_name, declared, live, expected) => {
    expect(paths(declared, live)).toEqual(expected);
  });

  it.each([
    ['server annotations and labels', { metadata: { annotations: {} } }, { metadata: { annotations: { 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, labels: { 'kubernetes.io/metadata.name': 'ns' } } }],
    ['defaulted struct fields', { spec: { replicas: 1 } }, { spec: { replicas: 1, revisionHistoryLimit: 10, strategy: { type: 'RollingUpdate' } } }],
    ['status', { spec: {} }, { spec: {}, status: { replicas: 1 } }],
    ['items of atomic lists', { args: ['a'] }, { args: ['a'] }],
  ])('does not report %s', (_name, declared, live) => {
    expect(paths(declared, live)).toEqual([]);
  });
});
