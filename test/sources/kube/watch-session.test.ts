// The kube watch session (serve's watch mode, --wait): after a series of live
// and declared changes, each run's Findings are exactly those of a fresh
// `gitdiff kube` over the same inputs, and the session says when something
// changed. The live side is a snapshot kept as a watch cache keeps it
// (test/support/watched-snapshot.ts): same object instances until they change.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Findings } from '../../../src/report.js';
import type { RunContext } from '../../../src/sources/types.js';
import { kubeOptions } from '../../../src/sources/kube/options.js';
import { runKube } from '../../../src/sources/kube/run.js';
import { KubeWatchSession } from '../../../src/sources/kube/watch-session.js';
import { kube } from '../../../src/sources/kube/index.js';
import { nextChange, WatchedSnapshot } from '../../support/watched-snapshot.js';
import { repoRoot } from '../../support/run-cli.js';
import { itWith } from '../../support/binaries.js';
import { execFileSync } from 'node:child_process';

const sessions: KubeWatchSession[] = [];
afterEach(() => sessions.splice(0).forEach((session) => session.close()));

function context(cwd: string, lines: string[] = []): RunContext {
  return {
    verbose: false, debug: true, log: (line) => lines.push(line), notice: () => {}, progress: () => {},
    stdin: Readable.from([]), signal: new AbortController().signal, cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME },
  };
}

/** A folder with the example's manifests and snapshot, outside any Git repository. */
function workspace(): { dir: string; snapshot: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-watch-'));
  mkdirSync(path.join(dir, 'manifests'));
  copyFileSync(path.join(repoRoot, 'fixtures/example/manifests/redis.yaml'), path.join(dir, 'manifests/redis.yaml'));
  const snapshot = path.join(dir, 'live.yaml');
  copyFileSync(path.join(repoRoot, 'fixtures/example/live.yaml'), snapshot);
  return { dir, snapshot };
}

function openSession(dir: string, live: WatchedSnapshot, flags: Record<string, unknown> = {}, args = ['manifests']): KubeWatchSession {
  const options = kubeOptions(args, flags);
  const session = new KubeWatchSession(options, { cwd: dir, env: {}, log: () => {} }, async () => live);
  sessions.push(session);
  return session;
}

/** What a fresh `gitdiff kube manifests --live-from live.yaml` finds now. */
function freshRun(dir: string, snapshot: string, flags: Record<string, unknown> = {}, args = ['manifests']): Promise<Findings> {
  return runKube(kubeOptions(args, { ...flags, liveFrom: snapshot }), context(dir));
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=gitdiff tests', '-c', 'user.email=tests@gitdiff.invalid', ...args], { cwd, encoding: 'utf8' }).trim();
}

const itGit = itWith(['git'], 'apt-get install git');
const itKubectl = itWith(['kubectl'], 'install kubectl (https://kubernetes.io/docs/tasks/tools/)');

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}


describe('the kube watch session', () => {
  it('gives the findings of a fresh run after each live and declared change', async () => {
    const { dir, snapshot } = workspace();
    const live = new WatchedSnapshot(snapshot);
    const session = openSession(dir, live);
    const manifest = path.join(dir, 'manifests/redis.yaml');
    const expectSameAsFresh = async (lines: string[] = []) => {
      const watched = await session.run(context(dir, lines));
      expect(watched).toEqual(await freshRun(dir, snapshot));
      return watched;
    };

    expect((await expectSameAsFresh()).items.map((item) => item.status)).toContain('diverged');

    // The cluster scales to what Git says: one object changed, the others are reused.
    edit(snapshot, '    replicas: 3\n    revisionHistoryLimit', '    replicas: 4\n    revisionHistoryLimit');
    const liveChanged = nextChange(session);
    live.reload();
    await liveChanged;
    const lines: string[] = [];
    const inSync = await expectSameAsFresh(lines);
    expect(inSync.items.every((item) => item.status === 'in-sync')).toBe(true);
    expect(lines.join('\n')).toMatch(/\(1 compared, 3 unchanged since the last run\)/);

    // A manifest edited in place (git pull): seen by the poll, read again.
    const declaredChanged = nextChange(session);
    edit(manifest, 'replicas: 4', 'replicas: 5');
    await declaredChanged;
    expect((await expectSameAsFresh()).items.filter((item) => item.status === 'diverged')).toHaveLength(1);

    // A new file, then a removed one.
    const added = nextChange(session);
    writeFileSync(path.join(dir, 'manifests/extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: cache\ndata:\n  a: "1"\n');
    await added;
    expect((await expectSameAsFresh()).items.map((item) => item.status)).toContain('missing');
    const removed = nextChange(session);
    unlinkSync(path.join(dir, 'manifests/extra.yaml'));
    await removed;
    expect((await expectSameAsFresh()).items).toHaveLength(4);

    // The team's ignore rules change the verdict as much as a manifest does.
    const ruled = nextChange(session);
    writeFileSync(path.join(dir, 'manifests/.gitdiff.yaml'), 'kube:\n  ignore:\n    - kind: Deployment\n      paths: [spec.replicas]\n');
    await ruled;
    const ignored = await expectSameAsFresh();
    expect(ignored.items.every((item) => item.status === 'in-sync')).toBe(true);
  }, 30_000);

  it("follows git-sync's symlink swap to a new checkout", async () => {
    const { dir, snapshot } = workspace();
    const first = path.join(dir, 'rev-1');
    renameSync(path.join(dir, 'manifests'), first);
    symlinkSync(first, path.join(dir, 'manifests'));
    const live = new WatchedSnapshot(snapshot);
    const session = openSession(dir, live);
    expect(await session.run(context(dir))).toEqual(await freshRun(dir, snapshot));

    const second = path.join(dir, 'rev-2');
    mkdirSync(second);
    writeFileSync(path.join(second, 'redis.yaml'), readFileSync(path.join(first, 'redis.yaml'), 'utf8').replace('replicas: 4', 'replicas: 3'));
    const swapped = nextChange(session);
    // git-sync's swap: a new link renamed over the old one, atomically.
    symlinkSync(second, path.join(dir, 'manifests.new'));
    renameSync(path.join(dir, 'manifests.new'), path.join(dir, 'manifests'));
    rmSync(first, { recursive: true });
    await swapped;
    const after = await session.run(context(dir));
    expect(after).toEqual(await freshRun(dir, snapshot));
    expect(after.items.every((item) => item.status === 'in-sync')).toBe(true);
  }, 20_000);

  itGit('--rev: reads again when the revision names a new commit, and says which commit it read', async () => {
    const { dir, snapshot } = workspace();
    git(dir, 'init', '-q');
    git(dir, 'add', 'manifests');
    git(dir, 'commit', '-q', '-m', 'declare redis');
    const session = openSession(dir, new WatchedSnapshot(snapshot), { rev: 'HEAD' });
    const first = await session.run(context(dir));
    expect(first).toEqual(await freshRun(dir, snapshot, { rev: 'HEAD' }));
    expect(first.revision).toBe(git(dir, 'rev-parse', 'HEAD'));

    // The working tree alone is not the revision: no change to tell.
    let told = 0;
    const stop = session.onChange(() => told++);
    edit(path.join(dir, 'manifests/redis.yaml'), 'replicas: 4', 'replicas: 3');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(told).toBe(0);
    stop();
    const committed = nextChange(session);
    git(dir, 'commit', '-q', '-am', 'match the cluster');
    await committed;
    const second = await session.run(context(dir));
    expect(second).toEqual(await freshRun(dir, snapshot, { rev: 'HEAD' }));
    expect(second.revision).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(second.items.every((item) => item.status === 'in-sync')).toBe(true);
  }, 20_000);

  itKubectl('-k: renders the kustomization again when a file under its folder changed', async () => {
    const { dir, snapshot } = workspace();
    writeFileSync(path.join(dir, 'manifests/kustomization.yaml'), 'resources: [redis.yaml]\n');
    const session = openSession(dir, new WatchedSnapshot(snapshot), { kustomize: ['manifests'] }, []);
    const fresh = () => freshRun(dir, snapshot, { kustomize: ['manifests'] }, []);
    expect(await session.run(context(dir))).toEqual(await fresh());
    const changed = nextChange(session);
    edit(path.join(dir, 'manifests/redis.yaml'), 'replicas: 4', 'replicas: 3');
    await changed;
    const after = await session.run(context(dir));
    expect(after).toEqual(await fresh());
    expect(after.items.every((item) => item.status === 'in-sync')).toBe(true);
  }, 20_000);

  it('reuses the parsed objects of unchanged files and says nothing when nothing changed', async () => {
    const { dir, snapshot } = workspace();
    const session = openSession(dir, new WatchedSnapshot(snapshot));
    const first = await session.run(context(dir));
    let told = 0;
    session.onChange(() => told++);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(told).toBe(0);
    const second = await session.run(context(dir));
    // The same Items, not equal copies: nothing was compared again.
    second.items.forEach((item, index) => expect(item).toBe(first.items[index]));
  }, 20_000);

  it('closes the live side it owns, and tells nothing after close', async () => {
    const { dir, snapshot } = workspace();
    const live = new WatchedSnapshot(snapshot);
    const session = openSession(dir, live);
    await session.run(context(dir));
    let told = 0;
    session.onChange(() => told++);
    session.close();
    live.reload();
    expect(told).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(live.closed).toBe(true);
  });
});

describe("kube's watch()", () => {
  const setup = { cwd: repoRoot, env: {}, log: () => {} };
  it.each([
    ['a snapshot (--live-from): it keeps its interval', ['manifests'], { liveFrom: 'live.yaml' }],
    ['--server-side: its dry runs are answers of the moment, not a cache', ['manifests'], { serverSide: true }],
    ["stdin ('-'): read once, it cannot be read again", ['-'], {}],
  ])('gives no session for %s', (_name, args, flags) => {
    expect(kube.watch!(kube.options({ args, flags, cwd: repoRoot, env: {} }), setup)).toBeUndefined();
  });
});
