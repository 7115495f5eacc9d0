import type { NodeProto, TensorProto } from '../onnx/model-io.js';
import { onnx } from '../onnx/model-io.js';
import {
  attribute,
  intsAttribute,
  isFloatType,
  numberAttribute,
  stringAttribute,
  tensorDims,
  tensorValues,
} from '../onnx/graph-builder.js';
import type { Attributes } from '../onnx/graph-builder.js';
import {
  axesOf,
  broadcastShapes,
  convKernel,
  elementwise,
  noValue,
  normalizeAxis,
  padAmounts,
  pooled,
  reducedShape,
  requireValue,
  reshapeTarget,
  sameShape,
  sliceInputs,
  sliceLength,
  sliceRanges,
  splitSizes,
  windowGeometry,
  type ShapeFunction,
  type WindowGeometry,
} from '../onnx/shapes.js';

/** What a rule may ask about the forward graph. Shapes are static; dim 0 of a batched value is -1. */
export interface ForwardView {
  readonly opset: number;
  shapeOf(name: string): number[];
  /** Contents of a small compile-time constant (initializer, Constant or shape computation). */
  valueOf(name: string): number[] | undefined;
  /** The initializer of that name, if any (to fold per-channel constants). */
  initializer(name: string): TensorProto | undefined;
  /** Whether the value depends on `wrt` and so carries gradient. */
  isActive(name: string): boolean;
}

/** What a rule uses to emit its part of the backward graph. */
export interface RuleContext extends ForwardView {
  /** Appends a node; returns its output names. */
  emit(opType: string, inputs: string[], attributes?: Attributes, outputs?: number): string[];
  /** Appends a single-output node; returns the output name. */
  op(opType: string, inputs: string[], attributes?: Attributes): string;
  /** A new small initializer (never a copy of a weight). */
  constant(values: ArrayLike<number>, dims: number[], type?: 'float' | 'int64'): string;
  scalar(value: number): string;
  /** The forward value as the backward needs it: batched values tiled k times along axis 0 (once per value). */
  forward(name: string): string;
  /** Tiles a batched value computed from untiled forward values, as `forward` does (identity when k = 1). */
  tile(value: string, rank: number): string;
  reshape(x: string, shape: number[]): string;
  /** ReduceSum with axes as attribute (opset < 13) or input. */
  reduceSum(x: string, axes: number[], keepdims: boolean): string;
  /** Split with sizes as attribute (opset < 13) or input. */
  split(x: string, axis: number, sizes: number[]): string[];
  /** Sums `grad` (shaped `gradShape`) over the axes `operand` was broadcast along; reshapes to its shape. */
  unbroadcast(grad: string, gradShape: number[], operand: string): string;
}

export type Cotangents = (string | undefined)[];

export interface GradientRule {
  /** The outputs never carry gradient (shape, index and mask computations). */
  stopsGradient?: (node: NodeProto) => boolean;
  /** Why this node cannot be differentiated, if it cannot; asked before anything is emitted. */
  check?: (view: ForwardView, node: NodeProto) => string | undefined;
  /**
   * Input cotangents from output cotangents (`dOut[i]` undefined when output i has none).
   * Must return a cotangent for every input i with `needs[i]`.
   */
  backward: (ctx: RuleContext, node: NodeProto, dOut: Cotangents, needs: boolean[]) => Cotangents;
}

/**
 * One operator: its shape rule (output shapes, and the values of small shape tensors, from the
 * inputs') beside its gradient rule. Operators without `backward` have their shapes inferred but
 * cannot be differentiated.
 */
export interface OperatorRule extends Partial<GradientRule> {
  shape: ShapeFunction;
}

/** The shape rule of an operator type, for shape inference. */
export function shapeRule(opType: string): ShapeFunction | undefined {
  return Object.hasOwn(rules, opType) ? rules[opType].shape : undefined;
}

const inputs = (node: NodeProto): string[] => node.input ?? [];
const input = (node: NodeProto, i: number): string => inputs(node)[i];
const output = (node: NodeProto, i = 0): string => (node.output ?? [])[i];
const product = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);

/** Inputs (weights, slopes, exponents) through which no gradient is taken. */
function constantInputs(...indices: number[]): (view: ForwardView, node: NodeProto) => string | undefined {
  return (view, node) => {
    const active = indices.filter((i) => input(node, i) && view.isActive(input(node, i)));
    return active.length
      ? `input '${input(node, active[0])}' depends on wrt; only the gradient through the data input is supported`
      : undefined;
  };
}

function firstReason(...checks: ((view: ForwardView, node: NodeProto) => string | undefined)[]) {
  return (view: ForwardView, node: NodeProto) =>
    checks.map((c) => c(view, node)).find((r) => r !== undefined);
}

/** Pass dY straight through (or through `fn`) to input 0. */
function unary(fn: (ctx: RuleContext, node: NodeProto, dY: string) => string): GradientRule {
  return { backward: (ctx, node, [dY]) => [fn(ctx, node, dY!)] };
}

const identity = unary((_, __, dY) => dY);
const noGradient: GradientRule = { stopsGradient: () => true, backward: () => [] };
const reshapeBack = unary((ctx, node, dY) => ctx.reshape(dY, ctx.shapeOf(input(node, 0))));

/**
 * dY where the forward input is positive, dY · slope elsewhere (0 without a slope).
 * The mask or factor is computed once per sample, then tiled for the k seeds.
 */
function positivePart(slope?: (ctx: RuleContext, node: NodeProto) => string): GradientRule['backward'] {
  return (ctx, node, [dY]) => {
    const x = input(node, 0);
    const rank = ctx.shapeOf(x).length;
    const positive = ctx.op('Greater', [x, ctx.scalar(0)]);
    if (!slope) return [ctx.op('Where', [ctx.tile(positive, rank), dY!, ctx.scalar(0)])];
    const factor = ctx.op('Where', [positive, ctx.scalar(1), slope(ctx, node)]);
    return [ctx.op('Mul', [dY!, ctx.tile(factor, rank)])];
  };
}

/** Gradient for each input of an elementwise, broadcasting node: `local(i)` is ∂Y/∂input_i times dY, at the output's shape. */
function broadcasting(
  local: (ctx: RuleContext, node: NodeProto, dY: string, i: number) => string,
): GradientRule['backward'] {
  return (ctx, node, [dY], needs) => {
    const outShape = ctx.shapeOf(output(node));
    return needs.map((need, i) =>
      need ? ctx.unbroadcast(local(ctx, node, dY!, i), outShape, input(node, i)) : undefined,
    );
  };
}

/** Max/Min: each input that attains the result gets dY, ties split evenly (as torch.maximum). */
const extremum: GradientRule = {
  backward: (ctx, node, [dY], needs) => {
    const n = inputs(node).length;
    if (n === 1) return [dY];
    const y = ctx.forward(output(node));
    const masks = inputs(node).map((x) =>
      ctx.op('Cast', [ctx.op('Equal', [ctx.forward(x), y])], { to: onnx.TensorProto.DataType.FLOAT }),
    );
    const share = ctx.op('Div', [dY!, ctx.op('Sum', masks)]);
    const outShape = ctx.shapeOf(output(node));
    return needs.map((need, i) =>
      need ? ctx.unbroadcast(ctx.op('Mul', [share, masks[i]]), outShape, input(node, i)) : undefined,
    );
  },
};

/**
 * ConvTranspose that scatters `dY` (the output of a windowed op over input `x`)
 * back onto x's spatial grid through `weight`. Output padding and end padding
 * are chosen so the result has exactly x's spatial size, also when the forward
 * dropped trailing rows (floor) or read past the padding (ceil_mode).
 */
function scatterWindows(
  ctx: RuleContext,
  dY: string,
  weight: string,
  x: string,
  g: WindowGeometry,
  group: number,
): string {
  const spatial = ctx.shapeOf(x).slice(2);
  const padsEnd: number[] = [];
  const outputPadding: number[] = [];
  spatial.forEach((size, i) => {
    const span = g.strides[i] * (g.output[i] - 1) + (g.kernel[i] - 1) * g.dilations[i] + 1;
    const excess = span - g.padsBegin[i] - size;
    padsEnd.push(Math.max(excess, 0));
    outputPadding.push(Math.max(-excess, 0));
  });
  return ctx.op('ConvTranspose', [dY, weight], {
    group,
    kernel_shape: g.kernel,
    strides: g.strides,
    dilations: g.dilations,
    pads: [...g.padsBegin, ...padsEnd],
    output_padding: outputPadding,
  });
}

/**
 * The input gradient of a stride-1 Conv as a Conv with the kernel transposed
 * (per group) and flipped: ONNX Runtime runs Conv in its blocked layout, about
 * twice as fast as ConvTranspose. The kernel transform is in the graph, on the
 * weight by name, so ONNX Runtime folds it once at load and the file holds no
 * copy. Undefined when the strides or pads rule it out.
 */
function convolveBack(
  ctx: RuleContext,
  dY: string,
  w: string,
  g: WindowGeometry,
  group: number,
): string | undefined {
  const reach = g.kernel.map((k, i) => (k - 1) * g.dilations[i]);
  const padsBegin = reach.map((r, i) => r - g.padsBegin[i]);
  const padsEnd = reach.map((r, i) => r - g.padsEnd[i]);
  if (g.strides.some((s) => s !== 1) || [...padsBegin, ...padsEnd].some((p) => p < 0)) return undefined;
  const [outChannels, groupChannels, ...kernel] = ctx.shapeOf(w);
  const spatial = kernel.map((_, i) => i + 2);
  let flipped = w;
  if (kernel.some((k) => k > 1)) {
    const int64 = (v: number[]) => ctx.constant(v, [v.length], 'int64');
    flipped = ctx.op('Slice', [
      w,
      int64(spatial.map(() => -1)),
      int64(spatial.map(() => -(2 ** 53))),
      int64(spatial),
      int64(spatial.map(() => -1)),
    ]);
  }
  let transposed: string;
  if (group === 1) {
    transposed = ctx.op('Transpose', [flipped], { perm: [1, 0, ...spatial] });
  } else {
    const perGroup = ctx.reshape(flipped, [group, outChannels / group, groupChannels, ...kernel]);
    const swapped = ctx.op('Transpose', [perGroup], { perm: [0, 2, 1, ...spatial.map((a) => a + 1)] });
    transposed = ctx.reshape(swapped, [group * groupChannels, outChannels / group, ...kernel]);
  }
  return ctx.op('Conv', [dY, transposed], {
    group,
    kernel_shape: g.kernel,
    dilations: g.dilations,
    pads: [...padsBegin, ...padsEnd],
  });
}

function poolGeometry(view: ForwardView, node: NodeProto): WindowGeometry {
  const spatial = view.shapeOf(input(node, 0)).slice(2);
  return windowGeometry(
    node,
    spatial,
    intsAttribute(node, 'kernel_shape') ?? [],
    numberAttribute(node, 'ceil_mode', 0) === 1,
  );
}

/** Row-major strides of a shape. */
function stridesOf(shape: number[]): number[] {
  return shape.map((_, i) => product(shape.slice(i + 1)));
}

/** Every index of a grid of the given shape, row-major. */
function gridIndices(shape: number[]): number[][] {
  return Array.from({ length: product(shape) }, (_, flat) =>
    shape.map((_, i) => Math.floor(flat / product(shape.slice(i + 1))) % shape[i]),
  );
}

/**
 * MaxPool: recompute the pool with its Indices output, turn each index into the
 * kernel offset it came from, and scatter dY through a one-hot kernel per offset.
 * Exact with overlapping windows; ties go to the first maximum in the window
 * (ONNX Runtime's Indices, as in PyTorch).
 */
const maxPool: GradientRule = {
  check: (view, node) => {
    if (numberAttribute(node, 'storage_order', 0) !== 0) return 'MaxPool with storage_order = 1';
    const g = poolGeometry(view, node);
    const spatialStrides = stridesOf(view.shapeOf(input(node, 0)).slice(2));
    const offsets = gridIndices(g.kernel).map((k) =>
      k.reduce((sum, ki, i) => sum + ki * g.dilations[i] * spatialStrides[i], 0),
    );
    return new Set(offsets).size === offsets.length ? undefined : 'MaxPool kernel wider than its input';
  },
  backward: (ctx, node, [dY]) => {
    const x = input(node, 0);
    const [, channels, ...spatial] = ctx.shapeOf(x);
    const g = poolGeometry(ctx, node);
    const out = g.output;
    const spatialStrides = stridesOf(spatial);
    const kernelCells = gridIndices(g.kernel);
    const offsets = kernelCells.map((k) =>
      k.reduce((sum, ki, i) => sum + ki * g.dilations[i] * spatialStrides[i], 0),
    );
    const windowStarts = gridIndices(out).map((o) =>
      o.reduce((sum, oi, i) => sum + (oi * g.strides[i] - g.padsBegin[i]) * spatialStrides[i], 0),
    );
    const k = offsets.length;

    const [, indices] = ctx.emit(
      'MaxPool',
      [ctx.forward(x)],
      {
        kernel_shape: g.kernel,
        strides: g.strides,
        dilations: g.dilations,
        pads: [...g.padsBegin, ...g.padsEnd],
        ceil_mode: numberAttribute(node, 'ceil_mode', 0),
      },
      2,
    );
    const within = ctx.op('Mod', [indices, ctx.constant([product(spatial)], [1], 'int64')]);
    const offset = ctx.op('Sub', [within, ctx.constant(windowStarts, out, 'int64')]);
    const hit = ctx.op('Equal', [
      ctx.reshape(offset, [-1, channels, 1, ...out]),
      ctx.constant(offsets, [k, ...out.map(() => 1)], 'int64'),
    ]);
    const routed = ctx.op('Where', [hit, ctx.reshape(dY!, [-1, channels, 1, ...out]), ctx.scalar(0)]);
    const oneHot = new Float32Array(channels * k * k);
    for (let c = 0; c < channels; c++) for (let j = 0; j < k; j++) oneHot[(c * k + j) * k + j] = 1;
    const kernel = ctx.constant(oneHot, [channels * k, 1, ...g.kernel]);
    return [scatterWindows(ctx, ctx.reshape(routed, [-1, channels * k, ...out]), kernel, x, g, channels)];
  },
};

/** AveragePool: divide dY by each window's divisor, then scatter through a ones kernel. */
const averagePool: GradientRule = {
  backward: (ctx, node, [dY]) => {
    const x = input(node, 0);
    const [, channels, ...spatial] = ctx.shapeOf(x);
    const g = poolGeometry(ctx, node);
    const includePad = numberAttribute(node, 'count_include_pad', 0) === 1;
    const inverseCounts = gridIndices(g.output).map((o) => {
      const count = o.map((oi, i) => {
        const start = oi * g.strides[i] - g.padsBegin[i];
        const end = start + g.kernel[i];
        const [lo, hi] = includePad ? [-g.padsBegin[i], spatial[i] + g.padsEnd[i]] : [0, spatial[i]];
        return Math.min(end, hi) - Math.max(start, lo);
      });
      return 1 / product(count);
    });
    const scaled = ctx.op('Mul', [dY!, ctx.constant(inverseCounts, [1, 1, ...g.output])]);
    const ones = ctx.constant(new Float32Array(channels * product(g.kernel)).fill(1), [
      channels,
      1,
      ...g.kernel,
    ]);
    return [scatterWindows(ctx, scaled, ones, x, g, channels)];
  },
};

/** Reduce* with axes from the attribute or (newer opsets) the input: the reduced axes and the keepdims shape. */
function reduction(
  view: ForwardView,
  node: NodeProto,
  axesFromInputOpset: number,
): { axes: number[]; keptShape: number[] } | undefined {
  const shape = view.shapeOf(input(node, 0));
  const fromInput =
    view.opset >= axesFromInputOpset && input(node, 1) ? view.valueOf(input(node, 1)) : undefined;
  const listed = axesOf(node, fromInput);
  if (!listed?.length && numberAttribute(node, 'noop_with_empty_axes', 0) === 1) return undefined;
  const axes = (listed?.length ? listed : shape.map((_, i) => i)).map((a) => normalizeAxis(a, shape.length));
  return { axes, keptShape: shape.map((d, i) => (axes.includes(i) ? 1 : d)) };
}

function reductionCheck(axesFromInputOpset: number) {
  return (view: ForwardView, node: NodeProto): string | undefined => {
    if (view.opset >= axesFromInputOpset && input(node, 1) && !view.valueOf(input(node, 1)))
      return 'reduction axes are not a compile-time constant';
    return undefined;
  };
}

/** ReduceSum / ReduceMean: broadcast dY (scaled by 1/count for the mean) back over the reduced axes. */
function spreadReduction(axesFromInputOpset: number, mean: boolean): GradientRule {
  return {
    check: reductionCheck(axesFromInputOpset),
    backward: (ctx, node, [dY]) => {
      const x = input(node, 0);
      const r = reduction(ctx, node, axesFromInputOpset);
      if (!r) return [dY];
      const shape = ctx.shapeOf(x);
      let g = numberAttribute(node, 'keepdims', 1) === 1 ? dY! : ctx.reshape(dY!, r.keptShape);
      if (mean) g = ctx.op('Mul', [g, ctx.scalar(1 / product(r.axes.map((a) => shape[a])))]);
      // Expand broadcasts both ways, so 1 in the batch position keeps dY's k·N rows.
      return [
        ctx.op('Expand', [
          g,
          ctx.constant(
            shape.map((d) => Math.max(d, 1)),
            [shape.length],
            'int64',
          ),
        ]),
      ];
    },
  };
}

/** Slice's starts, ends, axes and steps inputs, when compile-time constants. */
function sliceParameters(view: ForwardView, node: NodeProto) {
  const value = (i: number) => (input(node, i) ? view.valueOf(input(node, i)) : undefined);
  return { starts: value(1), ends: value(2), axes: value(3), steps: value(4) };
}

const INT64_MAX_ISH = 2 ** 31 - 1;

const slice: GradientRule = {
  check: (view, node) => {
    const { starts, ends, axes, steps } = sliceParameters(view, node);
    if (!starts || !ends || (input(node, 3) && !axes) || (input(node, 4) && !steps))
      return 'Slice parameters are not compile-time constants';
    const shape = view.shapeOf(input(node, 0));
    for (let i = 0; i < starts.length; i++) {
      const axis = normalizeAxis(axes ? axes[i] : i, shape.length);
      const whole = starts[i] === 0 && ends[i] >= INT64_MAX_ISH && (steps?.[i] ?? 1) === 1;
      if (axis === 0 && !whole) return 'Slice over the batch axis (axis 0) of a wrt-dependent value';
    }
    if (view.shapeOf(output(node)).some((d) => d === 0)) return 'Slice with an empty result';
    return undefined;
  },
  backward: (ctx, node, [dY]) => {
    const { starts, ends, axes, steps } = sliceParameters(ctx, node);
    const shape = ctx.shapeOf(input(node, 0));
    const ranges = sliceRanges(shape, starts!, ends!, axes, steps);
    ranges.delete(0);
    let g = dY!;
    const current = [...ctx.shapeOf(output(node))];
    const begin = Array<number>(shape.length).fill(0);
    const end = Array<number>(shape.length).fill(0);
    for (const [axis, range] of ranges) {
      const n = sliceLength(range);
      let [start, , step] = range;
      if (step < 0) {
        g = ctx.op('Slice', [
          g,
          ...[[-1], [-(2 ** 53)], [axis], [-1]].map((v) => ctx.constant(v, [1], 'int64')),
        ]);
        start += (n - 1) * step;
        step = -step;
      }
      let length = n;
      if (step > 1) {
        // Interleave step-1 zeros after each element, then drop the trailing ones.
        const split = [...current.slice(0, axis + 1), 1, ...current.slice(axis + 1)];
        const pads = Array<number>(2 * split.length).fill(0);
        pads[split.length + axis + 1] = step - 1;
        const padded = ctx.op('Pad', [ctx.reshape(g, split), ctx.constant(pads, [pads.length], 'int64')]);
        length = (n - 1) * step + 1;
        current[axis] = n * step;
        g = ctx.reshape(padded, current);
        g = ctx.op('Slice', [
          g,
          ctx.constant([0], [1], 'int64'),
          ctx.constant([length], [1], 'int64'),
          ctx.constant([axis], [1], 'int64'),
        ]);
      }
      current[axis] = length;
      begin[axis] = start;
      end[axis] = shape[axis] - start - length;
    }
    if (begin.every((b) => b === 0) && end.every((e) => e === 0)) return [g];
    return [ctx.op('Pad', [g, ctx.constant([...begin, ...end], [2 * shape.length], 'int64')])];
  },
};

function padParameters(view: ForwardView, node: NodeProto) {
  const rank = view.shapeOf(input(node, 0)).length;
  return padAmounts(
    rank,
    view.valueOf(input(node, 1))!,
    input(node, 3) ? view.valueOf(input(node, 3)) : undefined,
  );
}

const pad: GradientRule = {
  check: firstReason(constantInputs(2), (view, node) => {
    if (stringAttribute(node, 'mode', 'constant') !== 'constant')
      return `Pad mode '${stringAttribute(node, 'mode', '')}'`;
    if (!view.valueOf(input(node, 1))) return 'Pad pads are not a compile-time constant';
    if (input(node, 3) && !view.valueOf(input(node, 3))) return 'Pad axes are not a compile-time constant';
    const { begin, end } = padParameters(view, node);
    return [...begin, ...end].some((p) => p < 0) ? 'Pad with negative pads' : undefined;
  }),
  backward: (ctx, node, [dY]) => {
    const shape = ctx.shapeOf(input(node, 0));
    const { begin } = padParameters(ctx, node);
    const padded = ctx.shapeOf(output(node));
    const axes = shape.flatMap((d, i) => (padded[i] !== d ? [i] : []));
    if (axes.length === 0) return [dY];
    const int64 = (v: number[]) => ctx.constant(v, [v.length], 'int64');
    return [
      ctx.op('Slice', [
        dY!,
        int64(axes.map((a) => begin[a])),
        int64(axes.map((a) => begin[a] + shape[a])),
        int64(axes),
      ]),
    ];
  },
};

/** dY moved back through Gather with constant indices along a non-batch axis: a one-hot MatMul (exact with repeated indices). */
const gather: GradientRule = {
  check: (view, node) => {
    const axis = normalizeAxis(numberAttribute(node, 'axis', 0), view.shapeOf(input(node, 0)).length);
    if (axis === 0) return 'Gather along the batch axis (axis 0) of a wrt-dependent value';
    return view.valueOf(input(node, 1)) ? undefined : 'Gather indices are not a compile-time constant';
  },
  backward: (ctx, node, [dY]) => {
    const shape = ctx.shapeOf(input(node, 0));
    const axis = normalizeAxis(numberAttribute(node, 'axis', 0), shape.length);
    const dim = shape[axis];
    const indices = ctx.valueOf(input(node, 1))!.map((i) => (i < 0 ? i + dim : i));
    const selection = new Float32Array(indices.length * dim);
    indices.forEach((index, row) => (selection[row * dim + index] += 1));
    const gathered = [...shape.slice(0, axis), indices.length, ...shape.slice(axis + 1)];
    let g = ctx.reshape(dY!, gathered);
    const last = shape.length - 1;
    const toLast = [...shape.keys()].filter((i) => i !== axis).concat(axis);
    if (axis !== last) g = ctx.op('Transpose', [g], { perm: toLast });
    g = ctx.op('MatMul', [g, ctx.constant(selection, [indices.length, dim])]);
    if (axis !== last) g = ctx.op('Transpose', [g], { perm: toLast.map((_, i) => toLast.indexOf(i)) });
    return [g];
  },
};

/** Swap the last two axes. */
function transposed(ctx: RuleContext, x: string): string {
  const rank = ctx.shapeOf(x).length;
  return ctx.op('Transpose', [x], { perm: [...Array(rank - 2).keys(), rank - 1, rank - 2] });
}

export const rules: Record<string, OperatorRule> = {
  Identity: { shape: sameShape, ...identity },
  Dropout: { shape: sameShape, ...identity },
  Neg: { shape: sameShape, ...unary((ctx, _, dY) => ctx.op('Neg', [dY])) },
  Relu: {
    shape: sameShape,
    backward: positivePart(),
  },
  LeakyRelu: {
    shape: sameShape,
    backward: positivePart((ctx, node) => ctx.scalar(numberAttribute(node, 'alpha', 0.01))),
  },
  PRelu: {
    shape: sameShape,
    check: constantInputs(1),
    backward: positivePart((_, node) => input(node, 1)),
  },
  Sigmoid: {
    shape: sameShape,
    ...unary((ctx, node, dY) => {
      const y = ctx.forward(output(node));
      return ctx.op('Mul', [dY, ctx.op('Mul', [y, ctx.op('Sub', [ctx.scalar(1), y])])]);
    }),
  },
  Tanh: {
    shape: sameShape,
    ...unary((ctx, node, dY) => {
      const y = ctx.forward(output(node));
      return ctx.op('Mul', [dY, ctx.op('Sub', [ctx.scalar(1), ctx.op('Mul', [y, y])])]);
    }),
  },
  Exp: { shape: sameShape, ...unary((ctx, node, dY) => ctx.op('Mul', [dY, ctx.forward(output(node))])) },
  Log: { shape: sameShape, ...unary((ctx, node, dY) => ctx.op('Div', [dY, ctx.forward(input(node, 0))])) },
  Sqrt: {
    shape: sameShape,
    ...unary((ctx, node, dY) =>
      ctx.op('Div', [ctx.op('Mul', [dY, ctx.scalar(0.5)]), ctx.forward(output(node))]),
    ),
  },
  Abs: {
    shape: sameShape,
    ...unary((ctx, node, dY) => ctx.op('Mul', [dY, ctx.op('Sign', [ctx.forward(input(node, 0))])])),
  },
  // Unclipped exactly where the output equals the input: bounds included, as torch.clamp.
  Clip: {
    shape: sameShape,
    check: constantInputs(1, 2),
    backward: (ctx, node, [dY]) => {
      const kept = ctx.op('Equal', [ctx.forward(input(node, 0)), ctx.forward(output(node))]);
      return [ctx.op('Where', [kept, dY!, ctx.scalar(0)])];
    },
  },
  Add: {
    shape: elementwise((a, b) => a + b),
    backward: broadcasting((_, __, dY) => dY),
  },
  Sum: {
    shape: noValue,
    backward: broadcasting((_, __, dY) => dY),
  },
  Sub: {
    shape: elementwise((a, b) => a - b),
    backward: broadcasting((ctx, _, dY, i) => (i === 0 ? dY : ctx.op('Neg', [dY]))),
  },
  Mul: {
    shape: elementwise((a, b) => a * b),
    backward: broadcasting((ctx, node, dY, i) => ctx.op('Mul', [dY, ctx.forward(input(node, 1 - i))])),
  },
  Div: {
    shape: elementwise((a, b) => Math.trunc(a / b)),
    backward: broadcasting((ctx, node, dY, i) => {
      const b = ctx.forward(input(node, 1));
      if (i === 0) return ctx.op('Div', [dY, b]);
      return ctx.op('Neg', [ctx.op('Div', [ctx.op('Mul', [dY, ctx.forward(output(node))]), b])]);
    }),
  },
  Pow: {
    shape: noValue,
    check: constantInputs(1),
    backward: broadcasting((ctx, node, dY) => {
      const x = ctx.forward(input(node, 0));
      const exponent = input(node, 1);
      const known = ctx.valueOf(exponent);
      let slope: string;
      if (known?.length === 1 && known[0] === 2) slope = ctx.op('Mul', [x, ctx.scalar(2)]);
      else if (known?.length === 1)
        slope = ctx.op('Mul', [ctx.op('Pow', [x, ctx.scalar(known[0] - 1)]), ctx.scalar(known[0])]);
      else slope = ctx.op('Mul', [ctx.op('Pow', [x, ctx.op('Sub', [exponent, ctx.scalar(1)])]), exponent]);
      return ctx.op('Mul', [dY, slope]);
    }),
  },
  // The shape input only ever comes from shape computations; dY is summed back over the broadcast axes.
  Expand: {
    shape: (v) => ({ shapes: [broadcastShapes([v.shape(0), requireValue(v, 1, 'Expand shape')])] }),
    check: (view, node) =>
      view.valueOf(input(node, 1)) ? undefined : 'Expand shape is not a compile-time constant',
    backward: (ctx, node, [dY]) => [ctx.unbroadcast(dY!, ctx.shapeOf(output(node)), input(node, 0))],
  },
  Max: { shape: noValue, ...extremum },
  Min: { shape: noValue, ...extremum },
  Where: {
    shape: noValue,
    check: constantInputs(0),
    backward: broadcasting((ctx, node, dY, i) => {
      const zero = ctx.scalar(0);
      return ctx.op('Where', [ctx.forward(input(node, 0)), i === 1 ? dY : zero, i === 1 ? zero : dY]);
    }),
  },
  MatMul: {
    shape: (v) => {
      const a = v.shape(0);
      const b = v.shape(1);
      if (a.length < 2 || b.length < 2) throw new Error('MatMul with a 1-D operand');
      const batch = broadcastShapes([a.slice(0, -2), b.slice(0, -2)]);
      return { shapes: [[...batch, a[a.length - 2], b[b.length - 1]]] };
    },
    check: (view, node) =>
      inputs(node).some((x) => view.shapeOf(x).length < 2) ? 'MatMul with a 1-D operand' : undefined,
    backward: (ctx, node, [dY], needs) => {
      const [a, b] = inputs(node);
      const outShape = ctx.shapeOf(output(node));
      const batch = outShape.slice(0, -2);
      const [aShape, bShape] = [ctx.shapeOf(a), ctx.shapeOf(b)];
      const twoD = aShape.length === 2 && bShape.length === 2;
      return [
        needs[0]
          ? twoD
            ? ctx.op('Gemm', [dY!, ctx.forward(b)], { transB: 1 })
            : ctx.unbroadcast(
                ctx.op('MatMul', [dY!, transposed(ctx, ctx.forward(b))]),
                [...batch, ...aShape.slice(-2)],
                a,
              )
          : undefined,
        needs[1]
          ? twoD
            ? ctx.op('Gemm', [ctx.forward(a), dY!], { transA: 1 })
            : ctx.unbroadcast(
                ctx.op('MatMul', [transposed(ctx, ctx.forward(a)), dY!]),
                [...batch, ...bShape.slice(-2)],
                b,
              )
          : undefined,
      ];
    },
  },
  Gemm: {
    shape: (v) => {
      const a = v.shape(0);
      const b = v.shape(1);
      const m = numberAttribute(v.node, 'transA', 0) ? a[1] : a[0];
      const n = numberAttribute(v.node, 'transB', 0) ? b[0] : b[1];
      return { shapes: [[m, n]] };
    },
    check: firstReason(constantInputs(1), (_, node) =>
      numberAttribute(node, 'transA', 0) ? 'Gemm with transA = 1 puts the batch axis of A last' : undefined,
    ),
    backward: (ctx, node, [dY], needs) => {
      const alpha = { float: numberAttribute(node, 'alpha', 1) };
      const beta = numberAttribute(node, 'beta', 1);
      const transB = numberAttribute(node, 'transB', 0);
      const dA = ctx.op('Gemm', [dY!, input(node, 1)], { alpha, transB: 1 - transB });
      const dC = () =>
        ctx.unbroadcast(
          beta === 1 ? dY! : ctx.op('Mul', [dY!, ctx.scalar(beta)]),
          ctx.shapeOf(output(node)),
          input(node, 2),
        );
      return [dA, undefined, needs[2] ? dC() : undefined];
    },
  },
  Conv: {
    shape: (v) => {
      const x = v.shape(0);
      const kernel = convKernel(v);
      return { shapes: [[x[0], v.shape(1)[0], ...windowGeometry(v.node, x.slice(2), kernel).output]] };
    },
    check: constantInputs(1, 2),
    backward: (ctx, node, [dY]) => {
      const [x, w] = inputs(node);
      const kernel = intsAttribute(node, 'kernel_shape') ?? ctx.shapeOf(w).slice(2);
      const g = windowGeometry(node, ctx.shapeOf(x).slice(2), kernel);
      const group = numberAttribute(node, 'group', 1);
      return [convolveBack(ctx, dY!, w, g, group) ?? scatterWindows(ctx, dY!, w, x, g, group)];
    },
  },
  // Inference mode: dX = dY · scale / sqrt(var + ε) per channel.
  BatchNormalization: {
    shape: (v) => ({ shapes: [v.shape(0)] }),
    check: firstReason(constantInputs(1, 2, 3, 4), (_, node) =>
      numberAttribute(node, 'training_mode', 0) === 1 ? 'BatchNormalization in training mode' : undefined,
    ),
    backward: (ctx, node, [dY]) => {
      const [x, scale, , , variance] = inputs(node);
      const epsilon = numberAttribute(node, 'epsilon', 1e-5);
      const rank = ctx.shapeOf(x).length;
      const channels = ctx.shapeOf(x)[1];
      const factorShape = [channels, ...Array<number>(rank - 2).fill(1)];
      const [scaleTensor, varianceTensor] = [ctx.initializer(scale), ctx.initializer(variance)];
      let factor: string;
      if (scaleTensor && varianceTensor) {
        const [s, v] = [tensorValues(scaleTensor), tensorValues(varianceTensor)];
        factor = ctx.constant(
          s.map((si, c) => si / Math.sqrt(v[c] + epsilon)),
          factorShape,
        );
      } else {
        const perChannel = ctx.op('Div', [
          scale,
          ctx.op('Sqrt', [ctx.op('Add', [variance, ctx.scalar(epsilon)])]),
        ]);
        factor = ctx.reshape(perChannel, factorShape);
      }
      return [ctx.op('Mul', [dY!, factor])];
    },
  },
  MaxPool: {
    shape: (v) => {
      const out = pooled(v, v.shape(0)[1], intsAttribute(v.node, 'kernel_shape') ?? []);
      return { shapes: (v.node.output ?? []).map(() => out) };
    },
    ...maxPool,
  },
  AveragePool: {
    shape: (v) => ({ shapes: [pooled(v, v.shape(0)[1], intsAttribute(v.node, 'kernel_shape') ?? [])] }),
    ...averagePool,
  },
  GlobalAveragePool: {
    shape: (v) => ({ shapes: [v.shape(0).map((d, i) => (i < 2 ? d : 1))] }),
    ...unary((ctx, node, dY) => {
      const shape = ctx.shapeOf(input(node, 0));
      const area = product(shape.slice(2));
      const spread = [1, ...shape.slice(1)];
      return ctx.op('Expand', [
        ctx.op('Mul', [dY, ctx.scalar(1 / area)]),
        ctx.constant(spread, [spread.length], 'int64'),
      ]);
    }),
  },
  ReduceSum: { shape: reducedShape(13), ...spreadReduction(13, false) },
  ReduceMean: { shape: reducedShape(18), ...spreadReduction(18, true) },
  ReduceL2: {
    shape: reducedShape(18),
    check: reductionCheck(18),
    backward: (ctx, node, [dY]) => {
      const r = reduction(ctx, node, 18);
      if (!r) return [dY];
      const keep = numberAttribute(node, 'keepdims', 1) === 1;
      const g = keep ? dY! : ctx.reshape(dY!, r.keptShape);
      const norm = keep ? ctx.forward(output(node)) : ctx.reshape(ctx.forward(output(node)), r.keptShape);
      return [ctx.op('Div', [ctx.op('Mul', [ctx.forward(input(node, 0)), g]), norm])];
    },
  },
  Flatten: {
    shape: (v) => {
      const shape = v.shape(0);
      const axis = numberAttribute(v.node, 'axis', 1);
      const a = axis < 0 ? axis + shape.length : axis;
      return { shapes: [[product(shape.slice(0, a)), product(shape.slice(a))]] };
    },
    ...reshapeBack,
  },
  Reshape: {
    shape: (v) => {
      const target = requireValue(v, 1, 'Reshape shape');
      return {
        shapes: [reshapeTarget(v.shape(0), target, numberAttribute(v.node, 'allowzero', 0) === 1)],
        values: [v.value(0)],
      };
    },
    ...reshapeBack,
  },
  Squeeze: {
    shape: (v) => {
      const shape = v.shape(0);
      const axes = axesOf(v.node, v.opset >= 13 && v.has(1) ? requireValue(v, 1, 'Squeeze axes') : undefined);
      const removed = new Set(
        axes
          ? axes.map((a) => normalizeAxis(a, shape.length))
          : shape.flatMap((d, i) => (d === 1 ? [i] : [])),
      );
      return { shapes: [shape.filter((_, i) => !removed.has(i))], values: [v.value(0)] };
    },
    ...reshapeBack,
  },
  Unsqueeze: {
    shape: (v) => {
      const shape = v.shape(0);
      const axes = axesOf(v.node, v.opset >= 13 ? requireValue(v, 1, 'Unsqueeze axes') : undefined) ?? [];
      const rank = shape.length + axes.length;
      const inserted = new Set(axes.map((a) => normalizeAxis(a, rank)));
      const out: number[] = [];
      let next = 0;
      for (let i = 0; i < rank; i++) out.push(inserted.has(i) ? 1 : shape[next++]);
      return { shapes: [out], values: [v.value(0)] };
    },
    ...reshapeBack,
  },
  Transpose: {
    shape: (v) => {
      const shape = v.shape(0);
      const perm = intsAttribute(v.node, 'perm') ?? shape.map((_, i) => shape.length - 1 - i);
      return { shapes: [perm.map((p) => shape[p])] };
    },
    ...unary((ctx, node, dY) => {
      const rank = ctx.shapeOf(input(node, 0)).length;
      const perm = intsAttribute(node, 'perm') ?? [...Array(rank).keys()].reverse();
      return ctx.op('Transpose', [dY], { perm: perm.map((_, i) => perm.indexOf(i)) });
    }),
  },
  Concat: {
    shape: (v) => {
      const count = (v.node.input ?? []).length;
      const shapes = Array.from({ length: count }, (_, i) => v.shape(i));
      const axis = normalizeAxis(numberAttribute(v.node, 'axis', 0), shapes[0].length);
      const out = [...shapes[0]];
      out[axis] = shapes.reduce((sum, s) => sum + s[axis], 0);
      const values = Array.from({ length: count }, (_, i) => v.value(i));
      const joined = out.length === 1 && values.every((x) => x) ? values.flatMap((x) => x!) : undefined;
      return { shapes: [out], values: [joined] };
    },
    backward: (ctx, node, [dY], needs) => {
      const rank = ctx.shapeOf(input(node, 0)).length;
      const axis = normalizeAxis(numberAttribute(node, 'axis', 0), rank);
      const parts = ctx.split(
        dY!,
        axis,
        inputs(node).map((x) => ctx.shapeOf(x)[axis]),
      );
      return needs.map((need, i) => (need ? parts[i] : undefined));
    },
  },
  Split: {
    shape: (v) => {
      const shape = v.shape(0);
      const axis = normalizeAxis(numberAttribute(v.node, 'axis', 0), shape.length);
      const outputs = (v.node.output ?? []).length;
      const sizes = splitSizes(
        v.node,
        v.opset,
        shape[axis],
        outputs,
        v.has(1) ? requireValue(v, 1, 'Split sizes') : undefined,
      );
      return { shapes: sizes.map((size) => shape.map((d, i) => (i === axis ? size : d))) };
    },
    backward: (ctx, node, dOut) => {
      const shape = ctx.shapeOf(input(node, 0));
      const axis = normalizeAxis(numberAttribute(node, 'axis', 0), shape.length);
      const sizes = splitSizes(
        node,
        ctx.opset,
        shape[axis],
        dOut.length,
        input(node, 1) ? ctx.valueOf(input(node, 1)) : undefined,
      );
      if (dOut.every((d) => d)) return [ctx.op('Concat', dOut as string[], { axis })];
      // Missing cotangents are zeros: pad each present one into place and add.
      let offset = 0;
      const placed: string[] = [];
      sizes.forEach((size, i) => {
        const d = dOut[i];
        if (d) {
          const pads = Array<number>(2 * shape.length).fill(0);
          pads[axis] = offset;
          pads[shape.length + axis] = shape[axis] - offset - size;
          placed.push(ctx.op('Pad', [d, ctx.constant(pads, [pads.length], 'int64')]));
        }
        offset += size;
      });
      return [placed.length === 1 ? placed[0] : ctx.op('Sum', placed)];
    },
  },
  Slice: {
    shape: (v) => {
      const shape = v.shape(0);
      const { starts, ends, axes, steps } = sliceInputs(v);
      const ranges = sliceRanges(shape, starts, ends, axes, steps);
      const out = shape.map((d, axis) => (ranges.has(axis) ? sliceLength(ranges.get(axis)!) : d));
      const data = v.value(0);
      if (data && shape.length === 1 && ranges.has(0)) {
        const [start, , step] = ranges.get(0)!;
        return { shapes: [out], values: [Array.from({ length: out[0] }, (_, i) => data[start + i * step])] };
      }
      return { shapes: [out] };
    },
    ...slice,
  },
  Pad: {
    shape: (v) => {
      const shape = v.shape(0);
      const { begin, end } = padAmounts(
        shape.length,
        requireValue(v, 1, 'Pad pads'),
        v.has(3) ? requireValue(v, 3, 'Pad axes') : undefined,
      );
      return { shapes: [shape.map((d, i) => d + begin[i] + end[i])] };
    },
    ...pad,
  },
  Gather: {
    shape: (v) => {
      const data = v.shape(0);
      const indices = v.shape(1);
      const axis = normalizeAxis(numberAttribute(v.node, 'axis', 0), data.length);
      const out = [...data.slice(0, axis), ...indices, ...data.slice(axis + 1)];
      const values = v.value(0);
      const index = v.value(1);
      if (values && index && data.length === 1) {
        return { shapes: [out], values: [index.map((i) => values[i < 0 ? i + data[0] : i])] };
      }
      return { shapes: [out] };
    },
    ...gather,
  },
  Cast: {
    shape: sameShape,
    stopsGradient: (node) => !isFloatType(numberAttribute(node, 'to', 0)),
    // The compiler works in float32: a cast to another float type is undone on the way back.
    backward: (ctx, node, [dY]) => [
      numberAttribute(node, 'to', 0) === onnx.TensorProto.DataType.FLOAT
        ? dY
        : ctx.op('Cast', [dY!], { to: onnx.TensorProto.DataType.FLOAT }),
    ],
  },
  Shape: {
    shape: (v) => {
      const shape = v.shape(0);
      const rank = shape.length;
      const clampAxis = (a: number): number => Math.min(Math.max(a < 0 ? a + rank : a, 0), rank);
      const start = clampAxis(numberAttribute(v.node, 'start', 0));
      const end = clampAxis(numberAttribute(v.node, 'end', rank));
      const value = shape.slice(start, Math.max(start, end));
      return { shapes: [[value.length]], values: [value] };
    },
    ...noGradient,
  },
  Constant: {
    shape: (v) => {
      const tensor = attribute(v.node, 'value');
      if (tensor && typeof tensor === 'object' && !Array.isArray(tensor)) {
        const dims = tensorDims(tensor);
        return { shapes: [dims], values: [product(dims) <= 64 ? tensorValues(tensor) : undefined] };
      }
      const scalar = attribute(v.node, 'value_float') ?? attribute(v.node, 'value_int');
      if (typeof scalar === 'number') return { shapes: [[]], values: [[scalar]] };
      const list = attribute(v.node, 'value_floats') ?? attribute(v.node, 'value_ints');
      if (Array.isArray(list)) return { shapes: [[list.length]], values: [list] };
      throw new Error('Constant without a numeric value');
    },
    ...noGradient,
  },
  ConstantOfShape: {
    shape: (v) => {
      const shape = requireValue(v, 0, 'ConstantOfShape shape');
      const tensor = attribute(v.node, 'value');
      const fill =
        tensor && typeof tensor === 'object' && !Array.isArray(tensor) ? tensorValues(tensor)[0] : 0;
      return {
        shapes: [shape],
        values: [product(shape) <= 64 ? Array<number>(product(shape)).fill(fill) : undefined],
      };
    },
    ...noGradient,
  },
  Sign: { shape: sameShape, ...noGradient },
  Equal: { shape: noValue, ...noGradient },
  Less: { shape: noValue, ...noGradient },
  Greater: { shape: noValue, ...noGradient },
  LessOrEqual: { shape: noValue, ...noGradient },
  GreaterOrEqual: { shape: noValue, ...noGradient },
  Not: { shape: sameShape, ...noGradient },
  And: { shape: noValue, ...noGradient },
  Or: { shape: noValue, ...noGradient },
  GlobalMaxPool: { shape: (v) => ({ shapes: [v.shape(0).map((d, i) => (i < 2 ? d : 1))] }) },
  ReduceMax: { shape: reducedShape(18) },
  ReduceMin: { shape: reducedShape(18) },
};
