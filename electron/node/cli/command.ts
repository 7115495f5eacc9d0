/** One `xssab` subcommand. Commands live in ./commands and are listed in ./commands/index.ts. */
export interface CliCommand {
  /** Words after `xssab` that select this command, e.g. ['case', 'create'] or ['explain']. */
  path: string[];
  summary: string;
  usage: string;
  /** Returns the process exit code. Human output to io.out, errors to io.err. */
  run(args: string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Data folder from --data, XSSAB_DATA, or the default. */
  dataDir: string;
}

/** A failure the user caused; printed without a stack trace, exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
