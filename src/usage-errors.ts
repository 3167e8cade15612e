// commander's own usage errors (an unknown option or command, a bad -o choice,
// an option without its value, --quiet with --summary) in gitdiff's words.
// Left to commander they read `error: ...` followed by a help pointer, unlike
// every other error gitdiff prints (issue 15); here they become GitdiffErrors,
// so the CLI prints them like the rest: one `gitdiff: error:` line naming the
// command, one `  hint:` line saying which --help to read, exit 2.
import { CommanderError, type Command } from 'commander';
import { GitdiffError } from './errors.js';

/**
 * Makes every command under `program` (serve and any added later included)
 * throw its usage errors as GitdiffErrors. Help and version still end with
 * a CommanderError whose exitCode is 0. Call it once every command is defined.
 */
export function usageErrorsInGitdiffWords(program: Command): void {
  const visit = (command: Command): void => {
    command
      .showHelpAfterError(false)
      // commander writes to writeErr only the error itself (said by usageError instead)
      // and the whole help after some errors (replaced by the hint naming --help).
      .configureOutput({ outputError: () => {}, writeErr: () => {} })
      .exitOverride((error) => {
        if (error.exitCode === 0) throw error;
        throw usageError(error, command);
      });
    for (const subcommand of command.commands) visit(subcommand);
  };
  visit(program);
}

/** The path users type to reach a command: `gitdiff kube`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/** `--output` from `-o, --output <format>`: the long flag when there is one. */
function flagName(flags: string): string {
  const words = flags.split(/[ ,|]+/).filter((word) => word.startsWith('-'));
  return words.find((word) => word.startsWith('--')) ?? words[0] ?? flags;
}

/** The names of the commands one level under `command`, for "unknown command" (commander's implicit `help` left out). */
function commandNames(command: Command): string {
  return command.commands.map((subcommand) => subcommand.name()).filter((name) => name !== 'help').join(', ');
}

/**
 * A usage error in gitdiff's words. commander (14) gives only a code and its
 * own English message, so the message is read by code; a form not recognised
 * keeps commander's text, without its `error: ` prefix, rather than lose it.
 */
export function usageError(error: CommanderError, command: Command): GitdiffError {
  const path = commandPath(command);
  const [firstLine, ...rest] = error.message.replace(/^error: /, '').split('\n');
  // commander's "(Did you mean --context?)" becomes the start of the hint.
  const suggested = /^\(Did you mean (?:one of )?(.+)\?\)$/.exec(rest.join(' ').trim())?.[1];
  const help = `run ${path} --help`;
  const hint = suggested ? `did you mean ${suggested}? ${help}` : help;
  // Messages name the subcommand they concern (`kube: ...`); the program's own need no prefix.
  const where = command.parent ? `${command.name()}: ` : '';
  const fail = (message: string, withHint = hint) => new GitdiffError(`${where}${message}`, { hint: withHint, cause: error });
  let match: RegExpExecArray | null;

  switch (error.code) {
    case 'commander.unknownOption':
      return fail(`unknown option ${/^unknown option '(.*)'$/.exec(firstLine)?.[1] ?? firstLine}`);
    case 'commander.unknownCommand': {
      const name = /^unknown command '(.*)'$/.exec(firstLine)?.[1] ?? firstLine;
      return fail(`unknown command '${name}': the commands are ${commandNames(command)}`);
    }
    case 'commander.help':
      // The help commander shows when no command was given (or `help NOSUCH`), as an error.
      if (command.args[0] === 'help' && command.args[1] !== undefined) {
        return fail(`unknown command '${command.args[1]}': the commands are ${commandNames(command)}`);
      }
      return fail(`no command given: say which to run (${commandNames(command)})`);
    case 'commander.missingArgument':
      return fail(`missing the argument <${/^missing required argument '(.*)'$/.exec(firstLine)?.[1] ?? '?'}>`);
    case 'commander.optionMissingArgument':
      if ((match = /^option '(.*)' argument missing$/.exec(firstLine))) {
        const value = /<[^>]+>/.exec(match[1])?.[0] ?? 'a value';
        return fail(`${flagName(match[1])} needs a value: ${flagName(match[1])} ${value}`);
      }
      break;
    case 'commander.missingMandatoryOptionValue':
      if ((match = /^required option '(.*)' not specified$/.exec(firstLine))) return fail(`${flagName(match[1])} is required`);
      break;
    case 'commander.conflictingOption':
      if ((match = /^(?:option|environment variable) '(.*)' cannot be used with (?:option|environment variable) '(.*)'$/.exec(firstLine))) {
        return fail(`${flagName(match[1])} and ${flagName(match[2])} cannot be used together`, `give one of them; ${help}`);
      }
      break;
    case 'commander.invalidArgument':
      if ((match = /^option '(.*)' (?:argument|value) '(.*)'(?: from env '.*')? is invalid\. ?(.*)$/.exec(firstLine))) {
        return fail(invalidValue(`${flagName(match[1])} '${match[2]}'`, match[3]));
      }
      if ((match = /^command-argument value '(.*)' is invalid for argument '(.*)'\. ?(.*)$/.exec(firstLine))) {
        return fail(invalidValue(`the <${match[2]}> '${match[1]}'`, match[3]));
      }
      break;
    case 'commander.excessArguments':
      if ((match = /Expected (\d+) arguments? but got (\d+)\.$/.exec(firstLine))) {
        const expected = Number(match[1]);
        const allowed = expected === 0 ? 'it takes none'
          : `at most ${expected} (${command.registeredArguments.map((argument) => `[${argument.name()}]`).join(' ')})`;
        return fail(`too many arguments: ${allowed}, got ${match[2]}`);
      }
      break;
  }
  return fail(firstLine);
}

/** "'x' is not one of a, b" for commander's choices; its own reason otherwise. */
function invalidValue(what: string, reason: string): string {
  const choices = /^Allowed choices are (.*)\.$/.exec(reason)?.[1];
  if (choices) return `${what} is not one of ${choices}`;
  return `${what} is invalid${reason ? `: ${reason.replace(/\.$/, '')}` : ''}`;
}
