// What gitdiff keeps of a tool's stderr (and of output it does not parse): its
// start and its end, at most KEPT_BYTES of each. A tool that floods (a crash
// loop, a 30 MB line) must neither fill gitdiff's memory nor end up quoted
// whole in an error; its first lines (where an `Error:` usually starts) and
// its last ones (where the run ended) are what a person needs.

const KEPT_BYTES = 64 * 1024;

export class CapturedOutput {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  /** Bytes seen but kept in neither end. */
  private dropped = 0;

  constructor(private readonly keptBytes = KEPT_BYTES) {}

  push(chunk: Buffer): void {
    let rest = chunk;
    if (this.headBytes < this.keptBytes) {
      const taken = rest.subarray(0, this.keptBytes - this.headBytes);
      this.head.push(Buffer.from(taken));
      this.headBytes += taken.length;
      rest = rest.subarray(taken.length);
    }
    if (rest.length === 0) return;
    this.tail.push(Buffer.from(rest));
    this.tailBytes += rest.length;
    while (this.tailBytes > this.keptBytes) {
      const excess = this.tailBytes - this.keptBytes;
      const first = this.tail[0];
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
        this.dropped += excess;
      }
    }
  }

  /** The kept text; where bytes were left out, a line says how many. */
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    return this.dropped === 0 ? head + tail : `${head}\n... (${this.dropped} bytes of output not kept) ...\n${tail}`;
  }
}

/** Collects a stream into a CapturedOutput; resolves when it ends (or fails: what was read is kept). */
export function capture(stream: NodeJS.ReadableStream | null | undefined, keptBytes?: number): Promise<CapturedOutput> {
  const output = new CapturedOutput(keptBytes);
  if (!stream) return Promise.resolve(output);
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer | string) => output.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.on('end', () => resolve(output));
    stream.on('error', () => resolve(output));
    stream.on('close', () => resolve(output));
  });
}
