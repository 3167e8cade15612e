// Reading a Dockerfile and a .dockerignore as BuildKit does, for the test that
// performs the image's steps without a container engine: instructions (with
// line continuations, comments, global ARGs substituted into FROM) grouped
// into stages, and the build context's exclusion patterns (moby/patternmatcher:
// `*`, `?`, `**`, `!` exceptions, the last matching pattern wins, a pattern
// that matches a folder matches everything in it).

export interface Instruction {
  keyword: string;
  /** The rest of the instruction, continuation lines joined. */
  args: string;
  /** Where it starts in the Dockerfile (1-based), for messages. */
  line: number;
}

export interface Stage {
  /** The `AS` name, if any. */
  name?: string;
  /** The base image, global ARGs substituted. */
  base: string;
  instructions: Instruction[];
}

function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    // Comments and empty lines are dropped, also between continuation lines (as BuildKit does).
    if (line === '' || line.startsWith('#')) continue;
    const continued = line.endsWith('\\');
    const part = continued ? line.slice(0, -1).trim() : line;
    pending = pending ? { text: `${pending.text} ${part}`, line: pending.line } : { text: part, line: index + 1 };
    if (continued) continue;
    const [keyword, ...rest] = pending.text.split(/\s+/);
    result.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: pending.line });
    pending = undefined;
  }
  if (pending) throw new Error(`Dockerfile line ${pending.line}: a continuation that never ends`);
  return result;
}

/** `${NAME}` and `$NAME` from `values`, as in FROM lines and ENV values. */
export function substitute(text: string, values: Record<string, string | undefined>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_match, braced: string, bare: string) => values[braced ?? bare] ?? '');
}

export function parseDockerfile(text: string): Stage[] {
  const globals: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [base, as, name] = instruction.args.split(/\s+/);
      if (as !== undefined && (as.toUpperCase() !== 'AS' || !name)) throw new Error(`Dockerfile line ${instruction.line}: FROM IMAGE [AS NAME]`);
      stages.push({ name, base: substitute(base, globals), instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`Dockerfile line ${instruction.line}: only ARG may come before the first FROM`);
      const [name, value = ''] = instruction.args.split('=');
      globals[name] = value;
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  if (stages.length === 0) throw new Error('Dockerfile: no FROM');
  return stages;
}

/** JSON (exec) form of ENTRYPOINT and CMD; the shell form would need /bin/sh -c. */
export function execForm(instruction: Instruction): string[] {
  const parsed: unknown = JSON.parse(instruction.args);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} in exec form (a JSON array of strings)`);
  return parsed;
}

function patternRegex(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '*' && pattern[index + 1] === '*') {
      // `**/` matches any number of folders, including none.
      source += pattern[index + 2] === '/' ? '(.*/)?' : '.*';
      index += pattern[index + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** A predicate: is this context-relative path (with `/`) left out of the build context? */
export function dockerignoreMatcher(text: string): (relativePath: string) => boolean {
  const patterns = text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#')).map((line) => {
    const exception = line.startsWith('!');
    const cleaned = (exception ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '');
    return { exception, regex: patternRegex(cleaned) };
  });
  return (relativePath) => {
    const parts = relativePath.split('/');
    const candidates = parts.map((_part, index) => parts.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const { exception, regex } of patterns) {
      if (candidates.some((candidate) => regex.test(candidate))) excluded = !exception;
    }
    return excluded;
  };
}
