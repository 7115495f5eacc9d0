import { defaultOpset, onnx, type ModelProto, type NodeProto, type TensorProto } from '../onnx/model-io.js';
import { makeNode, makeTensor, toNumber, type Attributes } from '../onnx/graph-builder.js';
import { inferShapes, type ShapeInference } from '../onnx/shapes.js';
import { rules, shapeRule, type GradientRule, type RuleContext } from './rules.js';

export interface InputGradientSpec {
  /** Graph input to differentiate with respect to, batch axis first (e.g. 'input', [N,C,H,W]). */
  wrt: string;
  /** Forward value whose vector-Jacobian product is taken (e.g. the embedding [N,d]). */
  output: string;
  /** Name of a value the caller adds to the graph: the cotangent of `output`, shaped [k·N, ...output dims]. */
  seed: string;
  /** k ≥ 1: the backward runs k seeds per forward sample in one batched pass, reusing the forward's activations. */
  seedsPerSample: number;
  /** Name given to the result, shaped [k·N, ...wrt dims]; row j·N+i = VJP of seed row j·N+i through sample i. */
  gradient: string;
}

export interface UnsupportedOperator {
  opType: string;
  node: string;
  reason: string;
}

export class UnsupportedOperatorError extends Error {
  override name = 'UnsupportedOperatorError';
  constructor(readonly operators: UnsupportedOperator[]) {
    super(
      `cannot differentiate ${[...new Set(operators.map((o) => o.opType))].join(', ')}: ` +
        operators.map((o) => `${o.opType} node '${o.node}' (${o.reason})`).join('; '),
    );
  }
}

export interface CompileOptions {
  /** Shape of `wrt` when the model leaves spatial dims symbolic; the batch entry is ignored. */
  inputShape?: number[];
}

/** Two batch sizes: a dim that follows them is the batch axis; one that stays put is not. */
const PROBE_BATCHES = [2, 3] as const;

const nodeName = (node: NodeProto, index: number): string =>
  node.name || `#${index} (${node.output?.[0] ?? node.opType})`;

/** The operator's gradient rule; undefined for other domains and for operators with a shape rule only. */
function ruleFor(node: NodeProto): GradientRule | undefined {
  if (node.domain && node.domain !== 'ai.onnx') return undefined;
  const rule = Object.hasOwn(rules, node.opType ?? '') ? rules[node.opType!] : undefined;
  return rule?.backward ? { ...rule, backward: rule.backward } : undefined;
}

/** Everything known about the forward graph before emitting: which values carry gradient, shapes, problems. */
interface Analysis {
  opset: number;
  /** Values that depend on `wrt` through differentiable operations. */
  active: Set<string>;
  /** Active values on a path to `output`: they need a cotangent. */
  relevant: Set<string>;
  /** Nodes to differentiate, in forward order. */
  path: NodeProto[];
  /** Values with the batch axis first (wrt-dependent and following the probe batch size). */
  batched: Set<string>;
  /** Shape inference at the first probe batch size, or undefined when the input shape is not known. */
  inference?: ShapeInference;
  initializers: Map<string, TensorProto>;
  unsupported: UnsupportedOperator[];
}

function wrtShape(model: ModelProto, wrt: string, options: CompileOptions): number[] | undefined {
  const declared = model.graph!.input!.find((i) => i.name === wrt)!;
  const dims = (declared.type?.tensorType?.shape?.dim ?? []).map((d) =>
    d.dimValue != null && toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : undefined,
  );
  const shape = options.inputShape ?? dims;
  if (shape.length === 0 || shape.slice(1).some((d) => d === undefined)) return undefined;
  return shape as number[];
}

function analyze(
  model: ModelProto,
  spec: Pick<InputGradientSpec, 'wrt' | 'output'>,
  options: CompileOptions,
): Analysis {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const opset = defaultOpset(model);
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  // Exporters alias shared weights through Identity nodes; resolve them so rules can fold constants.
  for (const node of nodes) {
    const source = node.opType === 'Identity' ? initializers.get(node.input?.[0] ?? '') : undefined;
    if (source) initializers.set(node.output![0], source);
  }
  if (!(graph.input ?? []).some((i) => i.name === spec.wrt) || initializers.has(spec.wrt)) {
    throw new Error(`'${spec.wrt}' is not an input of the model`);
  }

  const active = new Set([spec.wrt]);
  for (const node of nodes) {
    if (!(node.input ?? []).some((x) => active.has(x))) continue;
    // An operator without a rule is assumed to carry gradient, so that it is reported.
    if (ruleFor(node)?.stopsGradient?.(node)) continue;
    for (const y of node.output ?? []) if (y) active.add(y);
  }
  if (!active.has(spec.output))
    throw new Error(`'${spec.output}' does not depend on '${spec.wrt}' through differentiable operations`);

  const relevant = new Set([spec.output]);
  const reversedPath: NodeProto[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (!(node.output ?? []).some((y) => relevant.has(y))) continue;
    const carrying = (node.input ?? []).filter((x) => active.has(x));
    if (carrying.length === 0) continue;
    reversedPath.push(node);
    for (const x of carrying) relevant.add(x);
  }
  const path = reversedPath.reverse();

  const position = new Map(nodes.map((node, i) => [node, i]));
  const unsupported = new Map<NodeProto, UnsupportedOperator>();
  const report = (node: NodeProto, reason: string): void => {
    if (unsupported.has(node)) return;
    unsupported.set(node, { opType: node.opType ?? '', node: nodeName(node, position.get(node)!), reason });
  };
  for (const node of path)
    if (!ruleFor(node))
      report(node, `no gradient rule for ${node.domain ? `${node.domain}.` : ''}${node.opType}`);

  const batched = new Set<string>();
  const shape = wrtShape(model, spec.wrt, options);
  let inference: ShapeInference | undefined;
  if (shape) {
    const batchParam = model.graph!.input!.find((i) => i.name === spec.wrt)!.type?.tensorType?.shape?.dim?.[0]
      ?.dimParam;
    const probes = PROBE_BATCHES.map((batch) => {
      const inputShapes = new Map<string, number[]>([[spec.wrt, [batch, ...shape.slice(1)]]]);
      for (const value of graph.input ?? []) {
        const dims = value.type?.tensorType?.shape?.dim ?? [];
        if (value.name === spec.wrt || initializers.has(value.name!) || dims.length === 0) continue;
        const known = dims.map((d) =>
          d.dimParam && d.dimParam === batchParam ? batch : toNumber(d.dimValue),
        );
        if (known.every((d) => d > 0)) inputShapes.set(value.name!, known);
      }
      return inferShapes(graph, opset, inputShapes, shapeRule);
    });
    inference = probes[0];
    const dependsOnWrt = new Set([spec.wrt]);
    for (const node of nodes)
      if ((node.input ?? []).some((x) => dependsOnWrt.has(x)))
        for (const y of node.output ?? []) dependsOnWrt.add(y);
    for (const name of dependsOnWrt) {
      const [a, b] = probes.map((p) => p.shapes.get(name));
      if (a && b && a[0] === PROBE_BATCHES[0] && b[0] === PROBE_BATCHES[1]) batched.add(name);
    }

    const view = forwardView(opset, inference, batched, active, initializers);
    const batchFirst = (name: string): boolean => {
      const [a, b] = probes.map((p) => p.shapes.get(name)!);
      return batched.has(name) && a.slice(1).every((d, i) => d === b[i + 1]);
    };
    for (const node of path) {
      const ownFailure = inference.failures.get(node);
      const unknownInput = (node.input ?? []).find((x) => x && !inference!.shapes.has(x));
      if (ownFailure && !unknownInput) {
        report(node, ownFailure);
        continue;
      }
      if (unknownInput) {
        // Reported at its producer when that is on the path too.
        if (!relevant.has(unknownInput)) report(node, `the shape of '${unknownInput}' is unknown`);
        continue;
      }
      // Reported where the batch axis is lost, not at every node after.
      const moved = (node.output ?? []).find((y) => relevant.has(y) && !batchFirst(y));
      if (moved) {
        if ((node.input ?? []).filter((x) => active.has(x)).every(batchFirst)) {
          report(node, `it moves or changes the batch axis (axis 0) of '${moved}'`);
        }
        continue;
      }
      const reason = ruleFor(node)?.check?.(view, node);
      if (reason) report(node, reason);
    }
  }
  return {
    opset,
    active,
    relevant,
    path,
    batched,
    inference,
    initializers,
    unsupported: [...unsupported.values()],
  };
}

function forwardView(
  opset: number,
  inference: ShapeInference,
  batched: Set<string>,
  active: Set<string>,
  initializers: Map<string, TensorProto>,
) {
  return {
    opset,
    shapeOf: (name: string): number[] => {
      const shape = inference.shapes.get(name);
      if (!shape) throw new Error(`internal: no static shape for '${name}'`);
      return batched.has(name) ? [-1, ...shape.slice(1)] : shape;
    },
    valueOf: (name: string) => inference.values.get(name),
    initializer: (name: string) => initializers.get(name),
    isActive: (name: string) => active.has(name),
  };
}

/**
 * Operators on the path from `wrt` to `output` that the compiler cannot
 * differentiate, with the reason. Shape-dependent checks run only when the
 * input's shape is known (declared in the model or given as `inputShape`).
 */
export function findUnsupportedOperators(
  model: ModelProto,
  spec: Pick<InputGradientSpec, 'wrt' | 'output'>,
  options: CompileOptions = {},
): UnsupportedOperator[] {
  return analyze(model, spec, options).unsupported;
}

/**
 * Appends to a copy of `model` the nodes computing the vector-Jacobian product of
 * `spec.output` with respect to `spec.wrt` for the cotangent `spec.seed`, named
 * `spec.gradient`. Forward nodes, outputs and initializers are shared unchanged;
 * no graph output is added.
 */
export function appendInputGradient(
  model: ModelProto,
  spec: InputGradientSpec,
  options: CompileOptions = {},
): ModelProto {
  if (!Number.isInteger(spec.seedsPerSample) || spec.seedsPerSample < 1)
    throw new Error('seedsPerSample must be an integer ≥ 1');
  const analysis = analyze(model, spec, options);
  if (analysis.unsupported.length) throw new UnsupportedOperatorError(analysis.unsupported);
  if (!analysis.inference) {
    throw new Error(
      `the shape of '${spec.wrt}' has symbolic dims besides the batch axis; pass options.inputShape`,
    );
  }
  const graph = model.graph!;
  const { emitted, initializers } = emitBackward(model, spec, analysis);
  return onnx.ModelProto.create({
    ...model,
    opsetImport: [...(model.opsetImport ?? [])],
    graph: onnx.GraphProto.create({
      ...graph,
      input: [...(graph.input ?? [])],
      output: [...(graph.output ?? [])],
      valueInfo: [...(graph.valueInfo ?? [])],
      node: [...(graph.node ?? []), ...emitted],
      initializer: [...(graph.initializer ?? []), ...initializers],
    }),
  });
}

function emitBackward(
  model: ModelProto,
  spec: InputGradientSpec,
  analysis: Analysis,
): { emitted: NodeProto[]; initializers: TensorProto[] } {
  const { opset, inference, batched, relevant, active, path } = analysis;
  const k = spec.seedsPerSample;
  const emitted: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const taken = new Set<string>();
  for (const node of model.graph!.node ?? [])
    for (const name of [...(node.input ?? []), ...(node.output ?? [])]) taken.add(name);
  for (const value of [...(model.graph!.input ?? []), ...(model.graph!.initializer ?? [])])
    taken.add(value.name!);
  let counter = 0;
  const fresh = (hint: string): string => {
    let name: string;
    do name = `${spec.gradient}/${hint}${counter++}`;
    while (taken.has(name));
    taken.add(name);
    return name;
  };
  const constants = new Map<string, string>();
  const tiled = new Map<string, string>();

  const view = forwardView(opset, inference!, batched, active, analysis.initializers);
  const ctx: RuleContext = {
    ...view,
    emit(opType: string, inputs: string[], attributes: Attributes = {}, outputs = 1): string[] {
      const names = Array.from({ length: outputs }, () => fresh(opType));
      emitted.push(makeNode(opType, inputs, names, attributes));
      return names;
    },
    op(opType, inputs, attributes) {
      return ctx.emit(opType, inputs, attributes)[0];
    },
    constant(values, dims, type = 'float') {
      const small = values.length <= 16;
      const key = `${type}[${dims.join(',')}]${Array.from(values).join(',')}`;
      if (small && constants.has(key)) return constants.get(key)!;
      const name = fresh('const');
      initializers.push(makeTensor(name, dims, values, type));
      if (small) constants.set(key, name);
      return name;
    },
    scalar(value) {
      return ctx.constant([value], []);
    },
    forward(name) {
      if (k === 1 || !batched.has(name)) return name;
      if (!tiled.has(name)) tiled.set(name, ctx.tile(name, inference!.shapes.get(name)!.length));
      return tiled.get(name)!;
    },
    tile(value, rank) {
      if (k === 1) return value;
      return ctx.op('Tile', [value, ctx.constant([k, ...Array<number>(rank - 1).fill(1)], [rank], 'int64')]);
    },
    reshape(x, shape) {
      return ctx.op('Reshape', [x, ctx.constant(shape, [shape.length], 'int64')]);
    },
    reduceSum(x, axes, keepdims) {
      const keep = keepdims ? 1 : 0;
      if (opset < 13) return ctx.op('ReduceSum', [x], { axes, keepdims: keep });
      return ctx.op('ReduceSum', [x, ctx.constant(axes, [axes.length], 'int64')], { keepdims: keep });
    },
    split(x, axis, sizes) {
      if (opset < 13) return ctx.emit('Split', [x], { axis, split: sizes }, sizes.length);
      return ctx.emit('Split', [x, ctx.constant(sizes, [sizes.length], 'int64')], { axis }, sizes.length);
    },
    unbroadcast(grad, gradShape, operand) {
      const target = view.shapeOf(operand);
      const aligned = [...Array<number>(gradShape.length - target.length).fill(1), ...target];
      const axes = gradShape.flatMap((d, i) => (aligned[i] === 1 && d !== 1 ? [i] : []));
      const reduced = axes.length ? ctx.reduceSum(grad, axes, true) : grad;
      return target.length === gradShape.length ? reduced : ctx.reshape(reduced, target);
    },
  };

  const contributions = new Map<string, string[]>([[spec.output, [spec.seed]]]);
  const cotangent = (name: string): string | undefined => {
    const parts = contributions.get(name);
    if (!parts) return undefined;
    return parts.length === 1 ? parts[0] : ctx.op('Sum', parts);
  };
  for (const node of [...path].reverse()) {
    const dOut = (node.output ?? []).map((y) => (relevant.has(y) ? cotangent(y) : undefined));
    if (dOut.every((d) => d === undefined)) continue;
    const needs = (node.input ?? []).map((x) => relevant.has(x));
    const dIn = ruleFor(node)!.backward(ctx, node, dOut, needs);
    needs.forEach((need, i) => {
      if (!need) return;
      if (!dIn[i]) throw new Error(`internal: the ${node.opType} rule gave no gradient for input ${i}`);
      const x = node.input![i];
      const parts = contributions.get(x);
      if (parts) parts.push(dIn[i]!);
      else contributions.set(x, [dIn[i]!]);
    });
  }
  emitted.push(makeNode('Identity', [cotangent(spec.wrt)!], [spec.gradient]));
  return { emitted, initializers };
}
