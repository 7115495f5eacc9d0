/**
 * Test-time horizontal-flip averaging as a graph transform: the model runs on the face and on its
 * mirror image (a Slice with step −1 over the width, inside the graph), and the embedding is the
 * mean of the two L2-normalised embeddings. Because the mirrored branch is part of the graph the
 * autodiff differentiates, the explanation maps stay exact gradients of the averaged score.
 */
import { onnx, type ModelProto, type NodeProto } from '../onnx/model-io.js';
import { NodeWriter } from './graph.js';
import { modelSignature } from './signature.js';

const PREFIX = 'flip_averaging';

/** The averaged model: same image input, one output `<embedding>/flip_averaged` [N, d]. */
export function withFlipAveraging(source: ModelProto): ModelProto {
  const sig = modelSignature(source);
  const graph = source.graph!;
  const mirror = new NodeWriter(`${PREFIX}/mirror`, sig.opset);
  const head = new NodeWriter(PREFIX, sig.opset);

  // Only the values computed from the image are duplicated; weights and constants are shared.
  const mirrored = new Map<string, string>([[sig.input, `${PREFIX}/mirror/${sig.input}`]]);
  const copies: NodeProto[] = [];
  for (const node of graph.node ?? []) {
    if (!(node.input ?? []).some((x) => mirrored.has(x))) continue;
    for (const y of node.output ?? []) if (y) mirrored.set(y, `${PREFIX}/mirror/${y}`);
    copies.push(
      onnx.NodeProto.create({
        ...node,
        name: node.name ? `${PREFIX}/mirror/${node.name}` : '',
        input: (node.input ?? []).map((x) => mirrored.get(x) ?? x),
        output: (node.output ?? []).map((y) => mirrored.get(y) ?? y),
      }),
    );
  }
  mirror.op(
    'Slice',
    [sig.input, mirror.int64([-1]), mirror.int64([-(2 ** 53)]), mirror.int64([3]), mirror.int64([-1])],
    {},
    mirrored.get(sig.input),
  );
  const unit = (embedding: string): string => {
    const squared = head.reduce('ReduceSum', head.op('Mul', [embedding, embedding]), [1], true);
    return head.op('Div', [embedding, head.op('Sqrt', [squared])]);
  };
  const output = `${sig.embedding}/flip_averaged`;
  const sum = head.op('Add', [unit(sig.embedding), unit(mirrored.get(sig.embedding)!)]);
  head.op('Mul', [sum, head.float(0.5)], {}, output);

  const declared = graph.output![0];
  return onnx.ModelProto.create({
    ...source,
    graph: onnx.GraphProto.create({
      ...graph,
      node: [...(graph.node ?? []), ...mirror.nodes, ...copies, ...head.nodes],
      initializer: [...(graph.initializer ?? []), ...mirror.initializers, ...head.initializers],
      output: [onnx.ValueInfoProto.create({ ...declared, name: output }), ...(graph.output ?? []).slice(1)],
    }),
  });
}
