/**
 * Turns a face-recognition model into one graph computing forward + xSSAB head + backward + maps
 * for a fixed number of pairs, so an explanation is a single ONNX Runtime run.
 */
import { appendInputGradient } from '../autodiff/compiler.js';
import { encodeModel, onnx, type ModelProto, type ValueInfoProto } from '../onnx/model-io.js';
import { NodeWriter } from './graph.js';
import { modelSignature } from './signature.js';
import {
  appendGradientMap,
  appendGradientSeed,
  appendXssabMaps,
  appendXssabSeeds,
  XSSAB_SEEDS_PER_SAMPLE,
} from './xssab.js';

/** Bump when the compiled graph changes, so cached graphs from older versions are not reused. */
export const COMPILER_VERSION = 1;

export type ExplanationMethod = 'xssab' | 'gradient';

/** Names of the compiled graph's inputs and outputs. */
export const IO = {
  threshold: 'xssab_threshold',
  products: 'xssab_products',
  scores: 'xssab_scores',
  pos: 'xssab_pos',
  neg: 'xssab_neg',
  combined: 'xssab_combined',
  gradientMap: 'xssab_gradient_map',
} as const;

export function floatOutput(name: string, shape: number[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((dimValue) => ({ dimValue })) },
      },
    },
  };
}

/** A shallow copy of the model whose graph lists we extend; nodes and tensors stay shared with `source`. */
export function extensibleCopy(source: ModelProto) {
  const graph = onnx.GraphProto.create({
    ...source.graph,
    node: [...(source.graph?.node ?? [])],
    input: [...(source.graph?.input ?? [])],
    output: [...(source.graph?.output ?? [])],
    initializer: [...(source.graph?.initializer ?? [])],
  });
  return { model: onnx.ModelProto.create({ ...source, graph }), graph };
}

/**
 * The explanation graph for `pairs` pairs laid out [A_1..A_P, B_1..B_P]. Inputs: the model's image
 * input [2P, C, H, W] and (xSSAB) the scalar threshold. Outputs: the embedding, and for xSSAB the
 * products [2P, d], scores [2P], pos/neg/combined [2P, H, W]; for the gradient baseline one map.
 */
export function compileExplainer(source: ModelProto, pairs: number, method: ExplanationMethod): Uint8Array {
  const sig = modelSignature(source);
  const { model, graph } = extensibleCopy(source);
  const rows = 2 * pairs;
  const head = new NodeWriter('xssab_head', sig.opset);
  let seed: string;
  if (method === 'xssab') {
    graph.input!.push({
      name: IO.threshold,
      type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [] } } },
    });
    const seeds = appendXssabSeeds(
      head,
      { embedding: sig.embedding, pairs, threshold: IO.threshold, dim: sig.dim },
      { products: IO.products, scores: IO.scores },
    );
    seed = seeds.seed;
    graph.output!.push(floatOutput(IO.products, [rows, sig.dim]), floatOutput(IO.scores, [rows]));
  } else {
    seed = appendGradientSeed(head, { embedding: sig.embedding, pairs }).seed;
  }
  graph.node!.push(...head.nodes);
  graph.initializer!.push(...head.initializers);

  const gradient = 'xssab_input_gradient';
  const seedsPerSample = method === 'xssab' ? XSSAB_SEEDS_PER_SAMPLE : 1;
  const differentiated = appendInputGradient(
    model,
    { wrt: sig.input, output: sig.embedding, seed, seedsPerSample, gradient },
    { inputShape: [rows, sig.channels, sig.height, sig.width] },
  );

  const maps = new NodeWriter('xssab_maps', sig.opset);
  const mapShape = [rows, sig.height, sig.width];
  const out = differentiated.graph!;
  if (method === 'xssab') {
    appendXssabMaps(maps, gradient, pairs, { pos: IO.pos, neg: IO.neg, combined: IO.combined });
    out.output!.push(
      floatOutput(IO.pos, mapShape),
      floatOutput(IO.neg, mapShape),
      floatOutput(IO.combined, mapShape),
    );
  } else {
    appendGradientMap(maps, gradient, IO.gradientMap);
    out.output!.push(floatOutput(IO.gradientMap, mapShape));
  }
  out.node!.push(...maps.nodes);
  out.initializer!.push(...maps.initializers);
  return encodeModel(differentiated);
}
