/**
 * Signed attributions of the xSSAB partial scores: integrated gradients (Sundararajan et al., 2017)
 * on the engine's exact gradients.
 *
 * With v = B's unit embedding and the split m fixed at the analysed pair (m_i = 1 where
 * p_i = u_i·v_i ≥ t/d), face A's positive and negative partial scores are
 *   s⁺(x) = Σ_i m_i·u_i(x)·v_i,   s⁻(x) = Σ_i (1 − m_i)·u_i(x)·v_i,   s = s⁺ + s⁻.
 * Along the straight path x(α) = x₀ + α(x − x₀) from a neutral face x₀ (mid-grey), the attribution
 * of input value j is (x_j − x₀_j)·∫₀¹ ∂s±/∂x_j(x(α)) dα, taken by the trapezoid rule on K + 1
 * points; all points run as one batch in one ONNX Runtime run. The attributions of each partial
 * score add up to its change from x₀ to x (completeness) up to the quadrature error, which the
 * result reports.
 */
import { appendInputGradient } from '../autodiff/compiler.js';
import { encodeModel, onnx, type ModelProto } from '../onnx/model-io.js';
import { extensibleCopy, floatOutput } from './compile.js';
import { NodeWriter } from './graph.js';
import { modelSignature } from './signature.js';
import { seedOf } from './xssab.js';

export const DEFAULT_IG_STEPS = 16;
/**
 * Gaussian smoothing (pixels) of the maps shown and benchmarked: chosen on the tuning split of the
 * fixtures (test/fixtures/face-splits), never on the held-out one.
 */
export const DEFAULT_IG_SMOOTHING = 4;

/** Names of the integrated-gradients graph's extra inputs and its outputs. */
export const IG_IO = {
  /** B's unit embedding, [1, d]. */
  partner: 'ig_partner',
  /** The split m: 1 for dimensions arguing for a match, [1, d]. */
  positiveMask: 'ig_positive_mask',
  /** [2(K+1), C, H, W]: ∂s⁺/∂x of every path point, then ∂s⁻/∂x of every path point. */
  gradient: 'ig_input_gradient',
  positiveScores: 'ig_positive_scores',
  negativeScores: 'ig_negative_scores',
} as const;

/**
 * The graph for `points` path points of one face: the model's input [points, C, H, W] and the two
 * [1, d] inputs above; outputs s⁺ and s⁻ per point and the input gradients of both.
 */
export function compileIntegratedGradients(source: ModelProto, points: number): Uint8Array {
  const sig = modelSignature(source);
  const { model, graph } = extensibleCopy(source);
  const vector = {
    tensorType: {
      elemType: onnx.TensorProto.DataType.FLOAT,
      shape: { dim: [{ dimValue: 1 }, { dimValue: sig.dim }] },
    },
  };
  graph.input!.push({ name: IG_IO.partner, type: vector }, { name: IG_IO.positiveMask, type: vector });

  const w = new NodeWriter('ig_head', sig.opset);
  const f = sig.embedding;
  const norm = w.op('Sqrt', [w.reduce('ReduceSum', w.op('Mul', [f, f]), [1], true)]);
  const unit = w.op('Div', [f, norm]);
  const positivePartner = w.op('Mul', [IG_IO.positiveMask, IG_IO.partner]);
  const negativePartner = w.op('Sub', [IG_IO.partner, positivePartner]);
  w.reduce('ReduceSum', w.op('Mul', [unit, positivePartner]), [1], false, IG_IO.positiveScores);
  w.reduce('ReduceSum', w.op('Mul', [unit, negativePartner]), [1], false, IG_IO.negativeScores);
  const seed = w.op(
    'Concat',
    [seedOf(w, unit, norm, positivePartner), seedOf(w, unit, norm, negativePartner)],
    {
      axis: 0,
    },
  );
  graph.node!.push(...w.nodes);
  graph.initializer!.push(...w.initializers);
  graph.output!.push(
    floatOutput(IG_IO.positiveScores, [points]),
    floatOutput(IG_IO.negativeScores, [points]),
  );

  const differentiated = appendInputGradient(
    model,
    { wrt: sig.input, output: sig.embedding, seed, seedsPerSample: 2, gradient: IG_IO.gradient },
    { inputShape: [points, sig.channels, sig.height, sig.width] },
  );
  differentiated.graph!.output!.push(
    floatOutput(IG_IO.gradient, [2 * points, sig.channels, sig.height, sig.width]),
  );
  return encodeModel(differentiated);
}

/** The K + 1 path points x₀ + (k/K)(x − x₀), stacked [K + 1, C, H, W]. */
export function pathPoints(input: Float32Array, baseline: Float32Array, steps: number): Float32Array {
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps must be a whole number ≥ 1; got ${steps}`);
  const size = input.length;
  const out = new Float32Array((steps + 1) * size);
  for (let k = 0; k <= steps; k++) {
    const alpha = k / steps;
    for (let j = 0; j < size; j++) out[k * size + j] = baseline[j] + alpha * (input[j] - baseline[j]);
  }
  return out;
}

export interface PartialScoreChange {
  /** The partial score at the neutral face and at the face. */
  baseline: number;
  input: number;
  /** Sum of the attributions minus (input − baseline): the quadrature error. */
  gap: number;
}

export interface IntegratedGradients {
  /** Per pixel (summed over channels), height × width: attributions of s⁺, of s⁻, and their sum (of s). */
  pos: Float32Array;
  neg: Float32Array;
  signed: Float32Array;
  steps: number;
  positive: PartialScoreChange;
  negative: PartialScoreChange;
}

/**
 * Attributions from one run's outputs: trapezoid weights over the path points, times (x − x₀),
 * summed over channels.
 */
export function attributions(
  gradient: Float32Array,
  scores: { positive: Float32Array; negative: Float32Array },
  input: Float32Array,
  baseline: Float32Array,
  shape: { channels: number; height: number; width: number },
): IntegratedGradients {
  const points = scores.positive.length;
  const steps = points - 1;
  const plane = shape.height * shape.width;
  const size = shape.channels * plane;
  const maps = [new Float64Array(plane), new Float64Array(plane)];
  maps.forEach((map, s) => {
    for (let k = 0; k < points; k++) {
      const weight = (k === 0 || k === steps ? 0.5 : 1) / steps;
      const row = (s * points + k) * size;
      for (let c = 0; c < shape.channels; c++) {
        for (let i = 0; i < plane; i++) {
          const j = c * plane + i;
          map[i] += weight * gradient[row + j] * (input[j] - baseline[j]);
        }
      }
    }
  });
  const change = (values: Float32Array, map: Float64Array): PartialScoreChange => {
    const total = map.reduce((sum, v) => sum + v, 0);
    return { baseline: values[0], input: values[steps], gap: total - (values[steps] - values[0]) };
  };
  const [pos, neg] = maps;
  return {
    pos: Float32Array.from(pos),
    neg: Float32Array.from(neg),
    signed: Float32Array.from(pos, (v, i) => v + neg[i]),
    steps,
    positive: change(scores.positive, pos),
    negative: change(scores.negative, neg),
  };
}

/**
 * Gaussian smoothing of a map (separable, edges clamped) for display and ranking; the attribution
 * totals of the unsmoothed map are the ones that add up to the score change.
 */
export function smoothMap(map: Float32Array, width: number, height: number, sigma: number): Float32Array {
  if (sigma <= 0) return Float32Array.from(map);
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) =>
    Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)),
  );
  const total = kernel.reduce((s, v) => s + v, 0);
  const weights = kernel.map((v) => v / total);
  const pass = (source: Float32Array, horizontal: boolean) => {
    const out = new Float32Array(source.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          const xx = horizontal ? Math.min(Math.max(x + k, 0), width - 1) : x;
          const yy = horizontal ? y : Math.min(Math.max(y + k, 0), height - 1);
          sum += weights[k + radius] * source[yy * width + xx];
        }
        out[y * width + x] = sum;
      }
    }
    return out;
  };
  return pass(pass(map, true), false);
}
