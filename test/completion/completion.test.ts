// `gitdiff completion bash|zsh|fish`. The bash script is loaded into a real bash
// and its completion function called as bash calls it on <TAB> (COMP_WORDS,
// COMP_CWORD). zsh and fish are not installed on these machines: their scripts
// are checked against what `--help` lists (every subcommand, every flag, the -o
// choices), which only a script generated from the program can keep up with.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionScripts } from '../../src/completion/index.js';
import { completionModel } from '../../src/completion/model.js';
import { renderers } from '../../src/render/index.js';
import { runGitdiff } from '../support/run-cli.js';

let scratch: string;
const scripts: Record<string, string> = {};
/** Each subcommand's flags, as `gitdiff SUBCOMMAND --help` lists them. */
const helpFlags = new Map<string, string[]>();

function flagsIn(help: string): string[] {
  const options = help.split('\nOptions:\n')[1]?.split('\n\n')[0] ?? '';
  return [...options.matchAll(/^ {2}(-[^<[\s].*?)(?: <| \[| {2}|$)/gm)].flatMap((match) => match[1].split(', '));
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'gitdiff-completion-'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    const result = await runGitdiff(['completion', shell]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    scripts[shell] = result.stdout;
  }
  const help = await runGitdiff(['--help']);
  const commands = [...help.stdout.split('\nCommands:\n')[1].matchAll(/^ {2}(\w+)/gm)].map((match) => match[1]).filter((name) => name !== 'help');
  for (const command of commands) helpFlags.set(command, flagsIn((await runGitdiff([command, '--help'])).stdout));
}, 60_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What bash offers for the last of `words` (the word under the cursor), with `script` loaded. */
function bashCompletes(words: string[], script = scripts.bash): { replies: string[]; spec: string } {
  const file = path.join(scratch, `completion-${Math.random().toString(36).slice(2)}.bash`);
  writeFileSync(file, script);
  const driver = [
    'source "$1"; shift',
    'spec=$(complete -p "$1")',
    'fn=${spec##*-F }; fn=${fn%% *}',
    'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
    '"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
    'echo "$spec"; printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', driver, 'bash', file, ...words], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  const [spec, ...replies] = result.stdout.split('\n').filter((line) => line !== '');
  return { spec, replies };
}

describe('gitdiff completion bash, in bash', () => {
  it('registers a completion function for gitdiff that falls back to file names', () => {
    expect(bashCompletes(['gitdiff', '']).spec).toMatch(/^complete -o default -F \S+ gitdiff$/);
  });

  it.each([
    [['gitdiff', 'ku'], ['kube']],
    [['gitdiff', 'te'], ['terraform']],
    [['gitdiff', 'kube', '-o', ''], Object.keys(renderers)],
    [['gitdiff', 'ansible', '--output', 'j'], Object.keys(renderers).filter((name) => name.startsWith('j'))],
    // --output=j: bash splits the word at '='.
    [['gitdiff', 'kube', '--output', '=', 'j'], Object.keys(renderers).filter((name) => name.startsWith('j'))],
    [['gitdiff', 'terraform', '--pl'], ['--plan-json', '--plan']],
    [['gitdiff', 'kube', '--live-from', ''], []],
    [['gitdiff', 'kube', './manifests', '--no-'], ['--no-ignore-hpa-replicas', '--no-color', '--no-error-on-diff']],
    [['gitdiff', 'completion', ''], Object.keys(completionScripts)],
    [['gitdiff', '--v'], ['--version']],
    // `gitdiff help COMMAND`: command names, not files.
    [['gitdiff', 'help', 'k'], ['kube']],
  ])('%j offers %j', (words, expected) => {
    expect(bashCompletes(words).replies).toEqual(expected);
  });

  it('offers every subcommand, and every flag each one lists in --help', () => {
    expect(bashCompletes(['gitdiff', '']).replies).toEqual([...helpFlags.keys(), 'help']);
    expect(helpFlags.get('kube')).toEqual(expect.arrayContaining(['-o', '--output', '--live-from', '--no-color', '-A']));
    for (const [command, flags] of helpFlags) {
      expect(flags, command).toContain('--help');
      expect(bashCompletes(['gitdiff', command, '-']).replies.sort(), command).toEqual([...flags].sort());
    }
  });
});

describe('the scripts are generated from the program', () => {
  const program = new Command('gitdiff');
  program.command('kube').addOption(new Option('--brand-new <mode>', 'a flag added later').choices(['fast', 'slow']));
  const model = completionModel(program);

  it('a flag added to a subcommand, and its choices, appear in bash completion', () => {
    expect(bashCompletes(['gitdiff', 'kube', '--br'], completionScripts.bash(model)).replies).toEqual(['--brand-new']);
    expect(bashCompletes(['gitdiff', 'kube', '--brand-new', ''], completionScripts.bash(model)).replies).toEqual(['fast', 'slow']);
  });

  it.each(['zsh', 'fish'])('a flag added to a subcommand, and its choices, appear in the %s script', (shell) => {
    const script = completionScripts[shell](model);
    expect(script).toContain('brand-new');
    expect(script).toContain('fast slow');
    expect(completionScripts[shell](completionModel(new Command('gitdiff')))).not.toContain('brand-new');
  });
});

// zsh and fish are not installed here: these check the scripts' structure, not a shell running them.
describe('gitdiff completion zsh (structure)', () => {
  it('is a #compdef function that also registers itself when sourced', () => {
    expect(scripts.zsh).toMatch(/^#compdef gitdiff\n/);
    expect(scripts.zsh).toContain('compdef _gitdiff gitdiff');
  });

  it('names every subcommand and every flag --help lists, with the -o choices', () => {
    for (const [command, flags] of helpFlags) {
      expect(scripts.zsh).toMatch(new RegExp(`^ {4}'${command}:`, 'm'));
      const section = scripts.zsh.split(`\n        ${command})\n`)[1].split('\n          ;;')[0];
      for (const flag of flags) expect(section, `${command} ${flag}`).toContain(`'*${flag}[`);
      if (flags.includes('--output')) expect(section).toContain(`'*--output[output format]:value:(${Object.keys(renderers).join(' ')})'`);
    }
  });
});

describe('gitdiff completion fish (structure)', () => {
  it('names every subcommand and every flag --help lists, with the -o choices', () => {
    const lines = scripts.fish.split('\n');
    for (const [command, flags] of helpFlags) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^complete -c gitdiff -n __fish_use_subcommand -f -a '${command}' -d '`)));
      const own = lines.filter((line) => line.startsWith(`complete -c gitdiff -n '__fish_seen_subcommand_from ${command}' `));
      for (const flag of flags) {
        const spelled = flag.startsWith('--') ? `-l '${flag.slice(2)}'` : `-s '${flag.slice(1)}'`;
        expect(own.some((line) => line.includes(` ${spelled} `)), `${command} ${flag}`).toBe(true);
      }
      if (flags.includes('--output')) expect(own).toContainEqual(expect.stringContaining(`-s 'o' -l 'output' -x -a '${Object.keys(renderers).join(' ')}'`));
    }
  });
});
