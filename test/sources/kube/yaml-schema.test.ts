// Plain scalars read as kubectl reads them (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1).
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { KUBECTL_YAML_SCHEMA } from '../../../src/sources/kube/yaml-schema.js';

const read = (scalar: string): unknown => (load(`v: ${scalar}`, { schema: KUBECTL_YAML_SCHEMA }) as { v: unknown }).v;

describe('YAML 1.1 scalars', () => {
  it.each([
    ['yes', true], ['Yes', true], ['on', true], ['ON', true], ['y', true], ['true', true],
    ['no', false], ['off', false], ['n', false], ['False', false],
    ['0644', 420], ['0o644', 420], ['0x1F', 31], ['0b101', 5], ['-017', -15], ['+12', 12], ['1_000', 1000], ['-1_0', -10], ['0', 0],
    ['08', 8], ['1.5', 1.5], ['.5', 0.5], ['+.inf', Number.POSITIVE_INFINITY], ['1e3', 1000], ['.inf', Number.POSITIVE_INFINITY], ['-.Inf', Number.NEGATIVE_INFINITY],
    ['~', null], ['null', null], ['', null],
    ['2024-05-01', '2024-05-01'], ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00Z'],
    ['"yes"', 'yes'], ["'0644'", '0644'], ['yess', 'yess'], ['0x', '0x'], ['1.2.3', '1.2.3'], ['500m', '500m'], ['1Gi', '1Gi'], ['nginx', 'nginx'], ['x1', 'x1'], ['e3', 'e3'],
    // go-yaml v2 looks a scalar's first character up in its resolve table: '_' is not there, so `_1` stays a string.
    ['_1', '_1'], ['_.5', '_.5'], ['__1', '__1'],
  ])('%s reads as %o', (scalar, expected) => {
    expect(read(scalar)).toEqual(expected);
  });

  it('reads NaN as a number', () => {
    expect(read('.nan')).toBeNaN();
  });

  it.each([['!!binary aGVsbG8='], ['!!timestamp 2024-05-01'], ['!!set {a, b}'], ['!!js/undefined ""']])('refuses the tag of %s, which YAMLToJSON cannot convert', (scalar) => {
    expect(() => read(scalar)).toThrow(/unknown tag/);
  });

  it('keeps << merge keys', () => {
    expect(load('a: &a {x: 1}\nb:\n  <<: *a\n  z: 2\n', { schema: KUBECTL_YAML_SCHEMA })).toEqual({ a: { x: 1 }, b: { x: 1, z: 2 } });
  });

  it('reads keys as go-yaml v2 does: y is true (YAMLToJSON then spells it "true")', () => {
    expect(load('y: 1\nn: 2\nx: 3\n', { schema: KUBECTL_YAML_SCHEMA })).toEqual({ true: 1, false: 2, x: 3 });
  });
});
