/**
 * Local examiner accounts. An account's Ed25519 private key is stored encrypted: scrypt turns the
 * passphrase into an AES-256-GCM key (its parameters and salt stored with the ciphertext), so the
 * key opens only with the passphrase and a wrong one fails authentication. Signing in opens it for
 * the session; decisions, verifications and report exports are signed with it.
 */
import type { Database } from 'better-sqlite3';
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  scryptSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { Account, ApiValidParams } from '../../common/api.js';
import {
  countAccounts,
  findAccountRow,
  findAccountRowByNameKey,
  insertAccount,
  listAccountRows,
} from '../store/accounts.js';
import { publicKeyFingerprint } from '../store/checkpoint.js';
import { toAccount, type AccountRow } from '../store/rows.js';
import type { AuditService } from './audit-service.js';
import { ConflictError, UnauthorizedError } from './errors.js';

export type NewAccount = ApiValidParams<'accounts.create'>;

/** A signed-in account with its opened private key. */
export interface Signer {
  account: Account;
  privateKey: KeyObject;
}

/** scrypt cost: about 0.1 s and 32 MiB per derivation. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
const SCRYPT_MAX_MEMORY = 64 * 1024 ** 2;
const SIGNED_RECORD_PREFIX = 'xssab-signed-record\n';

interface KeyEnvelope {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  cipher: 'aes-256-gcm';
  iv: string;
  tag: string;
  ciphertext: string;
}

/** The name as compared for uniqueness: compatibility forms, case, spaces and punctuation folded. */
function accountNameKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

function passphraseKey(
  passphrase: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Buffer {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, { ...params, maxmem: SCRYPT_MAX_MEMORY });
}

function sealPrivateKey(privateKey: KeyObject, passphrase: string, publicKeyBase64: string): KeyEnvelope {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', passphraseKey(passphrase, salt, SCRYPT), iv);
  // The public key is authenticated with the private key: an envelope moved to another account fails.
  cipher.setAAD(Buffer.from(publicKeyBase64));
  const ciphertext = Buffer.concat([
    cipher.update(privateKey.export({ type: 'pkcs8', format: 'der' })),
    cipher.final(),
  ]);
  return {
    kdf: 'scrypt',
    ...SCRYPT,
    salt: salt.toString('base64'),
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** The private key, or null when the passphrase does not open the envelope. */
function openPrivateKey(
  envelope: KeyEnvelope,
  passphrase: string,
  publicKeyBase64: string,
): KeyObject | null {
  const key = passphraseKey(passphrase, Buffer.from(envelope.salt, 'base64'), envelope);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
  decipher.setAAD(Buffer.from(publicKeyBase64));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  try {
    const der = Buffer.concat([
      decipher.update(Buffer.from(envelope.ciphertext, 'base64')),
      decipher.final(),
    ]);
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return null;
  }
}

export function publicKeyOfRow(row: AccountRow): KeyObject {
  return createPublicKey({ key: Buffer.from(row.public_key, 'base64'), format: 'der', type: 'spki' });
}

const accountOf = (row: AccountRow) => toAccount(row, publicKeyFingerprint(publicKeyOfRow(row)));

/** Signature of an account over a record's canonical content, base64. */
export function signRecord(signer: Signer, content: string): string {
  return sign(null, Buffer.from(SIGNED_RECORD_PREFIX + content), signer.privateKey).toString('base64');
}

export function recordSignatureValid(publicKey: KeyObject, content: string, signature: string): boolean {
  return verify(
    null,
    Buffer.from(SIGNED_RECORD_PREFIX + content),
    publicKey,
    Buffer.from(signature, 'base64'),
  );
}

export class AccountService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  list(): Account[] {
    return listAccountRows(this.db).map(accountOf);
  }

  exist(): boolean {
    return countAccounts(this.db) > 0;
  }

  get(id: number): Account | null {
    const row = findAccountRow(this.db, id);
    return row ? accountOf(row) : null;
  }

  /** The first account by anyone; later ones by a signed-in account (`creator`). */
  create(input: NewAccount, creator: Signer | null): Account {
    const nameKey = accountNameKey(input.name);
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicKeyBase64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const envelope = sealPrivateKey(privateKey, input.passphrase, publicKeyBase64);
    return this.audit.transaction(() => {
      if (this.exist() && !creator) {
        throw new UnauthorizedError('accounts exist already: sign in to create another account');
      }
      const holder = findAccountRowByNameKey(this.db, nameKey);
      if (holder) {
        throw new ConflictError(
          `the name ${input.name} is too close to account ${holder.id} (${holder.name}): names that differ only ` +
            'in case, spacing, punctuation or character width are one name',
        );
      }
      const id = insertAccount(this.db, {
        name: input.name,
        name_key: nameKey,
        initials: input.initials,
        role: input.role,
        public_key: publicKeyBase64,
        private_key_envelope: JSON.stringify(envelope),
        created_at: new Date().toISOString(),
        created_by: creator?.account.id ?? null,
      });
      const account = this.get(id)!;
      this.audit.append({
        actor: creator?.account.name ?? input.name,
        action: 'account.create',
        entityType: 'account',
        entityId: id,
        caseId: null,
        details: {
          name: account.name,
          initials: account.initials,
          role: account.role,
          keyFingerprint: account.keyFingerprint,
        },
        rows: [{ table: 'accounts', id }],
      });
      return account;
    });
  }

  /** Opens the account's private key; UnauthorizedError for an unknown name or a wrong passphrase. */
  signIn(name: string, passphrase: string): Signer {
    const row = findAccountRowByNameKey(this.db, accountNameKey(name));
    if (!row) throw new UnauthorizedError(`there is no account named ${name}`);
    const envelope = JSON.parse(row.private_key_envelope) as KeyEnvelope;
    const privateKey = openPrivateKey(envelope, passphrase, row.public_key);
    if (!privateKey) throw new UnauthorizedError(`wrong passphrase for account ${row.name}`);
    return { account: accountOf(row), privateKey };
  }
}
