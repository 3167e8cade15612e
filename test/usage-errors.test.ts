// Issue 15: commander's own errors read like every other gitdiff error: one
// `gitdiff: error:` line naming the command, one hint naming its --help, exit 2.
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { runGitdiff } from './support/run-cli.js';
import { usageErrorsInGitdiffWords } from '../src/usage-errors.js';
import { GitdiffError } from '../src/errors.js';

const example = ['fixtures/example/manifests', '--live-from', 'fixtures/example/live.yaml'];

describe('commander usage errors, run through bin/gitdiff', () => {
  it.each([
    ['no command', [], 'no command given: say which to run (kube, terraform, ansible, serve, completion)', 'run gitdiff --help'],
    ['an unknown command', ['nosuch'], "unknown command 'nosuch': the commands are kube, terraform, ansible, serve, completion", 'run gitdiff --help'],
    ['a misspelt command', ['kub'], "unknown command 'kub': the commands are kube, terraform, ansible, serve, completion", 'did you mean kube? run gitdiff --help'],
    ['help for an unknown command', ['help', 'nosuch'], "unknown command 'nosuch': the commands are kube, terraform, ansible, serve, completion", 'run gitdiff --help'],
    ['an unknown program option', ['--nosuch'], 'unknown option --nosuch', 'run gitdiff --help'],
    ['an unknown option', ['kube', ...example, '--nosuch'], 'kube: unknown option --nosuch', 'run gitdiff kube --help'],
    ['a misspelt option', ['kube', ...example, '--contxt', 'prod'], 'kube: unknown option --contxt', 'did you mean --context? run gitdiff kube --help'],
    ['an unknown serve option', ['serve', '--nosuch'], 'serve: unknown option --nosuch', 'run gitdiff serve --help'],
    ['a bad -o choice', ['terraform', '-o', 'yaml'], "terraform: --output 'yaml' is not one of text, json, junit, github, markdown", 'run gitdiff terraform --help'],
    ['an option without its value', ['kube', ...example, '--timeout'], 'kube: --timeout needs a value: --timeout <duration>', 'run gitdiff kube --help'],
    ['a serve option without its value', ['serve', '--config'], 'serve: --config needs a value: --config <file>', 'run gitdiff serve --help'],
    ['-q with --summary', ['ansible', '-q', '--summary'], 'ansible: --summary and --quiet cannot be used together', 'give one of them; run gitdiff ansible --help'],
    ['too many arguments', ['terraform', 'one', 'two'], 'terraform: too many arguments: at most 1 ([dir]), got 2', 'run gitdiff terraform --help'],
    ['an argument to serve', ['serve', 'extra'], 'serve: too many arguments: it takes none, got 1', 'run gitdiff serve --help'],
  ])('%s: one error line, one hint, exit 2', async (_case, args, message, hint) => {
    const result = await runGitdiff(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`gitdiff: error: ${message}\n  hint: ${hint}\n`);
  });

  it('--debug adds the stack, still after the same two lines', async () => {
    const result = await runGitdiff(['kube', '--debug', '--nosuch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^gitdiff: error: kube: unknown option --nosuch\n {2}hint: run gitdiff kube --help\nGitdiffError: /);
  });

  it.each([[['--help']], [['kube', '--help']], [['help', 'serve']], [['--version']]])('%j still prints to stdout and exits 0', async (args) => {
    const result = await runGitdiff(args);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toBe('');
  });
});

/** A command like gitdiff's, with what no gitdiff command has yet: a required argument and a mandatory option. */
function programWith(define: (command: Command) => void): Command {
  const program = new Command('gitdiff').configureOutput({ writeOut: () => {} });
  define(program.command('completion').action(() => {}));
  usageErrorsInGitdiffWords(program);
  return program;
}

async function refusal(program: Command, args: string[]): Promise<GitdiffError> {
  const error = await program.parseAsync(args, { from: 'user' }).then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(GitdiffError);
  return error as GitdiffError;
}

describe('usage errors no gitdiff command can produce yet', () => {
  it.each([
    ['a missing argument', (command: Command) => command.argument('<shell>'), ['completion'], 'completion: missing the argument <shell>'],
    ['an argument outside its choices', (command: Command) => command.addArgument(new Argument('<shell>').choices(['bash', 'zsh'])),
      ['completion', 'fish'], "completion: the <shell> 'fish' is not one of bash, zsh"],
    ['a mandatory option', (command: Command) => command.requiredOption('--shell <name>'), ['completion'], 'completion: --shell is required'],
  ])('%s', async (_case, define, args, message) => {
    const error = await refusal(programWith(define), args);
    expect(error.message).toBe(message);
    expect(error.hint).toBe('run gitdiff completion --help');
  });

  it("an option value its parser refuses, in the parser's words", async () => {
    const program = programWith((command) => command.addOption(new Option('--lines <n>').argParser(() => {
      throw new InvalidArgumentError('must be even.');
    })));
    const error = await refusal(program, ['completion', '--lines', '3']);
    expect(error.message).toBe("completion: --lines '3' is invalid: must be even");
  });
});
