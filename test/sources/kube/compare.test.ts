import { describe, expect, it } from 'vitest';
import { compareDeclared, scalarEquals } from '../../../src/sources/kube/compare.js';

const container = (extra: object = {}) => ({ name: 'app', image: 'app:1', ...extra });
const POD = { apiVersion: 'v1', kind: 'Pod' };

describe('compareDeclared: only declared fields count', () => {
  it.each([
    ['server defaults are ignored', { spec: { replicas: 2 } }, { spec: { replicas: 2, revisionHistoryLimit: 10 }, status: { replicas: 2 } }],
    ['empty value struct matches an absent field', { spec: { containers: [container({ resources: {} })] } }, { spec: { containers: [container()] } }, POD],
    ['empty list matches null (aggregated ClusterRole rules)', { rules: [] }, { rules: null }, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' }],
    ['false matches an omitted bool', { spec: { hostNetwork: false } }, { spec: {} }, POD],
    ['null declared matches absent live', { metadata: { creationTimestamp: null } }, { metadata: {} }],
    ['quantities by value', { resources: { limits: { memory: '0.25Gi', cpu: '1' } } }, { resources: { limits: { memory: '256Mi', cpu: '1000m' } } }],
    ['storage quantity', { spec: { resources: { requests: { storage: '1Gi' } } } }, { spec: { resources: { requests: { storage: '1024Mi' } } } }],
    ['int-or-string: number vs string of the same value', { spec: { ports: [{ port: 80, targetPort: 8080 }] } }, { spec: { ports: [{ port: 80, targetPort: '8080', protocol: 'TCP' }] } }],
    ['injected sidecar and env var are not divergence', { containers: [container({ env: [{ name: 'A', value: '1' }] })] }, { containers: [{ name: 'istio-proxy', image: 'proxy' }, container({ env: [{ name: 'INJECTED', value: 'x' }, { name: 'A', value: '1' }] })] }],
    ['container ports keyed by containerPort with protocol defaulted', { ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 80 }] }, { ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }] }],
    ['defaults inside items of unkeyed lists are ignored', { volumeClaimTemplates: [{ metadata: { name: 'data' } }] }, { volumeClaimTemplates: [{ metadata: { name: 'data' }, status: { phase: 'Pending' } }] }],
  ])('%s', (_name, declared, live, kind?: { apiVersion: string; kind: string }) => {
    expect(compareDeclared(declared, live, kind)).toEqual([]);
  });
});

describe('compareDeclared: differences at their own path', () => {
  it.each([
    ['scalar', { spec: { replicas: 4 } }, { spec: { replicas: 3 } }, [{ path: 'spec.replicas', declared: 4, live: 3 }]],
    ['keyed container field', { spec: { containers: [container({ image: 'app:2' })] } }, { spec: { containers: [container()] } }, [{ path: 'spec.containers[name=app].image', declared: 'app:2', live: 'app:1' }]],
    ['missing keyed item', { env: [{ name: 'DEBUG', value: '1' }] }, { env: [{ name: 'OTHER', value: '2' }] }, [{ path: 'env[name=DEBUG]', declared: { name: 'DEBUG', value: '1' }, live: undefined }]],
    ['annotation key with dots and slashes', { metadata: { annotations: { 'sidecar.istio.io/inject': 'true' } } }, { metadata: { annotations: {} } }, [{ path: 'metadata.annotations["sidecar.istio.io/inject"]', declared: 'true', live: undefined }]],
    ['empty label value is a real entry', { metadata: { labels: { tier: '' } } }, { metadata: { labels: {} } }, [{ path: 'metadata.labels.tier', declared: '', live: undefined }]],
    ['unkeyed list of different length', { args: ['--a', '--b'] }, { args: ['--a'] }, [{ path: 'args', declared: ['--a', '--b'], live: ['--a'] }]],
    ['unkeyed list element', { args: ['--a', '--b'] }, { args: ['--a', '--c'] }, [{ path: 'args[1]', declared: '--b', live: '--c' }]],
    ['quantity that differs', { resources: { requests: { cpu: '200m' } } }, { resources: { requests: { cpu: '0.1' } } }, [{ path: 'resources.requests.cpu', declared: '200m', live: '0.1' }]],
    ['non-quantity strings are not compared as quantities', { data: { size: '1000m' } }, { data: { size: '1' } }, [{ path: 'data.size', declared: '1000m', live: '1' }]],
    ['declared null where live has a value', { spec: { selector: null } }, { spec: { selector: { app: 'x' } } }, [{ path: 'spec.selector', declared: null, live: { app: 'x' } }]],
    ['object declared, scalar live', { spec: { strategy: { type: 'Recreate' } } }, { spec: { strategy: 'x' } }, [{ path: 'spec.strategy', declared: { type: 'Recreate' }, live: 'x' }]],
    ['service port keyed by port', { ports: [{ port: 80, targetPort: 8080 }] }, { ports: [{ port: 80, targetPort: 9090, protocol: 'TCP' }] }, [{ path: 'ports[port=80].targetPort', declared: 8080, live: 9090 }]],
  ])('%s', (_name, declared, live, expected) => {
    expect(compareDeclared(declared, live)).toEqual(expected);
  });
});

describe('scalarEquals', () => {
  it.each([
    [80, '80', true],
    [true, 'true', true],
    ['a', 'b', false],
    [1, 2, false],
    ['1Gi', '1024Mi', false],
  ])('%j vs %j -> %s (outside quantity fields)', (a, b, equal) => {
    expect(scalarEquals(a, b)).toBe(equal);
  });
});
