// Reading a whole stream ('-' for stdin): manifests, snapshots, saved plans and results.
/** Every byte of the stream, once it ends. The chunks are released on return, before the caller parses. */
export async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
