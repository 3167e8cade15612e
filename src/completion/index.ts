// `gitdiff completion bash|zsh|fish`: prints a completion script generated from
// the commander program it is part of (completionModel), so it never lags behind
// the flags. One script writer per shell; adding a shell is one line here.
import { Argument, type Command } from 'commander';
import type { Io } from '../io.js';
import { bashScript } from './bash.js';
import { fishScript } from './fish.js';
import { completionModel, type CompletionCommand } from './model.js';
import { zshScript } from './zsh.js';

export const completionScripts: Record<string, (program: CompletionCommand) => string> = {
  bash: bashScript,
  zsh: zshScript,
  fish: fishScript,
};

export function defineCompletion(command: Command, io: Io, onExit: (code: number) => void): void {
  command
    .description('print a shell completion script (bash, zsh or fish): source <(gitdiff completion bash)')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(Object.keys(completionScripts)))
    .action((shell: string) => {
      // The root program, with every subcommand registered by the time an action runs.
      let program = command;
      while (program.parent) program = program.parent;
      io.stdout.write(completionScripts[shell](completionModel(program)));
      onExit(0);
    });
}
