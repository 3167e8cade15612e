// The RBAC model the CronJob test judges gitdiff's requests with.
import { describe, expect, it } from 'vitest';
import { requestAttributes, rulesAllow, SYSTEM_DISCOVERY_RULES, type RequestAttributes } from './rbac.js';

const readDeployments = [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] }];

describe('requestAttributes', () => {
  it.each<[string, string, Record<string, string>, RequestAttributes]>([
    ['GET', '/api/v1/namespaces/cache/configmaps/redis-config', {}, { resource: true, verb: 'get', apiGroup: '', resourceName: 'configmaps', namespace: 'cache', name: 'redis-config', subresource: undefined }],
    ['GET', '/apis/apps/v1/namespaces/cache/deployments', { limit: '500' }, { resource: true, verb: 'list', apiGroup: 'apps', resourceName: 'deployments', namespace: 'cache', name: undefined, subresource: undefined }],
    ['GET', '/apis/apps/v1/deployments', { watch: 'true' }, { resource: true, verb: 'watch', apiGroup: 'apps', resourceName: 'deployments', namespace: undefined, name: undefined, subresource: undefined }],
    ['GET', '/api/v1/namespaces/cache', {}, { resource: true, verb: 'get', apiGroup: '', resourceName: 'namespaces', namespace: undefined, name: 'cache', subresource: undefined }],
    ['PATCH', '/apis/apps/v1/namespaces/cache/deployments/redis/scale', {}, { resource: true, verb: 'patch', apiGroup: 'apps', resourceName: 'deployments', namespace: 'cache', name: 'redis', subresource: 'scale' }],
    ['GET', '/apis/apps/v1', {}, { resource: false, path: '/apis/apps/v1', verb: 'get' }],
    ['GET', '/api', {}, { resource: false, path: '/api', verb: 'get' }],
  ])('%s %s %j', (method, urlPath, query, expected) => {
    expect(requestAttributes(method, urlPath, query)).toEqual(expected);
  });
});

describe('rulesAllow', () => {
  it.each<[string, string, boolean]>([
    ['GET', '/apis/apps/v1/namespaces/cache/deployments/redis', true],
    ['GET', '/apis/apps/v1/namespaces/cache/deployments', true],
    ['GET', '/apis/apps/v1/namespaces/cache/deployments?watch=true', false],
    ['PATCH', '/apis/apps/v1/namespaces/cache/deployments/redis', false],
    ['GET', '/apis/apps/v1/namespaces/cache/deployments/redis/scale', false],
    ['GET', '/apis/apps/v1/namespaces/cache/statefulsets/redis', false],
    ['GET', '/api/v1/namespaces/cache/secrets/redis-auth', false],
    ['GET', '/apis/apps/v1', true],
    ['GET', '/metrics', false],
  ])('%s %s: %s', (method, url, allowed) => {
    const [urlPath, search = ''] = url.split('?');
    const query = Object.fromEntries(new URLSearchParams(search));
    expect(rulesAllow([...readDeployments, ...SYSTEM_DISCOVERY_RULES], requestAttributes(method, urlPath, query))).toBe(allowed);
  });

  it('honours resourceNames: get of a named object only', () => {
    const named = [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['redis-auth'], verbs: ['get'] }];
    expect(rulesAllow(named, requestAttributes('GET', '/api/v1/namespaces/cache/secrets/redis-auth'))).toBe(true);
    expect(rulesAllow(named, requestAttributes('GET', '/api/v1/namespaces/cache/secrets/other'))).toBe(false);
    expect(rulesAllow(named, requestAttributes('GET', '/api/v1/namespaces/cache/secrets'))).toBe(false);
  });
});
