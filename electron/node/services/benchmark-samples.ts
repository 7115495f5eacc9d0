/**
 * Sample pairs of a finished benchmark run, for the examiner to look at: original A, patched A,
 * the patch mask, B, and each method's map over patched A, as PNGs in `<run>/samples/pair-<index>/`
 * with `<run>/samples/samples.json` listing them. The pairs, patches and maps are the run's own: every
 * draw is seeded by the run's seed and the pair's index.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { BenchmarkSample, BenchmarkSampleImage } from '../../common/api.js';
import type { RgbImage } from '../../../native-models/face/image.js';
import { readDataset, selectPairs } from '../../../native-models/benchmark/dataset.js';
import { openFaceAligner } from '../../../native-models/benchmark/faces.js';
import { DEFAULT_CORRRISE_MASKS, cosine, createMethod } from '../../../native-models/benchmark/methods.js';
import {
  DEFAULT_IG_SETTINGS,
  openBenchModel,
  resolveModelSpec,
} from '../../../native-models/benchmark/model.js';
import { makePatchedPair, memoizeAligner } from '../../../native-models/benchmark/patched-pairs.js';
import type { PatchBenchOptions, PatchBenchResult } from '../../../native-models/benchmark/run.js';
import { DEFAULT_SEED } from '../../../native-models/benchmark/rng.js';
import { renderOverlay } from '../../../native-models/xssab/overlay.js';

export const SAMPLES_DIR = 'samples';
export const SAMPLES_INDEX = 'samples.json';
/** Sample pairs per run, alternately genuine and impostor. */
export const SAMPLE_PAIRS = 4;
/** Faces are 112×112; shown twice that size (the maps' overlays carry a legend below). */
const SCALE = 2;

export const samplePairDir = (out: string, pairIndex: number) => join(out, SAMPLES_DIR, `pair-${pairIndex}`);

/** Writes up to `count` sample pairs of the run, and their index samples.json, in `out`. */
export async function writeSamples(
  options: PatchBenchOptions,
  result: PatchBenchResult,
  count: number,
): Promise<void> {
  const dataset = readDataset(options);
  const skipped = new Set(result.pairs.skipped.map((pair) => pair.index));
  const benchmarked = selectPairs(dataset.pairs, options.limit).filter((pair) => !skipped.has(pair.index));
  const chosen = selectPairs(benchmarked, count);
  const seed = options.seed ?? DEFAULT_SEED;
  const masks = options.masks ?? DEFAULT_CORRRISE_MASKS;

  const spec = typeof options.model === 'object' ? options.model : resolveModelSpec(options.model);
  const model = await openBenchModel(spec, {
    steps: options.igSteps ?? DEFAULT_IG_SETTINGS.steps,
    smoothing: options.igSmoothing ?? DEFAULT_IG_SETTINGS.smoothing,
  });
  const aligner = await openFaceAligner(spec.alignment).catch(async (error: unknown) => {
    await model.close();
    throw error;
  });
  const align = memoizeAligner(aligner.align);
  const methods = options.methods.map((name) =>
    createMethod(name, model, seed, { threshold: result.threshold, corrRise: { masks } }),
  );
  const samples: BenchmarkSample[] = [];
  try {
    for (const spec of chosen) {
      const pair = await makePatchedPair(dataset, spec, seed, align);
      if ('reason' in pair) continue;
      const [original, patched, partner] = await model.embed([pair.original, pair.patched, pair.partner]);
      const { width, height } = pair.patched;
      const mask = { width, height, rgb: new Uint8Array(width * height * 3) };
      pair.mask.forEach((m, i) => mask.rgb.fill(m ? 255 : 0, i * 3, i * 3 + 3));
      const images = new Map<BenchmarkSampleImage, Buffer>([
        ['original', await scaledPng(pair.original)],
        ['patched', await scaledPng(pair.patched)],
        ['partner', await scaledPng(pair.partner)],
        ['mask', await scaledPng(mask)],
      ]);
      for (const method of methods) {
        const map = await method.explainA({
          a: pair.patched,
          b: pair.partner,
          embeddingB: partner,
          pairIndex: spec.index,
        });
        const kind = method.signed ? 'combined' : 'pos';
        const overlay = await renderOverlay(pair.patched.rgb, map, { width, height }, kind, { scale: SCALE });
        images.set(`map-${method.name}`, overlay.png);
      }
      const folder = samplePairDir(result.out, spec.index);
      mkdirSync(folder, { recursive: true });
      for (const [name, png] of images) writeFileSync(join(folder, `${name}.png`), png);
      samples.push({
        pairIndex: spec.index,
        a: spec.a,
        b: spec.b,
        same: spec.same,
        source: pair.source,
        originalScore: cosine(original, partner),
        patchedScore: cosine(patched, partner),
        images: [...images.keys()],
      });
    }
  } finally {
    await Promise.all([model.close(), aligner.close()]);
  }
  mkdirSync(join(result.out, SAMPLES_DIR), { recursive: true });
  writeFileSync(join(result.out, SAMPLES_DIR, SAMPLES_INDEX), JSON.stringify(samples, null, 2) + '\n');
}

async function scaledPng(image: RgbImage): Promise<Buffer> {
  return sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(image.width * SCALE, image.height * SCALE, { kernel: 'nearest' })
    .png()
    .toBuffer();
}
