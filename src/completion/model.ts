// What a shell needs to complete gitdiff, read from the commander program itself
// (its subcommands, their options, the choices of `-o` and of arguments), so a
// flag added to a source appears in every shell's completion without editing it.
// Only what `--help` shows is offered: commander's Help decides what is visible.
import type { Command } from 'commander';

export interface CompletionOption {
  /** The option's spellings: `-o`, `--output` (one or both). */
  flags: string[];
  /** True when the option is followed by a value (`--output <format>`). */
  takesValue: boolean;
  /** The values it accepts, when commander knows them (Option.choices). */
  choices?: string[];
  description: string;
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  /** The values of its first argument, when commander knows them (Argument.choices). */
  argumentChoices?: string[];
  /** True when it takes arguments without fixed choices (paths, a playbook): the shell completes file names. */
  takesPaths: boolean;
  subcommands: CompletionCommand[];
}

/** The first line of a description: completion menus have one line per entry. */
function summaryLine(text: string): string {
  return text.split('\n')[0].trim();
}

export function completionModel(command: Command): CompletionCommand {
  const help = command.createHelp();
  const [firstArgument] = command.registeredArguments;
  return {
    name: command.name(),
    description: summaryLine(command.description()),
    options: help.visibleOptions(command).map((option) => ({
      flags: [option.short, option.long].filter((flag): flag is string => flag !== undefined),
      takesValue: option.required || option.optional,
      choices: option.argChoices,
      description: summaryLine(option.description),
    })),
    argumentChoices: firstArgument?.argChoices,
    takesPaths: firstArgument !== undefined && firstArgument.argChoices === undefined,
    subcommands: help.visibleCommands(command).map(completionModel).map((subcommand, _index, all) =>
      // commander's own `help [command]` takes the name of a command, not a path.
      subcommand.name === 'help' && subcommand.takesPaths
        ? { ...subcommand, takesPaths: false, argumentChoices: all.map((each) => each.name).filter((name) => name !== 'help') }
        : subcommand),
  };
}
