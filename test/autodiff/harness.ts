import * as ort from 'onnxruntime-node';
import { appendInputGradient } from '../../native-models/autodiff/compiler.js';
import { encodeModel, type ModelProto } from '../../native-models/onnx/model-io.js';
import { makeValueInfo } from '../../native-models/onnx/graph-builder.js';

/** Deterministic uniform random numbers in [lo, hi) (mulberry32). */
export function random(seed: number): (lo?: number, hi?: number) => number {
  let state = seed >>> 0;
  return (lo = -1, hi = 1) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  };
}

/** n values in [-1, 1) with |v| ≥ gap, so finite differences do not cross kinks at 0. */
export function randomValues(n: number, seed: number, gap = 0): Float32Array {
  const next = random(seed);
  return Float32Array.from({ length: n }, () => {
    const v = next(gap, 1);
    return next() < 0 ? -v : v;
  });
}

/** A shuffle of n evenly spaced values in (-1, 1): no two closer than 2/n (no ties for Max, MaxPool). */
export function distinctValues(n: number, seed: number): Float32Array {
  const next = random(seed);
  const values = Float32Array.from({ length: n }, (_, i) => ((i + 0.5) / n) * 2 - 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next(0, i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

export async function session(model: ModelProto): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1, interOpNumThreads: 1 });
}

export async function runModel(
  model: ModelProto,
  feeds: Record<string, ort.Tensor>,
  outputs: string[],
): Promise<Float32Array[]> {
  const s = await session(model);
  try {
    const result = await s.run(feeds, outputs);
    return outputs.map((name) => result[name].data as Float32Array);
  } finally {
    await s.release();
  }
}

export interface GradientCheck {
  /** Largest |analytic − finite difference|, relative to the largest |finite difference|. */
  relativeError: number;
  analytic: Float32Array;
  numeric: Float64Array;
}

/**
 * Compares the compiled VJP with central differences over every input coordinate.
 * All perturbed copies of each sample run as one batch through the forward model,
 * which is exact because samples do not interact.
 */
export async function checkGradient(
  forward: ModelProto,
  xDims: number[],
  options: {
    wrt?: string;
    output?: string;
    seed?: number;
    gap?: number;
    distinct?: boolean;
    step?: number;
    x?: Float32Array;
  } = {},
): Promise<GradientCheck> {
  const wrt = options.wrt ?? 'x';
  const output = options.output ?? 'y';
  const step = options.step ?? 1e-2;
  const [n, ...sampleDims] = xDims;
  const p = product(sampleDims);
  const x =
    options.x ??
    (options.distinct
      ? distinctValues(n * p, options.seed ?? 1)
      : randomValues(n * p, options.seed ?? 1, options.gap ?? 0));

  const probes = new Float32Array(n * 2 * p * p);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < p; c++) {
      for (let sign = 0; sign < 2; sign++) {
        const row = (i * p + c) * 2 + sign;
        probes.set(x.subarray(i * p, (i + 1) * p), row * p);
        probes[row * p + c] += sign === 0 ? step : -step;
      }
    }
  }
  const [y] = await runModel(
    forward,
    { [wrt]: new ort.Tensor('float32', probes, [n * 2 * p, ...sampleDims]) },
    [output],
  );
  const q = y.length / (n * 2 * p);
  const seed = randomValues(n * q, (options.seed ?? 1) + 100);

  const numeric = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < p; c++) {
      let sum = 0;
      const plus = (i * p + c) * 2 * q;
      const minus = plus + q;
      for (let j = 0; j < q; j++) sum += seed[i * q + j] * (y[plus + j] - y[minus + j]);
      numeric[i * p + c] = sum / (2 * step);
    }
  }
  const analytic = await vjp(forward, wrt, output, xDims, x, seed);
  let worst = 0;
  let scale = 1e-6;
  numeric.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - analytic[i]));
    scale = Math.max(scale, Math.abs(v));
  });
  return { relativeError: worst / scale, analytic, numeric };
}

/** The compiled gradient for the given input and seed (k = number of seed blocks). */
export async function vjp(
  forward: ModelProto,
  wrt: string,
  output: string,
  xDims: number[],
  x: Float32Array,
  seed: Float32Array,
  k = 1,
): Promise<Float32Array> {
  const model = appendInputGradient(
    forward,
    { wrt, output, seed: 'seed', seedsPerSample: k, gradient: 'gradient' },
    { inputShape: xDims },
  );
  const graph = model.graph!;
  const outDims = await outputDims(forward, wrt, output, xDims, x);
  graph.input!.push(makeValueInfo('seed', [k * xDims[0], ...outDims.slice(1)]));
  graph.output!.push(makeValueInfo('gradient', [k * xDims[0], ...xDims.slice(1)]));
  const [g] = await runModel(
    model,
    {
      [wrt]: new ort.Tensor('float32', x, xDims),
      seed: new ort.Tensor('float32', seed, [k * xDims[0], ...outDims.slice(1)]),
    },
    ['gradient'],
  );
  return g;
}

/**
 * A smooth direction in an input of `dims` (NCHW): per channel c, a sine down the rows times a
 * cosine across the columns, both shifted by c.
 */
export function smoothDirection(dims: readonly number[]): Float32Array {
  const [, , h, w] = dims;
  return Float32Array.from({ length: product(dims) }, (_, i) => {
    const c = Math.floor(i / (h * w));
    return (
      Math.sin((2 * Math.PI * Math.floor((i % (h * w)) / w)) / h + c) *
      Math.cos((2 * Math.PI * (i % w)) / w - c)
    );
  });
}

/**
 * ⟨seed, embedding⟩ differentiated along `direction` at x two ways: from the VJP `gradient`
 * (analytic) and by central differences of `embed` (numeric). The step is small: face models have
 * thousands of PReLU/Clip/MaxPool kinks a larger step crosses.
 */
export async function directionalDerivative(
  embed: (x: Float32Array) => Promise<Float32Array>,
  x: Float32Array,
  direction: Float32Array,
  gradient: Float32Array,
  seed: Float32Array,
  step = 1e-4,
): Promise<{ analytic: number; numeric: number }> {
  const analytic = gradient.reduce((sum, g, i) => sum + g * direction[i], 0);
  const [plus, minus] = await Promise.all(
    [step, -step].map((h) => embed(Float32Array.from(x, (v, i) => v + h * direction[i]))),
  );
  const numeric = seed.reduce((sum, s, j) => sum + s * (plus[j] - minus[j]), 0) / (2 * step);
  return { analytic, numeric };
}

async function outputDims(
  forward: ModelProto,
  wrt: string,
  output: string,
  xDims: number[],
  x: Float32Array,
): Promise<readonly number[]> {
  const s = await session(forward);
  try {
    const result = await s.run({ [wrt]: new ort.Tensor('float32', x, xDims) }, [output]);
    return result[output].dims;
  } finally {
    await s.release();
  }
}
