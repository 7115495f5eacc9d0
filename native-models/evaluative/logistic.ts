/**
 * Logistic-regression calibration: log LR = slope · score + intercept (natural log), fitted by
 * Newton's method (IRLS) on the prior-weighted cross-entropy, as FoCal / pyllr and lir's
 * LogitCalibrator do. Each class carries half the weight whatever its size, so the fit
 * minimises Cllr on the training set and the LR does not absorb the set's class proportions.
 */
import { sigmoid, softplus } from './log-odds.js';
import { checkLabelled, EvaluativeInputError, type LabelledScores } from './scores.js';

export interface LogisticCalibration {
  kind: 'logistic';
  /** Natural-log LR per unit of score. */
  slope: number;
  /** Natural-log LR at score 0. */
  intercept: number;
}

export interface LogisticOptions {
  /**
   * L2 penalty on the slope of the standardised scores ((score − mean) / standard deviation of
   * all scores, so that it does not depend on the score's scale). A set whose classes do not
   * overlap has no finite maximum-likelihood fit (the slope grows without end); the penalty keeps
   * it finite, and on overlapping sets it moves the fit by a negligible amount. The ELUB bounds
   * then limit the extreme LRs.
   */
  slopePenalty?: number;
  maxIterations?: number;
}

const DEFAULT_SLOPE_PENALTY = 1e-3;

/**
 * The objective on standardised scores: mean cross-entropy per class (nats), halved per class,
 * plus the penalty.
 */
export function logisticObjective(
  data: LabelledScores,
  { slope, intercept }: { slope: number; intercept: number },
  slopePenalty = DEFAULT_SLOPE_PENALTY,
): number {
  const mean = (values: readonly number[], f: (s: number) => number) =>
    values.reduce((sum, s) => sum + f(s), 0) / values.length;
  return (
    0.5 * mean(data.sameSource, (s) => softplus(-(slope * s + intercept))) +
    0.5 * mean(data.differentSource, (s) => softplus(slope * s + intercept)) +
    0.5 * slopePenalty * slope * slope
  );
}

/** Mean and standard deviation (population) of all scores; a spread of 0 is taken as 1. */
export function standardisation({ sameSource, differentSource }: LabelledScores): {
  mean: number;
  sd: number;
} {
  const all = [...sameSource, ...differentSource];
  const mean = all.reduce((s, v) => s + v, 0) / all.length;
  const sd = Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / all.length);
  return { mean, sd: sd > 0 ? sd : 1 };
}

export function fitLogistic(raw: LabelledScores, options: LogisticOptions = {}): LogisticCalibration {
  checkLabelled(raw, 'logistic-regression calibration');
  const penalty = options.slopePenalty ?? DEFAULT_SLOPE_PENALTY;
  const maxIterations = options.maxIterations ?? 100;
  const { mean, sd } = standardisation(raw);
  const data: LabelledScores = {
    sameSource: raw.sameSource.map((s) => (s - mean) / sd),
    differentSource: raw.differentSource.map((s) => (s - mean) / sd),
  };
  const points = [
    ...data.sameSource.map((s) => ({ s, y: 1, w: 0.5 / data.sameSource.length })),
    ...data.differentSource.map((s) => ({ s, y: 0, w: 0.5 / data.differentSource.length })),
  ];
  let [a, b] = [0, 0];
  let objective = logisticObjective(data, { slope: a, intercept: b }, penalty);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    // Gradient g and Hessian H of the objective in (a, b).
    let [ga, gb, haa, hab, hbb] = [penalty * a, 0, penalty, 0, 0];
    for (const { s, y, w } of points) {
      const p = sigmoid(a * s + b);
      const r = w * (p - y);
      const v = w * p * (1 - p);
      ga += r * s;
      gb += r;
      haa += v * s * s;
      hab += v * s;
      hbb += v;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Halve the Newton step until the objective does not increase (it is convex, so this ends).
    let step = 1;
    let next = logisticObjective(data, { slope: a - da, intercept: b - db }, penalty);
    while (next > objective && step > 1e-10) {
      step /= 2;
      next = logisticObjective(data, { slope: a - step * da, intercept: b - step * db }, penalty);
    }
    [a, b] = [a - step * da, b - step * db];
    const converged =
      Math.abs(step * da) <= 1e-12 * (1 + Math.abs(a)) && Math.abs(step * db) <= 1e-12 * (1 + Math.abs(b));
    objective = next;
    if (converged) break;
  }
  if (!Number.isFinite(a) || !Number.isFinite(b))
    throw new EvaluativeInputError('logistic-regression calibration did not converge on these scores');
  // Back to raw scores: a·(s − mean)/sd + b.
  return { kind: 'logistic', slope: a / sd, intercept: b - (a * mean) / sd };
}

export const applyLogistic = ({ slope, intercept }: LogisticCalibration, score: number) =>
  slope * score + intercept;
