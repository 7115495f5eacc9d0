import type { Database } from 'better-sqlite3';

/** One schema change. Never edit a released migration; add the next number instead. */
export interface Migration {
  /** Applied in ascending order; equals the number in the file name. */
  version: number;
  /** Intent of the change, as in the file name. */
  name: string;
  /** Runs inside a transaction opened by the migrator. */
  up(db: Database): void;
}
