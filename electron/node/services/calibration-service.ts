/**
 * Evaluative reporting on the store: a lab's labelled calibration set is scored once per model
 * (through the same photo pipeline as casework) and stored with its content hash; calibrations
 * (score → LR, bounded by ELUB, validated by k-fold cross-validation) are fitted on its stored
 * scores, evaluated on other sets, and used to record the LR of an analysis. Every record is
 * written with its audit event in one transaction, bound to the audit chain by that event, and
 * never changed.
 */
import type { Database } from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type {
  AnalysisLikelihoodRatio,
  Calibration,
  CalibrationEvaluation,
  CalibrationSet,
  CalibrationSummary,
  LrCalibrationMethod,
  LrValidation,
} from '../../common/api.js';
import {
  calibratedLlrs,
  crossValidatedLlrs,
  fitCalibrator,
  likelihoodRatio,
  validateLlrs,
  type BoundedCalibrator,
} from '../../../native-models/evaluative/calibrator.js';
import type { LabelledScores } from '../../../native-models/evaluative/scores.js';
import { verbalEquivalent } from '../../../native-models/evaluative/verbal-scale.js';
import { CsvError, parseCsv } from '../../../native-models/pipeline/csv.js';
import {
  ModelNotFoundError,
  type ModelRegistry,
  type RegisteredModel,
} from '../../../native-models/registry/registry.js';
import { findAnalysisScore } from '../store/analyses.js';
import {
  findAnalysisLr,
  insertAnalysisLr,
  type AnalysisLrRecord,
} from '../store/analysis-likelihood-ratios.js';
import {
  decodeJson,
  encodeJson,
  findCalibrationSet,
  findCalibrationSetOf,
  findLrCalibration,
  insertCalibrationSet,
  insertLrCalibration,
  insertLrEvaluation,
  listCalibrationScores,
  listLrCalibrations,
  listLrEvaluations,
  newestLrCalibrationFor,
  type CalibrationScoreRecord,
  type CalibrationSetRecord,
  type LrCalibrationRecord,
} from '../store/calibrations.js';
import type { AuditService } from './audit-service.js';
import type { CaseService } from './case-service.js';
import { sha256Of } from './content-files.js';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.js';

export const DEFAULT_FOLDS = 5;

export interface ImportSetOptions {
  modelId: string;
  /** CSV with columns a, b, same (0/1) and optionally condition. */
  pairsCsv: string;
  /** Folder the CSV's photo paths are relative to. */
  root: string;
  /** Shown in lists and reports; defaults to the CSV path. */
  name?: string;
  threads?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface CalibrateOptions {
  method: LrCalibrationMethod;
  /** Use only the pairs with this condition tag. */
  condition?: string;
  folds?: number;
}

interface LabelledPairRow {
  a: string;
  b: string;
  same: boolean;
  condition: string;
}

export class CalibrationService {
  constructor(
    private readonly db: Database,
    private readonly registry: ModelRegistry,
    private readonly audit: AuditService,
    private readonly cases: CaseService,
  ) {}

  /**
   * Scores a labelled set with a model and stores it; a set with the same content (photo hashes,
   * labels, conditions) already scored by the same model file is returned as it is.
   */
  async importSet(
    options: ImportSetOptions,
    actor: string,
  ): Promise<{ set: CalibrationSet; reused: boolean }> {
    const rows = readPairsCsv(options.pairsCsv);
    const hashes = new Map<string, string>();
    const photoHash = (path: string) => {
      const full = isAbsolute(path) ? path : resolve(options.root, path);
      let hash = hashes.get(full);
      if (hash === undefined) {
        try {
          hash = sha256Of(readFileSync(full));
        } catch {
          throw new InvalidInputError(
            `${options.pairsCsv}: photo ${path} cannot be read under ${options.root}`,
            'root',
          );
        }
        hashes.set(full, hash);
      }
      return hash;
    };
    const hashed = rows.map((row) => ({ ...row, aSha256: photoHash(row.a), bSha256: photoHash(row.b) }));
    const setSha256 = sha256Of(
      Buffer.from(hashed.map((r) => `${r.aSha256},${r.bSha256},${r.same ? 1 : 0},${r.condition}\n`).join('')),
    );
    const model = this.model(options.modelId);
    const existing = findCalibrationSetOf(this.db, model.sha256, setSha256);
    if (existing) return { set: this.toSet(existing), reused: true };

    // Loaded here so that ONNX Runtime loads only when a set is scored.
    const { Verifier } = await import('../../../native-models/pipeline/verify.js');
    const verifier = await Verifier.open(this.registry, [model.id], { threads: options.threads });
    let verified;
    try {
      verified = await verifier.verifyPairs(rows, { root: options.root, onProgress: options.onProgress });
    } finally {
      await verifier.close();
    }
    const scores: CalibrationScoreRecord[] = [];
    const failures: CalibrationSetRecord['failures'] = [];
    verified.forEach((row, position) => {
      const pair = hashed[position];
      if (row.result) {
        scores.push({ position, ...pair, sameSource: pair.same, score: row.result.scores[0].score });
      } else failures.push({ a: row.a, b: row.b, error: row.error ?? 'not scored' });
    });
    const labels = {
      same: scores.filter((s) => s.sameSource).length,
      different: scores.filter((s) => !s.sameSource).length,
    };
    if (labels.same < 2 || labels.different < 2) {
      throw new InvalidInputError(
        `${options.pairsCsv}: a calibration set needs at least 2 scored same-source and 2 different-source pairs; ` +
          `${labels.same} and ${labels.different} could be scored`,
        'pairsCsv',
      );
    }
    const record = {
      name: options.name ?? options.pairsCsv,
      modelId: model.id,
      modelSha256: model.sha256,
      setSha256,
      pairsSource: options.pairsCsv,
      root: options.root,
      failures,
      createdAt: new Date().toISOString(),
      createdBy: actor,
    };
    const setId = this.audit.transaction(() => {
      const id = insertCalibrationSet(this.db, record, scores);
      this.audit.append({
        actor,
        action: 'calibration-set.import',
        entityType: 'calibration_set',
        entityId: id,
        caseId: null,
        details: {
          name: record.name,
          model: model.id,
          modelSha256: model.sha256,
          setSha256,
          sameSource: labels.same,
          differentSource: labels.different,
          failures: failures.length,
        },
        rows: [{ table: 'calibration_sets', id }],
      });
      return id;
    });
    return { set: this.set(setId), reused: false };
  }

  set(setId: number): CalibrationSet {
    const record = findCalibrationSet(this.db, setId);
    if (!record) throw new NotFoundError(`calibration set ${setId} does not exist`);
    return this.toSet(record);
  }

  /** Fits a calibrator on the set's stored scores and validates it by k-fold cross-validation. */
  calibrate(setId: number, options: CalibrateOptions, actor: string): Calibration {
    const set = this.set(setId);
    const folds = options.folds ?? DEFAULT_FOLDS;
    if (!Number.isInteger(folds) || folds < 2)
      throw new InvalidInputError(`folds must be an integer ≥ 2, got ${folds}`, 'folds');
    const condition = options.condition ?? null;
    if (condition !== null && !set.conditions.includes(condition)) {
      throw new InvalidInputError(
        `no pair of ${set.name} has the condition "${condition}"; its conditions: ${set.conditions.join(', ') || 'none'}`,
        'condition',
      );
    }
    const data = labelled(
      listCalibrationScores(this.db, setId).filter((s) => condition === null || s.condition === condition),
    );
    if (data.sameSource.length < 2 || data.differentSource.length < 2) {
      throw new InvalidInputError(
        `calibration needs at least 2 same-source and 2 different-source pairs; ${set.name}` +
          `${condition === null ? '' : ` (condition "${condition}")`} has ${data.sameSource.length} and ${data.differentSource.length}`,
        'condition',
      );
    }
    const calibrator = fitCalibrator(data, options.method);
    const validation = validateLlrs(crossValidatedLlrs(data, options.method, folds));
    const effectiveFolds = Math.min(folds, data.sameSource.length, data.differentSource.length);
    const id = this.audit.transaction(() => {
      const calibrationId = insertLrCalibration(this.db, {
        setId,
        method: options.method,
        condition,
        folds: effectiveFolds,
        calibratorJson: encodeJson(calibrator),
        validationJson: encodeJson(validation),
        createdAt: new Date().toISOString(),
        createdBy: actor,
      });
      this.audit.append({
        actor,
        action: 'calibration.fit',
        entityType: 'lr_calibration',
        entityId: calibrationId,
        caseId: null,
        details: {
          setId,
          setSha256: set.setSha256,
          modelSha256: set.modelSha256,
          method: options.method,
          condition,
          folds: effectiveFolds,
          bounds: calibrator.bounds,
          cllr: validation.performance.cllr,
          cllrMin: validation.performance.cllrMin,
        },
        rows: [{ table: 'lr_calibrations', id: calibrationId }],
      });
      return calibrationId;
    });
    return this.get(id);
  }

  /** Applies a calibration to another scored set of the same model and records the validation. */
  evaluate(calibrationId: number, setId: number, actor: string): CalibrationEvaluation {
    const calibration = this.record(calibrationId);
    const trained = this.set(calibration.setId);
    const set = this.set(setId);
    if (set.modelSha256 !== trained.modelSha256) {
      throw new InvalidInputError(
        `set ${set.name} was scored by ${set.modelId}, calibration ${calibrationId} is of ${trained.modelId}`,
        'setId',
      );
    }
    const calibrator = decodeJson<BoundedCalibrator>(calibration.calibratorJson);
    const validation = validateLlrs(
      calibratedLlrs(calibrator, labelled(listCalibrationScores(this.db, setId))),
    );
    const id = this.audit.transaction(() => {
      const evaluationId = insertLrEvaluation(this.db, {
        calibrationId,
        setId,
        validationJson: encodeJson(validation),
        createdAt: new Date().toISOString(),
        createdBy: actor,
      });
      this.audit.append({
        actor,
        action: 'calibration.evaluate',
        entityType: 'lr_evaluation',
        entityId: evaluationId,
        caseId: null,
        details: {
          calibrationId,
          setId,
          setSha256: set.setSha256,
          cllr: validation.performance.cllr,
          cllrMin: validation.performance.cllrMin,
        },
        rows: [{ table: 'lr_evaluations', id: evaluationId }],
      });
      return evaluationId;
    });
    const evaluation = this.get(calibrationId).evaluations.find((e) => e.id === id);
    if (!evaluation) throw new Error(`evaluation ${id} was not recorded`);
    return evaluation;
  }

  list(modelId?: string): CalibrationSummary[] {
    return listLrCalibrations(this.db, modelId).map((c) => this.summary(c));
  }

  get(calibrationId: number): Calibration {
    const record = this.record(calibrationId);
    const calibrator = decodeJson<BoundedCalibrator>(record.calibratorJson);
    return {
      id: record.id,
      set: this.set(record.setId),
      method: record.method,
      condition: record.condition,
      folds: record.folds,
      bounds: calibrator.bounds,
      scoreRange: calibrator.scoreRange,
      validation: decodeJson<LrValidation>(record.validationJson),
      evaluations: listLrEvaluations(this.db, calibrationId).map((e) => ({
        id: e.id,
        calibrationId: e.calibrationId,
        set: this.set(e.setId),
        validation: decodeJson<LrValidation>(e.validationJson),
        createdAt: e.createdAt,
        createdBy: e.createdBy,
      })),
      createdAt: record.createdAt,
      createdBy: record.createdBy,
    };
  }

  /** The LR recorded for an analysis, or null. */
  analysisLr(analysisId: number): AnalysisLikelihoodRatio | null {
    const record = findAnalysisLr(this.db, analysisId);
    return record ? this.toAnalysisLr(record) : null;
  }

  /**
   * Records the LR of an analysis with a calibration of its model file (default: the newest over
   * all pairs). Returns null, recording nothing, when no calibration is given and none exists.
   */
  assessAnalysis(
    analysisId: number,
    calibrationId: number | undefined,
    actor: string,
  ): AnalysisLikelihoodRatio | null {
    const analysis = findAnalysisScore(this.db, analysisId);
    if (!analysis) throw new NotFoundError(`analysis ${analysisId} does not exist`);
    if (findAnalysisLr(this.db, analysisId))
      throw new ConflictError(`analysis ${analysisId} has its LR recorded already`);
    if (analysis.score === null)
      throw new InvalidInputError(`analysis ${analysisId} has no score to calibrate`, 'analysisId');
    const calibration =
      calibrationId === undefined
        ? newestLrCalibrationFor(this.db, analysis.modelSha256)
        : this.record(calibrationId);
    if (!calibration) return null;
    const set = this.set(calibration.setId);
    if (set.modelSha256 !== analysis.modelSha256) {
      throw new InvalidInputError(
        `calibration ${calibration.id} is of model ${set.modelId} (${set.modelSha256.slice(0, 12)}…), ` +
          `not of the model file that made analysis ${analysisId}`,
        'calibrationId',
      );
    }
    const lr = likelihoodRatio(decodeJson<BoundedCalibrator>(calibration.calibratorJson), analysis.score);
    const record: AnalysisLrRecord = {
      analysisId,
      calibrationId: calibration.id,
      score: analysis.score,
      log10Lr: lr.log10Lr,
      unboundedLog10Lr: Number.isFinite(lr.unboundedLog10Lr) ? lr.unboundedLog10Lr : null,
      bound: lr.bound,
      withinCalibrationRange: lr.withinCalibrationRange,
      verbal: verbalEquivalent(lr.log10Lr),
      createdAt: new Date().toISOString(),
      createdBy: actor,
    };
    this.audit.transaction(() => {
      this.cases.assertUnlocked(analysis.caseId);
      insertAnalysisLr(this.db, record);
      this.audit.append({
        actor,
        action: 'analysis.lr',
        entityType: 'analysis',
        entityId: analysisId,
        caseId: analysis.caseId,
        details: {
          calibrationId: calibration.id,
          setSha256: set.setSha256,
          score: record.score,
          log10Lr: record.log10Lr,
          bound: record.bound,
          withinCalibrationRange: record.withinCalibrationRange,
        },
        rows: [{ table: 'analysis_likelihood_ratios', id: analysisId }],
      });
    });
    return this.toAnalysisLr(record);
  }

  /** The registered model, its file verified; an unknown id is the caller's error. */
  private model(modelId: string): RegisteredModel {
    try {
      return this.registry.getModel(modelId);
    } catch (error) {
      if (error instanceof ModelNotFoundError) throw new InvalidInputError(error.message, 'modelId');
      throw error;
    }
  }

  private record(calibrationId: number): LrCalibrationRecord {
    const record = findLrCalibration(this.db, calibrationId);
    if (!record) throw new NotFoundError(`calibration ${calibrationId} does not exist`);
    return record;
  }

  private toSet(record: CalibrationSetRecord): CalibrationSet {
    const scores = listCalibrationScores(this.db, record.id);
    return {
      ...record,
      conditions: [...new Set(scores.map((s) => s.condition).filter((c) => c !== ''))].sort(),
      sameSource: scores.filter((s) => s.sameSource).length,
      differentSource: scores.filter((s) => !s.sameSource).length,
    };
  }

  private summary(record: LrCalibrationRecord): CalibrationSummary {
    const set = this.set(record.setId);
    const { performance } = decodeJson<LrValidation>(record.validationJson);
    return {
      id: record.id,
      setId: set.id,
      setName: set.name,
      modelId: set.modelId,
      modelSha256: set.modelSha256,
      method: record.method,
      condition: record.condition,
      cllr: performance.cllr,
      cllrMin: performance.cllrMin,
      bounds: decodeJson<BoundedCalibrator>(record.calibratorJson).bounds,
      sameSource: performance.sameSource,
      differentSource: performance.differentSource,
      createdAt: record.createdAt,
    };
  }

  private toAnalysisLr({ calibrationId, ...record }: AnalysisLrRecord): AnalysisLikelihoodRatio {
    return { ...record, calibration: this.summary(this.record(calibrationId)) };
  }
}

function labelled(scores: readonly CalibrationScoreRecord[]): LabelledScores {
  return {
    sameSource: scores.filter((s) => s.sameSource).map((s) => s.score),
    differentSource: scores.filter((s) => !s.sameSource).map((s) => s.score),
  };
}

/** The CSV of a labelled set: a, b, same (0 or 1), and an optional condition column. */
function readPairsCsv(pairsCsv: string): LabelledPairRow[] {
  let text: string;
  try {
    text = readFileSync(pairsCsv, 'utf8');
  } catch {
    throw new InvalidInputError(`the pairs file ${pairsCsv} cannot be read`, 'pairsCsv');
  }
  try {
    return parseCsv(text, ['a', 'b', 'same'], pairsCsv).map((row, i) => {
      if (row.same !== '0' && row.same !== '1')
        throw new CsvError(`${pairsCsv} row ${i + 2}: same must be 0 or 1, got "${row.same}"`);
      return { a: row.a, b: row.b, same: row.same === '1', condition: (row.condition ?? '').trim() };
    });
  } catch (error) {
    if (error instanceof CsvError) throw new InvalidInputError(error.message, 'pairsCsv');
    throw error;
  }
}
