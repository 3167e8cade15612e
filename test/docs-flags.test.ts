// Every flag a `--help` lists is documented: in the README, or in the
// subcommand's own page under docs/ (and, for the three checking subcommands,
// docs/metrics.md, which documents their shared metrics flags). A flag added
// to the code without a word in the docs fails here (issue 15).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runGitdiff } from './support/run-cli.js';

/** Long flags of commander's help: the option lines, `-o, --output <format>` or `--strict`. */
function longFlags(help: string): string[] {
  const options = help.split(/^Options:$/m)[1]?.split(/^\S/m)[0] ?? '';
  const flags = [...options.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z0-9-]*)/gm)].map((match) => match[1]);
  // --help is commander's own, the same on every command.
  return [...new Set(flags)].filter((flag) => flag !== '--help');
}

/** Subcommands listed under `Commands:` in `gitdiff --help`, but commander's `help`. */
function commandsOf(help: string): string[] {
  const commands = help.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? '';
  return [...commands.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((match) => match[1]).filter((name) => name !== 'help');
}

const CHECKING = new Set(['kube', 'terraform', 'ansible']);

/** Where a command's flags may be documented. */
function docsFor(command: string | undefined): Record<string, string> {
  const files = ['README.md'];
  if (command && existsSync(path.join(repoRoot, 'docs', `${command}.md`))) files.push(`docs/${command}.md`);
  if (command && CHECKING.has(command)) files.push('docs/metrics.md');
  return Object.fromEntries(files.map((file) => [file, readFileSync(path.join(repoRoot, file), 'utf8')]));
}

function documented(flag: string, docs: Record<string, string>): boolean {
  const word = new RegExp(`(?<![\\w-])${flag}(?![\\w-])`);
  return Object.values(docs).some((text) => word.test(text));
}

const rootHelp = await runGitdiff(['--help']);
const commands = commandsOf(rootHelp.stdout);

describe('every flag in --help is documented', () => {
  it('finds the subcommands to check in gitdiff --help', () => {
    expect(rootHelp.code).toBe(0);
    expect(commands).toEqual(expect.arrayContaining(['kube', 'terraform', 'ansible', 'serve']));
  });

  it('gitdiff --help: in README.md', () => {
    const flags = longFlags(rootHelp.stdout);
    expect(flags).toContain('--version');
    const docs = docsFor(undefined);
    expect(flags.filter((flag) => !documented(flag, docs))).toEqual([]);
  });

  it.each(commands)('gitdiff %s --help: in README.md or its docs page', async (command) => {
    const help = await runGitdiff([command, '--help']);
    expect(help.code).toBe(0);
    const flags = longFlags(help.stdout);
    // A command of gitdiff's has flags; none found means the help was not parsed, not that all is documented.
    if (command !== 'completion') expect(flags.length).toBeGreaterThan(3);
    const docs = docsFor(command);
    expect({ command, undocumented: flags.filter((flag) => !documented(flag, docs)), in: Object.keys(docs) }).toEqual({ command, undocumented: [], in: Object.keys(docs) });
  });
});
