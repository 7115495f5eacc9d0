import type { Migration } from './migration.js';

/**
 * Explanation validity benchmark runs started from the app. A run's outputs live in its folder
 * (benchmarks/<id>/ in the data folder); the row holds its options, status and progress.
 */
export const benchmarkRuns: Migration = {
  version: 2,
  name: 'benchmark-runs',
  up(db) {
    db.exec(`
      CREATE TABLE benchmark_runs (
        id INTEGER PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'cancelled', 'failed')),
        options_json TEXT NOT NULL CHECK (json_valid(options_json)),
        stage TEXT NOT NULL DEFAULT '',
        done INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0),
        total INTEGER CHECK (total > 0),
        skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped >= 0),
        error TEXT,
        -- Process id of the backend running it, so a restarted backend can tell its own
        -- interrupted runs from runs another live process (app and CLI share a data folder) owns.
        runner_pid INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
      );
    `);
  },
};
