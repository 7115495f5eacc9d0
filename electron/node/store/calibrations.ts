/**
 * SQL of the lab-wide records of evaluative reporting: calibration sets and their scores, LR
 * calibrations and their evaluations on other sets (the LR of an analysis, casework, is in
 * analysis-likelihood-ratios.ts). Plain records in and out; the rules (what may be recorded when,
 * audit events) are the CalibrationService's.
 */
import type { Database } from 'better-sqlite3';

/** JSON that keeps ±Infinity (a PAV calibrator's end steps): written as strings, read back as numbers. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v === Infinity ? '+Infinity' : v === -Infinity ? '-Infinity' : v,
  );
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_, v: unknown) =>
    v === '+Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
  ) as T;
}

export interface CalibrationSetRecord {
  id: number;
  name: string;
  modelId: string;
  modelSha256: string;
  setSha256: string;
  pairsSource: string;
  root: string;
  failures: { a: string; b: string; error: string }[];
  createdAt: string;
  createdBy: string;
}

export interface CalibrationScoreRecord {
  position: number;
  a: string;
  b: string;
  aSha256: string;
  bSha256: string;
  sameSource: boolean;
  /** '' when the pair has no condition tag. */
  condition: string;
  score: number;
}

export interface LrCalibrationRecord {
  id: number;
  setId: number;
  method: 'logistic' | 'pav';
  condition: string | null;
  folds: number;
  calibratorJson: string;
  validationJson: string;
  createdAt: string;
  createdBy: string;
}

export interface LrEvaluationRecord {
  id: number;
  calibrationId: number;
  setId: number;
  validationJson: string;
  createdAt: string;
  createdBy: string;
}

interface SetRow {
  id: number;
  name: string;
  model_id: string;
  model_sha256: string;
  set_sha256: string;
  pairs_source: string;
  root: string;
  failures_json: string;
  created_at: string;
  created_by: string;
}

const toSet = (row: SetRow): CalibrationSetRecord => ({
  id: row.id,
  name: row.name,
  modelId: row.model_id,
  modelSha256: row.model_sha256,
  setSha256: row.set_sha256,
  pairsSource: row.pairs_source,
  root: row.root,
  failures: JSON.parse(row.failures_json) as CalibrationSetRecord['failures'],
  createdAt: row.created_at,
  createdBy: row.created_by,
});

interface ScoreRow {
  position: number;
  a: string;
  b: string;
  a_sha256: string;
  b_sha256: string;
  same_source: number;
  condition: string;
  score: number;
}

interface CalibrationRow {
  id: number;
  set_id: number;
  method: 'logistic' | 'pav';
  condition: string | null;
  folds: number;
  calibrator_json: string;
  validation_json: string;
  created_at: string;
  created_by: string;
}

const toCalibration = (row: CalibrationRow): LrCalibrationRecord => ({
  id: row.id,
  setId: row.set_id,
  method: row.method,
  condition: row.condition,
  folds: row.folds,
  calibratorJson: row.calibrator_json,
  validationJson: row.validation_json,
  createdAt: row.created_at,
  createdBy: row.created_by,
});

export function insertCalibrationSet(
  db: Database,
  set: Omit<CalibrationSetRecord, 'id'>,
  scores: readonly CalibrationScoreRecord[],
): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO calibration_sets (name, model_id, model_sha256, set_sha256, pairs_source, root,
         failures_json, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      set.name,
      set.modelId,
      set.modelSha256,
      set.setSha256,
      set.pairsSource,
      set.root,
      JSON.stringify(set.failures),
      set.createdAt,
      set.createdBy,
    );
  const setId = Number(lastInsertRowid);
  const insert = db.prepare(
    `INSERT INTO calibration_scores (set_id, position, a, b, a_sha256, b_sha256, same_source, condition, score)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const s of scores)
    insert.run(setId, s.position, s.a, s.b, s.aSha256, s.bSha256, s.sameSource ? 1 : 0, s.condition, s.score);
  return setId;
}

export function findCalibrationSetOf(
  db: Database,
  modelSha256: string,
  setSha256: string,
): CalibrationSetRecord | undefined {
  const row = db
    .prepare('SELECT * FROM calibration_sets WHERE model_sha256 = ? AND set_sha256 = ?')
    .get(modelSha256, setSha256) as SetRow | undefined;
  return row && toSet(row);
}

export function findCalibrationSet(db: Database, id: number): CalibrationSetRecord | undefined {
  const row = db.prepare('SELECT * FROM calibration_sets WHERE id = ?').get(id) as SetRow | undefined;
  return row && toSet(row);
}

export function listCalibrationScores(db: Database, setId: number): CalibrationScoreRecord[] {
  const rows = db
    .prepare('SELECT * FROM calibration_scores WHERE set_id = ? ORDER BY position')
    .all(setId) as ScoreRow[];
  return rows.map((r) => ({
    position: r.position,
    a: r.a,
    b: r.b,
    aSha256: r.a_sha256,
    bSha256: r.b_sha256,
    sameSource: r.same_source === 1,
    condition: r.condition,
    score: r.score,
  }));
}

export function insertLrCalibration(db: Database, calibration: Omit<LrCalibrationRecord, 'id'>): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO lr_calibrations (set_id, method, condition, folds, calibrator_json, validation_json,
         created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      calibration.setId,
      calibration.method,
      calibration.condition,
      calibration.folds,
      calibration.calibratorJson,
      calibration.validationJson,
      calibration.createdAt,
      calibration.createdBy,
    );
  return Number(lastInsertRowid);
}

export function findLrCalibration(db: Database, id: number): LrCalibrationRecord | undefined {
  const row = db.prepare('SELECT * FROM lr_calibrations WHERE id = ?').get(id) as CalibrationRow | undefined;
  return row && toCalibration(row);
}

/** Newest first; optionally of one model id. */
export function listLrCalibrations(db: Database, modelId?: string): LrCalibrationRecord[] {
  const rows = db
    .prepare(
      `SELECT c.* FROM lr_calibrations c JOIN calibration_sets s ON s.id = c.set_id
       WHERE ? IS NULL OR s.model_id = ? ORDER BY c.id DESC`,
    )
    .all(modelId ?? null, modelId ?? null) as CalibrationRow[];
  return rows.map(toCalibration);
}

/** The newest calibration of a model file over all its pairs (no condition filter). */
export function newestLrCalibrationFor(db: Database, modelSha256: string): LrCalibrationRecord | undefined {
  const row = db
    .prepare(
      `SELECT c.* FROM lr_calibrations c JOIN calibration_sets s ON s.id = c.set_id
       WHERE s.model_sha256 = ? AND c.condition IS NULL ORDER BY c.id DESC LIMIT 1`,
    )
    .get(modelSha256) as CalibrationRow | undefined;
  return row && toCalibration(row);
}

export function insertLrEvaluation(db: Database, evaluation: Omit<LrEvaluationRecord, 'id'>): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO lr_evaluations (calibration_id, set_id, validation_json, created_at, created_by)
       VALUES (?, ?, ?, ?, ?)`,
    )
    .run(
      evaluation.calibrationId,
      evaluation.setId,
      evaluation.validationJson,
      evaluation.createdAt,
      evaluation.createdBy,
    );
  return Number(lastInsertRowid);
}

export function listLrEvaluations(db: Database, calibrationId: number): LrEvaluationRecord[] {
  const rows = db
    .prepare('SELECT * FROM lr_evaluations WHERE calibration_id = ? ORDER BY id')
    .all(calibrationId) as {
    id: number;
    calibration_id: number;
    set_id: number;
    validation_json: string;
    created_at: string;
    created_by: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    calibrationId: r.calibration_id,
    setId: r.set_id,
    validationJson: r.validation_json,
    createdAt: r.created_at,
    createdBy: r.created_by,
  }));
}
