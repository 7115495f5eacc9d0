/**
 * A score → LR calibrator as the workstation stores and applies it: the fitted map (logistic
 * regression or PAV), the ELUB bounds derived from its LRs on the training set, and the score
 * range of that set (a casework score outside it is extrapolation and is reported as such).
 * Plain data, so that it can be stored as JSON and applied anywhere.
 */
import { elubBounds } from './elub.js';
import { toLog10 } from './log-odds.js';
import { applyLogistic, fitLogistic, type LogisticCalibration } from './logistic.js';
import {
  ece,
  lrPerformance,
  tippett,
  type EceCurves,
  type LrPerformance,
  type TippettCurve,
} from './metrics.js';
import { applyPav, fitPav, type PavCalibration } from './pav.js';
import { checkLabelled, EvaluativeInputError, type LabelledScores } from './scores.js';

export const CALIBRATION_METHODS = ['logistic', 'pav'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];

export interface BoundedCalibrator {
  method: CalibrationMethod;
  map: LogisticCalibration | PavCalibration;
  /** ELUB bounds in log10 LR. */
  bounds: { lowerLog10: number; upperLog10: number };
  scoreRange: { min: number; max: number };
}

export interface LikelihoodRatio {
  /** log10 LR after the bounds. */
  log10Lr: number;
  /** Before the bounds; differs from log10Lr only when a bound applied. */
  unboundedLog10Lr: number;
  /** Which ELUB bound limited the LR, if one did. */
  bound: 'lower' | 'upper' | null;
  /** The score lies inside the range of the calibration scores. */
  withinCalibrationRange: boolean;
}

const fitMap = (data: LabelledScores, method: CalibrationMethod) =>
  method === 'logistic' ? fitLogistic(data) : fitPav(data);

const applyMap = (map: LogisticCalibration | PavCalibration, score: number) =>
  map.kind === 'logistic' ? applyLogistic(map, score) : applyPav(map, score);

export function fitCalibrator(data: LabelledScores, method: CalibrationMethod): BoundedCalibrator {
  checkLabelled(data, `${method} calibration`);
  const map = fitMap(data, method);
  const bounds = elubBounds(
    data.sameSource.map((s) => applyMap(map, s)),
    data.differentSource.map((s) => applyMap(map, s)),
  );
  const all = [...data.sameSource, ...data.differentSource];
  return {
    method,
    map,
    bounds: { lowerLog10: toLog10(bounds.lower), upperLog10: toLog10(bounds.upper) },
    scoreRange: { min: Math.min(...all), max: Math.max(...all) },
  };
}

export function likelihoodRatio(calibrator: BoundedCalibrator, score: number): LikelihoodRatio {
  if (!Number.isFinite(score))
    throw new EvaluativeInputError(`a score must be a finite number, got ${score}`);
  const unbounded = toLog10(applyMap(calibrator.map, score));
  const { lowerLog10, upperLog10 } = calibrator.bounds;
  const bound = unbounded > upperLog10 ? 'upper' : unbounded < lowerLog10 ? 'lower' : null;
  return {
    log10Lr: bound === 'upper' ? upperLog10 : bound === 'lower' ? lowerLog10 : unbounded,
    unboundedLog10Lr: unbounded,
    bound,
    withinCalibrationRange: score >= calibrator.scoreRange.min && score <= calibrator.scoreRange.max,
  };
}

/** Bounded natural-log LRs of a labelled score set under a calibrator. */
export function calibratedLlrs(calibrator: BoundedCalibrator, data: LabelledScores): LabelledScores {
  const llr = (s: number) => likelihoodRatio(calibrator, s).log10Lr * Math.LN10;
  return { sameSource: data.sameSource.map(llr), differentSource: data.differentSource.map(llr) };
}

/**
 * Cross-validated LRs: the pairs of each class are dealt in turn to k folds (in their order in the
 * set), and each fold's LRs come from a calibrator — bounds included — fitted on the other folds.
 * k is reduced to the size of the smaller class when that is smaller.
 */
export function crossValidatedLlrs(
  data: LabelledScores,
  method: CalibrationMethod,
  k: number,
): LabelledScores {
  checkLabelled(data, 'cross-validation', { min: 2 });
  if (!Number.isInteger(k) || k < 2)
    throw new EvaluativeInputError(`cross-validation needs k ≥ 2 folds, got ${k}`);
  const folds = Math.min(k, data.sameSource.length, data.differentSource.length);
  const trainingFor = (values: readonly number[], fold: number) =>
    values.filter((_, i) => i % folds !== fold);
  const llr = (calibrator: BoundedCalibrator, score: number) =>
    likelihoodRatio(calibrator, score).log10Lr * Math.LN10;
  // Fold f holds the pairs at positions f, f + k, f + 2k, … of each class; its calibrator is
  // fitted on all the others.
  const calibrators = Array.from({ length: folds }, (_, fold) =>
    fitCalibrator(
      {
        sameSource: trainingFor(data.sameSource, fold),
        differentSource: trainingFor(data.differentSource, fold),
      },
      method,
    ),
  );
  return {
    sameSource: data.sameSource.map((s, i) => llr(calibrators[i % folds], s)),
    differentSource: data.differentSource.map((s, i) => llr(calibrators[i % folds], s)),
  };
}

export interface LrValidation {
  performance: LrPerformance;
  tippett: { sameSource: TippettCurve; differentSource: TippettCurve };
  ece: EceCurves;
}

/** Every validation figure and plot of a labelled set of (natural-log) LRs. */
export function validateLlrs(llrs: LabelledScores): LrValidation {
  return { performance: lrPerformance(llrs), tippett: tippett(llrs), ece: ece(llrs) };
}
