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
 * Runs tasks and yields each result as it is ready (in the order they finish), with at most
 * `limit` tasks in flight or finished but not yet taken: a slot frees when the consumer takes its
 * result, so a consumer that is busy (or waiting for something else) makes the tasks wait, and what
 * is held stays bounded. The first task that fails ends the iteration with its error; a consumer that
 * stops early starts no more tasks.
 */
export async function* streamBounded<T>(tasks: (() => Promise<T>)[], limit: number): AsyncGenerator<T> {
  const ready: ({ value: T } | { error: unknown })[] = [];
  let wake: (() => void) | undefined;
  let next = 0;
  let held = 0;
  const start = (): void => {
    for (; held < limit && next < tasks.length; held++) {
      tasks[next++]().then((value) => ready.push({ value }), (error: unknown) => ready.push({ error })).finally(() => wake?.());
    }
  };
  start();
  for (let taken = 0; taken < tasks.length; taken++) {
    while (ready.length === 0) await new Promise<void>((resolve) => { wake = resolve; });
    const result = ready.shift()!;
    held -= 1;
    if ('error' in result) throw result.error;
    // The next task starts before this result is handed over: the consumer's work overlaps the reads.
    start();
    yield result.value;
  }
}
