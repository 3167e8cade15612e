// What a run of the CLI talks to: its streams, environment and folder. Its own
// module so the subcommands the CLI registers (completion) can take it without
// importing cli.ts, which imports them.
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}
