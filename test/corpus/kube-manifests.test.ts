// Real manifest sets written by others (../shared/fixtures/kubernetes/manifests):
// kube-prometheus (CRDs' objects, a Secret, a 1 MB dashboards ConfigMap), the
// guestbook, and Argo CD's 1.85 MB install. Every object must be read and
// identified; compared with an empty cluster snapshot, every one is missing.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runGitdiff } from '../support/run-cli.js';
import { sharedCorpus } from '../support/shared-corpus.js';

const { dir: manifests, present } = sharedCorpus('kubernetes/manifests', 'the manifest corpus');

describe.skipIf(!present)('Kubernetes corpus: real manifest sets', () => {
  const emptySnapshot = path.join(mkdtempSync(path.join(os.tmpdir(), 'gitdiff-empty-')), 'empty.yaml');
  writeFileSync(emptySnapshot, 'apiVersion: v1\nkind: List\nitems: []\n');

  it.each(['kube-prometheus', 'guestbook/all-in-one', 'large'])('reads every object of %s and reports it missing from an empty cluster', async (set) => {
    const result = await runGitdiff(['kube', path.join(manifests, set), '--live-from', emptyListsOfKindsIn(path.join(manifests, set)), '-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.summary.total).toBeGreaterThan(0);
    expect(report.summary.missing).toBe(report.summary.total);
  });

  // An empty cluster, as the API answers for each kind: a typed empty list (`ConfigMapList`), which says
  // the kind was read and holds nothing. (A bare empty List holds no kind at all: nothing could be checked.)
  function emptyListsOfKindsIn(dir: string): string {
    const kinds = new Set<string>();
    const walk = (at: string): void => {
      for (const entry of readdirSync(at, { withFileTypes: true })) {
        const file = path.join(at, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.ya?ml$/.test(entry.name)) {
          for (const document of loadAll(readFileSync(file, 'utf8')) as { apiVersion?: string; kind?: string; items?: { apiVersion: string; kind: string }[] }[]) {
            for (const object of document?.kind === 'List' ? document.items ?? [] : [document]) if (object?.kind) kinds.add(JSON.stringify([object.apiVersion, object.kind]));
          }
        }
      }
    };
    walk(dir);
    const lists = [...kinds].map((each) => JSON.parse(each) as [string, string]).map(([apiVersion, kind]) => `apiVersion: ${apiVersion}\nkind: ${kind}List\nitems: []\n`);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gitdiff-empty-')), 'empty-lists.yaml');
    writeFileSync(file, lists.join('---\n'));
    return file;
  }

  it('refuses the guestbook folder as a whole: its all-in-one file declares the same objects again', async () => {
    const result = await runGitdiff(['kube', path.join(manifests, 'guestbook'), '--live-from', emptySnapshot]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/apps\/v1 Deployment default\/frontend is declared twice: .*guestbook-all-in-one\.yaml:\d+ and .*frontend-deployment\.yaml:1/);
  });

  it('never prints the values of the Secret in kube-prometheus', async () => {
    const secretFile = path.join(manifests, 'kube-prometheus/alertmanager-secret.yaml');
    const secret = loadAll(readFileSync(secretFile, 'utf8'))[0] as { stringData: Record<string, string> };
    const values = Object.values(secret.stringData).flatMap((value) => value.split('\n')).map((line) => line.trim()).filter((line) => line.length > 12);
    expect(values.length).toBeGreaterThan(0);
    // Against a live Secret whose values differ, so the keys are reported as changed.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-secret-'));
    const live = path.join(dir, 'live.json');
    const liveSecret = { ...(loadAll(readFileSync(secretFile, 'utf8'))[0] as object), stringData: undefined, data: { 'alertmanager.yaml': Buffer.from('other').toString('base64') } };
    writeFileSync(live, JSON.stringify(liveSecret));
    for (const output of ['text', 'json']) {
      const result = await runGitdiff(['kube', secretFile, '--live-from', live, '-o', output, '-v']);
      expect(result.code).toBe(1);
      for (const value of values) expect(result.stdout + result.stderr).not.toContain(value);
    }
  });
});
