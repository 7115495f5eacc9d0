/** How a likelihood ratio is written for people (app, CLI and reports alike). */

/**
 * "98", "2.4 × 10^4", "1/19", "1/3.2 × 10^5": an LR below 1 is written as 1/x, the way
 * evaluative reports usually state support for the other proposition.
 */
export function formatLikelihoodRatio(log10Lr: number): string {
  const magnitude = Math.abs(log10Lr);
  const text =
    magnitude < 3
      ? Number((10 ** magnitude).toPrecision(2)).toString()
      : `${(10 ** (magnitude - Math.floor(magnitude))).toFixed(1)} × 10^${Math.floor(magnitude)}`;
  return log10Lr < 0 ? `1/${text}` : text;
}
