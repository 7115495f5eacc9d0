/**
 * SQL of the analysis_likelihood_ratios table: the LR of an analysis with the calibration that gave
 * it (casework, printed in the court report; one row per analysis, keyed by the analysis id).
 */
import type { Database } from 'better-sqlite3';

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

export function insertAnalysisLr(db: Database, lr: AnalysisLrRecord): void {
  db.prepare(
    `INSERT INTO analysis_likelihood_ratios (analysis_id, calibration_id, score, log10_lr,
       unbounded_log10_lr, bound, within_calibration_range, verbal, created_at, created_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
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

export function findAnalysisLr(db: Database, analysisId: number): AnalysisLrRecord | undefined {
  const row = db.prepare('SELECT * FROM analysis_likelihood_ratios WHERE analysis_id = ?').get(analysisId) as
    AnalysisLrRow | undefined;
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
