import { describe, expect, it } from 'vitest';
import { attributeChanges, parsePath } from '../../../src/sources/kube/managers.js';

const managedFields = [
  {
    manager: 'kubectl-client-side-apply', operation: 'Update', time: '2026-11-02T09:14:08Z',
    fieldsV1: {
      'f:metadata': { 'f:annotations': { '.': {}, 'f:team.example.com/owner': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:args': {}, 'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { 'f:containerPort': {} } } } } } },
      },
    },
  },
  { manager: 'kubectl', operation: 'Update', subresource: 'scale', time: '2026-11-20T10:02:41Z', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
  { manager: 'hpa-controller', operation: 'Update', time: '2026-11-19T00:00:00Z', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
];

describe('attributeChanges', () => {
  it.each([
    ['the latest owner of a scalar', 'spec.replicas', 'kubectl', '2026-11-20T10:02:41Z'],
    ['a field inside a keyed list item', 'spec.template.spec.containers[name=app].image', 'kubectl-client-side-apply', '2026-11-02T09:14:08Z'],
    ['an element of an atomic list', 'spec.template.spec.containers[name=app].args[1]', 'kubectl-client-side-apply', '2026-11-02T09:14:08Z'],
    ['a keyed port with a numeric key', 'spec.template.spec.containers[name=app].ports[containerPort=8080].containerPort', 'kubectl-client-side-apply', '2026-11-02T09:14:08Z'],
    ['an annotation with a slash', 'metadata.annotations["team.example.com/owner"]', 'kubectl-client-side-apply', '2026-11-02T09:14:08Z'],
  ])('names %s', (_name, path, manager, time) => {
    expect(attributeChanges([{ path, declared: 'x', live: 'y' }], managedFields)).toEqual([{ path, declared: 'x', live: 'y', manager, time }]);
  });

  it.each([
    ['a field nobody owns', 'spec.paused'],
    ['a field absent live', 'spec.replicas'],
    ['another container', 'spec.template.spec.containers[name=sidecar].image'],
  ])('names nobody for %s', (name, path) => {
    const live = name === 'a field absent live' ? undefined : 'y';
    const [change] = attributeChanges([{ path, declared: 'x', live }], managedFields);
    expect(change.manager).toBeUndefined();
  });

  it('leaves changes alone without managedFields', () => {
    expect(attributeChanges([{ path: 'spec.replicas', declared: 1, live: 2 }], undefined)).toEqual([{ path: 'spec.replicas', declared: 1, live: 2 }]);
  });
});

describe('parsePath', () => {
  it('reads every segment form compare.ts writes', () => {
    expect(parsePath('a.b["c/d"][name=x,protocol=TCP][0]')).toEqual([{ field: 'a' }, { field: 'b' }, { field: 'c/d' }, { key: { name: 'x', protocol: 'TCP' } }, { index: 0 }]);
  });
});
