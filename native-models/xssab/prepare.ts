/**
 * Brings a recognition model, exported the ways third parties export them, into the form the
 * explainer compiles: opset 9/10 operators rewritten in their opset-11 form, a batch axis fixed
 * to 1 made dynamic where shape inference proves it safe, and the embedding size inferred when
 * the exporter left it symbolic. The model file itself is never changed: the engine works on the
 * prepared copy and `changes` says what was done, for the record.
 */
import {
  intsAttribute,
  makeNode,
  makeTensor,
  numberAttribute,
  stringAttribute,
  tensorValues,
  toNumber,
} from '../onnx/graph-builder.js';
import {
  defaultOpset,
  onnx,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type ValueInfoProto,
} from '../onnx/model-io.js';
import { shapeRule } from '../autodiff/rules.js';
import { inferShapes, type ShapeInference } from '../onnx/shapes.js';

/** The oldest operator set the explainer compiles for; older models are upgraded to it. */
const MIN_OPSET = 11;

/**
 * Operators whose form before opset `until` differs from opset 11 in a way this module does not
 * rewrite, with the reason.
 */
const NOT_UPGRADED: Record<string, { until: number; reason: string }> = {
  Upsample: {
    until: 12,
    reason: 'Upsample was removed in opset 10; its Resize equivalent is not differentiated',
  },
  Resize: { until: 11, reason: 'Resize changed its inputs in opset 11 and is not differentiated' },
  TopK: { until: 10, reason: 'TopK takes k as an input from opset 10; not rewritten' },
  Scatter: { until: 12, reason: 'Scatter was replaced by ScatterElements in opset 11; not rewritten' },
};

/** A model the explainer cannot be given, with every reason (node and why). */
export class ModelPreparationError extends Error {
  override name = 'ModelPreparationError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

export interface PreparedModel {
  /** The model to compile and run: `source` itself when nothing had to change. */
  model: ModelProto;
  /** What was changed, one line each (empty when `model` is `source`). */
  changes: string[];
}

const PROBE_BATCHES = [2, 3] as const;
const isDefaultDomain = (node: NodeProto): boolean => !node.domain || node.domain === 'ai.onnx';
const nodeLabel = (node: NodeProto, index: number): string =>
  `${node.opType} node '${node.name || `#${index} (${node.output?.[0] ?? ''})`}'`;
/** Slice bounds such as INT64_MAX do not survive a JavaScript number; ±2^53 clamps the same way. */
const clampInt64 = (v: number): number => Math.max(-(2 ** 53), Math.min(2 ** 53, v));

function staticDim(value: ValueInfoProto, axis: number): number | undefined {
  const dim = value.type?.tensorType?.shape?.dim?.[axis];
  return dim?.dimValue != null && toNumber(dim.dimValue) > 0 ? toNumber(dim.dimValue) : undefined;
}

function copyValueInfo(value: ValueInfoProto): ValueInfoProto {
  return onnx.ValueInfoProto.decode(onnx.ValueInfoProto.encode(value).finish());
}

export function prepareForExplanation(source: ModelProto): PreparedModel {
  const graph: GraphProto = onnx.GraphProto.create({
    ...source.graph,
    node: [...(source.graph?.node ?? [])],
    initializer: [...(source.graph?.initializer ?? [])],
    input: (source.graph?.input ?? []).map(copyValueInfo),
    output: (source.graph?.output ?? []).map(copyValueInfo),
    valueInfo: [...(source.graph?.valueInfo ?? [])],
  });
  const model = onnx.ModelProto.create({
    ...source,
    opsetImport: (source.opsetImport ?? []).map((o) => onnx.OperatorSetIdProto.create({ ...o })),
    graph,
  });
  const changes: string[] = [];
  const taken = new Set<string>([
    ...graph.node!.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]),
    ...graph.initializer!.map((t) => t.name!),
  ]);
  const fresh = (hint: string): string => {
    let name = hint;
    for (let i = 1; taken.has(name); i++) name = `${hint}_${i}`;
    taken.add(name);
    return name;
  };

  upgradeOpset(model, fresh, changes);
  const initializerNames = new Set(graph.initializer!.map((t) => t.name));
  const image = graph.input!.find((i) => !initializerNames.has(i.name));
  const embedding = graph.output![0];
  if (!image || !embedding) return { model: source, changes: [] };
  const sample = [1, 2, 3].map((axis) => staticDim(image, axis));
  const sampleShape = sample.every((d) => d !== undefined) ? (sample as number[]) : undefined;

  if (staticDim(image, 0) === 1 && sampleShape) makeBatchDynamic(model, image, sampleShape, fresh, changes);
  if (sampleShape) inferEmbeddingSize(model, image, embedding, sampleShape, changes);
  return changes.length ? { model, changes } : { model: source, changes: [] };
}

/** Pad, Clip and Slice in their opset-11 form (attributes become inputs); the opset import raised to 11. */
function upgradeOpset(model: ModelProto, fresh: (hint: string) => string, changes: string[]): void {
  const from = defaultOpset(model);
  if (from >= MIN_OPSET) return;
  const graph = model.graph!;
  const nodes = graph.node!;
  const problems: string[] = [];
  const rewritten = new Map<string, number>();
  const int64 = (hint: string, values: number[]): string => {
    const name = fresh(hint);
    graph.initializer!.push(makeTensor(name, [values.length], values.map(clampInt64), 'int64'));
    return name;
  };
  const float = (hint: string, value: number): string => {
    const name = fresh(hint);
    graph.initializer!.push(makeTensor(name, [], [value]));
    return name;
  };
  nodes.forEach((node, index) => {
    if (!isDefaultDomain(node)) return;
    const op = node.opType ?? '';
    const [x] = node.input ?? [];
    const base = node.name || node.output?.[0] || op;
    let replacement: NodeProto | undefined;
    if (Object.hasOwn(NOT_UPGRADED, op) && from < NOT_UPGRADED[op].until) {
      problems.push(`${nodeLabel(node, index)}: ${NOT_UPGRADED[op].reason}`);
    } else if (op === 'Pad') {
      const mode = stringAttribute(node, 'mode', 'constant');
      const pads = int64(`${base}/pads`, intsAttribute(node, 'pads') ?? []);
      const inputs =
        mode === 'constant'
          ? [x, pads, float(`${base}/value`, numberAttribute(node, 'value', 0))]
          : [x, pads];
      replacement = makeNode('Pad', inputs, node.output ?? [], { mode }, node.name ?? undefined);
    } else if (op === 'Clip') {
      const min = numberAttribute(node, 'min', Number.NaN);
      const max = numberAttribute(node, 'max', Number.NaN);
      const inputs = [x, Number.isNaN(min) ? '' : float(`${base}/min`, min)];
      if (!Number.isNaN(max)) inputs.push(float(`${base}/max`, max));
      replacement = makeNode('Clip', inputs, node.output ?? [], {}, node.name ?? undefined);
    } else if (op === 'Slice' && from < 10) {
      const starts = intsAttribute(node, 'starts') ?? [];
      const inputs = [
        x,
        int64(`${base}/starts`, starts),
        int64(`${base}/ends`, intsAttribute(node, 'ends') ?? []),
      ];
      const axes = intsAttribute(node, 'axes');
      if (axes) inputs.push(int64(`${base}/axes`, axes));
      replacement = makeNode('Slice', inputs, node.output ?? [], {}, node.name ?? undefined);
    }
    if (replacement) {
      nodes[index] = replacement;
      rewritten.set(op, (rewritten.get(op) ?? 0) + 1);
    }
  });
  if (problems.length) throw new ModelPreparationError(problems.map((p) => `opset ${from}: ${p}`));
  for (const set of model.opsetImport!) if (!set.domain || set.domain === 'ai.onnx') set.version = MIN_OPSET;
  if (Number(model.irVersion ?? 0) < 6) model.irVersion = 6;
  const list = [...rewritten].map(([op, n]) => `${n} ${op}`).join(', ');
  changes.push(`opset ${from} → ${MIN_OPSET}${list ? ` (rewritten in opset-11 form: ${list})` : ''}`);
}

function constantValues(graph: GraphProto, name: string): { values: number[]; dims: number[] } | undefined {
  const initializer = graph.initializer!.find((t) => t.name === name);
  if (initializer) return { values: tensorValues(initializer), dims: (initializer.dims ?? []).map(toNumber) };
  const producer = graph.node!.find((n) => n.opType === 'Constant' && n.output?.[0] === name);
  const tensor = producer?.attribute?.find((a) => a.name === 'value')?.t;
  return tensor ? { values: tensorValues(tensor), dims: (tensor.dims ?? []).map(toNumber) } : undefined;
}

/**
 * Batch 1 → dynamic: Reshape targets that spell the batch as 1 copy it instead (0), then shape
 * inference at two batch sizes must show every value computed from the image keeping the batch
 * first; otherwise the node that loses it is named and nothing is changed.
 */
function makeBatchDynamic(
  model: ModelProto,
  image: ValueInfoProto,
  sample: number[],
  fresh: (hint: string) => string,
  changes: string[],
): void {
  const graph = model.graph!;
  const nodes = graph.node!;
  const dependsOnImage = new Set([image.name!]);
  for (const node of nodes)
    if ((node.input ?? []).some((x) => dependsOnImage.has(x)))
      for (const y of node.output ?? []) dependsOnImage.add(y);

  const rewritten: string[] = [];
  nodes.forEach((node, index) => {
    if (node.opType !== 'Reshape' || !isDefaultDomain(node)) return;
    const [data, shape] = node.input ?? [];
    if (!dependsOnImage.has(data) || numberAttribute(node, 'allowzero', 0) === 1) return;
    const target = constantValues(graph, shape);
    if (!target || target.values[0] !== 1) return;
    const copied = fresh(`${shape}/batch`);
    graph.initializer!.push(makeTensor(copied, target.dims, [0, ...target.values.slice(1)], 'int64'));
    nodes[index] = onnx.NodeProto.create({ ...node, input: [data, copied, ...(node.input ?? []).slice(2)] });
    rewritten.push(
      `${nodeLabel(node, index)} [${target.values.join(', ')}] → [0, ${target.values.slice(1).join(', ')}]`,
    );
  });

  // A shape constant no node reads any more would only make ONNX Runtime warn.
  const read = new Set([...nodes.flatMap((n) => n.input ?? []), ...graph.output!.map((o) => o.name)]);
  graph.node = nodes.filter((n) => n.opType !== 'Constant' || read.has(n.output?.[0] ?? ''));
  graph.initializer = graph.initializer!.filter(
    (t) => read.has(t.name!) || graph.input!.some((i) => i.name === t.name),
  );

  const probes: ShapeInference[] = PROBE_BATCHES.map((batch) =>
    inferShapes(graph, defaultOpset(model), new Map([[image.name!, [batch, ...sample]]]), shapeRule),
  );
  const batchFirst = (name: string): boolean =>
    probes.every((p, i) => p.shapes.get(name)?.[0] === PROBE_BATCHES[i]);
  for (const [index, node] of graph.node.entries()) {
    if (!(node.input ?? []).some((x) => dependsOnImage.has(x))) continue;
    const failure = probes[0].failures.get(node);
    if (failure) {
      throw new ModelPreparationError([
        `the batch axis is fixed to 1 and cannot be proved safe to free: shape inference fails at ${nodeLabel(node, index)} (${failure})`,
      ]);
    }
    // Shape computations (Shape → Gather → Concat …) carry no batch axis; only data values are followed.
    if (node.opType === 'Shape' || node.opType === 'Size' || !(node.input ?? []).some(batchFirst)) continue;
    const lost = (node.output ?? []).find((y) => y && !batchFirst(y));
    if (lost) {
      throw new ModelPreparationError([
        `the batch axis is fixed to 1 and cannot be made dynamic: ${nodeLabel(node, index)} does not keep the batch first in '${lost}' (at batch 2 it is [${probes[0].shapes.get(lost)?.join(', ')}])`,
      ]);
    }
  }
  const embedding = graph.output![0].name!;
  if (!batchFirst(embedding)) {
    throw new ModelPreparationError([
      `the batch axis is fixed to 1 and cannot be made dynamic: the embedding '${embedding}' does not follow the batch`,
    ]);
  }

  image.type!.tensorType!.shape!.dim![0] = { dimParam: 'N' };
  for (const output of graph.output!) {
    const dim = output.type?.tensorType?.shape?.dim?.[0];
    if (dim && toNumber(dim.dimValue) === 1) output.type!.tensorType!.shape!.dim![0] = { dimParam: 'N' };
  }
  // Declared intermediate shapes still say batch 1; ONNX Runtime would hold the graph to them.
  graph.valueInfo = [];
  changes.push(
    `batch axis of '${image.name}' made dynamic (was 1)${rewritten.length ? `; Reshape targets copy the batch: ${rewritten.join('; ')}` : ''}`,
  );
}

/** A symbolic or missing embedding size becomes the size shape inference gives. */
function inferEmbeddingSize(
  model: ModelProto,
  image: ValueInfoProto,
  embedding: ValueInfoProto,
  sample: number[],
  changes: string[],
): void {
  const declared = embedding.type?.tensorType?.shape?.dim ?? [];
  if (declared.length === 2 && staticDim(embedding, 1) !== undefined) return;
  const inferred = inferShapes(
    model.graph!,
    defaultOpset(model),
    new Map([[image.name!, [1, ...sample]]]),
    shapeRule,
  );
  const shape = inferred.shapes.get(embedding.name!);
  if (!shape || shape.length !== 2) return;
  const was =
    declared.length === 2
      ? declared[1].dimParam || '?'
      : `[${declared.map((d) => d.dimParam || d.dimValue).join(', ')}]`;
  embedding.type ??= {};
  embedding.type.tensorType ??= { elemType: onnx.TensorProto.DataType.FLOAT };
  const batch = declared[0]?.dimParam ? { dimParam: declared[0].dimParam } : { dimParam: 'N' };
  embedding.type.tensorType.shape = { dim: [batch, { dimValue: shape[1] }] };
  changes.push(`embedding size of '${embedding.name}' inferred: ${was} → ${shape[1]}`);
}
