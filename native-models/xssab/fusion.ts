/**
 * Score fusion of several recognition models as one composite graph: every member reads the same
 * aligned face (RGB pixels 0..255, normalised inside the graph as its own manifest says), and the
 * composite embedding is the concatenation of the members' L2-normalised embeddings over √k. Its
 * cosine score is therefore the mean of the members' cosine scores, and because the whole
 * composite is one graph, the explanation maps are exact gradients of that mean.
 *
 * Members must take the same crop (alignment template and size): a member on another crop would
 * need an in-graph resampling that is not the alignment it was trained on.
 */
import { onnx, type ModelProto, type NodeProto, type TensorProto } from '../onnx/model-io.js';
import { NodeWriter } from './graph.js';
import { prepareForExplanation } from './prepare.js';
import type { Preprocessing } from './preprocess.js';
import { modelSignature } from './signature.js';

export interface FusionMember {
  /** Short name, used to prefix the member's values in the composite graph. */
  id: string;
  model: ModelProto;
  preprocessing: Preprocessing;
}

export class FusionError extends Error {
  override name = 'FusionError';
}

/** Name of the composite graph's image input: RGB pixels 0..255, [N, 3, H, W]. */
export const FUSION_INPUT = 'pixels';
export const FUSION_OUTPUT = 'fused_embedding';

/** Operators whose definition did not change between opset 11 and the composite's opset. */
const STABLE_SINCE_11 = new Set([
  'Add',
  'AveragePool',
  'BatchNormalization',
  'Concat',
  'Conv',
  'Div',
  'Flatten',
  'Gemm',
  'GlobalAveragePool',
  'Identity',
  'MatMul',
  'Max',
  'MaxPool',
  'Min',
  'Mul',
  'PRelu',
  'Relu',
  'Reshape',
  'Sigmoid',
  'Sub',
  'Tanh',
  'Transpose',
]);

const triple = (v: number | [number, number, number]): number[] => (typeof v === 'number' ? [v, v, v] : v);

export function fuseModels(members: FusionMember[]): ModelProto {
  if (members.length < 2) throw new FusionError('fusion needs at least two models');
  const prepared = members.map((m) => ({ ...m, model: prepareForExplanation(m.model).model }));
  const signatures = prepared.map((m) => modelSignature(m.model));
  const [{ height, width }] = signatures;
  if (signatures.some((s) => s.height !== height || s.width !== width || s.channels !== 3)) {
    throw new FusionError(
      `fused models must take the same 3-channel crop; they take ${signatures.map((s, i) => `${members[i].id} ${s.width}×${s.height}`).join(', ')}`,
    );
  }
  const opset = Math.max(...signatures.map((s) => s.opset));
  for (const [i, member] of prepared.entries()) {
    if (signatures[i].opset === opset) continue;
    const changed = (member.model.graph?.node ?? []).find((n) => !STABLE_SINCE_11.has(n.opType ?? ''));
    if (changed) {
      throw new FusionError(
        `${member.id} (opset ${signatures[i].opset}) uses ${changed.opType}, whose form differs in opset ${opset}`,
      );
    }
  }

  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const head = new NodeWriter('fusion', opset);
  const units: string[] = [];
  for (const [i, member] of prepared.entries()) {
    const prefix = `fusion/${member.id}/`;
    const rename = (name: string) => (name ? `${prefix}${name}` : name);
    const graph = member.model.graph!;
    // The member's own input normalisation (and channel order) in front of its renamed graph.
    const input = new NodeWriter(`${prefix}input`, opset);
    const { mean, std, color } = member.preprocessing;
    const ordered =
      color === 'bgr'
        ? input.op('Gather', [FUSION_INPUT, input.int64([2, 1, 0])], { axis: 1 })
        : FUSION_INPUT;
    const centred = input.op('Sub', [ordered, input.float(triple(mean), [1, 3, 1, 1])]);
    input.op('Div', [centred, input.float(triple(std), [1, 3, 1, 1])], {}, rename(signatures[i].input));
    nodes.push(...input.nodes);
    initializers.push(...input.initializers);
    for (const node of graph.node ?? []) {
      nodes.push(
        onnx.NodeProto.create({
          ...node,
          name: node.name ? rename(node.name) : '',
          input: (node.input ?? []).map(rename),
          output: (node.output ?? []).map(rename),
        }),
      );
    }
    for (const tensor of graph.initializer ?? [])
      initializers.push(onnx.TensorProto.create({ ...tensor, name: rename(tensor.name!) }));
    const embedding = rename(signatures[i].embedding);
    const squared = head.reduce('ReduceSum', head.op('Mul', [embedding, embedding]), [1], true);
    units.push(head.op('Div', [embedding, head.op('Sqrt', [squared])]));
  }
  const joined = head.op('Concat', units, { axis: 1 });
  head.op('Mul', [joined, head.float(1 / Math.sqrt(members.length))], {}, FUSION_OUTPUT);
  const dim = signatures.reduce((sum, s) => sum + s.dim, 0);

  const float = onnx.TensorProto.DataType.FLOAT;
  return onnx.ModelProto.create({
    irVersion: Math.max(...prepared.map((m) => Number(m.model.irVersion ?? 7))),
    producerName: 'xssab-workstation fusion',
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: `fusion of ${members.map((m) => m.id).join(' + ')}`,
      node: [...nodes, ...head.nodes],
      initializer: [...initializers, ...head.initializers],
      input: [
        {
          name: FUSION_INPUT,
          type: {
            tensorType: {
              elemType: float,
              shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }, { dimValue: height }, { dimValue: width }] },
            },
          },
        },
      ],
      output: [
        {
          name: FUSION_OUTPUT,
          type: { tensorType: { elemType: float, shape: { dim: [{ dimParam: 'N' }, { dimValue: dim }] } } },
        },
      ],
    },
  });
}
