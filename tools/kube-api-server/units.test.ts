// The test API server's pure rules, table by table.
import { describe, expect, it } from 'vitest';
import { compareVersionPriority } from './catalog.js';
import { imagePullPolicyFor } from './defaults-pod.js';
import { negotiate } from './handler.js';
import { fromFieldsV1, toFieldsV1 } from './managed-fields.js';
import { SelectorError, decodeContinue, encodeContinue, matchesLabels, paginate, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { humanDuration } from './tables.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', version: '3' };
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db, web)', true],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['version>2', true],
    ['version<3', false],
    ['app=web,tier in (front),!missing', true],
    ['app=web,tier=back', false],
    ['example.com/team', false],
  ])('%j matches app=web,tier=front,version=3: %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each(['app=web,', 'a b', 'app=(x', '-bad=x'])('refuses %j', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
  });
});

describe('field selectors', () => {
  it.each([
    ['metadata.name=x', 'ConfigMap', [{ field: 'metadata.name', op: '=', value: 'x' }]],
    ['metadata.namespace!=kube-system', 'Pod', [{ field: 'metadata.namespace', op: '!=', value: 'kube-system' }]],
    ['status.phase==Running', 'Pod', [{ field: 'status.phase', op: '=', value: 'Running' }]],
    ['type=Opaque', 'Secret', [{ field: 'type', op: '=', value: 'Opaque' }]],
  ])('parses %j for %s', (selector, kind, expected) => {
    expect(parseFieldSelector(selector, kind)).toEqual(expected);
  });

  it.each([['spec.replicas=1', 'Deployment'], ['type=Opaque', 'ConfigMap']])('refuses %j for %s as a real server does', (selector, kind) => {
    expect(() => parseFieldSelector(selector, kind)).toThrow(`field label not supported: ${selector.split('=')[0]}`);
  });
});

describe('pagination', () => {
  const items = ['a', 'b', 'c'].map((key) => ({ key, item: key }));
  it('round-trips the continue token and counts what remains unless filtered', () => {
    expect(decodeContinue(encodeContinue('12', 'ns/b'))).toBe('ns/b');
    const first = paginate(items, { limit: 2, resourceVersion: '7', filtered: false });
    expect(first).toMatchObject({ items: ['a', 'b'], remainingItemCount: 1 });
    expect(paginate(items, { limit: 2, continueToken: first.continueToken, resourceVersion: '7', filtered: false })).toEqual({ items: ['c'] });
    expect(paginate(items, { limit: 1, resourceVersion: '7', filtered: true }).remainingItemCount).toBeUndefined();
    expect(paginate(items, { resourceVersion: '7', filtered: false })).toEqual({ items: ['a', 'b', 'c'] });
  });
});

describe('FieldsV1', () => {
  it('writes `.` where an owned node has owned children, and reads it back', () => {
    const fields = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } }, 'f:selector': {} },
    };
    expect(toFieldsV1(fromFieldsV1(fields))).toEqual(fields);
  });
});

describe('small server rules', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['registry.local:5000/team/app', 'Always'],
    ['registry.local:5000/team/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123', 'IfNotPresent'],
  ])('image %s is pulled %s', (image, policy) => expect(imagePullPolicyFor(image)).toBe(policy));

  it.each([
    [0, '0s'], [59, '59s'], [119, '119s'], [125, '2m5s'], [600, '10m'], [3 * 3600 + 60, '3h1m'], [10 * 3600, '10h'],
    [3 * 86400 + 3600, '3d1h'], [30 * 86400, '30d'], [800 * 86400, '2y70d'],
  ])('%i seconds print as %s', (seconds, printed) => expect(humanDuration(seconds)).toBe(printed));

  it('orders versions as Kubernetes does', () => {
    expect(['v1alpha1', 'v1', 'v2beta1', 'v1beta2', 'v2', 'foo', 'v1beta1'].sort(compareVersionPriority))
      .toEqual(['v2', 'v1', 'v2beta1', 'v1beta2', 'v1beta1', 'v1alpha1', 'foo']);
  });

  it.each([
    [undefined, 'json'],
    ['application/json', 'json'],
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json', 'Table'],
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json', 'json'],
    ['application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', 'PartialObjectMetadata'],
    ['application/vnd.kubernetes.protobuf', 'unacceptable'],
  ])('Accept %s is answered as %s', (accept, as) => expect(negotiate(accept).as).toBe(as));

  it('answers aggregated discovery only where a route offers it', () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    expect(negotiate(accept, ['json', 'APIGroupDiscoveryList'])).toEqual({ as: 'APIGroupDiscoveryList', version: 'v2' });
    expect(negotiate(accept, ['json'])).toEqual({ as: 'json' });
  });
});
