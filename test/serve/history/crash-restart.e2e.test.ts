// Done when (issue 17): history survives SIGKILL and restart with no lost and no
// duplicated event. A real `gitdiff serve --state-dir` checks a snapshot whose
// live side the test changes step by step (redis's replicas: 4 is what Git
// declares); after some steps it is SIGKILLed at a different moment (before
// the next run, while it runs, while it records, after), and started again on
// the same dir. The events, read back through /api/checks/NAME/history, must
// be each transition exactly once, in order, and a drift that outlives a
// restart keeps its firstSeen.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dump, load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { apiChecksProblems, apiHistoryProblems } from '../../support/report-schema.js';
import { repoRoot } from '../../support/run-cli.js';
import { check, startServe, type ApiChecks, type ServeProcess } from '../../support/serve-process.js';

const DECLARED_REPLICAS = 4;
/** The live replicas, step by step; each differs from the one before, so each step is one transition. */
const STEPS = [3, 5, 4, 6, 7, 4, 2, 9, 8, 4, 1];
/** After these steps, a SIGKILL this many ms after the live side changed (0: before serve can have run on it). */
const KILL_AFTER: Record<number, number> = { 0: 700, 1: 0, 3: 250, 4: 1100, 6: 500, 7: 1500, 8: 900 };

const scratch = mkdtempSync(path.join(os.tmpdir(), 'gitdiff-crash-'));
const liveFile = path.join(scratch, 'live.json');
const stateDir = path.join(scratch, 'state');
const example = load(readFileSync(path.join(repoRoot, 'fixtures/example/live.yaml'), 'utf8')) as { items: Array<Record<string, any>> };

/** The snapshot with redis at `replicas`, replaced whole (rename): a run never reads half a file. */
function setLiveReplicas(replicas: number): void {
  const items = example.items.map((object) => (object.kind === 'Deployment' ? { ...object, spec: { ...object.spec, replicas } } : object));
  writeFileSync(`${liveFile}.next`, JSON.stringify({ ...example, items }));
  renameSync(`${liveFile}.next`, liveFile);
}

type Transition = { kind: string; live?: number };

/** What the tracker must say, step by step (track.ts's rules). */
function expectedTransitions(): Transition[] {
  const transitions: Transition[] = [];
  let before = DECLARED_REPLICAS;
  for (const live of STEPS) {
    if (live === DECLARED_REPLICAS) transitions.push({ kind: 'resolved' });
    else transitions.push({ kind: before === DECLARED_REPLICAS ? 'appeared' : 'changed', live });
    before = live;
  }
  return transitions;
}

function redisOf(body: ApiChecks): { status: string; live?: unknown } | undefined {
  const report = check(body, 'redis').report;
  const item = report?.items.find((each) => each.kind === 'Deployment' && each.name === 'redis') as { status: string; changes: Array<{ path: string; live?: unknown }> } | undefined;
  return item && { status: item.status, live: item.changes.find((change) => change.path === 'spec.replicas')?.live };
}

let serve: ServeProcess | undefined;
const start = async () => {
  const config = path.join(scratch, 'gitdiff-serve.yaml');
  writeFileSync(config, dump({ checks: [{ name: 'redis', command: ['kube', path.join(repoRoot, 'fixtures/example/manifests'), '--live-from', liveFile], interval: '1s' }] }));
  serve = await startServe(['--config', config, '--state-dir', stateDir, '--verbose']);
};

afterAll(async () => {
  await serve?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('serve --state-dir across SIGKILL and restart', () => {
  it('records every transition exactly once, and firstSeen survives', { timeout: 240_000 }, async () => {
    setLiveReplicas(STEPS[0]);
    await start();
    let kills = 0;
    const firstSeenOf = new Map<number, string>(); // step -> the redis drift's firstSeen then
    for (let step = 0; step < STEPS.length; step++) {
      if (step > 0) setLiveReplicas(STEPS[step]);
      const killAfter = KILL_AFTER[step];
      if (killAfter !== undefined) {
        await sleep(killAfter);
        serve!.signal('SIGKILL');
        expect((await serve!.exited).signal).toBe('SIGKILL');
        kills++;
        await start();
      }
      // Wait for a run on this step's live side (after a restart: a run of the new process).
      const live = STEPS[step];
      const body = await serve!.waitForChecks((api) => {
        const redis = redisOf(api);
        return live === DECLARED_REPLICAS ? redis?.status === 'in-sync' : redis?.status === 'diverged' && redis.live === live;
      }, `a run with redis at ${live} replicas (step ${step})`, 60_000);
      expect(apiChecksProblems(body)).toEqual([]);
      const drift = (body.checks[0] as unknown as { drift: Array<{ title: string; firstSeen: string }> }).drift;
      if (live !== DECLARED_REPLICAS) firstSeenOf.set(step, drift.find((each) => each.title.includes('cache/redis'))!.firstSeen);
      else expect(drift).toEqual([]);
    }
    expect(kills).toBe(Object.keys(KILL_AFTER).length);

    // Every event, oldest first, through the API's pages.
    const all: Array<{ id: number; kind: string; at: string; item?: { changes: Array<{ path: string; live?: number }> } }> = [];
    let before: number | null = null;
    do {
      const page = JSON.parse((await serve!.get(`/api/checks/redis/history?limit=3${before ? `&before=${before}` : ''}`)).body);
      expect(apiHistoryProblems(page)).toEqual([]);
      all.unshift(...page.events.reverse());
      before = page.next;
    } while (before !== null);
    const ids = all.map((event) => event.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    // The check-level `diverged` event: once each time the check went from in sync to drift, never twice in a row.
    let drifting = false;
    for (const event of all) {
      if (event.kind === 'diverged') {
        expect(drifting, `event ${event.id}`).toBe(false);
        drifting = true;
      } else if (event.kind === 'resolved') drifting = false;
      else if (event.kind === 'appeared') expect(all.some((other) => other.kind === 'diverged' && other.at === event.at), `event ${event.id}`).toBe(true);
    }
    const events = all.filter((event): event is typeof event & { item: NonNullable<typeof event.item> } => event.item !== undefined);
    const transitions = events.map((event): Transition => {
      const live = event.item.changes.find((change) => change.path === 'spec.replicas')?.live;
      return event.kind === 'resolved' ? { kind: 'resolved' } : { kind: event.kind, live };
    });
    expect(transitions).toEqual(expectedTransitions());

    // A drift's firstSeen is the time of the `appeared` event that began it, whatever restarts came between
    // (the kills after steps 1, 4, 7 and 8 fell in the middle of a drift). One event per step: events[step] is step's.
    for (const [step, firstSeen] of firstSeenOf) {
      const began = events.slice(0, step + 1).filter((event) => event.kind === 'appeared').at(-1)!;
      expect(firstSeen, `step ${step}`).toBe(began.at);
    }
  });
});
