/**
 * Layout of the data folder (one per examiner workstation or per `--data DIR`):
 *
 *   xssab.sqlite (+ -wal, -shm)    the database
 *   evidence/<aa>/<sha256>.<ext>   imported originals, content-addressed, read-only (0444)
 *   artifacts/…                    analysis outputs (maps, overlays)
 *   reports/…                      exported reports
 *
 * Paths stored in the database are relative to the data folder and use '/'.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

const DATABASE_FILE = 'xssab.sqlite';
const APP_DIR_NAME = 'xssab-workstation';

/** `$XDG_DATA_HOME/xssab-workstation`, or `~/.local/share/xssab-workstation` (`%APPDATA%` on Windows). */
function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, APP_DIR_NAME);
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, APP_DIR_NAME);
}

/** `--data DIR` wins, then XSSAB_DATA, then the default. */
export function resolveDataDir(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return explicit || env.XSSAB_DATA || defaultDataDir(env);
}

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

const EXTENSION_BY_MEDIA_TYPE: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/tiff': 'tif',
};

/** Relative stored path of an evidence file with this content. */
export function evidenceRelativePath(sha256: string, mediaType: string): string {
  const extension = EXTENSION_BY_MEDIA_TYPE[mediaType] ?? 'bin';
  return `evidence/${sha256.slice(0, 2)}/${sha256}.${extension}`;
}

/** Absolute path of a stored relative path. */
export function resolveStoredPath(dataDir: string, storedPath: string): string {
  return join(dataDir, ...storedPath.split('/'));
}
