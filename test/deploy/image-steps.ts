// Performs a Dockerfile's stages in folders that stand for each stage's root
// filesystem, with the host's Node and npm standing for the base image's:
// WORKDIR, COPY (from the build context, .dockerignore applied, or from an
// earlier stage), ENV, and the RUN commands this project's Dockerfile uses.
// System steps (apt-get, useradd) cannot run here: they are returned for the
// test to check. An instruction or command it does not know is an error, so
// the test follows the Dockerfile rather than drifting from it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { execForm, substitute, type Instruction, type Stage } from './dockerfile.js';

/** The PATH of the Debian-based node images. */
const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Commands that change the system rather than the files the image adds; checked by the test, not performed. */
const SYSTEM_COMMANDS = new Set(['apt-get', 'groupadd', 'useradd', 'rm']);

export interface StageResult {
  /** The folder standing for the stage's `/`. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  entrypoint?: string[];
  cmd?: string[];
  /** System commands (apt-get ..., useradd ...), as argument lists, in order. */
  systemSteps: string[][];
}

export interface StageInputs {
  root: string;
  /** The build context (the repository) and its .dockerignore predicate. */
  context: string;
  ignored: (relativePath: string) => boolean;
  /** Earlier stages by name, for COPY --from. */
  stages: Map<string, StageResult>;
  /** Extra environment for the npm commands (an offline-first cache, say); never changes what they install. */
  npmEnv?: NodeJS.ProcessEnv;
}

const onHost = (root: string, imagePath: string) => path.join(root, imagePath);
const fail = (instruction: Instruction, message: string): never => {
  throw new Error(`Dockerfile line ${instruction.line} (${instruction.keyword} ${instruction.args}): ${message}`);
};

/** Copies a context file or folder, leaving out what .dockerignore excludes; returns how many files were copied. */
function copyFromContext(inputs: StageInputs, source: string, target: string): number {
  const absolute = path.join(inputs.context, source);
  if (!existsSync(absolute) || inputs.ignored(source)) return 0;
  if (!statSync(absolute).isDirectory()) {
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(absolute, target);
    return 1;
  }
  let copied = 0;
  for (const entry of readdirSync(absolute)) copied += copyFromContext(inputs, `${source}/${entry}`, path.join(target, entry));
  return copied;
}

function copy(instruction: Instruction, state: StageResult, inputs: StageInputs): void {
  const words = instruction.args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const [destination, ...sourcesReversed] = words.filter((word) => !word.startsWith('--')).reverse();
  const sources = sourcesReversed.reverse();
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  if (flags.some((flag) => !flag.startsWith('--from='))) fail(instruction, 'only --from is supported here');
  const intoFolder = destination.endsWith('/') || sources.length > 1;
  const target = onHost(state.root, path.posix.resolve(state.workdir, destination));
  for (const source of sources) {
    // A folder's contents go into the destination; a file goes into it when it is a folder.
    if (from !== undefined) {
      const stage = inputs.stages.get(from) ?? fail(instruction, `no earlier stage named ${from}`);
      const absolute = onHost(stage.root, source);
      if (!existsSync(absolute)) fail(instruction, `${source} does not exist in stage ${from}`);
      cpSync(absolute, intoFolder ? path.join(target, path.basename(source)) : target, { recursive: true });
    } else {
      const file = intoFolder ? path.join(target, path.basename(source)) : target;
      if (copyFromContext(inputs, source.replace(/^\.\//, ''), file) === 0) fail(instruction, `${source} is not in the build context (missing, or excluded by .dockerignore)`);
    }
  }
}

function run(instruction: Instruction, state: StageResult, inputs: StageInputs): void {
  if (/["'`|;<>]|\$\(/.test(instruction.args)) fail(instruction, 'quotes, pipes and substitutions are beyond this test: keep RUN lines to plain commands joined by &&');
  for (const command of instruction.args.split('&&').map((part) => part.trim().split(/\s+/))) {
    const [program, ...args] = command;
    if (SYSTEM_COMMANDS.has(program)) {
      state.systemSteps.push(command);
    } else if (program === 'npm' && args[0] === 'cache') {
      // `npm cache clean` only makes the image smaller; here it would empty the host's cache.
    } else if (program === 'npm' && (args[0] === 'ci' || args[0] === 'run')) {
      const cwd = onHost(state.root, state.workdir);
      const result = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, ...inputs.npmEnv } });
      if (result.status !== 0) fail(instruction, `npm ${args.join(' ')} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
    } else {
      fail(instruction, `this test does not know how to perform \`${program}\`: teach test/deploy/image-steps.ts`);
    }
  }
}

/** Performs one stage into inputs.root and returns what the image would hold and run. */
export function performStage(stage: Stage, inputs: StageInputs): StageResult {
  const state: StageResult = { root: inputs.root, workdir: '/', env: { PATH: BASE_PATH }, systemSteps: [] };
  mkdirSync(inputs.root, { recursive: true });
  for (const instruction of stage.instructions) {
    switch (instruction.keyword) {
      case 'WORKDIR':
        state.workdir = path.posix.resolve(state.workdir, instruction.args);
        mkdirSync(onHost(state.root, state.workdir), { recursive: true });
        break;
      case 'COPY': copy(instruction, state, inputs); break;
      case 'RUN': run(instruction, state, inputs); break;
      case 'ENV':
        for (const assignment of instruction.args.split(/\s+/)) {
          const [name, ...value] = assignment.split('=');
          if (value.length === 0) fail(instruction, 'ENV NAME=VALUE');
          state.env[name] = substitute(value.join('='), state.env);
        }
        break;
      case 'USER': state.user = instruction.args; break;
      case 'ENTRYPOINT': state.entrypoint = execForm(instruction); break;
      case 'CMD': state.cmd = execForm(instruction); break;
      default: fail(instruction, 'an instruction this test does not perform: teach test/deploy/image-steps.ts');
    }
  }
  return state;
}

/** The host file the image's PATH lookup would find for `program`, or undefined. */
export function resolveOnImagePath(state: StageResult, program: string): string | undefined {
  if (program.startsWith('/')) return existsSync(onHost(state.root, program)) ? onHost(state.root, program) : undefined;
  return state.env.PATH.split(':').map((folder) => onHost(state.root, path.posix.join(folder, program))).find((file) => existsSync(file));
}
