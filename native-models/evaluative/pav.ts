/**
 * Pool-adjacent-violators (isotonic regression) and the PAV calibrator: the monotone
 * score → log LR map that fits a labelled set best (Brümmer & du Preez 2006; lir's
 * IsotonicCalibrator). Its LRs on its own training set give Cllr_min.
 */
import { logit, sigmoid } from './log-odds.js';
import { checkLabelled, type LabelledScores } from './scores.js';

export interface IsotonicStep {
  /** Distinct training score. */
  score: number;
  /** Fitted proportion of same-source pairs at this score (non-decreasing in score). */
  proportion: number;
}

/**
 * Isotonic regression of the labels (1 = same source) on the scores. Equal scores are pooled
 * first (a tie cannot be ordered), then adjacent blocks that violate the order are merged into
 * their weighted mean until the sequence is non-decreasing.
 */
export function isotonicFit(data: LabelledScores): IsotonicStep[] {
  checkLabelled(data, 'PAV', { finite: false });
  const points = [
    ...data.sameSource.map((score) => ({ score, label: 1 })),
    ...data.differentSource.map((score) => ({ score, label: 0 })),
  ].sort((a, b) => a.score - b.score);
  const distinct: { score: number; sum: number; weight: number }[] = [];
  for (const p of points) {
    const last = distinct[distinct.length - 1];
    if (last && last.score === p.score) {
      last.sum += p.label;
      last.weight += 1;
    } else distinct.push({ score: p.score, sum: p.label, weight: 1 });
  }
  // Pooled blocks: their first distinct score, how many distinct scores, labels summed, pairs.
  const blocks: { start: number; count: number; sum: number; weight: number }[] = [];
  distinct.forEach((d, i) => {
    blocks.push({ start: i, count: 1, sum: d.sum, weight: d.weight });
    while (blocks.length > 1) {
      const top = blocks[blocks.length - 1];
      const below = blocks[blocks.length - 2];
      if (below.sum / below.weight <= top.sum / top.weight) break;
      below.count += top.count;
      below.sum += top.sum;
      below.weight += top.weight;
      blocks.pop();
    }
  });
  return blocks.flatMap((b) =>
    distinct.slice(b.start, b.start + b.count).map((d) => ({ score: d.score, proportion: b.sum / b.weight })),
  );
}

export interface PavCalibration {
  kind: 'pav';
  /** Distinct training scores, ascending. */
  scores: number[];
  /** Natural-log LR at each training score; ±Infinity where only one class occurs. */
  llrs: number[];
  /** log(n same / n different) of the training set: fitted proportion = sigmoid(llr + this). */
  priorLogOdds: number;
}

/**
 * Fitted proportions as LRs: posterior odds divided by the training set's prior odds
 * (n same / n different), so that the proportions of the two classes do not bias the LR.
 */
export function fitPav(data: LabelledScores): PavCalibration {
  const steps = isotonicFit(data);
  const priorLogOdds = Math.log(data.sameSource.length / data.differentSource.length);
  return {
    kind: 'pav',
    scores: steps.map((s) => s.score),
    llrs: steps.map((s) => logit(s.proportion) - priorLogOdds),
    priorLogOdds,
  };
}

/**
 * The PAV map at any score: the fitted value at a training score, linear interpolation of the
 * fitted proportion between training scores (as scikit-learn's IsotonicRegression), and the
 * end values beyond the training range.
 */
export function applyPav(calibration: PavCalibration, score: number): number {
  const { scores, llrs } = calibration;
  if (score <= scores[0]) return llrs[0];
  const last = scores.length - 1;
  if (score >= scores[last]) return llrs[last];
  let hi = 1;
  while (scores[hi] < score) hi++;
  if (scores[hi] === score) return llrs[hi];
  const lo = hi - 1;
  if (llrs[lo] === llrs[hi]) return llrs[lo];
  // Interpolate the fitted proportion, not the log LR (which may be infinite at one end).
  const proportion = (llr: number) => sigmoid(llr + calibration.priorLogOdds);
  const t = (score - scores[lo]) / (scores[hi] - scores[lo]);
  const p = proportion(llrs[lo]) + t * (proportion(llrs[hi]) - proportion(llrs[lo]));
  return logit(p) - calibration.priorLogOdds;
}
