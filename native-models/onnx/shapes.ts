import type { GraphProto, NodeProto } from './model-io.js';
import {
  intsAttribute,
  numberAttribute,
  stringAttribute,
  tensorDims,
  tensorValues,
} from './graph-builder.js';

/**
 * Static shape inference, with evaluation of the small integer tensors that shape
 * computations pass around (Shape → Gather → Concat → Reshape and constant
 * axes/pads/starts inputs). Each operator's shape rule sits beside its gradient rule
 * in autodiff/rules.ts; this file holds the helpers those rules share and the walk.
 */
export interface ShapeInference {
  shapes: Map<string, number[]>;
  /** Contents of small constant or shape-derived tensors, row-major. */
  values: Map<string, number[]>;
  /** Why a node's output shapes could not be inferred. */
  failures: Map<NodeProto, string>;
}

/** Window geometry of a Conv or pooling node over the spatial axes. */
export interface WindowGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
  output: number[];
}

export function windowGeometry(
  node: NodeProto,
  input: number[],
  kernel: number[],
  ceilMode = false,
): WindowGeometry {
  const n = kernel.length;
  const strides = intsAttribute(node, 'strides') ?? Array<number>(n).fill(1);
  const dilations = intsAttribute(node, 'dilations') ?? Array<number>(n).fill(1);
  const pads = intsAttribute(node, 'pads') ?? Array<number>(2 * n).fill(0);
  const autoPad = stringAttribute(node, 'auto_pad', 'NOTSET');
  const padsBegin = pads.slice(0, n);
  const padsEnd = pads.slice(n, 2 * n);
  const output: number[] = [];
  for (let i = 0; i < n; i++) {
    const extent = (kernel[i] - 1) * dilations[i] + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      output[i] = Math.ceil(input[i] / strides[i]);
      const total = Math.max(0, (output[i] - 1) * strides[i] + extent - input[i]);
      const small = Math.floor(total / 2);
      padsBegin[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      padsEnd[i] = total - padsBegin[i];
    } else {
      if (autoPad === 'VALID') padsBegin[i] = padsEnd[i] = 0;
      const span = input[i] + padsBegin[i] + padsEnd[i] - extent;
      output[i] = (ceilMode ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i])) + 1;
      // A window may not start inside the end padding (PyTorch and ONNX Runtime agree).
      if (ceilMode && (output[i] - 1) * strides[i] >= input[i] + padsBegin[i]) output[i]--;
    }
    if (output[i] < 1) throw new Error(`window larger than the padded input on spatial axis ${i}`);
  }
  return { kernel, strides, dilations, padsBegin, padsEnd, output };
}

export function broadcastShapes(shapes: number[][]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = Array<number>(rank).fill(1);
  for (const shape of shapes) {
    const offset = rank - shape.length;
    shape.forEach((dim, i) => {
      const current = out[offset + i];
      if (dim !== 1 && current !== 1 && dim !== current) {
        throw new Error(`shapes ${shapes.map((s) => `[${s.join(',')}]`).join(' and ')} do not broadcast`);
      }
      if (dim !== 1) out[offset + i] = dim;
    });
  }
  return out;
}

export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

const product = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);

export interface NodeView {
  node: NodeProto;
  opset: number;
  /** Shape of input i; throws when unknown. */
  shape(i: number): number[];
  /** Contents of input i when known at compile time. */
  value(i: number): number[] | undefined;
  has(i: number): boolean;
}

export interface Inferred {
  shapes: number[][];
  values?: (number[] | undefined)[];
}

/** An operator's shape rule (kept beside its gradient rule in autodiff/rules.ts). */
export type ShapeFunction = (v: NodeView) => Inferred;

export function requireValue(v: NodeView, i: number, what: string): number[] {
  const value = v.value(i);
  if (!value) throw new Error(`${what} (input '${v.node.input?.[i]}') is not a compile-time constant`);
  return value;
}

/** Axes from the attribute (older opsets) or from the optional input (newer opsets). */
export function axesOf(node: NodeProto, inputAxes: number[] | undefined): number[] | undefined {
  return intsAttribute(node, 'axes') ?? inputAxes;
}

export const sameShape: ShapeFunction = (v) => ({
  shapes: (v.node.output ?? []).map(() => v.shape(0)),
  values: [v.value(0)],
});

export function elementwise(op: (a: number, b: number) => number): ShapeFunction {
  return (v) => {
    const count = (v.node.input ?? []).length;
    const shapes = Array.from({ length: count }, (_, i) => v.shape(i));
    const out = broadcastShapes(shapes);
    const a = v.value(0);
    const b = v.value(1);
    // Shape arithmetic only: vectors and scalars.
    if (count === 2 && a && b && out.length <= 1) {
      const n = product(out);
      return {
        shapes: [out],
        values: [
          Array.from({ length: n }, (_, i) => op(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i])),
        ],
      };
    }
    return { shapes: [out] };
  };
}

export const noValue = elementwise(() => Number.NaN);

export function reducedShape(axesFromInputOpset: number): ShapeFunction {
  return (v) => {
    const shape = v.shape(0);
    const fromInput = v.opset >= axesFromInputOpset && v.has(1) ? requireValue(v, 1, 'axes') : undefined;
    const axes = axesOf(v.node, fromInput);
    const keep = numberAttribute(v.node, 'keepdims', 1) === 1;
    const noop = numberAttribute(v.node, 'noop_with_empty_axes', 0) === 1;
    if (!axes?.length && noop) return { shapes: [shape] };
    const reduced = new Set(
      (axes?.length ? axes : shape.map((_, i) => i)).map((a) => normalizeAxis(a, shape.length)),
    );
    const out = keep
      ? shape.map((d, i) => (reduced.has(i) ? 1 : d))
      : shape.filter((_, i) => !reduced.has(i));
    return { shapes: [out] };
  };
}

/** Normalized [start, end, step] per sliced axis, following the ONNX Slice clamping rules. */
export function sliceRanges(
  shape: number[],
  starts: number[],
  ends: number[],
  axes?: number[],
  steps?: number[],
): Map<number, [number, number, number]> {
  const ranges = new Map<number, [number, number, number]>();
  starts.forEach((rawStart, i) => {
    const axis = normalizeAxis(axes ? axes[i] : i, shape.length);
    const dim = shape[axis];
    const step = steps ? steps[i] : 1;
    if (step === 0) throw new Error('Slice step 0');
    const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);
    let start = rawStart < 0 ? rawStart + dim : rawStart;
    let end = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (step > 0) {
      start = clamp(start, 0, dim);
      end = clamp(end, 0, dim);
    } else {
      start = clamp(start, -1, dim - 1);
      end = clamp(end, -1, dim - 1);
    }
    ranges.set(axis, [start, end, step]);
  });
  return ranges;
}

export function sliceLength([start, end, step]: [number, number, number]): number {
  return Math.max(0, Math.ceil((end - start) / step));
}

export function sliceInputs(v: NodeView): {
  starts: number[];
  ends: number[];
  axes?: number[];
  steps?: number[];
} {
  return {
    starts: requireValue(v, 1, 'Slice starts'),
    ends: requireValue(v, 2, 'Slice ends'),
    axes: v.has(3) ? requireValue(v, 3, 'Slice axes') : undefined,
    steps: v.has(4) ? requireValue(v, 4, 'Slice steps') : undefined,
  };
}

/** Begin and end padding per axis of a constant-mode Pad node. */
export function padAmounts(
  rank: number,
  pads: number[],
  axesInput: number[] | undefined,
): { begin: number[]; end: number[] } {
  const axes = (axesInput ?? Array.from({ length: rank }, (_, i) => i)).map((a) => normalizeAxis(a, rank));
  const begin = Array<number>(rank).fill(0);
  const end = Array<number>(rank).fill(0);
  axes.forEach((axis, i) => {
    begin[axis] = pads[i];
    end[axis] = pads[i + axes.length];
  });
  return { begin, end };
}

export function reshapeTarget(input: number[], target: number[], allowZero: boolean): number[] {
  const out = target.map((d, i) => (d === 0 && !allowZero ? input[i] : d));
  const inferred = out.indexOf(-1);
  if (inferred >= 0) out[inferred] = product(input) / product(out.filter((_, i) => i !== inferred));
  if (!Number.isInteger(out[inferred] ?? 0) || product(out) !== product(input)) {
    throw new Error(`cannot reshape [${input.join(',')}] to [${target.join(',')}]`);
  }
  return out;
}

export function convKernel(v: NodeView): number[] {
  return intsAttribute(v.node, 'kernel_shape') ?? v.shape(1).slice(2);
}

export function pooled(v: NodeView, channels: number, kernel: number[]): number[] {
  const x = v.shape(0);
  const geometry = windowGeometry(v.node, x.slice(2), kernel, numberAttribute(v.node, 'ceil_mode', 0) === 1);
  return [x[0], channels, ...geometry.output];
}

/** Sizes of a Split's outputs: from the attribute (opset < 13), the input, or equal parts. */
export function splitSizes(
  node: NodeProto,
  opset: number,
  dim: number,
  outputs: number,
  splitInput: number[] | undefined,
): number[] {
  const explicit = opset < 13 ? intsAttribute(node, 'split') : splitInput;
  if (explicit?.length) return explicit;
  const size = Math.ceil(dim / outputs);
  return Array.from({ length: outputs }, (_, i) => Math.min(size, dim - i * size));
}

/**
 * Infers every value's shape from the graph inputs' shapes (`inputShapes`) and the
 * initializers, in node order. Nodes whose shapes cannot be inferred are recorded
 * in `failures`; their outputs (and everything after) stay unknown.
 */
export function inferShapes(
  graph: GraphProto,
  opset: number,
  inputShapes: Map<string, number[]>,
  shapeRule: (opType: string) => ShapeFunction | undefined,
): ShapeInference {
  const shapes = new Map(inputShapes);
  const values = new Map<string, number[]>();
  const failures = new Map<NodeProto, string>();
  for (const tensor of graph.initializer ?? []) {
    const dims = tensorDims(tensor);
    shapes.set(tensor.name!, dims);
    if (product(dims) <= 64) values.set(tensor.name!, tensorValues(tensor));
  }
  for (const node of graph.node ?? []) {
    const inputs = node.input ?? [];
    const fn = shapeRule(node.opType ?? '');
    if (!fn || (node.domain && node.domain !== 'ai.onnx')) {
      failures.set(node, `no shape inference for ${node.opType}`);
      continue;
    }
    const view: NodeView = {
      node,
      opset,
      has: (i) => !!inputs[i],
      shape: (i) => {
        const shape = shapes.get(inputs[i]);
        if (!shape) throw new Error(`the shape of input '${inputs[i]}' is unknown`);
        return shape;
      },
      value: (i) => (inputs[i] ? values.get(inputs[i]) : undefined),
    };
    try {
      const inferred = fn(view);
      (node.output ?? []).forEach((name, i) => {
        if (!name || !inferred.shapes[i]) return;
        shapes.set(name, inferred.shapes[i]);
        const value = inferred.values?.[i];
        if (value) values.set(name, value);
      });
    } catch (error) {
      failures.set(node, (error as Error).message);
    }
  }
  return { shapes, values, failures };
}
