/** Examiner accounts and the session of the workstation (who is signed in). */
import { z } from 'zod';
import { id, isoTimestamp, requiredText } from './fields.js';

export const ACCOUNT_ROLES = ['examiner', 'supervisor'] as const;
export const accountRoleSchema = z.enum(ACCOUNT_ROLES);
export type AccountRole = z.infer<typeof accountRoleSchema>;

export const accountSchema = z.object({
  id,
  name: z.string(),
  initials: z.string(),
  role: accountRoleSchema,
  /** SHA-256 of the account's Ed25519 public key (SPKI DER), hex: printed next to its signatures. */
  keyFingerprint: z.string(),
  createdAt: isoTimestamp,
  /** The account that created it; null for the first account. */
  createdBy: id.nullable(),
});
export type Account = z.infer<typeof accountSchema>;

export const MIN_PASSPHRASE_LENGTH = 10;

/** A passphrase: any well-formed text of 10 to 1024 characters, compared after NFC normalisation. */
const passphraseSchema = z
  .string()
  .refine((value) => !/\p{Cs}/u.test(value), {
    message: 'contains a lone UTF-16 surrogate (broken text)',
    abort: true,
  })
  .overwrite((value) => value.normalize('NFC'))
  .min(MIN_PASSPHRASE_LENGTH, `must be at least ${MIN_PASSPHRASE_LENGTH} characters`)
  .max(1024, 'must be at most 1024 characters');

/** Latin, Cyrillic and Greek letters that look alike must not be mixed in one name. */
const LOOK_ALIKE_SCRIPTS = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
] as const;

const accountNameSchema = requiredText(128).superRefine((value, context) => {
  const scripts = LOOK_ALIKE_SCRIPTS.filter(([, pattern]) => pattern.test(value)).map(([script]) => script);
  if (scripts.length > 1) {
    context.addIssue({
      code: 'custom',
      message: `mixes ${scripts.join(' and ')} letters; names whose letters only look alike would read the same`,
    });
  }
  if (!/[\p{L}\p{N}]/u.test(value))
    context.addIssue({ code: 'custom', message: 'must contain a letter or digit' });
});

export const accountMethods = {
  'accounts.list': {
    params: z.object({}),
    result: z.object({ accounts: z.array(accountSchema) }),
  },
  'accounts.create': {
    /**
     * Creates a local account with a new Ed25519 key pair, its private key encrypted under the
     * passphrase. The first account of a workstation can be created by anyone; later ones only by
     * a signed-in account. CONFLICT when the name (folded: case, spaces, punctuation, width) is taken.
     */
    params: z.object({
      name: accountNameSchema,
      initials: requiredText(8),
      role: accountRoleSchema,
      passphrase: passphraseSchema,
    }),
    result: accountSchema,
  },
  'accounts.signIn': {
    /** Opens the account's private key with the passphrase; the backend holds it for this session. UNAUTHORIZED when wrong. */
    params: z.object({ name: requiredText(128), passphrase: z.string().max(1024) }),
    result: z.object({ account: accountSchema }),
  },
  'accounts.signOut': {
    params: z.object({}),
    result: z.object({ signedOut: z.literal(true) }),
  },
  'accounts.current': {
    /** Who is signed in to this session (null: nobody), and whether any account exists yet. */
    params: z.object({}),
    result: z.object({ account: accountSchema.nullable(), accountsExist: z.boolean() }),
  },
} as const;
