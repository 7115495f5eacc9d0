/**
 * Option values shared by the `xssab` commands: each command declares its options in its own
 * parseArgs table and reads the text values through these, so that a bad value gets the same
 * CliUsageError (exit 2) in every command.
 */
import { CliUsageError, type CliIo } from './command.js';

export function numberOption(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new CliUsageError(`--${name} must be a number, got "${text}"`);
  return value;
}

export function positiveIntOption(name: string, text: string): number {
  const value = numberOption(name, text);
  if (!Number.isInteger(value) || value < 1)
    throw new CliUsageError(`--${name} must be a positive integer, got "${text}"`);
  return value;
}

/** A count or seed with its own lower bound, e.g. --masks ≥ 2 or --seed ≥ 0. */
export function integerOption(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new CliUsageError(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return value;
}

/** A face of a photograph, largest first; undefined when the option is not given (the largest). */
export function faceIndexOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = numberOption(name, text);
  if (!Number.isInteger(value) || value < 0)
    throw new CliUsageError(`--${name} must be a face index ≥ 0 (0 = largest), got "${text}"`);
  return value;
}

/** "127.5" or "123.7,116.3,103.5" (per channel, in the model's channel order). */
export function channelOption(name: string, text: string): number | [number, number, number] {
  const parts = text.split(',').map((p) => numberOption(name, p));
  if (parts.length === 1) return parts[0];
  if (parts.length === 3) return parts as [number, number, number];
  throw new CliUsageError(`--${name} takes one value or three comma-separated values`);
}

/** One of a fixed set of words, e.g. --color rgb|bgr. */
export function choiceOption<const T extends string>(name: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text))
    throw new CliUsageError(`--${name} must be ${choices.join(' or ')}, got "${text}"`);
  return text as T;
}

/**
 * Throws unless every named option is given and not empty; the message lists them all
 * ("--root, --pairs and --out are required") unless the command words it itself.
 */
export function requireOptions<V extends Record<string, unknown>, K extends keyof V & string>(
  values: V,
  names: readonly K[],
  message = `${listOptions(names)} ${names.length === 1 ? 'is' : 'are'} required`,
): asserts values is V & { [P in K]-?: NonNullable<V[P]> } {
  if (names.some((name) => !values[name])) throw new CliUsageError(message);
}

function listOptions(names: readonly string[]): string {
  const flags = names.map((name) => `--${name}`);
  return flags.length === 1 ? flags[0] : `${flags.slice(0, -1).join(', ')} and ${flags[flags.length - 1]}`;
}

/** With --json exactly one JSON object on stdout, else the human summary. */
export function printResult(io: CliIo, json: boolean, result: unknown, human: () => string): void {
  io.out(json ? JSON.stringify(result) : human());
}
