import type { CliCommand } from '../command.js';

/** Every subcommand of `xssab`; add a command by adding its module here. */
export const commands: CliCommand[] = [];
