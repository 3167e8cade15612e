// Properties of what gitdiff trusts (issue 14, classes 4, 7, 9), over generated
// inputs, through the whole CLI in process:
// - an autoscaler's target, whatever its name (globs included) or group, sets
//   aside the replicas of exactly the object it names, never another's;
// - a snapshot that lacks a declared kind or repeats an object never yields a
//   verdict (exit 0 or 1) for what it cannot speak for, and never prints a
//   Secret value while saying so;
// - a .gitdiff.yaml above the repository root never changes the verdict, one
//   inside it is named on stderr when it sets drift aside, and an unknown key
//   at any level stops the run.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ObjectStore } from '../../tools/kube-api-server/store.js';
import { runInProcess } from '../support/in-process.js';
import { kubeObject, secretValue } from './kube-arbitraries.js';

type Obj = Record<string, any>;
const NAMESPACE = 'trust';

let root: string;
let run = 0;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-trust-prop-'));
});

/** A fresh folder for one generated case. */
function caseDir(): string {
  const dir = path.join(root, `case-${++run}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function write(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const json = (objects: Obj[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
const placed = (object: Obj): Obj => ({ ...structuredClone(object), metadata: { ...object.metadata, namespace: NAMESPACE } });
const deployment = (name: string, replicas: number): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NAMESPACE }, spec: { replicas } });

describe('class 4: an autoscaler owns exactly what it names', () => {
  const dnsName = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
  // Names a cluster may hand back: plain, or with the characters a glob or a regex would read.
  const targetName = fc.oneof(dnsName, fc.stringMatching(/^[a-z*.?[\]^$()|+\\-]{1,6}$/), fc.constant('*'));
  const targetGroup = fc.constantFrom('apps/v1', 'apps/v1beta2', 'example.com/v1', 'v1', '');

  it('sets aside replicas of the exactly named apps Deployment, and no other', async () => {
    const scenario = fc.record({
      names: fc.uniqueArray(dnsName, { minLength: 1, maxLength: 4 }),
      target: fc.record({ name: targetName, apiVersion: targetGroup, pickDeclared: fc.option(fc.nat(), { nil: undefined }) }),
    });
    await fc.assert(fc.asyncProperty(scenario, async ({ names, target }) => {
      const dir = caseDir();
      const name = target.pickDeclared === undefined ? target.name : names[target.pickDeclared % names.length];
      const scaleTargetRef = { ...(target.apiVersion ? { apiVersion: target.apiVersion } : {}), kind: 'Deployment', name };
      const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'hpa', namespace: NAMESPACE }, spec: { scaleTargetRef, maxReplicas: 5 } };
      write(path.join(dir, 'git.json'), json(names.map((each) => deployment(each, 2))));
      write(path.join(dir, 'live.json'), json([...names.map((each) => deployment(each, 7)), hpa]));
      const result = await runInProcess(['kube', path.join(dir, 'git.json'), '--live-from', path.join(dir, 'live.json'), '-o', 'json']);
      const owned = (each: string) => each === name && target.apiVersion.startsWith('apps/');
      for (const item of JSON.parse(result.stdout).items as { name: string; status: string }[]) {
        expect(item.status, `${item.name} with a target ${JSON.stringify(scaleTargetRef)}`).toBe(owned(item.name) ? 'in-sync' : 'diverged');
      }
      expect(result.code).toBe(names.every(owned) ? 0 : 1);
    }), { numRuns: 60 });
  });
});

describe('class 7: a snapshot speaks only for what it holds', () => {
  // Declared objects of several kinds; the snapshot keeps a subset of the kinds and maybe repeats an object.
  const scenario = fc.record({
    declared: fc.uniqueArray(kubeObject, { minLength: 1, maxLength: 5, selector: (object) => `${object.kind}/${object.metadata.name}` }),
    keptKinds: fc.subarray(['ConfigMap', 'Secret', 'Deployment', 'Service']),
    repeat: fc.option(fc.nat(), { nil: undefined }),
  });

  it('never a verdict for a kind it lacks, never an object it repeats, never a Secret value', async () => {
    await fc.assert(fc.asyncProperty(scenario, async ({ declared, keptKinds, repeat }) => {
      const dir = caseDir();
      const store = new ObjectStore();
      const objects = declared.map(placed);
      const live = objects.filter((object) => keptKinds.includes(object.kind)).map((object) => store.apply(object) as Obj);
      const repeated = repeat !== undefined && live.length > 0 ? live[repeat % live.length] : undefined;
      if (repeated) live.push(structuredClone(repeated));
      write(path.join(dir, 'git.json'), json(objects));
      write(path.join(dir, 'live.json'), json(live));
      const result = await runInProcess(['kube', path.join(dir, 'git.json'), '--live-from', path.join(dir, 'live.json'), '-o', 'json', '-v']);
      const output = result.stdout + result.stderr;
      for (const value of secretValues(objects)) expect(output, 'a Secret value was printed').not.toContain(value);
      if (repeated) {
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/is in the snapshot twice: items\[\d+\] and items\[\d+\]/);
        return;
      }
      const items = JSON.parse(result.stdout).items as { kind: string; status: string; error?: string }[];
      for (const item of items) {
        if (keptKinds.includes(item.kind)) expect(item.status).toBe('in-sync');
        else expect(item).toMatchObject({ status: 'error', error: expect.stringContaining(`holds no ${item.kind} objects: not checked`) });
      }
      expect(result.code).toBe(items.every((item) => keptKinds.includes(item.kind)) ? 0 : 2);
    }), { numRuns: 60 });
  });

  it('with the Secrets left out, names none of their values in any format', async () => {
    const secrets = fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z]{1,8}$/), value: secretValue }), { minLength: 1, maxLength: 3, selector: (each) => each.name });
    await fc.assert(fc.asyncProperty(secrets, fc.constantFrom('text', 'json', 'junit', 'github', 'markdown'), async (generated, output) => {
      const dir = caseDir();
      const objects = generated.map(({ name, value }) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NAMESPACE }, stringData: { [name]: value } }));
      write(path.join(dir, 'git.json'), json([...objects, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: NAMESPACE }, data: { a: '1' } }]));
      write(path.join(dir, 'live.json'), json([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: NAMESPACE }, data: { a: '1' } }]));
      const result = await runInProcess(['kube', path.join(dir, 'git.json'), '--live-from', path.join(dir, 'live.json'), '-o', output, '-v', '--debug']);
      expect(result.code).toBe(2);
      for (const value of secretValues(objects)) expect(result.stdout + result.stderr).not.toContain(value);
    }), { numRuns: 20 });
  });
});

describe('class 9: .gitdiff.yaml belongs to the repository', () => {
  const ignoreAll = 'kube:\n  ignore:\n    - paths: ["*"]\n';
  const configMap = (value: string) => json([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: NAMESPACE }, data: { a: value } }]);
  // Folders: `levelsAbove` above the repository root, `depth` from the root down to the manifests.
  const layout = fc.record({ levelsAbove: fc.integer({ min: 0, max: 3 }), depth: fc.integer({ min: 0, max: 3 }), gitFile: fc.boolean(), at: fc.nat() });

  it('a file above the repository root never sets drift aside; one inside it does, and is named', async () => {
    await fc.assert(fc.asyncProperty(layout, fc.boolean(), async ({ levelsAbove, depth, gitFile, at }, inside) => {
      const top = caseDir();
      const above = Array.from({ length: levelsAbove }, (_unused, index) => `up${index}`);
      const repo = path.join(top, ...above, 'repo');
      const manifests = path.join(repo, ...Array.from({ length: depth }, (_unused, index) => `d${index}`));
      if (gitFile) write(path.join(repo, '.git'), 'gitdir: /elsewhere\n');
      else mkdirSync(path.join(repo, '.git', 'objects'), { recursive: true });
      write(path.join(manifests, 'app.json'), configMap('git'));
      const live = write(path.join(top, 'live.json'), configMap('live'));
      // Inside: the root or a folder below it down to the manifests; outside: a folder above the root.
      const insideFolders = [repo, ...Array.from({ length: depth }, (_unused, index) => path.join(repo, ...Array.from({ length: index + 1 }, (_u, j) => `d${j}`)))];
      const outsideFolders = [top, ...above.map((_unused, index) => path.join(top, ...above.slice(0, index + 1)))];
      const folder = inside ? insideFolders[at % insideFolders.length] : outsideFolders[at % outsideFolders.length];
      const config = write(path.join(folder, '.gitdiff.yaml'), ignoreAll);
      const result = await runInProcess(['kube', manifests, '--live-from', live]);
      if (inside) {
        expect(result.code).toBe(0);
        expect(result.stderr).toContain(`gitdiff: note: 1 difference set aside by the ignore rules of ${config}`);
      } else {
        expect(result.code).toBe(1);
        expect(result.stderr).toBe('');
      }
    }), { numRuns: 40 });
  });

  it('an unknown key at any level stops the run (exit 2), naming the file', async () => {
    const key = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/).filter((name) => !['kube', 'ignore', 'ignoreHpaReplicas', 'apiVersion', 'kind', 'namespace', 'name', 'paths', 'managers'].includes(name));
    await fc.assert(fc.asyncProperty(key, fc.constantFrom('top', 'kube', 'rule'), async (unknown, level) => {
      const dir = caseDir();
      const text = level === 'top' ? `${unknown}: 1\nkube: {}\n`
        : level === 'kube' ? `kube:\n  ${unknown}: 1\n`
          : `kube:\n  ignore:\n    - paths: [spec.replicas]\n      ${unknown}: 1\n`;
      const config = write(path.join(dir, '.gitdiff.yaml'), text);
      write(path.join(dir, 'app.json'), configMap('same'));
      const result = await runInProcess(['kube', path.join(dir, 'app.json'), '--live-from', path.join(dir, 'app.json')]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`config ${config}: `);
      expect(result.stderr).toContain(`unknown field ${unknown}`);
    }), { numRuns: 40 });
  });
});

/** Every value the Secrets among these objects hold, plain and base64 (with and without padding). */
function secretValues(objects: Obj[]): string[] {
  const plain: string[] = [];
  for (const object of objects.filter((each) => each.kind === 'Secret')) {
    plain.push(...Object.values<string>(object.stringData ?? {}));
    plain.push(...Object.values<string>(object.data ?? {}).map((encoded) => Buffer.from(encoded, 'base64').toString('utf8')));
  }
  return plain.flatMap((value) => {
    const encoded = Buffer.from(value).toString('base64');
    return [value, encoded, encoded.replace(/=+$/, '')];
  });
}
