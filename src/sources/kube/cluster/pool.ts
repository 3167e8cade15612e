/** Runs tasks with at most `limit` in flight; results keep the tasks' order. */
export async function runBounded<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/**
 * Runs tasks, at most `limit` in flight, and yields each result as it is ready (in the order they
 * finish). At most `readAhead` results wait to be taken: a consumer that is busy (or waiting for
 * something else) makes the tasks wait, so what is held stays bounded. The first task that fails
 * ends the iteration with its error; a consumer that stops early starts no more tasks.
 */
export async function* streamBounded<T>(tasks: (() => Promise<T>)[], limit: number, readAhead = limit): AsyncGenerator<T> {
  const ready: ({ value: T } | { error: unknown })[] = [];
  let wake: (() => void) | undefined;
  let next = 0;
  let running = 0;
  const settle = (result: { value: T } | { error: unknown }): void => {
    running -= 1;
    ready.push(result);
    start();
    wake?.();
  };
  const start = (): void => {
    for (; running < limit && running + ready.length < readAhead && next < tasks.length; running++) {
      tasks[next++]().then((value) => settle({ value }), (error: unknown) => settle({ error }));
    }
  };
  start();
  for (let taken = 0; taken < tasks.length; taken++) {
    while (ready.length === 0) await new Promise<void>((resolve) => { wake = resolve; });
    const result = ready.shift()!;
    if ('error' in result) throw result.error;
    // The next task starts before this result is handed over: the consumer's work overlaps the reads.
    start();
    yield result.value;
  }
}
