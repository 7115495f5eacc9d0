import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Database } from 'better-sqlite3';
import { DatabaseVersionError, migrate, openDatabase } from '../../electron/node/store/database.js';
import { migrations } from '../../electron/node/store/migrations/index.js';

const folder = mkdtempSync(join(tmpdir(), 'xssab-migrations-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const EXPECTED_TABLES = [
  'accounts',
  'analyses',
  'analysis_artifacts',
  'analysis_likelihood_ratios',
  'audit_events',
  'benchmark_runs',
  'calibration_scores',
  'calibration_sets',
  'cases',
  'decisions',
  'evidence_items',
  'lr_calibrations',
  'lr_evaluations',
  'pairs',
  'reports',
  'schema_migrations',
];

test('an empty file gets every table, the pragmas, and one schema_migrations row per migration', () => {
  const path = join(folder, 'fresh.sqlite');
  const db = openDatabase(path);
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    assert.deepEqual(tables, EXPECTED_TABLES);
    const triggers = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
      .pluck()
      .all();
    assert.deepEqual(triggers, [
      'analysis_likelihood_ratios_no_update',
      'audit_events_no_delete',
      'audit_events_no_update',
      'calibration_scores_no_update',
      'lr_calibrations_no_update',
    ]);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
    const recorded = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    assert.deepEqual(
      recorded,
      migrations.map((m) => ({ version: m.version, name: m.name })),
    );
  } finally {
    db.close();
  }
});

test('reopening applies nothing twice', () => {
  const path = join(folder, 'reopen.sqlite');
  openDatabase(path).close();
  const db = openDatabase(path);
  try {
    assert.deepEqual(migrate(db, migrations), []);
    assert.equal(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), migrations.length);
  } finally {
    db.close();
  }
});

test('a failing migration leaves no trace and stops later ones', () => {
  const path = join(folder, 'failing.sqlite');
  const broken = [
    ...migrations,
    {
      version: 900,
      name: 'half-done',
      up(db: Database) {
        db.exec('CREATE TABLE half_done (id INTEGER PRIMARY KEY)');
        db.exec('INSERT INTO no_such_table VALUES (1)');
      },
    },
    {
      version: 901,
      name: 'after',
      up: (db: Database) => db.exec('CREATE TABLE after_it (x)'),
    },
  ];
  assert.throws(() => openDatabase(path, broken), /no such table: no_such_table/);
  const db = openDatabase(path);
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    assert.ok(!names.includes('half_done'));
    assert.ok(!names.includes('after_it'));
    assert.equal(
      db.prepare('SELECT max(version) FROM schema_migrations').pluck().get(),
      Math.max(...migrations.map((m) => m.version)),
    );
  } finally {
    db.close();
  }
});

test('a database from a newer program is refused with a clear error', () => {
  const path = join(folder, 'newer.sqlite');
  const db = openDatabase(path);
  db.prepare("INSERT INTO schema_migrations VALUES (99, 'future', '2030-01-01T00:00:00.000Z')").run();
  db.close();
  assert.throws(
    () => openDatabase(path),
    (error: unknown) => {
      assert.ok(error instanceof DatabaseVersionError);
      const known = Math.max(...migrations.map((m) => m.version));
      assert.match(
        error.message,
        new RegExp(`schema version 99, newer than this program knows \\(${known}\\)`),
      );
      return true;
    },
  );
});

test('0004 keeps the decisions recorded before accounts, each verification tied to its examiner decision', () => {
  const path = join(folder, 'before-accounts.sqlite');
  const before = openDatabase(
    path,
    migrations.filter((m) => m.version <= 2),
  );
  const now = '2026-01-01T00:00:00.000Z';
  before.exec(`
    INSERT INTO cases (id, case_number, title, created_at, updated_at) VALUES (1, 'OLD-1', 'Old case', '${now}', '${now}');
    INSERT INTO evidence_items (id, case_id, original_name, stored_path, sha256, byte_size, media_type, imported_at, imported_by)
      VALUES (1, 1, 'a.png', 'evidence/a', '${'a'.repeat(64)}', 1, 'image/png', '${now}', 'x'),
             (2, 1, 'b.png', 'evidence/b', '${'b'.repeat(64)}', 1, 'image/png', '${now}', 'x');
    INSERT INTO pairs (id, case_id, evidence_a_id, evidence_b_id, created_at) VALUES (1, 1, 1, 2, '${now}');
    INSERT INTO decisions (id, pair_id, examiner, role, conclusion, rationale, created_at)
      VALUES (1, 1, 'A. Examiner', 'examiner', 'inconclusive', 'old', '${now}'),
             (2, 1, 'B. Verifier', 'verifier', 'inconclusive', 'agree', '${now}');
  `);
  before.close();
  const db = openDatabase(path);
  try {
    assert.deepEqual(
      db
        .prepare('SELECT id, examiner, role, verifies_id, account_id, signature FROM decisions ORDER BY id')
        .all(),
      [
        {
          id: 1,
          examiner: 'A. Examiner',
          role: 'examiner',
          verifies_id: null,
          account_id: null,
          signature: null,
        },
        {
          id: 2,
          examiner: 'B. Verifier',
          role: 'verifier',
          verifies_id: 1,
          account_id: null,
          signature: null,
        },
      ],
    );
  } finally {
    db.close();
  }
});
