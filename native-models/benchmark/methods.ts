import type { RgbImage } from '../face/image.js';
import { mulberry32, pairSeed } from './rng.js';

/** What the benchmark needs of a face-recognition model and its explainer; images are aligned faces. */
export interface BenchModel {
  /** Embeddings of the images, in order (batched by the caller). */
  embed(images: RgbImage[]): Promise<Float32Array[]>;
  /** A map of image A of the pair (width × height of A, row-major), from the xSSAB engine. */
  explainA(a: RgbImage, b: RgbImage, kind: 'xssab' | 'gradient'): Promise<Float32Array>;
}

export const METHOD_NAMES = ['xssab', 'gradient', 'corrrise', 'random'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export interface ExplainInput {
  a: RgbImage;
  b: RgbImage;
  embeddingB: Float32Array;
  /** Position of the pair in the pairs list: seeds the random draws of this pair. */
  pairIndex: number;
}

export interface ExplanationMethod {
  readonly name: MethodName;
  /** True when a value's sign says for (+) or against (−) a match; false for a magnitude. */
  readonly signed: boolean;
  /** A map of image A, width × height, row-major. */
  explainA(input: ExplainInput): Promise<Float32Array>;
}

export interface CorrRiseOptions {
  masks: number;
  /** Occluders per mask and their side in pixels (CorrRISE: 3 black squares of 30 pixels). */
  occluders?: number;
  occluderSize?: number;
  batchSize?: number;
}

export const DEFAULT_CORRRISE_MASKS = 500;

export function cosine(u: Float32Array, v: Float32Array): number {
  let dot = 0;
  let uu = 0;
  let vv = 0;
  for (let i = 0; i < u.length; i++) {
    dot += u[i] * v[i];
    uu += u[i] * u[i];
    vv += v[i] * v[i];
  }
  return dot / Math.sqrt(uu * vv);
}

/** Embeddings of any number of images, `batchSize` per model call. */
export async function embedBatched(
  model: BenchModel,
  images: RgbImage[],
  batchSize = 32,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    out.push(...(await model.embed(images.slice(start, start + batchSize))));
  }
  return out;
}

export function createMethod(
  name: MethodName,
  model: BenchModel,
  seed: number,
  corrRise: CorrRiseOptions = { masks: DEFAULT_CORRRISE_MASKS },
): ExplanationMethod {
  switch (name) {
    case 'xssab':
      return { name, signed: true, explainA: ({ a, b }) => model.explainA(a, b, 'xssab') };
    case 'gradient':
      return { name, signed: false, explainA: ({ a, b }) => model.explainA(a, b, 'gradient') };
    case 'corrrise':
      return { name, signed: true, explainA: (input) => corrRiseMap(model, input, seed, corrRise) };
    case 'random':
      return { name, signed: true, explainA: (input) => Promise.resolve(randomMap(input, seed)) };
  }
}

function randomMap({ a, pairIndex }: ExplainInput, seed: number): Float32Array {
  const rng = mulberry32(pairSeed(seed, pairIndex, 'random-map'));
  return Float32Array.from({ length: a.width * a.height }, () => 2 * rng.next() - 1);
}

/**
 * CorrRISE (black box): score image A under random occlusions and correlate, per pixel, whether the
 * pixel was kept with the score. Positive: keeping the pixel raises the score. A pixel no mask ever
 * hides gets 0.
 */
async function corrRiseMap(
  model: BenchModel,
  { a, embeddingB, pairIndex }: ExplainInput,
  seed: number,
  { masks, occluders = 3, occluderSize = 30, batchSize = 32 }: CorrRiseOptions,
): Promise<Float32Array> {
  const { width, height } = a;
  const rng = mulberry32(pairSeed(seed, pairIndex, 'corrrise'));
  const hidden = new Uint8Array(width * height);
  const occludedCount = new Float64Array(width * height);
  const occludedScoreSum = new Float64Array(width * height);
  let scoreSum = 0;
  let scoreSquares = 0;

  for (let start = 0; start < masks; start += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, masks - start) }, () =>
      Array.from({ length: occluders }, () => ({
        x: rng.int(width - occluderSize + 1),
        y: rng.int(height - occluderSize + 1),
      })),
    );
    const images = batch.map((squares) => {
      const rgb = Uint8Array.from(a.rgb);
      for (const { x, y } of squares) {
        for (let row = y; row < y + occluderSize; row++)
          rgb.fill(0, (row * width + x) * 3, (row * width + x + occluderSize) * 3);
      }
      return { rgb, width, height };
    });
    const embeddings = await model.embed(images);
    batch.forEach((squares, i) => {
      const score = cosine(embeddings[i], embeddingB);
      scoreSum += score;
      scoreSquares += score * score;
      // Overlapping squares hide a pixel once.
      hidden.fill(0);
      for (const { x, y } of squares) {
        for (let row = y; row < y + occluderSize; row++)
          hidden.fill(1, row * width + x, row * width + x + occluderSize);
      }
      for (let j = 0; j < hidden.length; j++) {
        if (hidden[j]) {
          occludedCount[j]++;
          occludedScoreSum[j] += score;
        }
      }
    });
  }

  const meanScore = scoreSum / masks;
  const scoreVariance = scoreSquares / masks - meanScore * meanScore;
  const map = new Float32Array(width * height);
  for (let j = 0; j < map.length; j++) {
    const kept = 1 - occludedCount[j] / masks;
    const keptVariance = kept * (1 - kept);
    if (keptVariance <= 0 || scoreVariance <= 0) continue;
    const covariance = (scoreSum - occludedScoreSum[j]) / masks - kept * meanScore;
    map[j] = covariance / Math.sqrt(keptVariance * scoreVariance);
  }
  return map;
}
