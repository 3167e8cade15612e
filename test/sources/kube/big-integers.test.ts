// int64 values beyond 2^53 (runAsUser, activeDeadlineSeconds, a custom
// resource's integers) are compared exactly: two that differ in the last digit
// are a difference, read from YAML or JSON manifests, snapshots or the API
// server, and every output format prints them as written, without crashing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonExact, jsonText } from '../../../src/exact-integers.js';
import { parseManifests } from '../../../src/sources/kube/documents.js';
import { runInProcess } from '../../support/in-process.js';
import { startKubeApiServer, type KubeApiServer } from '../../../tools/kube-api-server/index.js';

const TWO_53 = 9007199254740992n;
const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-int64-'));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A Pod running as `runAsUser`, in YAML or JSON text, with the number spelled as given. */
function podText(runAsUser: string, as: 'yaml' | 'json'): string {
  if (as === 'json') {
    return `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":{"securityContext":{"runAsUser":${runAsUser}},"containers":[{"name":"app","image":"app:1"}]}}`;
  }
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\nspec:\n  securityContext:\n    runAsUser: ${runAsUser}\n  containers:\n    - name: app\n      image: app:1\n`;
}

describe('reading integers beyond 2^53', () => {
  it.each([
    ['9007199254740993', 9007199254740993n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775807', 9223372036854775807n],
  ])('JSON %s is read exactly', (text, value) => {
    expect(parseJsonExact(`{"a":[${text}],"b":"${text}","c":1.5}`)).toEqual({ a: [value], b: text, c: 1.5 });
  });

  it('leaves digits inside strings, safe integers and floats as JSON.parse reads them', () => {
    const text = '{"uid":"12345678901234567890","n":9007199254740991,"f":1.2345678901234567e300,"s":"\\"90071992547409930\\""}';
    expect(parseJsonExact(text)).toEqual(JSON.parse(text));
  });

  it.each(['yaml', 'json'] as const)('a %s manifest keeps the last digit', (as) => {
    const [{ object }] = parseManifests(podText('9007199254740993', as), 'pod');
    expect((object.spec as any).securityContext.runAsUser).toBe(9007199254740993n);
  });

  it('JSON text of a BigInt is its digits', () => {
    expect(jsonText({ a: 9007199254740993n, b: [1, -5n] }, 2)).toBe(JSON.stringify({ a: 0, b: [1, 0] }, null, 2).replace('"a": 0', '"a": 9007199254740993').replace('    0\n', '    -5\n'));
  });
});

describe('gitdiff kube with int64 values beyond 2^53', () => {
  it.each([
    ['yaml', 'yaml'], ['yaml', 'json'], ['json', 'yaml'], ['json', 'json'],
  ] as const)('a %s manifest against a %s snapshot: one digit apart is diverged, equal is in sync', async (manifestAs, liveAs) => {
    const manifest = write(`pod-${manifestAs}-${liveAs}.${manifestAs}`, podText('9007199254740993', manifestAs));
    const drifted = write(`live-${manifestAs}-${liveAs}.${liveAs}`, podText('9007199254740992', liveAs));
    const same = write(`same-${manifestAs}-${liveAs}.${liveAs}`, podText('9007199254740993', liveAs));
    const diverged = await runInProcess(['kube', manifest, '--live-from', drifted]);
    expect(diverged.code).toBe(1);
    expect(diverged.stdout).toMatch(/-\s+9007199254740992\n\+\s+9007199254740993\n/);
    expect((await runInProcess(['kube', manifest, '--live-from', same])).code).toBe(0);
  });

  it.each(['text', 'json', 'junit', 'github', 'markdown'])('-o %s prints both values exactly', async (format) => {
    const manifest = write(`pod-${format}.yaml`, podText('9223372036854775807', 'yaml'));
    const snapshot = write(`live-${format}.json`, podText('9223372036854775806', 'json'));
    const result = await runInProcess(['kube', manifest, '--live-from', snapshot, '-o', format]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('9223372036854775807');
    expect(result.stdout).toContain('9223372036854775806');
    if (format === 'json') expect(result.stdout).toMatch(/"declared": 9223372036854775807,\n\s+"live": 9223372036854775806/);
  });

  it('any two different int64 values are a difference; the same value is in sync', async () => {
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    await fc.assert(fc.asyncProperty(int64, int64, fc.constantFrom('yaml' as const, 'json' as const), async (declared, live, liveAs) => {
      const manifest = write('prop.yaml', podText(String(declared), 'yaml'));
      const snapshot = write(`prop-live.${liveAs}`, podText(String(live), liveAs));
      const result = await runInProcess(['kube', manifest, '--live-from', snapshot]);
      expect(result.code).toBe(declared === live ? 0 : 1);
    }), { numRuns: 60, examples: [[TWO_53 + 1n, TWO_53, 'json'], [-(TWO_53 + 1n), -TWO_53, 'yaml']] });
  });
});

describe('gitdiff kube against an API server holding int64 values beyond 2^53', () => {
  let server: KubeApiServer;
  let kubeconfig: string;
  const live = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { securityContext: { runAsUser: TWO_53 }, containers: [{ name: 'app', image: 'app:1' }] } };

  beforeAll(async () => {
    server = await startKubeApiServer({ objects: [live] });
    kubeconfig = server.writeKubeconfig(dir, { context: 'int64' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([[[] as string[]], [['--server-side']]])('reports the last digit that differs (%j), and -o json prints it', async (mode) => {
    const manifest = write(`cluster-${mode.length}.yaml`, podText(String(TWO_53 + 1n), 'yaml'));
    const result = await runInProcess(['kube', manifest, '--kubeconfig', kubeconfig, ...mode, '-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`"live": ${TWO_53}`);
  });
});
