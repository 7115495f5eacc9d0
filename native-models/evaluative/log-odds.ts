/**
 * Log-likelihood-ratio arithmetic. The calibrators work in natural-log LRs (nats), reports and
 * the API in log10 LRs; these are the only conversions.
 */

export const LN10 = Math.log(10);

export const toLog10 = (llr: number) => llr / LN10;

/** log(1 + e^x) without overflow for large x or loss of precision for very negative x. */
export function softplus(x: number): number {
  if (x === Infinity) return Infinity;
  if (x === -Infinity) return 0;
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** 1 / (1 + e^-x). */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(p / (1 − p)); ±Infinity at p = 1 and p = 0. */
export function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}
