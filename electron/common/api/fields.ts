/** Field schemas shared by every domain of the API contract. */
import { z } from 'zod';

export const id = z.int().positive();
export const isoTimestamp = z.string();
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal characters');

/** A UTF-16 half of a surrogate pair standing alone: not a character, and stored as U+FFFD by SQLite. */
const LONE_SURROGATE = /\p{Cs}/u;
/**
 * Control characters, the line and paragraph separators, and invisible format characters except
 * the joiners that some scripts need.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const ALLOWED_FORMAT = new Set(['\u200c', '\u200d']);
const MULTILINE_CONTROLS = new Set(['\n', '\t']);

function firstForbidden(value: string, multiline: boolean): string | null {
  for (const char of value) {
    if (!INVISIBLE.test(char) || ALLOWED_FORMAT.has(char)) continue;
    if (multiline && MULTILINE_CONTROLS.has(char)) continue;
    return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return null;
}

/**
 * Canonical free text: refuses lone surrogates and invisible control or format characters (line
 * feed and tab only in multi-line fields; CR LF counts as a line feed), turns every kind of space
 * into U+0020 and normalises to NFC, so that equal-looking text is stored and hashed equally.
 */
export function canonicalText(options: { multiline?: boolean } = {}) {
  const multiline = options.multiline ?? false;
  return z
    .string()
    .refine((value) => !LONE_SURROGATE.test(value), {
      message: 'contains a lone UTF-16 surrogate (broken text); send well-formed Unicode',
      abort: true,
    })
    .overwrite((value) => (multiline ? value.replace(/\r\n?/g, '\n') : value))
    .superRefine((value, context) => {
      const forbidden = firstForbidden(value, multiline);
      if (forbidden) {
        context.addIssue({
          code: 'custom',
          message: `contains the invisible control or format character ${forbidden}${
            /^U\+000[9AD]$/.test(forbidden) ? ' (this field is one line: no line breaks or tabs)' : ''
          }`,
          abort: true,
        });
      }
    })
    .overwrite((value) => value.replace(/\p{Zs}/gu, ' ').normalize('NFC'))
    .trim();
}

export const requiredText = (max: number, options: { multiline?: boolean } = {}) =>
  canonicalText(options).min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
export const optionalText = (max: number, options: { multiline?: boolean } = {}) =>
  canonicalText(options).max(max, `must be at most ${max} characters`);

/** Who performs a mutating call; defaults to the operating-system user when omitted. */
export const actorParam = requiredText(128).optional();

/**
 * A path on the workstation running the backend: refused when broken (lone surrogates, control
 * characters) but never normalised, since file names are compared byte for byte.
 */
export const workstationPath = z
  .string()
  .refine((value) => !LONE_SURROGATE.test(value), {
    message: 'contains a lone UTF-16 surrogate (broken text); send well-formed Unicode',
    abort: true,
  })
  .refine((value) => !/\p{Cc}/u.test(value), { message: 'contains a control character', abort: true })
  .trim()
  .min(1, 'must not be empty')
  .max(4096, 'must be at most 4096 characters');
