/**
 * The `xssab` dispatcher: global options, command lookup, usage and exit codes.
 *
 * Global options, accepted anywhere on the line: `--data DIR` (also `--data=DIR`; else XSSAB_DATA,
 * else the default data folder) and `--help`/`-h`. Everything else, `--json` included, goes to the
 * command, which parses it (node:util parseArgs); parse errors and CliUsageError exit with 2,
 * other failures with 1. A negative number is taken as an option's value (`--threshold -0.29`).
 */
import { resolveDataDir } from '../store/data-folder.js';
import { CliUsageError, type CliCommand, type CliIo } from './command.js';
import { errorMessage } from '../../common/error-message.js';

export interface GlobalOptions {
  dataDir: string | undefined;
  help: boolean;
  /** The arguments left for command lookup and the command itself. */
  rest: string[];
}

function splitGlobalOptions(argv: readonly string[]): GlobalOptions {
  const rest: string[] = [];
  let dataDir: string | undefined;
  let help = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg.startsWith('--data=')) dataDir = arg.slice('--data='.length);
    else if (arg === '--data') {
      dataDir = argv[index + 1];
      if (dataDir === undefined || dataDir.startsWith('-'))
        throw new CliUsageError('--data needs a folder: --data DIR');
      index += 1;
    } else rest.push(arg);
  }
  if (dataDir === '') throw new CliUsageError('--data needs a folder: --data DIR');
  return { dataDir, help, rest };
}

/** "-0.29", "-.5", "-1e-3": a negative number, not an option. */
const NEGATIVE_NUMBER = /^-(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * `--threshold -0.29` → `--threshold=-0.29`: parseArgs takes a value starting with '-' only in the
 * `=` form. No command has short options or negative positionals, so a negative number after a
 * long option can only be that option's value.
 */
export function joinNegativeValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    const next = args[index + 1];
    if (arg.startsWith('--') && !arg.includes('=') && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`${arg}=${next}`);
      index += 1;
    } else joined.push(arg);
  }
  return joined;
}

/** The command whose path matches the most leading words of args. */
function findCommand(commands: readonly CliCommand[], args: readonly string[]): CliCommand | undefined {
  return commands
    .filter((command) => command.path.every((word, index) => args[index] === word))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

function usageText(commands: readonly CliCommand[]): string {
  const width = Math.max(0, ...commands.map((command) => command.path.join(' ').length));
  const lines = commands.map((command) => `  ${command.path.join(' ').padEnd(width)}  ${command.summary}`);
  return [
    'Usage: xssab [--data DIR] <command> [options] [--json]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    '  --data DIR   data folder (default: $XSSAB_DATA, else ~/.local/share/xssab-workstation)',
    '  --json       print exactly one JSON object on stdout',
    "  --help       this text, or a command's usage: xssab <command> --help",
  ].join('\n');
}

/** Node's parseArgs throws TypeErrors with these codes for unknown or malformed options. */
function isArgParseError(error: unknown): error is Error {
  return (
    error instanceof Error && String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS_')
  );
}

/** Runs one command line; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function runCli(
  argv: readonly string[],
  commands: readonly CliCommand[],
  output: Pick<CliIo, 'out' | 'err'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let globals: GlobalOptions;
  try {
    globals = splitGlobalOptions(argv);
  } catch (error) {
    output.err(`xssab: ${(error as Error).message}`);
    return 2;
  }
  const command = findCommand(commands, globals.rest);
  if (!command) {
    if (globals.rest.length === 0 || globals.help) {
      output.out(usageText(commands));
      return globals.help ? 0 : 2;
    }
    output.err(`xssab: unknown command '${globals.rest.join(' ')}'\n\n${usageText(commands)}`);
    return 2;
  }
  if (globals.help) {
    output.out(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  const io: CliIo = { ...output, dataDir: resolveDataDir(globals.dataDir, env) };
  try {
    return await command.run(joinNegativeValues(globals.rest.slice(command.path.length)), io);
  } catch (error) {
    if (error instanceof CliUsageError || isArgParseError(error)) {
      output.err(`xssab ${command.path.join(' ')}: ${error.message}\nUsage: ${command.usage}`);
      return 2;
    }
    output.err(`xssab ${command.path.join(' ')}: ${errorMessage(error)}`);
    return 1;
  }
}
