/**
 * Passphrases for the CLI: from the environment (XSSAB_PASSPHRASE to sign in, XSSAB_NEW_PASSPHRASE
 * for a new account), else asked on the terminal without echo. Never from an option, which would
 * leave it in the shell history and the process list.
 */
import { CliUsageError } from './command.js';

export const PASSPHRASE_ENV = 'XSSAB_PASSPHRASE';
export const NEW_PASSPHRASE_ENV = 'XSSAB_NEW_PASSPHRASE';

export async function readPassphrase(variable: string, prompt: string): Promise<string> {
  // An empty variable counts as unset: no passphrase is empty.
  const fromEnvironment = process.env[variable];
  if (fromEnvironment) return fromEnvironment;
  if (!process.stdin.isTTY) {
    throw new CliUsageError(`no passphrase: set ${variable}, or run on a terminal to be asked for it`);
  }
  return askHidden(prompt);
}

/** Reads one line from the terminal in raw mode, echoing nothing; Ctrl-C aborts. */
function askHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new CliUsageError('cancelled'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}
