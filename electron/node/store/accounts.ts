/** SQL of the accounts table. */
import type { Database } from 'better-sqlite3';
import type { AccountRow } from './rows.js';

export function findAccountRow(db: Database, id: number): AccountRow | null {
  return (db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined) ?? null;
}

export function findAccountRowByNameKey(db: Database, nameKey: string): AccountRow | null {
  return (
    (db.prepare('SELECT * FROM accounts WHERE name_key = ?').get(nameKey) as AccountRow | undefined) ?? null
  );
}

export function listAccountRows(db: Database): AccountRow[] {
  return db.prepare('SELECT * FROM accounts ORDER BY id').all() as AccountRow[];
}

export function countAccounts(db: Database): number {
  return db.prepare('SELECT count(*) FROM accounts').pluck().get() as number;
}

export function insertAccount(db: Database, row: Omit<AccountRow, 'id'>): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO accounts (name, name_key, initials, role, public_key, private_key_envelope, created_at, created_by)
       VALUES (@name, @name_key, @initials, @role, @public_key, @private_key_envelope, @created_at, @created_by)`,
    )
    .run(row);
  return Number(lastInsertRowid);
}
