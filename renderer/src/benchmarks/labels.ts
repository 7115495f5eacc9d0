import type { BenchmarkMethod, BenchmarkRun, BenchmarkSampleImage } from '../../../electron/common/api.js';

export const methodLabels: Record<BenchmarkMethod, string> = {
  xssab: 'xSSAB',
  gradient: 'Gradient',
  corrrise: 'CorrRISE',
  random: 'Random map',
};

export const methodDescriptions: Record<BenchmarkMethod, string> = {
  xssab: 'the combined xSSAB map',
  gradient: 'the plain gradient magnitude',
  corrrise: 'a black-box occlusion map',
  random: 'a random map: the floor to beat',
};

/** Alternative text of each image of a sample pair. */
export function sampleImageAlt(image: BenchmarkSampleImage, pair: { a: string; b: string }): string {
  switch (image) {
    case 'original':
      return `Image A (${pair.a}), aligned, before patching`;
    case 'patched':
      return `Image A (${pair.a}) with the 27 pasted patches`;
    case 'partner':
      return `Image B (${pair.b}), aligned`;
    case 'mask':
      return 'Patch mask: white where patches were pasted into image A';
    case 'map-gradient':
      return 'Gradient map over patched image A: the greener, the more the pixel matters';
    default: {
      const method = image.slice('map-'.length) as BenchmarkMethod;
      return `${methodLabels[method]} map over patched image A: green speaks for a match, red against`;
    }
  }
}

export const sampleImageCaptions: Record<BenchmarkSampleImage, string> = {
  original: 'A, original',
  patched: 'A, patched',
  partner: 'B',
  mask: 'Patch mask',
  'map-xssab': methodLabels.xssab,
  'map-gradient': methodLabels.gradient,
  'map-corrrise': methodLabels.corrrise,
  'map-random': methodLabels.random,
};

/** "12 of 40 pairs", or the stage while the pair count is unknown. */
export function progressText(progress: BenchmarkRun['progress']): string {
  const pairs = progress.total === null ? progress.stage : `${progress.done} of ${progress.total} pairs`;
  return progress.skipped > 0 ? `${pairs} (${progress.skipped} skipped)` : pairs;
}
