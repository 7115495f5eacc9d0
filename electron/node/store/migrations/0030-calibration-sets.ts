import type { Migration } from './migration.js';

const sha256Check = (column: string) => `CHECK (length(${column}) = 64 AND ${column} NOT GLOB '*[^0-9a-f]*')`;

/**
 * Evaluative reporting: labelled calibration sets scored once per model, score → LR calibrations
 * fitted on them with their validation, evaluations on other sets, and the LR of each analysis.
 */
export const calibrationSets: Migration = {
  version: 30,
  name: 'calibration-sets',
  up(db) {
    db.exec(`
      CREATE TABLE calibration_sets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) > 0),
        model_id TEXT NOT NULL,
        model_sha256 TEXT NOT NULL ${sha256Check('model_sha256')},
        set_sha256 TEXT NOT NULL ${sha256Check('set_sha256')},
        pairs_source TEXT NOT NULL,
        root TEXT NOT NULL,
        failures_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(failures_json)),
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        -- A set is scored once per model file.
        UNIQUE (model_sha256, set_sha256)
      );

      CREATE TABLE calibration_scores (
        set_id INTEGER NOT NULL REFERENCES calibration_sets(id),
        position INTEGER NOT NULL CHECK (position >= 0),
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        a_sha256 TEXT NOT NULL ${sha256Check('a_sha256')},
        b_sha256 TEXT NOT NULL ${sha256Check('b_sha256')},
        same_source INTEGER NOT NULL CHECK (same_source IN (0, 1)),
        condition TEXT NOT NULL DEFAULT '',
        score REAL NOT NULL,
        PRIMARY KEY (set_id, position)
      );

      CREATE TABLE lr_calibrations (
        id INTEGER PRIMARY KEY,
        set_id INTEGER NOT NULL REFERENCES calibration_sets(id),
        method TEXT NOT NULL CHECK (method IN ('logistic', 'pav')),
        condition TEXT,
        folds INTEGER NOT NULL CHECK (folds >= 2),
        calibrator_json TEXT NOT NULL CHECK (json_valid(calibrator_json)),
        validation_json TEXT NOT NULL CHECK (json_valid(validation_json)),
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
      CREATE INDEX lr_calibrations_set ON lr_calibrations(set_id);

      CREATE TABLE lr_evaluations (
        id INTEGER PRIMARY KEY,
        calibration_id INTEGER NOT NULL REFERENCES lr_calibrations(id),
        set_id INTEGER NOT NULL REFERENCES calibration_sets(id),
        validation_json TEXT NOT NULL CHECK (json_valid(validation_json)),
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
      CREATE INDEX lr_evaluations_calibration ON lr_evaluations(calibration_id);

      CREATE TABLE analysis_likelihood_ratios (
        analysis_id INTEGER PRIMARY KEY REFERENCES analyses(id),
        calibration_id INTEGER NOT NULL REFERENCES lr_calibrations(id),
        score REAL NOT NULL,
        log10_lr REAL NOT NULL,
        unbounded_log10_lr REAL,
        bound TEXT CHECK (bound IN ('lower', 'upper')),
        within_calibration_range INTEGER NOT NULL CHECK (within_calibration_range IN (0, 1)),
        verbal TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );

      -- Calibrations and the LRs computed with them are records: never changed once written.
      CREATE TRIGGER calibration_scores_no_update BEFORE UPDATE ON calibration_scores
      BEGIN SELECT RAISE(ABORT, 'calibration scores are never changed'); END;
      CREATE TRIGGER lr_calibrations_no_update BEFORE UPDATE ON lr_calibrations
      BEGIN SELECT RAISE(ABORT, 'calibrations are never changed; fit a new one'); END;
      CREATE TRIGGER analysis_likelihood_ratios_no_update BEFORE UPDATE ON analysis_likelihood_ratios
      BEGIN SELECT RAISE(ABORT, 'the LR of an analysis is never changed'); END;
    `);
  },
};
