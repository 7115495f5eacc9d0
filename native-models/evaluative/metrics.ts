/**
 * Performance of a set of likelihood ratios with known ground truth (Brümmer & du Preez 2006;
 * Meuwly, Ramos & Haraksim 2017, "A guideline for the validation of likelihood ratio methods
 * used for forensic evidence evaluation"): Cllr and its split into discrimination (Cllr_min,
 * after the optimal monotone recalibration by PAV) and calibration loss (Cllr_cal), rates of
 * misleading evidence, Tippett and empirical cross-entropy (ECE) curves. Inputs are natural-log LRs.
 */
import { applyPav, fitPav } from './pav.js';
import { LN10, softplus, toLog10 } from './log-odds.js';
import { checkLabelled, type LabelledScores } from './scores.js';

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * Log-likelihood-ratio cost in bits: ½·mean over same-source of log2(1 + 1/LR) + ½·mean over
 * different-source of log2(1 + LR). 0 for perfect LRs, 1 for LR = 1 everywhere.
 */
export function cllr(llrs: LabelledScores): number {
  checkLabelled(llrs, 'Cllr', { finite: false });
  return (
    (0.5 * mean(llrs.sameSource.map((l) => softplus(-l))) +
      0.5 * mean(llrs.differentSource.map((l) => softplus(l)))) /
    Math.LN2
  );
}

/** The LRs after PAV on themselves: the best calibration any monotone map could reach. */
function pavTransformed(llrs: LabelledScores): LabelledScores {
  const pav = fitPav(llrs);
  return {
    sameSource: llrs.sameSource.map((l) => applyPav(pav, l)),
    differentSource: llrs.differentSource.map((l) => applyPav(pav, l)),
  };
}

export const cllrMin = (llrs: LabelledScores) => cllr(pavTransformed(llrs));

export interface MisleadingRates {
  /** Different-source pairs with LR > 1 (misleading towards same source). */
  differentSourceAboveOne: number;
  /** Same-source pairs with LR < 1 (misleading towards different sources). */
  sameSourceBelowOne: number;
}

export function misleadingRates(llrs: LabelledScores): MisleadingRates {
  checkLabelled(llrs, 'rates of misleading evidence', { finite: false });
  return {
    differentSourceAboveOne: llrs.differentSource.filter((l) => l > 0).length / llrs.differentSource.length,
    sameSourceBelowOne: llrs.sameSource.filter((l) => l < 0).length / llrs.sameSource.length,
  };
}

export interface TippettCurve {
  /** Distinct log10 LR values, ascending. */
  log10Lr: number[];
  /** Proportion of the class's LRs at or above each value. */
  proportionAtLeast: number[];
}

function tippettCurve(llrs: readonly number[]): TippettCurve {
  const sorted = [...llrs].sort((a, b) => a - b);
  const curve: TippettCurve = { log10Lr: [], proportionAtLeast: [] };
  sorted.forEach((llr, i) => {
    if (i > 0 && sorted[i - 1] === llr) return;
    curve.log10Lr.push(toLog10(llr));
    curve.proportionAtLeast.push((sorted.length - i) / sorted.length);
  });
  return curve;
}

/**
 * The corners of a Tippett curve drawn from x = from to x = to: the proportion of LRs at or
 * above x is left-continuous, dropping just after each value, to 0 after the largest.
 */
export function tippettSteps(curve: TippettCurve, from: number, to: number): [number, number][] {
  const points: [number, number][] = [[from, 1]];
  curve.log10Lr.forEach((x, i) => {
    points.push([x, curve.proportionAtLeast[i]], [x, curve.proportionAtLeast[i + 1] ?? 0]);
  });
  points.push([to, 0]);
  return points;
}

/** Tippett plot: per class, the proportion of LRs at or above each log10 LR. */
export function tippett(llrs: LabelledScores): { sameSource: TippettCurve; differentSource: TippettCurve } {
  checkLabelled(llrs, 'Tippett plot', { finite: false });
  return { sameSource: tippettCurve(llrs.sameSource), differentSource: tippettCurve(llrs.differentSource) };
}

export interface EceCurves {
  /** Prior log10 odds of same source. */
  priorLog10Odds: number[];
  /** Empirical cross-entropy (bits) of the LRs at each prior. */
  system: number[];
  /** Of the PAV-recalibrated LRs (the discrimination limit). */
  calibrated: number[];
  /** Of LR = 1 everywhere (no information). */
  neutral: number[];
}

/** Empirical cross-entropy of LRs at prior log odds o (natural log): at o = 0 it equals Cllr. */
export function empiricalCrossEntropy(llrs: LabelledScores, priorLogOdds: number): number {
  const pSame = 1 / (1 + Math.exp(-priorLogOdds));
  return (
    (pSame * mean(llrs.sameSource.map((l) => softplus(-(l + priorLogOdds)))) +
      (1 - pSame) * mean(llrs.differentSource.map((l) => softplus(l + priorLogOdds)))) /
    Math.LN2
  );
}

/** ECE plot over prior log10 odds from −range to +range in `steps` equal intervals. */
export function ece(llrs: LabelledScores, { range = 2.5, steps = 100 } = {}): EceCurves {
  checkLabelled(llrs, 'ECE plot', { finite: false });
  const priors = Array.from({ length: steps + 1 }, (_, i) => -range + (2 * range * i) / steps);
  const pav = pavTransformed(llrs);
  const neutral: LabelledScores = {
    sameSource: llrs.sameSource.map(() => 0),
    differentSource: llrs.differentSource.map(() => 0),
  };
  const curve = (set: LabelledScores) => priors.map((p) => empiricalCrossEntropy(set, p * LN10));
  return { priorLog10Odds: priors, system: curve(llrs), calibrated: curve(pav), neutral: curve(neutral) };
}

export interface LrPerformance {
  cllr: number;
  cllrMin: number;
  /** Cllr − Cllr_min: the loss due to calibration alone. */
  cllrCal: number;
  misleading: MisleadingRates;
  sameSource: number;
  differentSource: number;
}

export function lrPerformance(llrs: LabelledScores): LrPerformance {
  const [total, min] = [cllr(llrs), cllrMin(llrs)];
  return {
    cllr: total,
    cllrMin: min,
    cllrCal: total - min,
    misleading: misleadingRates(llrs),
    sameSource: llrs.sameSource.length,
    differentSource: llrs.differentSource.length,
  };
}
