// streamBounded: how the cluster's live side hands out its groups (LiveSide.fetch). Each group is
// handed over as it arrives, and a consumer that is busy holds the reads back: what is fetched
// but not yet compared stays bounded, which is what keeps 10,000 objects' memory flat.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { streamBounded } from '../../../src/sources/kube/cluster/pool.js';

/** Tasks that resolve with their index after `delays[index]` ms, recording how many have started. */
function tasksWith(delays: number[]): { tasks: (() => Promise<number>)[]; started: () => number } {
  let started = 0;
  const tasks = delays.map((delay, index) => async () => {
    started += 1;
    await sleep(delay);
    return index;
  });
  return { tasks, started: () => started };
}

describe('streamBounded', () => {
  it('yields every result once, in the order the tasks finish', async () => {
    const { tasks } = tasksWith([30, 5, 15, 0]);
    const seen: number[] = [];
    for await (const value of streamBounded(tasks, 4)) seen.push(value);
    expect(seen).toEqual([3, 1, 2, 0]);
  });

  it('starts no more than `limit` tasks ahead of what the consumer has taken', async () => {
    const { tasks, started } = tasksWith(Array(20).fill(0));
    let taken = 0;
    for await (const _value of streamBounded(tasks, 3)) {
      // The consumer is slow: the tasks wait for it instead of piling up results.
      await sleep(5);
      taken += 1;
      expect(started() - taken).toBeLessThanOrEqual(3);
    }
    expect(taken).toBe(20);
  });

  it('with a read-ahead, goes on reading while the consumer waits, never more than `limit` at once', async () => {
    let running = 0;
    let most = 0;
    let started = 0;
    const tasks = Array.from({ length: 12 }, (_unused, index) => async () => {
      started += 1;
      running += 1;
      most = Math.max(most, running);
      await sleep(2);
      running -= 1;
      return index;
    });
    const stream = streamBounded(tasks, 2, 6)[Symbol.asyncIterator]();
    await stream.next();
    // The consumer is away: the reads go on until six results wait, two at a time.
    await sleep(60);
    expect(running).toBe(0);
    expect(started).toBe(1 + 6);
    let rest = 0;
    while (!(await stream.next()).done) rest += 1;
    expect(rest).toBe(11);
    expect(most).toBe(2);
  });

  it('ends with the first failure, and a consumer that stops starts nothing more', async () => {
    const failing = [async () => 1, async () => { throw new Error('boom'); }, async () => 3];
    await expect((async () => { for await (const _value of streamBounded(failing, 1)); })()).rejects.toThrow('boom');

    const { tasks, started } = tasksWith(Array(10).fill(0));
    for await (const value of streamBounded(tasks, 2)) if (value === 0) break;
    await sleep(10);
    expect(started()).toBeLessThanOrEqual(3);
  });

  it('yields nothing for no tasks', async () => {
    const seen: number[] = [];
    for await (const value of streamBounded<number>([], 8)) seen.push(value);
    expect(seen).toEqual([]);
  });
});
