import type { Migration } from './migration.js';

/** A report export records the exporting account and its signature over the report row. */
export const signedReports: Migration = {
  version: 5,
  name: 'signed-reports',
  up(db) {
    db.exec(`
      ALTER TABLE reports ADD COLUMN account_id INTEGER REFERENCES accounts(id);
      ALTER TABLE reports ADD COLUMN signature TEXT;
    `);
  },
};
