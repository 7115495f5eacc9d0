import type { Migration } from './migration.js';

const caseStatuses = `'open', 'in_review', 'closed'`;
const conclusions = `'strong_support_same', 'moderate_support_same', 'limited_support_same', 'inconclusive',
  'limited_support_different', 'moderate_support_different', 'strong_support_different'`;
const sha256Check = (column: string) => `CHECK (length(${column}) = 64 AND ${column} NOT GLOB '*[^0-9a-f]*')`;

/** Cases, evidence, pairs, analyses with artifacts, decisions, reports and the append-only audit log. */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        case_number TEXT NOT NULL UNIQUE
          CHECK (length(case_number) BETWEEN 1 AND 64 AND case_number NOT GLOB '*[^A-Za-z0-9./_-]*'),
        title TEXT NOT NULL CHECK (length(title) > 0),
        requesting_agency TEXT NOT NULL DEFAULT '',
        examiner TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN (${caseStatuses})),
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE evidence_items (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        original_name TEXT NOT NULL,
        stored_path TEXT NOT NULL,
        sha256 TEXT NOT NULL ${sha256Check('sha256')},
        byte_size INTEGER NOT NULL CHECK (byte_size >= 0),
        media_type TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/tiff')),
        width INTEGER CHECK (width > 0),
        height INTEGER CHECK (height > 0),
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL,
        UNIQUE (case_id, sha256)
      );
      CREATE INDEX evidence_items_case ON evidence_items(case_id);

      CREATE TABLE pairs (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        evidence_a_id INTEGER NOT NULL REFERENCES evidence_items(id),
        evidence_b_id INTEGER NOT NULL REFERENCES evidence_items(id),
        created_at TEXT NOT NULL,
        CHECK (evidence_a_id <> evidence_b_id),
        UNIQUE (case_id, evidence_a_id, evidence_b_id)
      );
      CREATE INDEX pairs_case ON pairs(case_id);

      CREATE TABLE analyses (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        method TEXT NOT NULL,
        model_id TEXT NOT NULL,
        model_name TEXT NOT NULL,
        model_sha256 TEXT NOT NULL,
        input_a_sha256 TEXT NOT NULL,
        input_b_sha256 TEXT NOT NULL,
        parameters_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(parameters_json)),
        provider TEXT NOT NULL,
        score REAL,
        threshold REAL,
        result_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(result_json)),
        created_at TEXT NOT NULL
      );
      CREATE INDEX analyses_pair ON analyses(pair_id);

      CREATE TABLE analysis_artifacts (
        id INTEGER PRIMARY KEY,
        analysis_id INTEGER NOT NULL REFERENCES analyses(id),
        role TEXT NOT NULL,
        stored_path TEXT NOT NULL,
        sha256 TEXT NOT NULL ${sha256Check('sha256')},
        media_type TEXT NOT NULL,
        UNIQUE (analysis_id, role)
      );

      CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs(id),
        analysis_id INTEGER REFERENCES analyses(id),
        examiner TEXT NOT NULL CHECK (length(examiner) > 0),
        role TEXT NOT NULL CHECK (role IN ('examiner', 'verifier')),
        conclusion TEXT NOT NULL CHECK (conclusion IN (${conclusions})),
        rationale TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
      );
      CREATE INDEX decisions_pair ON decisions(pair_id);

      CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        stored_path TEXT NOT NULL,
        sha256 TEXT NOT NULL ${sha256Check('sha256')},
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX reports_case ON reports(case_id);

      -- One hash chain over all events: hash = SHA-256(prev_hash || canonical JSON of the event).
      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY CHECK (seq > 0),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id INTEGER,
        case_id INTEGER REFERENCES cases(id),
        details_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details_json)),
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE ${sha256Check('hash')}
      );
      CREATE INDEX audit_events_case ON audit_events(case_id);

      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
      BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE is forbidden'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
      BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE is forbidden'); END;
    `);
  },
};
