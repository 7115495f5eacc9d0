import type { Migration } from './migration.js';

/** The role of an evidence item in the case: questioned (of unknown identity) or reference; NULL until set. */
export const evidenceRole: Migration = {
  version: 21,
  name: 'evidence-role',
  up(db) {
    db.exec(`ALTER TABLE evidence_items ADD COLUMN role TEXT CHECK (role IN ('questioned', 'reference'));`);
  },
};
