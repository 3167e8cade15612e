import { describe, expect, it } from 'vitest';
import { compareSecretData, isSecret } from '../../../src/sources/kube/secrets.js';
import { SENSITIVE } from '../../../src/report.js';
import type { KubeObject } from '../../../src/sources/kube/objects.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const secret = (fields: object): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, ...fields });

describe('isSecret', () => {
  it.each([
    ['v1', 'Secret', true],
    ['/v1', 'Secret', true],
    ['core/v1', 'Secret', true],
    ['V1', 'Secret', true],
    ['example.com/v1', 'Secret', true],
    ['v1', 'secret', true],
    ['v1', 'ConfigMap', false],
    ['v1', 'SecretList', false],
  ])('%s %s: %s', (apiVersion, kind, expected) => {
    expect(isSecret({ apiVersion, kind })).toBe(expected);
  });
});

describe('compareSecretData', () => {
  it.each([
    ['same data', secret({ data: { a: b64('x') } }), secret({ data: { a: b64('x') } }), []],
    ['stringData equal to live data', secret({ stringData: { a: 'x' } }), secret({ data: { a: b64('x') } }), []],
    ['empty value vs null', secret({ data: { a: '' } }), secret({ data: { a: null } }), []],
    ['different value', secret({ stringData: { a: 'new' } }), secret({ data: { a: b64('old') } }), [{ path: 'stringData.a', declared: SENSITIVE, live: SENSITIVE, sensitive: true }]],
    ['missing key', secret({ data: { b: b64('v') } }), secret({ data: {} }), [{ path: 'data.b', declared: SENSITIVE, live: undefined, sensitive: true }]],
    ['base64 split over lines (a YAML block)', secret({ data: { a: `${b64('a longer value').slice(0, 8)}\n${b64('a longer value').slice(8)}\n` } }), secret({ data: { a: b64('a longer value') } }), []],
    // Buffer.from skips what is not base64: the server refuses this value, so it cannot be in sync.
    ['data that is not base64', secret({ data: { a: `${b64('x')}!` } }), secret({ data: { a: b64('x') } }), [{ path: 'data.a', declared: SENSITIVE, live: SENSITIVE, sensitive: true }]],
    ['live data that is not base64', secret({ stringData: { a: 'x' } }), secret({ data: { a: 'x' } }), [{ path: 'stringData.a', declared: SENSITIVE, live: SENSITIVE, sensitive: true }]],
  ])('%s', (_name, declared, live, expected) => {
    expect(compareSecretData(declared, live)).toEqual(expected);
  });

  it('never puts a value in a change', () => {
    const changes = compareSecretData(secret({ stringData: { token: 's3cr3t' } }), secret({ data: { token: b64('0ld-s3cr3t') } }));
    expect(JSON.stringify(changes)).not.toMatch(/s3cr3t|czNjcjN0|MGxkLXMzY3IzdA/);
  });
});
