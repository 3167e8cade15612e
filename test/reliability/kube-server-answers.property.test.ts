// Property: any answer a server gives that is not what gitdiff asked for ends
// in exit 2, never in sync, and nothing it sent reaches the output raw. The
// answers are the test server's own, read over HTTP by the whole CLI (in this
// process), then changed by one generated mutation: an item moved to another
// namespace, given another kind or apiVersion, renamed with a control
// character, stripped of its name, a foreign item with a hostile name added, or
// paging that loops through a cycle of continue tokens of any length.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../tools/kube-api-server/index.js';
import { jsonAnswer } from '../../tools/kube-api-server/hostile-answers.js';
import { runInProcess } from '../support/in-process.js';

type Obj = Record<string, any>;
const NAMESPACE = 'prop';
const LIST = `/api/v1/namespaces/${NAMESPACE}/configmaps`;
const GET = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/web`;
const CONTROL = ['\u0000', '\u0007', '\u0008', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009b', ' '];

const configMap = (name: string): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NAMESPACE }, data: { key: name } });
const deployment: Obj = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NAMESPACE },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
};

/** A name with a control character (or a space) somewhere in it. */
const hostileName = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.constantFrom(...CONTROL), fc.stringMatching(/^[a-z0-9-]{0,8}$/))
  .map(([head, control, tail]) => `${head}${control}${tail}`);
const otherNamespace = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/).filter((name) => name !== NAMESPACE);

/** One change to an object's identity that no server honest about the request would make. */
const identityMutation = fc.oneof(
  otherNamespace.map((namespace) => (object: Obj) => ({ ...object, metadata: { ...object.metadata, namespace } })),
  fc.constantFrom('Secret', 'ServiceAccount', 'Endpoints').map((kind) => (object: Obj) => ({ ...object, apiVersion: 'v1', kind })),
  fc.constantFrom('v2', 'batch/v1', 'meta.k8s.io/v1').map((apiVersion) => (object: Obj) => ({ ...object, apiVersion })),
  hostileName.map((name) => (object: Obj) => ({ ...object, metadata: { ...object.metadata, name } })),
  hostileName.map((namespace) => (object: Obj) => ({ ...object, metadata: { ...object.metadata, namespace } })),
  fc.constantFrom(undefined, null, 7, '', ['web'], { name: 'web' }).map((name) => (object: Obj) => ({ ...object, metadata: { ...object.metadata, name } })),
);

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-answers-'));
});

type Fault = Parameters<KubeApiServer['addFault']>[0];

/**
 * Stores `names` ConfigMaps (one LIST) and the Deployment (one GET) on a fresh
 * server, adds the faults made for it, and runs gitdiff on those manifests.
 */
async function runAgainst(names: string[], faultsFor: (live: KubeApiServer) => Fault[]) {
  const declared = [...names.map(configMap), deployment];
  const live = await startKubeApiServer({ objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }, ...declared] });
  try {
    for (const fault of faultsFor(live)) live.addFault(fault);
    const file = path.join(mkdtempSync(path.join(dir, 'run-')), 'objects.yaml');
    writeFileSync(file, declared.map((object) => dump(object)).join('---\n'));
    const result = await runInProcess(['kube', file, '--kubeconfig', live.writeKubeconfig(path.dirname(file)), '--request-timeout', '10s', '--timeout', '30s']);
    return { result, url: live.url };
  } finally {
    await live.close();
  }
}

/** The LIST body the server would send: its items without apiVersion/kind, as for every built-in kind. */
function listOf(live: KubeApiServer, names: string[], metadata: Obj = { resourceVersion: '1' }): Obj {
  const items = names.map((name) => {
    const { apiVersion: _a, kind: _k, ...item } = live.get('v1', 'ConfigMap', NAMESPACE, name) as Obj;
    return item;
  });
  return { kind: 'ConfigMapList', apiVersion: 'v1', metadata, items };
}

/** Exit 2, an error line naming the server and saying what it did, no control character from it in any output. */
function expectCouldNotTell({ result, url }: Awaited<ReturnType<typeof runAgainst>>, said: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).not.toMatch(/^\d+ in sync/m);
  const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('gitdiff: error:'));
  expect(errorLines.some((line) => line.includes(`server ${url}:`) && said.test(line)), result.stderr).toBe(true);
  expect(result.stdout + result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
}

const names = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), { minLength: 2, maxLength: 4 });

describe('an answer that is not what was asked is never trusted', () => {
  it('a LIST item changed in its identity, or a foreign item with a hostile name: exit 2, naming what the server did', async () => {
    await fc.assert(fc.asyncProperty(names, fc.nat(), fc.oneof(identityMutation, fc.constant('add' as const)), hostileName, async (declared, which, mutate, foreign) => {
      const run = await runAgainst(declared, (live) => [{ path: LIST, respond: jsonAnswer(() => {
        const list = listOf(live, declared);
        if (mutate === 'add') list.items.push({ ...list.items[0], metadata: { ...list.items[0].metadata, name: foreign } });
        else list.items[which % list.items.length] = mutate(list.items[which % list.items.length]);
        return list;
      }) }]);
      expectCouldNotTell(run, /LIST \S+ answered with an item /);
    }), { numRuns: 30 });
  });

  it('a GET answered with an object changed in its identity: exit 2', async () => {
    await fc.assert(fc.asyncProperty(names, identityMutation, async (declared, mutate) => {
      const run = await runAgainst(declared, (live) => [{ path: GET, respond: jsonAnswer(() => mutate(live.get('apps/v1', 'Deployment', NAMESPACE, 'web') as Obj)) }]);
      expectCouldNotTell(run, /GET \S+ answered with an object /);
    }), { numRuns: 30 });
  });

  it('paging through a cycle of continue tokens of any length: exit 2, the loop or its repeated objects named', async () => {
    await fc.assert(fc.asyncProperty(names, fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 }), fc.nat(), async (declared, cycle, entry) => {
      const run = await runAgainst(declared, (live) => [{ path: LIST, respond: jsonAnswer((query) => {
        // The first page, then each token leads to the next, the last back into the cycle.
        const at = query.continue === undefined ? -1 : cycle.indexOf(query.continue);
        const next = at === -1 ? cycle[entry % cycle.length] : cycle[(at + 1) % cycle.length];
        return listOf(live, declared, { resourceVersion: '1', continue: next });
      }) }]);
      // Pages that loop repeat their items too: either is named, whichever shows first.
      expectCouldNotTell(run, /LIST \S+ (repeated a continue token|answered with the same object twice)/);
    }), { numRuns: 30 });
  });
});
