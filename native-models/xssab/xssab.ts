/**
 * The xSSAB maths (Huber et al., WACV 2024) as ONNX nodes around a face-recognition model.
 *
 * A batch of P pairs is laid out [A_1..A_P, B_1..B_P], so row r's partner is row (r + P) mod 2P.
 * With u = f/‖f‖ and v = the partner's unit embedding, p = u⊙v and the cosine score s = Σ p_i.
 * Dimensions with p_i ≥ t/d argue for a match (mask m = 1), the rest against it (m = 0).
 */
import type { NodeWriter } from './graph.js';

/** The xSSAB backward runs two seeds (positive, negative) per sample. */
export const XSSAB_SEEDS_PER_SAMPLE = 2;

export interface HeadInputs {
  /** Embedding value, [2P, d]. */
  embedding: string;
  pairs: number;
}

export interface XssabSeeds {
  /** Cotangents of the embedding, [seed⁺ of all 2P rows; seed⁻ of all 2P rows] = [4P, d]. */
  seed: string;
  /** p = u⊙v, [2P, d]. */
  products: string;
  /** Cosine scores, [2P] (rows r and r + P are equal). */
  scores: string;
}

/** Unit embeddings, their norms, and the partner rows (taken as constants by the seeds). */
function normalise(w: NodeWriter, { embedding, pairs }: HeadInputs) {
  const norm = w.op('Sqrt', [w.reduce('ReduceSum', w.op('Mul', [embedding, embedding]), [1], true)]);
  const unit = w.op('Div', [embedding, norm]);
  const partner = w.op('Concat', [w.rows(unit, pairs, 2 * pairs), w.rows(unit, 0, pairs)], { axis: 0 });
  return { norm, unit, partner };
}

/**
 * Seed ∂s/∂f for s = Σ_i m_i·u_i·v_i with v constant:
 *   ∂s/∂f = (I − u·uᵀ)(m⊙v) / ‖f‖ = (m⊙v − u·⟨u, m⊙v⟩) / ‖f‖.
 */
export function seedOf(w: NodeWriter, unit: string, norm: string, weightedPartner: string): string {
  const projection = w.reduce('ReduceSum', w.op('Mul', [unit, weightedPartner]), [1], true);
  const tangent = w.op('Sub', [weightedPartner, w.op('Mul', [unit, projection])]);
  return w.op('Div', [tangent, norm]);
}

/** The xSSAB head: positive/negative split at bound = threshold/d, seeds stacked for k = 2. */
export function appendXssabSeeds(
  w: NodeWriter,
  inputs: HeadInputs & { threshold: string; dim: number },
  names: { products: string; scores: string },
): XssabSeeds {
  const { norm, unit, partner } = normalise(w, inputs);
  const products = w.op('Mul', [unit, partner], {}, names.products);
  const scores = w.reduce('ReduceSum', products, [1], false, names.scores);
  const bound = w.op('Div', [inputs.threshold, w.float(inputs.dim)]);
  const negative = w.op('Cast', [w.op('Less', [products, bound])], { to: 1 /* FLOAT */ });
  const positive = w.op('Sub', [w.float(1), negative]);
  const seedPositive = seedOf(w, unit, norm, w.op('Mul', [positive, partner]));
  const seedNegative = seedOf(w, unit, norm, w.op('Mul', [negative, partner]));
  return { seed: w.op('Concat', [seedPositive, seedNegative], { axis: 0 }), products, scores };
}

/** The plain-gradient baseline: the seed of the whole cosine score, one per sample (k = 1). */
export function appendGradientSeed(w: NodeWriter, inputs: HeadInputs): { seed: string } {
  const { norm, unit, partner } = normalise(w, inputs);
  return { seed: seedOf(w, unit, norm, partner) };
}

/** Channel mean of |g|: [N, C, H, W] → [N, H, W]. */
function saliency(w: NodeWriter, gradient: string, output?: string): string {
  return w.reduce('ReduceMean', w.op('Abs', [gradient]), [1], false, output);
}

/** From the input gradient [4P, C, H, W] of the xSSAB seeds: pos, neg, combined maps, each [2P, H, W]. */
export function appendXssabMaps(
  w: NodeWriter,
  gradient: string,
  pairs: number,
  names: { pos: string; neg: string; combined: string },
): void {
  const pos = saliency(w, w.rows(gradient, 0, 2 * pairs), names.pos);
  const neg = saliency(w, w.rows(gradient, 2 * pairs, 4 * pairs), names.neg);
  w.op('Sub', [pos, neg], {}, names.combined);
}

/** From the input gradient [2P, C, H, W] of the baseline seed: one map per image, [2P, H, W]. */
export function appendGradientMap(w: NodeWriter, gradient: string, name: string): void {
  saliency(w, gradient, name);
}
