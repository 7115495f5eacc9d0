/**
 * The model-randomisation sanity check (Adebayo et al., "Sanity checks for saliency maps", NeurIPS
 * 2018), cascading: the weights of the model's Conv, Gemm and MatMul nodes are replaced by seeded
 * random values from the top (the embedding) down, stage by stage, and the maps of a few pairs are
 * recomputed after each stage. A map that explains the model must change as the model is destroyed;
 * one that stays the same shows the input, not the model.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchmarkMethod } from '../../electron/common/explanations.js';
import type { RgbImage } from '../face/image.js';
import { makeTensor, tensorDims, tensorValues } from '../onnx/graph-builder.js';
import { encodeModel, onnx, readModel, type ModelProto, type TensorProto } from '../onnx/model-io.js';
import { createMethod } from './methods.js';
import { openBenchModel, type BenchModelSpec, type IntegratedGradientsSettings } from './model.js';
import { mulberry32, pairSeed } from './rng.js';

/** Stages of the cascade: the randomised layers grow by about 1/STAGES of them per stage. */
const DEFAULT_SANITY_STAGES = 6;
/** The check passes when, with every layer randomised, the mean rank correlation is below this. */
const SANITY_MAX_SPEARMAN = 0.5;

const RANDOMISED_OPS = new Set(['Conv', 'Gemm', 'MatMul']);

export interface SanityStage {
  /** Layers randomised so far (from the top), and the lowest of them. */
  layers: number;
  deepest: string;
  /** Per map variant: mean over pairs of Spearman's ρ and of SSIM against the original model's maps. */
  spearman: Partial<Record<BenchmarkMethod, number>>;
  ssim: Partial<Record<BenchmarkMethod, number>>;
}

export interface SanityResult {
  seed: number;
  pairs: number;
  /** Weight layers of the model (Conv, Gemm, MatMul with constant weights). */
  layers: number;
  stages: SanityStage[];
  /** Per map variant: true when the fully randomised model's maps correlate below SANITY_MAX_SPEARMAN. */
  passed: Partial<Record<BenchmarkMethod, boolean>>;
}

export interface SanityPair {
  a: RgbImage;
  b: RgbImage;
}

/** The weight layers in graph order, each with the names of its constant inputs. */
export function weightLayers(model: ModelProto): { node: string; initializers: string[] }[] {
  const graph = model.graph!;
  const constants = new Map((graph.initializer ?? []).map((t) => [t.name!, t.name!]));
  // Exporters alias weights through Identity nodes: randomise the initialiser behind the alias.
  for (const node of graph.node ?? []) {
    const source = node.opType === 'Identity' ? constants.get(node.input?.[0] ?? '') : undefined;
    if (source) constants.set(node.output![0], source);
  }
  return (graph.node ?? []).flatMap((node, i) => {
    if (!RANDOMISED_OPS.has(node.opType ?? '')) return [];
    const initializers = (node.input ?? []).flatMap((name) => constants.get(name) ?? []);
    return initializers.length ? [{ node: node.name || `${node.opType}_${i}`, initializers }] : [];
  });
}

/** A copy of the model whose named initialisers hold seeded normal values of the same mean and spread. */
export function randomiseInitializers(model: ModelProto, names: Set<string>, seed: number): ModelProto {
  const rng = mulberry32(seed);
  const normal = () => {
    const u = Math.max(rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const randomise = (tensor: TensorProto): TensorProto => {
    if (!names.has(tensor.name!)) return tensor;
    const values = tensorValues(tensor);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    return makeTensor(
      tensor.name!,
      tensorDims(tensor),
      values.map(() => mean + sd * normal()),
    );
  };
  const graph = model.graph!;
  return onnx.ModelProto.create({
    ...model,
    graph: onnx.GraphProto.create({ ...graph, initializer: (graph.initializer ?? []).map(randomise) }),
  });
}

/** Spearman's rank correlation (ties share their mean rank). */
export function spearman(x: Float32Array, y: Float32Array): number {
  const ranks = (v: Float32Array) => {
    const order = Int32Array.from(v.keys()).sort((i, j) => v[i] - v[j]);
    const r = new Float64Array(v.length);
    for (let start = 0; start < order.length;) {
      let end = start;
      while (end + 1 < order.length && v[order[end + 1]] === v[order[start]]) end++;
      for (let k = start; k <= end; k++) r[order[k]] = (start + end) / 2;
      start = end + 1;
    }
    return r;
  };
  const [rx, ry] = [ranks(x), ranks(y)];
  const mean = (rx.length - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) ** 2;
    syy += (ry[i] - mean) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/**
 * Mean structural similarity of two maps, each scaled to [0, 1] by its own range, over 7×7 windows
 * (Wang et al., 2004, with uniform windows).
 */
export function ssim(x: Float32Array, y: Float32Array, width: number, height: number, window = 7): number {
  const scale = (v: Float32Array) => {
    let min = Infinity;
    let max = -Infinity;
    for (const value of v) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    const range = max - min || 1;
    return Float64Array.from(v, (value) => (value - min) / range);
  };
  const [a, b] = [scale(x), scale(y)];
  const integral = (f: (i: number) => number) => {
    const s = new Float64Array((width + 1) * (height + 1));
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        s[(r + 1) * (width + 1) + c + 1] =
          f(r * width + c) +
          s[r * (width + 1) + c + 1] +
          s[(r + 1) * (width + 1) + c] -
          s[r * (width + 1) + c];
      }
    }
    return s;
  };
  const sums = [
    integral((i) => a[i]),
    integral((i) => b[i]),
    integral((i) => a[i] * a[i]),
    integral((i) => b[i] * b[i]),
    integral((i) => a[i] * b[i]),
  ];
  const boxSum = (s: Float64Array, r: number, c: number) =>
    s[(r + window) * (width + 1) + c + window] -
    s[r * (width + 1) + c + window] -
    s[(r + window) * (width + 1) + c] +
    s[r * (width + 1) + c];
  const [c1, c2] = [0.01 ** 2, 0.03 ** 2];
  const n = window * window;
  let total = 0;
  let count = 0;
  for (let r = 0; r + window <= height; r++) {
    for (let c = 0; c + window <= width; c++) {
      const [sa, sb, saa, sbb, sab] = sums.map((s) => boxSum(s, r, c) / n);
      const va = saa - sa * sa;
      const vb = sbb - sb * sb;
      const cov = sab - sa * sb;
      total += ((2 * sa * sb + c1) * (2 * cov + c2)) / ((sa * sa + sb * sb + c1) * (va + vb + c2));
      count++;
    }
  }
  return total / count;
}

/**
 * Runs the cascade on `pairs` (aligned to the model's template) for the signed map `variants`,
 * with the model deciding at `threshold`.
 */
export async function sanityCheck(
  spec: BenchModelSpec,
  pairs: SanityPair[],
  options: {
    variants: BenchmarkMethod[];
    threshold: number;
    seed: number;
    stages?: number;
    ig: IntegratedGradientsSettings;
    onStage?: (done: number, total: number) => void;
  },
): Promise<SanityResult> {
  const stageCount = options.stages ?? DEFAULT_SANITY_STAGES;
  if (pairs.length === 0) throw new RangeError('the sanity check needs at least one pair');
  const original = readModel(spec.path);
  const layers = weightLayers(original);
  if (layers.length === 0)
    throw new Error(`${spec.id} has no Conv, Gemm or MatMul layer with constant weights`);
  const { width, height } = spec.preprocessing.size;

  const mapsOf = async (path: string) => {
    const model = await openBenchModel({ ...spec, path }, options.ig);
    try {
      const methods = options.variants.map((name) =>
        createMethod(name, model, options.seed, { threshold: options.threshold }),
      );
      const maps: Float32Array[][] = [];
      for (const [index, pair] of pairs.entries()) {
        const [embeddingB] = await model.embed([pair.b]);
        const input = { a: pair.a, b: pair.b, embeddingB, pairIndex: index };
        maps.push(await Promise.all(methods.map((m) => m.explainA(input))));
      }
      return maps;
    } finally {
      await model.close();
    }
  };

  const reference = await mapsOf(spec.path);
  const folder = mkdtempSync(join(tmpdir(), 'xssab-sanity-'));
  const stages: SanityStage[] = [];
  try {
    for (let stage = 1; stage <= stageCount; stage++) {
      const count = Math.round((stage / stageCount) * layers.length);
      const randomised = layers.slice(layers.length - count);
      const names = new Set(randomised.flatMap((layer) => layer.initializers));
      const path = join(folder, `stage-${stage}.onnx`);
      writeFileSync(
        path,
        encodeModel(randomiseInitializers(original, names, pairSeed(options.seed, stage, 'randomise-model'))),
      );
      const maps = await mapsOf(path);
      const mean = (f: (p: number, v: number) => number) =>
        options.variants.map((_, v) => pairs.reduce((s, _pair, p) => s + f(p, v), 0) / pairs.length);
      const rho = mean((p, v) => spearman(reference[p][v], maps[p][v]));
      const structure = mean((p, v) => ssim(reference[p][v], maps[p][v], width, height));
      stages.push({
        layers: count,
        deepest: randomised[0].node,
        spearman: Object.fromEntries(options.variants.map((name, v) => [name, rho[v]])),
        ssim: Object.fromEntries(options.variants.map((name, v) => [name, structure[v]])),
      });
      options.onStage?.(stage, stageCount);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const last = stages[stages.length - 1];
  return {
    seed: options.seed,
    pairs: pairs.length,
    layers: layers.length,
    stages,
    passed: Object.fromEntries(
      options.variants.map((name) => [name, (last.spearman[name] ?? 1) < SANITY_MAX_SPEARMAN]),
    ),
  };
}
