/**
 * Signed checkpoints of the audit chain, kept outside the database: `checkpoints/head.json` holds
 * the chain's length and head hash, signed with the workstation's Ed25519 key
 * (`keys/workstation-ed25519.pem`, created on first use). Deleting events from the end of the
 * chain, or rewriting it and recomputing every hash, no longer matches the checkpoint. The stored
 * checkpoint also names, under the same signature, the tables whose rows the chain binds, so that a
 * table bound by a later version is known to be new to a store (see AuditService.bindNewTables).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from './audit-chain.js';

const CHECKPOINTS_DIR = 'checkpoints';
const KEYS_DIR = 'keys';
const CHECKPOINT_FILE = 'head.json';
const WORKSTATION_KEY_FILE = 'workstation-ed25519.pem';
const SIGNED_PREFIX = 'xssab-audit-checkpoint\n';

export interface ChainHead {
  /** Number of events (= seq of the newest). */
  length: number;
  /** Hash of the newest event; '' for an empty chain. */
  headHash: string;
}

/** A chain head and the tables whose rows the chain binds (absent: written before they were named). */
export interface CheckpointContent extends ChainHead {
  boundTables?: readonly string[];
}

export interface SignedCheckpoint extends CheckpointContent {
  /** SHA-256 of the signing key's public key (SPKI DER), hex. */
  keyFingerprint: string;
  /** Ed25519 signature of the checkpoint, base64. */
  signature: string;
}

export interface WorkstationKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  fingerprint: string;
}

export function publicKeyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** The workstation key of the data folder; `created` when this call made it. */
export function loadOrCreateWorkstationKey(dataDir: string): WorkstationKey & { created: boolean } {
  const path = join(dataDir, KEYS_DIR, WORKSTATION_KEY_FILE);
  let created = false;
  if (!existsSync(path)) {
    mkdirSync(join(dataDir, KEYS_DIR), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    created = true;
  }
  const privateKey = createPrivateKey(readFileSync(path));
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, fingerprint: publicKeyFingerprint(publicKey), created };
}

const signedBytes = ({ length, headHash, boundTables }: CheckpointContent) =>
  Buffer.from(
    SIGNED_PREFIX + canonicalJson({ length, headHash, ...(boundTables !== undefined && { boundTables }) }),
  );

export function signCheckpoint(content: CheckpointContent, key: WorkstationKey): SignedCheckpoint {
  return {
    length: content.length,
    headHash: content.headHash,
    ...(content.boundTables !== undefined && { boundTables: [...content.boundTables] }),
    keyFingerprint: key.fingerprint,
    signature: sign(null, signedBytes(content), key.privateKey).toString('base64'),
  };
}

/** Replaces the stored checkpoint (write and rename, so a reader never sees half a file). */
export function writeCheckpoint(dataDir: string, checkpoint: SignedCheckpoint): void {
  const folder = join(dataDir, CHECKPOINTS_DIR);
  mkdirSync(folder, { recursive: true });
  const temporary = join(folder, `.${CHECKPOINT_FILE}.${process.pid}.partial`);
  writeFileSync(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`);
  renameSync(temporary, join(folder, CHECKPOINT_FILE));
}

/** The stored checkpoint, null when there is none; a file that is not one reads as a reason. */
export function readCheckpoint(dataDir: string): SignedCheckpoint | null | { unreadable: string } {
  const path = join(dataDir, CHECKPOINTS_DIR, CHECKPOINT_FILE);
  if (!existsSync(path)) return null;
  let parsed: Partial<SignedCheckpoint> | null;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SignedCheckpoint> | null;
  } catch {
    return { unreadable: 'the checkpoint file is not valid JSON' };
  }
  if (
    parsed === null ||
    typeof parsed.length !== 'number' ||
    typeof parsed.headHash !== 'string' ||
    typeof parsed.keyFingerprint !== 'string' ||
    typeof parsed.signature !== 'string'
  ) {
    return { unreadable: 'the checkpoint file lacks length, headHash, keyFingerprint or signature' };
  }
  const tables: unknown = parsed.boundTables;
  if (tables !== undefined && !(Array.isArray(tables) && tables.every((t) => typeof t === 'string'))) {
    return { unreadable: "the checkpoint file's boundTables is not a list of table names" };
  }
  return parsed as SignedCheckpoint;
}

export function checkpointSignatureValid(checkpoint: SignedCheckpoint, key: WorkstationKey): boolean {
  if (checkpoint.keyFingerprint !== key.fingerprint) return false;
  return verify(null, signedBytes(checkpoint), key.publicKey, Buffer.from(checkpoint.signature, 'base64'));
}
