/**
 * Files in the data folder that are known by their SHA-256 (evidence originals, analysis
 * artifacts, reports): written once and read-only, and re-hashed on every read, so a change made
 * outside the workstation is refused rather than used.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { IntegrityError } from './errors.js';

export const READ_ONLY = 0o444;

export const PARTIAL_SUFFIX = '.partial';

/**
 * `<pid>-<random>`: names a temporary file or folder by the process writing it, so that start-up
 * cleaning (leftovers.ts) removes only those of processes that no longer run.
 */
export const temporaryTag = (): string => `${process.pid}-${randomBytes(6).toString('hex')}`;

export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export type FileIntegrity = 'verified' | 'modified' | 'missing';

/** Whether the file is there and still hashes to `sha256`. */
export function checkFile(path: string, sha256: string): FileIntegrity {
  if (!existsSync(path)) return 'missing';
  return sha256Of(readFileSync(path)) === sha256 ? 'verified' : 'modified';
}

/** The file's bytes, after checking they still hash to `sha256`; `subject` names the file in errors. */
export function readVerified(path: string, sha256: string, subject: string): Buffer {
  if (!existsSync(path)) throw new IntegrityError(`${subject} is missing: the data folder was altered`);
  const bytes = readFileSync(path);
  if (sha256Of(bytes) !== sha256) {
    throw new IntegrityError(`${subject} no longer matches its SHA-256: the data folder was altered`);
  }
  return bytes;
}

/**
 * Writes `bytes` (whose hash is `sha256`) to `path` once, read-only; returns false when the file
 * was already there, which it must still hash to `sha256`.
 */
export function writeOnce(path: string, bytes: Buffer, sha256: string, subject: string): boolean {
  if (existsSync(path)) {
    readVerified(path, sha256, subject);
    return false;
  }
  mkdirSync(dirname(path), { recursive: true });
  // Written beside the target and renamed, so a crash never leaves a partial file under the final name.
  const temporary = `${path}.${temporaryTag()}${PARTIAL_SUFFIX}`;
  try {
    writeFileSync(temporary, bytes, { flag: 'wx', mode: READ_ONLY });
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
  chmodSync(path, READ_ONLY);
  return true;
}
