import {
  BENCHMARK_METHODS,
  EXPLANATION_METHODS,
  type BenchmarkMethod,
} from '../../electron/common/explanations.js';
import type { RgbImage } from '../face/image.js';
import { mulberry32, pairSeed } from './rng.js';

/** The xSSAB maps of image A against B (width × height of A, row-major) and the pair's score. */
export interface XssabMapsOfA {
  score: number;
  pos: Float32Array;
  neg: Float32Array;
  combined: Float32Array;
}

/**
 * What the benchmark needs of a face-recognition model and its explainer; images are aligned
 * faces, maps are of image A, and `threshold` splits the xSSAB arguments.
 */
export interface BenchModel {
  /** Embeddings of the images, in order (batched by the caller). */
  embed(images: RgbImage[]): Promise<Float32Array[]>;
  xssabMaps(a: RgbImage, b: RgbImage, threshold: number): Promise<XssabMapsOfA>;
  /** Channel mean of |∂s/∂x|. */
  gradientMap(a: RgbImage, b: RgbImage): Promise<Float32Array>;
  /** Signed integrated-gradients map (attributions of s⁺ and s⁻ summed per pixel). */
  integratedGradientsMap(a: RgbImage, b: RgbImage, threshold: number): Promise<Float32Array>;
}

export const METHOD_NAMES = BENCHMARK_METHODS;
export type MethodName = BenchmarkMethod;

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

/**
 * `threshold` is the one the benchmark decides with: it splits the xSSAB arguments and says
 * whether a pair is accepted (for the decision variant).
 */
export function createMethod(
  name: MethodName,
  model: BenchModel,
  seed: number,
  {
    threshold,
    corrRise = { masks: DEFAULT_CORRRISE_MASKS },
  }: { threshold: number; corrRise?: CorrRiseOptions },
): ExplanationMethod {
  const signed = EXPLANATION_METHODS[name].signed;
  switch (name) {
    case 'xssab':
      return {
        name,
        signed,
        explainA: async ({ a, b }) => (await model.xssabMaps(a, b, threshold)).combined,
      };
    case 'xssab-decision':
      return {
        name,
        signed,
        async explainA({ a, b }) {
          const { score, pos, neg } = await model.xssabMaps(a, b, threshold);
          return score >= threshold ? pos : neg.map((v) => -v);
        },
      };
    case 'ig':
      return { name, signed, explainA: ({ a, b }) => model.integratedGradientsMap(a, b, threshold) };
    case 'gradient':
      return { name, signed, explainA: ({ a, b }) => model.gradientMap(a, b) };
    case 'corrrise':
      return { name, signed, explainA: (input) => corrRiseMap(model, input, seed, corrRise) };
    case 'random':
      return { name, signed, explainA: (input) => Promise.resolve(randomMap(input, seed)) };
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
