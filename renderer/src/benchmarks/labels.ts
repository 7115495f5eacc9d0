import type { BenchmarkMethod, BenchmarkRun, BenchmarkSampleImage } from '../../../electron/common/api.js';
import { BENCHMARK_METHODS, EXPLANATION_METHODS } from '../../../electron/common/explanations.js';

export const methodLabels = Object.fromEntries(
  BENCHMARK_METHODS.map((method) => [method, EXPLANATION_METHODS[method].label]),
) as Record<BenchmarkMethod, string>;

export const methodDescriptions = Object.fromEntries(
  BENCHMARK_METHODS.map((method) => {
    const { description, deviation } = EXPLANATION_METHODS[method];
    return [method, deviation ? `${description} (${deviation})` : description];
  }),
) as Record<BenchmarkMethod, string>;

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

export const sampleImageCaptions = {
  original: 'A, original',
  patched: 'A, patched',
  partner: 'B',
  mask: 'Patch mask',
  ...Object.fromEntries(BENCHMARK_METHODS.map((method) => [`map-${method}`, methodLabels[method]])),
} as Record<BenchmarkSampleImage, string>;

/** "12 of 40 pairs", or the stage while the pair count is unknown. */
export function progressText(progress: BenchmarkRun['progress']): string {
  const pairs = progress.total === null ? progress.stage : `${progress.done} of ${progress.total} pairs`;
  return progress.skipped > 0 ? `${pairs} (${progress.skipped} skipped)` : pairs;
}
