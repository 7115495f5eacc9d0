/**
 * Evaluative reporting: calibration sets (labelled pairs scored once by a model), the score → LR
 * calibrations fitted on them with their validation (Cllr, Tippett, ECE), and the likelihood ratio
 * recorded for an analysis.
 */
import { z } from 'zod';
import { actorParam, id, isoTimestamp, requiredText, sha256Hex, workstationPath } from './fields.js';

export const LR_CALIBRATION_METHODS = ['logistic', 'pav'] as const;
export const lrCalibrationMethodSchema = z.enum(LR_CALIBRATION_METHODS);
export type LrCalibrationMethod = z.infer<typeof lrCalibrationMethodSchema>;

export const lrPerformanceSchema = z.object({
  /** Log-likelihood-ratio cost, bits: 0 perfect, 1 no information. */
  cllr: z.number(),
  /** Cllr after the best monotone recalibration (PAV): the discrimination loss. */
  cllrMin: z.number(),
  /** cllr − cllrMin: the calibration loss. */
  cllrCal: z.number(),
  misleading: z.object({
    differentSourceAboveOne: z.number(),
    sameSourceBelowOne: z.number(),
  }),
  sameSource: z.int(),
  differentSource: z.int(),
});
export type LrPerformance = z.infer<typeof lrPerformanceSchema>;

const tippettCurveSchema = z.object({
  log10Lr: z.array(z.number()),
  /** Proportion of the class's LRs at or above each log10 LR. */
  proportionAtLeast: z.array(z.number()),
});

export const lrValidationSchema = z.object({
  performance: lrPerformanceSchema,
  tippett: z.object({ sameSource: tippettCurveSchema, differentSource: tippettCurveSchema }),
  /** Empirical cross-entropy (bits) against the prior log10 odds of same source. */
  ece: z.object({
    priorLog10Odds: z.array(z.number()),
    system: z.array(z.number()),
    calibrated: z.array(z.number()),
    neutral: z.array(z.number()),
  }),
});
export type LrValidation = z.infer<typeof lrValidationSchema>;

export const calibrationSetSchema = z.object({
  id,
  name: z.string(),
  modelId: z.string(),
  modelSha256: sha256Hex,
  /** SHA-256 of the set's content: every pair's two photo hashes, label and condition, in order. */
  setSha256: sha256Hex,
  pairsSource: z.string(),
  root: z.string(),
  /** Condition tags found in the set (e.g. "CCTV", "low resolution"). */
  conditions: z.array(z.string()),
  sameSource: z.int(),
  differentSource: z.int(),
  /** Pairs that could not be scored (e.g. no face), left out of every calibration. */
  failures: z.array(z.object({ a: z.string(), b: z.string(), error: z.string() })),
  createdAt: isoTimestamp,
  createdBy: z.string(),
});
export type CalibrationSet = z.infer<typeof calibrationSetSchema>;

const lrBoundsSchema = z.object({ lowerLog10: z.number(), upperLog10: z.number() });

export const calibrationEvaluationSchema = z.object({
  id,
  calibrationId: id,
  set: calibrationSetSchema,
  validation: lrValidationSchema,
  createdAt: isoTimestamp,
  createdBy: z.string(),
});
export type CalibrationEvaluation = z.infer<typeof calibrationEvaluationSchema>;

export const calibrationSchema = z.object({
  id,
  set: calibrationSetSchema,
  method: lrCalibrationMethodSchema,
  /** Only pairs with this condition tag were used; null = all pairs. */
  condition: z.string().nullable(),
  /** Folds of the cross-validation behind `validation`. */
  folds: z.int(),
  /** ELUB bounds on the LR, from the set's size. */
  bounds: lrBoundsSchema,
  /** Scores of the set: a casework score outside this range is extrapolation. */
  scoreRange: z.object({ min: z.number(), max: z.number() }),
  /** Validation on the calibration set itself, each LR from a calibrator that did not see its pair. */
  validation: lrValidationSchema,
  /** Validation on other labelled sets. */
  evaluations: z.array(calibrationEvaluationSchema),
  createdAt: isoTimestamp,
  createdBy: z.string(),
});
export type Calibration = z.infer<typeof calibrationSchema>;

export const calibrationSummarySchema = z.object({
  id,
  setId: id,
  setName: z.string(),
  modelId: z.string(),
  modelSha256: sha256Hex,
  method: lrCalibrationMethodSchema,
  condition: z.string().nullable(),
  cllr: z.number(),
  cllrMin: z.number(),
  bounds: lrBoundsSchema,
  sameSource: z.int(),
  differentSource: z.int(),
  createdAt: isoTimestamp,
});
export type CalibrationSummary = z.infer<typeof calibrationSummarySchema>;

/** The LR of one analysis, with the calibration behind it. */
export const analysisLikelihoodRatioSchema = z.object({
  analysisId: id,
  score: z.number(),
  /** log10 LR after the ELUB bounds. */
  log10Lr: z.number(),
  /** Before the bounds; null when the calibrator gave an infinite LR. */
  unboundedLog10Lr: z.number().nullable(),
  bound: z.enum(['lower', 'upper']).nullable(),
  withinCalibrationRange: z.boolean(),
  /** On the ENFSI verbal scale. */
  verbal: z.string(),
  calibration: calibrationSummarySchema,
  createdAt: isoTimestamp,
  createdBy: z.string(),
});
export type AnalysisLikelihoodRatio = z.infer<typeof analysisLikelihoodRatioSchema>;

export const calibrationMethods = {
  'calibrations.create': {
    /**
     * Scores a labelled set with a model (once per set content and model file: a set scored before
     * is reused) and fits a calibration on it, validated by k-fold cross-validation. VALIDATION for
     * a bad CSV, a photo that cannot be read, an unknown model or condition, or too few scored pairs.
     */
    params: z.object({
      modelId: requiredText(128),
      /** CSV on the workstation with columns a, b, same (0/1) and optionally condition. */
      pairsCsv: workstationPath,
      /** Folder the CSV's photo paths are relative to. */
      root: workstationPath,
      name: requiredText(200).optional(),
      method: lrCalibrationMethodSchema.default('logistic'),
      /** Use only the pairs with this condition tag. */
      condition: requiredText(100).optional(),
      folds: z.int().min(2, 'needs at least 2 folds').max(20, 'at most 20 folds').default(5),
      actor: actorParam,
    }),
    result: calibrationSchema,
  },
  'calibrations.list': {
    /** Every calibration, newest first; a model's newest one gives the LR of new analyses. */
    params: z.object({ modelId: z.string().optional() }),
    result: z.object({ calibrations: z.array(calibrationSummarySchema) }),
  },
  'calibrations.get': {
    params: z.object({ calibrationId: id }),
    result: calibrationSchema,
  },
  'calibrations.report': {
    /** The calibration's validation report (PDF), built from the store; the same calibration gives the same bytes. */
    params: z.object({ calibrationId: id }),
    result: z.object({
      calibrationId: id,
      mediaType: z.literal('application/pdf'),
      sha256: sha256Hex,
      pages: z.int().positive(),
      dataBase64: z.string(),
    }),
  },
  'likelihoodRatios.get': {
    /** The LR recorded for an analysis, or null when none was (no calibration of its model then). */
    params: z.object({ analysisId: id }),
    result: z.object({ likelihoodRatio: analysisLikelihoodRatioSchema.nullable() }),
  },
  'likelihoodRatios.assess': {
    /**
     * Records the LR of an analysis that has none, with the given calibration (default: the newest
     * of its model). CONFLICT when it has one; VALIDATION when the calibration is of another model.
     */
    params: z.object({ analysisId: id, calibrationId: id.optional(), actor: actorParam }),
    result: analysisLikelihoodRatioSchema,
  },
} as const;
