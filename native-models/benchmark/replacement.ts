import type { RgbImage } from '../face/image.js';

/** Replaced share of the pixels, in percent: 0 (the patched image) … 100 (the original image). */
export const REPLACEMENT_PERCENTS: readonly number[] = Array.from({ length: 21 }, (_, i) => i * 5);

export type ReplacementStrategy = 'best_worst' | 'random';

/**
 * Pixel indices in the order best-worst replacement restores them. A rejected pair is restored
 * from the pixels that speak most against a match (lowest value) upwards, an accepted pair from the
 * pixels that speak most for it (highest value) downwards. An unsigned map (a magnitude) says only
 * how much a pixel matters, so its most important pixels go first whatever the decision. Ties keep
 * pixel order, so the order is reproducible.
 */
export function bestWorstOrder(map: Float32Array, signed: boolean, accepted: boolean): Int32Array {
  const sign = !signed || accepted ? -1 : 1;
  const order = Int32Array.from(map.keys());
  order.sort((i, j) => sign * (map[i] - map[j]) || i - j);
  return order;
}

/**
 * For each percentage, a copy of `patched` whose first p% pixels in `order` are taken from
 * `original` (all three channels). Pixel counts round to the nearest pixel.
 */
export function replacementSeries(
  patched: RgbImage,
  original: RgbImage,
  order: Int32Array,
  percents: readonly number[] = REPLACEMENT_PERCENTS,
): RgbImage[] {
  const pixels = patched.width * patched.height;
  if (order.length !== pixels) throw new RangeError(`order has ${order.length} pixels, image ${pixels}`);
  return percents.map((p) => {
    const rgb = Uint8Array.from(patched.rgb);
    const count = Math.round((p / 100) * pixels);
    for (let k = 0; k < count; k++) {
      const at = order[k] * 3;
      rgb[at] = original.rgb[at];
      rgb[at + 1] = original.rgb[at + 1];
      rgb[at + 2] = original.rgb[at + 2];
    }
    return { rgb, width: patched.width, height: patched.height };
  });
}

/** Share of pairs the threshold decides wrongly: impostors accepted (FMR), genuine pairs rejected (FNMR). */
export function errorRates(
  scores: readonly number[],
  genuine: readonly boolean[],
  threshold: number,
): { fmr: number; fnmr: number } {
  let impostors = 0;
  let falseMatches = 0;
  let genuines = 0;
  let falseNonMatches = 0;
  scores.forEach((score, i) => {
    if (genuine[i]) {
      genuines++;
      if (score < threshold) falseNonMatches++;
    } else {
      impostors++;
      if (score >= threshold) falseMatches++;
    }
  });
  return {
    fmr: impostors === 0 ? Number.NaN : falseMatches / impostors,
    fnmr: genuines === 0 ? Number.NaN : falseNonMatches / genuines,
  };
}

/** Trapezoidal area under y over x given in percent, so a curve that stays at 1 has area 1. */
export function areaUnderCurve(percents: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < percents.length; i++) {
    area += ((percents[i] - percents[i - 1]) / 100) * ((y[i] + y[i - 1]) / 2);
  }
  return area;
}

/**
 * Area under the ROC curve of `scores` separating pixels where `mask` is 1 from the rest: the
 * probability that a random patch pixel scores above a random other pixel, ties counting half
 * (Mann–Whitney U). NaN when either class is empty.
 */
export function auroc(scores: Float32Array, mask: Uint8Array): number {
  const order = Int32Array.from(scores.keys()).sort((i, j) => scores[i] - scores[j]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++;
    const meanRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (mask[order[k]]) {
        positives++;
        rankSum += meanRank;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
