/**
 * SQL of evaluative reporting: calibration sets and their scores, LR calibrations, their
 * evaluations on other sets, and the LR recorded for an analysis. Plain records in and out; the
 * rules (what may be recorded when, audit events) are the CalibrationService's.
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

export interface AnalysisLrRecord {
  analysisId: number;
  calibrationId: number;
  score: number;
  log10Lr: number;
  unboundedLog10Lr: number | null;
  bound: 'lower' | 'upper' | null;
  withinCalibrationRange: boolean;
  verbal: string;
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

interface AnalysisLrRow {
  analysis_id: number;
  calibration_id: number;
  score: number;
  log10_lr: number;
  unbounded_log10_lr: number | null;
  bound: 'lower' | 'upper' | null;
  within_calibration_range: number;
  verbal: string;
  created_at: string;
  created_by: string;
}

export class CalibrationStore {
  constructor(private readonly db: Database) {}

  insertSet(set: Omit<CalibrationSetRecord, 'id'>, scores: readonly CalibrationScoreRecord[]): number {
    const { lastInsertRowid } = this.db
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
    const insert = this.db.prepare(
      `INSERT INTO calibration_scores (set_id, position, a, b, a_sha256, b_sha256, same_source, condition, score)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const s of scores)
      insert.run(
        setId,
        s.position,
        s.a,
        s.b,
        s.aSha256,
        s.bSha256,
        s.sameSource ? 1 : 0,
        s.condition,
        s.score,
      );
    return setId;
  }

  findSet(modelSha256: string, setSha256: string): CalibrationSetRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM calibration_sets WHERE model_sha256 = ? AND set_sha256 = ?')
      .get(modelSha256, setSha256) as SetRow | undefined;
    return row && toSet(row);
  }

  getSet(id: number): CalibrationSetRecord | undefined {
    const row = this.db.prepare('SELECT * FROM calibration_sets WHERE id = ?').get(id) as SetRow | undefined;
    return row && toSet(row);
  }

  scores(setId: number): CalibrationScoreRecord[] {
    const rows = this.db
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

  insertCalibration(calibration: Omit<LrCalibrationRecord, 'id'>): number {
    const { lastInsertRowid } = this.db
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

  getCalibration(id: number): LrCalibrationRecord | undefined {
    const row = this.db.prepare('SELECT * FROM lr_calibrations WHERE id = ?').get(id) as
      CalibrationRow | undefined;
    return row && toCalibration(row);
  }

  /** Newest first; optionally of one model id. */
  listCalibrations(modelId?: string): LrCalibrationRecord[] {
    const rows = this.db
      .prepare(
        `SELECT c.* FROM lr_calibrations c JOIN calibration_sets s ON s.id = c.set_id
         WHERE ? IS NULL OR s.model_id = ? ORDER BY c.id DESC`,
      )
      .all(modelId ?? null, modelId ?? null) as CalibrationRow[];
    return rows.map(toCalibration);
  }

  /** The newest calibration of a model file over all its pairs (no condition filter). */
  newestCalibrationFor(modelSha256: string): LrCalibrationRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT c.* FROM lr_calibrations c JOIN calibration_sets s ON s.id = c.set_id
         WHERE s.model_sha256 = ? AND c.condition IS NULL ORDER BY c.id DESC LIMIT 1`,
      )
      .get(modelSha256) as CalibrationRow | undefined;
    return row && toCalibration(row);
  }

  insertEvaluation(evaluation: Omit<LrEvaluationRecord, 'id'>): number {
    const { lastInsertRowid } = this.db
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

  evaluations(calibrationId: number): LrEvaluationRecord[] {
    const rows = this.db
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

  /** Model file and score of an analysis, and its case. */
  analysisScore(
    analysisId: number,
  ): { modelSha256: string; score: number | null; caseId: number } | undefined {
    return this.db
      .prepare(
        `SELECT a.model_sha256 AS modelSha256, a.score AS score, p.case_id AS caseId
         FROM analyses a JOIN pairs p ON p.id = a.pair_id WHERE a.id = ?`,
      )
      .get(analysisId) as { modelSha256: string; score: number | null; caseId: number } | undefined;
  }

  insertAnalysisLr(lr: AnalysisLrRecord): void {
    this.db
      .prepare(
        `INSERT INTO analysis_likelihood_ratios (analysis_id, calibration_id, score, log10_lr,
           unbounded_log10_lr, bound, within_calibration_range, verbal, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        lr.analysisId,
        lr.calibrationId,
        lr.score,
        lr.log10Lr,
        lr.unboundedLog10Lr,
        lr.bound,
        lr.withinCalibrationRange ? 1 : 0,
        lr.verbal,
        lr.createdAt,
        lr.createdBy,
      );
  }

  analysisLr(analysisId: number): AnalysisLrRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM analysis_likelihood_ratios WHERE analysis_id = ?')
      .get(analysisId) as AnalysisLrRow | undefined;
    return (
      row && {
        analysisId: row.analysis_id,
        calibrationId: row.calibration_id,
        score: row.score,
        log10Lr: row.log10_lr,
        unboundedLog10Lr: row.unbounded_log10_lr,
        bound: row.bound,
        withinCalibrationRange: row.within_calibration_range === 1,
        verbal: row.verbal,
        createdAt: row.created_at,
        createdBy: row.created_by,
      }
    );
  }
}
