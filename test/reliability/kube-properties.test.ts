// Property-based tests (fast-check) of the kube comparison over generated
// objects: an object compared with itself, or with the live form a server makes
// of it, is in sync; one changed declared field is reported at exactly its
// path; normalization is idempotent; and no Secret value reaches any output
// format. Declared objects are read the way gitdiff reads manifests (YAML as
// kubectl writes it, or JSON), so the YAML reading is under test too.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareItem } from '../../src/sources/kube/items.js';
import { parseManifests } from '../../src/sources/kube/documents.js';
import { DECLARED_STEPS, LIVE_STEPS, normalize } from '../../src/sources/kube/normalize.js';
import { KUBECTL_YAML_SCHEMA } from '../../src/sources/kube/yaml-schema.js';
import type { KubeObject } from '../../src/sources/kube/objects.js';
import { SENSITIVE } from '../../src/report.js';
import { renderers } from '../../src/render/index.js';
import { ObjectStore } from '../../tools/kube-api-server/store.js';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';
import { canonicalQuantities, kubeObject, mutationsOf, secret, secretValue } from './kube-arbitraries.js';
import { runInProcess } from '../support/in-process.js';

type Obj = Record<string, any>;
const NAMESPACE = 'prop';

/** The manifest text a person (or kubectl) would write: YAML quoted for YAML 1.1 readers, or JSON. */
function manifestText(objects: Obj[], as: 'yaml' | 'json'): string {
  if (as === 'json') return JSON.stringify(objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects });
  return objects.map((object) => dump(object, { schema: KUBECTL_YAML_SCHEMA })).join('---\n');
}

const inNamespace = (object: Obj): Obj => ({ ...structuredClone(object), metadata: { ...object.metadata, namespace: NAMESPACE } });

/** The object as gitdiff reads it from a manifest file. */
function declaredFrom(object: Obj, as: 'yaml' | 'json'): KubeObject {
  const [parsed] = parseManifests(manifestText([inNamespace(object)], as), 'generated');
  return parsed.object;
}

/** What a server stores for it: defaults, metadata, status; quantities canonical, as a real server writes them. */
function liveFormOf(declared: KubeObject): KubeObject {
  return canonicalQuantities(new ObjectStore().apply(declared)) as KubeObject;
}

/** A Secret read back holds its stringData in data, base64-encoded, as the API merges them. */
function asStored(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || !object.stringData) return object;
  const { stringData, ...rest } = object as Obj;
  const encoded = Object.fromEntries(Object.entries(stringData as Record<string, string>).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
  return { ...rest, data: { ...rest.data, ...encoded } } as unknown as KubeObject;
}

function compared(declared: KubeObject, live: KubeObject) {
  const lookup = { state: 'found', object: live } as const;
  return compareItem({ object: declared, file: 'generated', namespace: NAMESPACE }, lookup, lookup, [], { strict: false, serverSide: false });
}

const format = fc.constantFrom('yaml' as const, 'json' as const);

describe('properties of the comparison', () => {
  it('an object compared with itself is in sync', () => {
    fc.assert(fc.property(kubeObject, format, (object, as) => {
      const declared = declaredFrom(object, as);
      expect(compared(declared, asStored(structuredClone(declared)))).toMatchObject({ status: 'in-sync', changes: [] });
    }), { numRuns: 300 });
  });

  it('an object compared with the live form a server makes of it is in sync', () => {
    fc.assert(fc.property(kubeObject, format, (object, as) => {
      const declared = declaredFrom(object, as);
      expect(compared(declared, liveFormOf(declared))).toMatchObject({ status: 'in-sync', changes: [] });
    }), { numRuns: 300 });
  });

  it('one changed declared field is reported at exactly its path, masked for a Secret', () => {
    const withMutation = kubeObject
      .filter((object) => mutationsOf(object).length > 0)
      .chain((object) => fc.record({ object: fc.constant(object), which: fc.nat({ max: mutationsOf(object).length - 1 }), as: format }));
    fc.assert(fc.property(withMutation, ({ object, which, as }) => {
      const live = liveFormOf(declaredFrom(object, as));
      const mutated = structuredClone(object);
      const mutation = mutationsOf(mutated)[which];
      mutation.apply(mutated);
      const item = compared(declaredFrom(mutated, as), live);
      expect(item.status).toBe('diverged');
      expect(item.changes.map((change) => change.path)).toEqual([mutation.path]);
      if (object.kind === 'Secret') expect(item.changes[0]).toMatchObject({ declared: SENSITIVE, live: SENSITIVE, sensitive: true });
    }), { numRuns: 300 });
  });

  it('normalization is idempotent, on declared and live forms', () => {
    fc.assert(fc.property(kubeObject, format, (object, as) => {
      const declared = declaredFrom(object, as);
      for (const [form, steps] of [[declared, DECLARED_STEPS], [liveFormOf(declared), LIVE_STEPS], [declared, LIVE_STEPS]] as const) {
        const once = normalize(form, steps);
        expect(normalize(once, steps)).toEqual(once);
      }
    }), { numRuns: 300 });
  });
});

describe('no Secret value in any output', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-prop-secrets-'));
  });

  /** Declared Secrets and, for each, what the cluster holds: the same values, others, fewer keys or more. */
  const secretPairs = fc.uniqueArray(secret, { minLength: 1, maxLength: 4, selector: (item) => item.metadata.name }).chain((declared) =>
    fc.tuple(fc.constant(declared), fc.tuple(...declared.map(() => fc.record({ how: fc.constantFrom('same', 'changed', 'fewer', 'more', 'absent'), other: secretValue, key: fc.stringMatching(/^extra[a-z]{1,6}$/) })))));

  it('for any generated Secrets, in every format, with -v, --strict and the metrics textfile', async () => {
    await fc.assert(fc.asyncProperty(secretPairs, format, async ([declared, variants], as) => {
      const store = new ObjectStore();
      const live: Obj[] = [];
      declared.forEach((object, index) => {
        const { how, other, key } = variants[index];
        if (how === 'absent') return;
        const variant = asStored(inNamespace(object) as KubeObject) as Obj;
        const keys = Object.keys(variant.data);
        if (how === 'changed') variant.data[keys[0]] = Buffer.from(other).toString('base64');
        if (how === 'fewer') delete variant.data[keys[0]];
        if (how === 'more') variant.data[key] = Buffer.from(other).toString('base64');
        // Stored through kubectl apply: the last-applied annotation carries the values too.
        live.push(store.apply(variant));
      });
      const declaredFile = path.join(dir, `declared.${as}`);
      const liveFile = path.join(dir, 'live.json');
      writeFileSync(declaredFile, manifestText(declared.map(inNamespace), as));
      // A SecretList: the snapshot read Secrets even when every one is absent (a plain List of none would hold no Secret kind: not checked).
      writeFileSync(liveFile, JSON.stringify({ apiVersion: 'v1', kind: 'SecretList', items: live }));
      const values = secretValuesIn(declared, variants.map((variant) => variant.other));
      for (const output of Object.keys(renderers)) {
        const textfile = path.join(dir, 'gitdiff.prom');
        const result = await runInProcess(['kube', declaredFile, '--live-from', liveFile, '-o', output, '-v', '--strict', '--metrics-textfile', textfile, '--metrics-per-object']);
        expect(result.code, result.stderr).toBeLessThan(2);
        const bytes = result.stdout + result.stderr + readFileSync(textfile, 'utf8');
        for (const value of values) expect(bytes, `${output} output shows a Secret value`).not.toContain(value);
      }
    }), { numRuns: 40 });
  });
});

/** Every value, plain and in base64 (with and without padding), that the generated Secrets hold. */
function secretValuesIn(declared: Obj[], others: string[]): string[] {
  const plain = [...others];
  for (const object of declared) {
    plain.push(...Object.values<string>(object.stringData ?? {}));
    plain.push(...Object.values<string>(object.data ?? {}).map((encoded) => Buffer.from(encoded, 'base64').toString('utf8')));
  }
  return plain.flatMap((value) => {
    const encoded = Buffer.from(value).toString('base64');
    return [value, encoded, encoded.replace(/=+$/, '')];
  });
}

describe('against the test API server', () => {
  let server: KubeApiServer;
  let kubeconfig: string;
  let dir: string;
  let run = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-prop-server-'));
    server = await startKubeApiServer();
    kubeconfig = server.writeKubeconfig(dir);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('generated objects applied to the server are in sync, read over HTTP by the whole CLI', async () => {
    const objects = fc.uniqueArray(kubeObject, { minLength: 1, maxLength: 5, selector: (object) => `${object.kind}/${object.metadata.name}` });
    await fc.assert(fc.asyncProperty(objects, format, async (generated, as) => {
      const namespace = `prop-${++run}`;
      const placed = generated.map((object) => ({ ...structuredClone(object), metadata: { ...object.metadata, namespace } }));
      for (const object of placed) server.apply(object);
      try {
        const file = path.join(dir, `manifests.${as}`);
        writeFileSync(file, manifestText(placed, as));
        const result = await runInProcess(['kube', file, '--kubeconfig', kubeconfig]);
        expect(result.stderr).toBe('');
        expect(result.stdout).toMatch(new RegExp(`^${placed.length} in sync \\(${placed.length} objects?, `, 'm'));
        expect(result.code).toBe(0);
      } finally {
        server.remove('v1', 'Namespace', undefined, namespace);
      }
    }), { numRuns: 25 });
  });
});
