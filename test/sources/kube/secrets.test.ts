import { describe, expect, it } from 'vitest';
import { compareSecretData } from '../../../src/sources/kube/secrets.js';
import { SENSITIVE } from '../../../src/report.js';
import type { KubeObject } from '../../../src/sources/kube/objects.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const secret = (fields: object): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, ...fields });

describe('compareSecretData', () => {
  it.each([
    ['same data', secret({ data: { a: b64('x') } }), secret({ data: { a: b64('x') } }), []],
    ['stringData equal to live data', secret({ stringData: { a: 'x' } }), secret({ data: { a: b64('x') } }), []],
    ['empty value vs null', secret({ data: { a: '' } }), secret({ data: { a: null } }), []],
    ['different value', secret({ stringData: { a: 'new' } }), secret({ data: { a: b64('old') } }), [{ path: 'stringData.a', declared: SENSITIVE, live: SENSITIVE, sensitive: true }]],
    ['missing key', secret({ data: { b: b64('v') } }), secret({ data: {} }), [{ path: 'data.b', declared: SENSITIVE, live: undefined, sensitive: true }]],
  ])('%s', (_name, declared, live, expected) => {
    expect(compareSecretData(declared, live)).toEqual(expected);
  });

  it('never puts a value in a change', () => {
    const changes = compareSecretData(secret({ stringData: { token: 's3cr3t' } }), secret({ data: { token: b64('0ld-s3cr3t') } }));
    expect(JSON.stringify(changes)).not.toMatch(/s3cr3t|czNjcjN0|MGxkLXMzY3IzdA/);
  });
});
