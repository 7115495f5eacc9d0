import type { Migration } from './migration.js';

const conclusions = `'strong_support_same', 'moderate_support_same', 'limited_support_same', 'inconclusive',
  'limited_support_different', 'moderate_support_different', 'strong_support_different'`;

/**
 * Decisions by account, signed: the deciding account and its signature; a verification or a
 * consultation names the examiner decision it concerns; an amendment names the decision it
 * supersedes (decisions are never edited). One verification and one consultation per examiner
 * decision, one amendment per decision. SQLite cannot change a CHECK, so the table is rebuilt.
 */
export const signedDecisions: Migration = {
  version: 4,
  name: 'signed-decisions',
  up(db) {
    db.exec(`
      CREATE TABLE decisions_signed (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        analysis_id INTEGER REFERENCES analyses(id),
        examiner TEXT NOT NULL CHECK (length(examiner) > 0),
        role TEXT NOT NULL CHECK (role IN ('examiner', 'verifier', 'consultation')),
        conclusion TEXT NOT NULL CHECK (conclusion IN (${conclusions})),
        rationale TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        account_id INTEGER REFERENCES accounts(id),
        signature TEXT,
        supersedes_id INTEGER UNIQUE REFERENCES decisions_signed(id),
        verifies_id INTEGER REFERENCES decisions_signed(id),
        CHECK ((role = 'examiner') = (verifies_id IS NULL)),
        CHECK (role = 'examiner' OR supersedes_id IS NULL)
      );
      INSERT INTO decisions_signed (id, pair_id, analysis_id, examiner, role, conclusion, rationale, created_at)
        SELECT id, pair_id, analysis_id, examiner, role, conclusion, rationale, created_at FROM decisions
        WHERE role = 'examiner';
      INSERT INTO decisions_signed (id, pair_id, analysis_id, examiner, role, conclusion, rationale, created_at, verifies_id)
        SELECT d.id, d.pair_id, d.analysis_id, d.examiner, d.role, d.conclusion, d.rationale, d.created_at,
          (SELECT max(e.id) FROM decisions e WHERE e.pair_id = d.pair_id AND e.role = 'examiner')
        FROM decisions d WHERE d.role = 'verifier';
      DROP TABLE decisions;
      ALTER TABLE decisions_signed RENAME TO decisions;
      CREATE INDEX decisions_pair ON decisions(pair_id);
      -- Legacy verifications (before accounts) may repeat; signed ones may not.
      CREATE UNIQUE INDEX decisions_one_verification ON decisions(verifies_id)
        WHERE role = 'verifier' AND account_id IS NOT NULL;
      CREATE UNIQUE INDEX decisions_one_consultation ON decisions(verifies_id) WHERE role = 'consultation';
    `);
  },
};
