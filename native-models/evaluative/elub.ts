/**
 * Empirical lower and upper bounds (ELUB) on likelihood ratios: Vergeer, van Es, de Jongh,
 * Alberink, Stoel (2016), "Numerical likelihood ratios outputted by LR systems are often based on
 * extrapolation: when to stop extrapolating?", Science & Justice 56(6), as in lir's ELUBbounder.
 *
 * A validation set of n different-source pairs cannot support an LR of much more than n: the
 * LRs are bounded where the system's empirical expected benefit, with one misleading
 * pseudo-observation added to each class, falls below that of a neutral system (LR = 1).
 * For a decision threshold t > 1 (decide for H1 when LR > t) that benefit is
 *
 *   B(t) = #{same-source LR > t} / (n_same + 1) − t · (#{different-source LR > t} + 1) / (n_diff + 1)
 *
 * and the neutral system's is 0; the upper bound is the smallest t ≥ 1 with B(t) ≤ 0. The lower
 * bound is the same construction with the hypotheses (and LR ↔ 1/LR) swapped. B is linear in t
 * between consecutive LR values, so the bound is found exactly, not on a grid.
 */

export interface ElubBounds {
  /** Natural-log LR bounds: lower ≤ 0 ≤ upper. */
  lower: number;
  upper: number;
}

/** ELUB bounds from the natural-log LRs of a labelled set (±Infinity allowed). */
export function elubBounds(
  sameSourceLlrs: readonly number[],
  differentSourceLlrs: readonly number[],
): ElubBounds {
  return {
    upper: upperBound(sameSourceLlrs, differentSourceLlrs),
    lower: -upperBound(
      differentSourceLlrs.map((llr) => -llr),
      sameSourceLlrs.map((llr) => -llr),
    ),
  };
}

function upperBound(supporting: readonly number[], opposing: readonly number[]): number {
  const [nS, nD] = [supporting.length, opposing.length];
  const above = (values: readonly number[], t: number) => values.filter((v) => v > t).length;
  const steps = [...new Set([...supporting, ...opposing].filter((v) => v > 0))].sort((a, b) => a - b);
  let lo = 0;
  for (const hi of [...steps, Infinity]) {
    // On [lo, hi) the counts are constant and B(t) = S/(nS+1) − t (D+1)/(nD+1) falls linearly.
    const [s, d] = [above(supporting, lo), above(opposing, lo)];
    const zero = s === 0 ? -Infinity : Math.log((s * (nD + 1)) / ((nS + 1) * (d + 1)));
    if (zero < hi) return Math.max(zero, lo);
    lo = hi;
  }
  return lo;
}
