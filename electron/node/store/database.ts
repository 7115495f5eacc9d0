import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';

export type { Database };

/** How long a writer waits for another process (the app and the CLI may share a data folder). */
const BUSY_TIMEOUT_MS = 5000;

export class DatabaseVersionError extends Error {
  override name = 'DatabaseVersionError';
}

/** Opens (creating if needed) the database file and brings its schema up to date. */
export function openDatabase(path: string, migrations: readonly Migration[] = allMigrations): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Applies the migrations not yet recorded in schema_migrations, each in its own transaction. */
export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  const known = new Set(migrations.map((m) => m.version));
  const newest = Math.max(0, ...applied);
  if (newest > Math.max(0, ...known)) {
    throw new DatabaseVersionError(
      `the database has schema version ${newest}, newer than this program knows (${Math.max(0, ...known)}); ` +
        'open it with a newer version of xssab-workstation',
    );
  }
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const newlyApplied: number[] = [];
  for (const migration of ordered) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      migration.up(db);
      record.run(migration.version, migration.name, new Date().toISOString());
    }).immediate();
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}
