import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, makeTensor, type Attributes } from '../../native-models/onnx/graph-builder.js';
import { onnx } from '../../native-models/onnx/model-io.js';
import * as ort from 'onnxruntime-node';
import { rules, shapeRule } from '../../native-models/autodiff/rules.js';
import { inferShapes } from '../../native-models/onnx/shapes.js';
import { checkGradient, random, randomValues, session, vjp } from './harness.js';

/**
 * One finite-difference check per rule variant: a tiny model x → y built by `build`,
 * the compiled VJP against central differences over every input coordinate.
 */
interface Case {
  name: string;
  opset: number;
  dims: number[];
  build: (b: GraphBuilder, x: string) => string;
  /** Keep |x| ≥ gap (kinks at 0). */
  gap?: number;
  /** Inputs pairwise apart (no near-ties for Max/Min/MaxPool); use with a small step. */
  distinct?: boolean;
  step?: number;
  tolerance?: number;
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const DOUBLE = onnx.TensorProto.DataType.DOUBLE;

function weights(b: GraphBuilder, dims: number[], seed: number, lo = -1, hi = 1): string {
  const next = random(seed);
  return b.constant(
    dims,
    Array.from({ length: dims.reduce((a, c) => a * c, 1) }, () => next(lo, hi)),
  );
}
const ints = (b: GraphBuilder, values: number[]): string => b.constant([values.length], values, 'int64');
const scalar = (b: GraphBuilder, value: number): string => b.constant([], [value]);

function conv(
  attributes: Attributes,
  channels = 4,
  outChannels = 4,
  kernel = [3, 3],
  group = 1,
  bias = false,
) {
  return (b: GraphBuilder, x: string): string =>
    b.node(
      'Conv',
      [
        x,
        weights(b, [outChannels, channels / group, ...kernel], 7),
        ...(bias ? [weights(b, [outChannels], 8)] : []),
      ],
      { group, ...attributes },
    );
}

const cases: Case[] = [
  // Elementwise.
  { name: 'Relu', opset: 13, dims: [2, 3, 4], gap: 0.05, build: (b, x) => b.node('Relu', [x]) },
  {
    name: 'LeakyRelu',
    opset: 13,
    dims: [2, 3, 4],
    gap: 0.05,
    build: (b, x) => b.node('LeakyRelu', [x], { alpha: { float: 0.2 } }),
  },
  {
    name: 'PRelu slope [C,1,1]',
    opset: 13,
    dims: [2, 3, 2, 2],
    gap: 0.05,
    build: (b, x) => b.node('PRelu', [x, weights(b, [3, 1, 1], 3)]),
  },
  {
    name: 'PRelu slope [C] on [N,C]',
    opset: 11,
    dims: [2, 5],
    gap: 0.05,
    build: (b, x) => b.node('PRelu', [x, weights(b, [5], 3)]),
  },
  { name: 'Sigmoid', opset: 13, dims: [2, 6], build: (b, x) => b.node('Sigmoid', [x]) },
  { name: 'Tanh', opset: 13, dims: [2, 6], build: (b, x) => b.node('Tanh', [x]) },
  { name: 'Exp', opset: 13, dims: [2, 6], build: (b, x) => b.node('Exp', [x]) },
  {
    name: 'Log',
    opset: 13,
    dims: [2, 6],
    build: (b, x) => b.node('Log', [b.node('Add', [x, scalar(b, 2)])]),
  },
  {
    name: 'Sqrt',
    opset: 13,
    dims: [2, 6],
    build: (b, x) => b.node('Sqrt', [b.node('Add', [x, scalar(b, 1.5)])]),
  },
  { name: 'Abs', opset: 13, dims: [2, 6], gap: 0.05, build: (b, x) => b.node('Abs', [x]) },
  { name: 'Neg', opset: 13, dims: [2, 6], build: (b, x) => b.node('Neg', [x]) },
  {
    name: 'Identity and Dropout',
    opset: 13,
    dims: [2, 6],
    build: (b, x) => b.node('Dropout', [b.node('Identity', [x])]),
  },
  {
    name: 'Clip min and max inputs (opset 11)',
    opset: 11,
    dims: [2, 8],
    gap: 0.05,
    build: (b, x) => b.node('Clip', [b.node('Mul', [x, scalar(b, 0.5)]), scalar(b, -0.2), scalar(b, 0.3)]),
  },
  {
    name: 'Clip min only (opset 13)',
    opset: 13,
    dims: [2, 8],
    gap: 0.05,
    build: (b, x) => b.node('Clip', [b.node('Add', [x, scalar(b, 0.37)]), scalar(b, 0.01)]),
  },
  {
    name: 'Cast float→double→float, and Cast to bool stops',
    opset: 13,
    dims: [2, 6],
    gap: 0.05,
    build: (b, x) => {
      const round = b.node('Cast', [b.node('Cast', [x], { to: DOUBLE })], { to: FLOAT });
      const mask = b.node('Cast', [b.node('Cast', [x], { to: onnx.TensorProto.DataType.BOOL })], {
        to: FLOAT,
      });
      return b.node('Mul', [round, b.node('Add', [mask, scalar(b, 1)])]);
    },
  },
  {
    name: 'Where (mask from Greater)',
    opset: 13,
    dims: [2, 6],
    gap: 0.05,
    build: (b, x) =>
      b.node('Where', [
        b.node('Greater', [x, scalar(b, 0)]),
        b.node('Tanh', [x]),
        b.node('Mul', [x, scalar(b, 3)]),
      ]),
  },

  // Broadcasting binary operators, both operand orders and both operands active.
  {
    name: 'Add [N,3,4] + [3,1]',
    opset: 13,
    dims: [2, 3, 4],
    build: (b, x) => b.node('Add', [x, weights(b, [3, 1], 1)]),
  },
  {
    name: 'Add [4] + [N,3,4]',
    opset: 11,
    dims: [2, 3, 4],
    build: (b, x) => b.node('Add', [weights(b, [4], 1), x]),
  },
  {
    name: 'Sub scalar − x and x − [1,3,1]',
    opset: 13,
    dims: [2, 3, 4],
    build: (b, x) => b.node('Sub', [b.node('Sub', [scalar(b, 0.5), x]), weights(b, [1, 3, 1], 2)]),
  },
  {
    name: 'Mul x · [3,1]',
    opset: 13,
    dims: [2, 3, 4],
    build: (b, x) => b.node('Mul', [weights(b, [3, 1], 3), x]),
  },
  { name: 'Mul x · x', opset: 13, dims: [2, 5], build: (b, x) => b.node('Mul', [x, x]) },
  {
    name: 'Mul with the active operand broadcast ([N,3,1] · [N,3,4])',
    opset: 13,
    dims: [2, 3, 4],
    build: (b, x) => b.node('Mul', [b.node('ReduceMean', [x], { axes: [2] }), b.node('Tanh', [x])]),
  },
  {
    name: 'Div x / [4]',
    opset: 13,
    dims: [2, 3, 4],
    build: (b, x) => b.node('Div', [x, weights(b, [4], 4, 0.5, 2)]),
  },
  {
    name: 'Div [3,1] / (x² + 0.5) and x / tanh-ish',
    opset: 13,
    dims: [2, 3, 4],
    build: (b, x) => {
      const denominator = b.node('Add', [b.node('Mul', [x, x]), scalar(b, 0.5)]);
      return b.node('Div', [
        b.node('Div', [weights(b, [3, 1], 5), denominator]),
        b.node('Add', [b.node('Sigmoid', [x]), scalar(b, 1)]),
      ]);
    },
  },
  { name: 'Pow exponent 2', opset: 13, dims: [2, 6], build: (b, x) => b.node('Pow', [x, scalar(b, 2)]) },
  {
    name: 'Pow exponent 3 (opset 11)',
    opset: 11,
    dims: [2, 6],
    build: (b, x) => b.node('Pow', [x, scalar(b, 3)]),
  },
  {
    name: 'Pow exponent 0.5 of a positive base',
    opset: 15,
    dims: [2, 6],
    build: (b, x) => b.node('Pow', [b.node('Add', [x, scalar(b, 1.5)]), scalar(b, 0.5)]),
  },
  {
    name: 'Pow tensor exponent [3]',
    opset: 13,
    dims: [2, 2, 3],
    build: (b, x) => b.node('Pow', [b.node('Add', [x, scalar(b, 1.5)]), b.constant([3], [2, 1.5, -0.5])]),
  },
  {
    name: 'Max(x, [4]) broadcast',
    distinct: true,
    opset: 13,
    dims: [2, 3, 4],
    build: (b, x) => b.node('Max', [x, weights(b, [4], 6, -0.3, 0.3)]),
  },
  {
    name: 'Min variadic (x, −x/2, [3,1])',
    distinct: true,
    opset: 13,
    dims: [2, 3, 4],
    build: (b, x) => b.node('Min', [x, b.node('Mul', [x, scalar(b, -0.5)]), weights(b, [3, 1], 6, 0, 0.5)]),
  },
  {
    name: 'Sum variadic with broadcasting',
    opset: 13,
    dims: [2, 3, 4],
    build: (b, x) => b.node('Sum', [x, b.node('Tanh', [x]), weights(b, [4], 1)]),
  },

  // Linear algebra.
  {
    name: 'MatMul [N,3] · [3,5] (Gemm form)',
    opset: 13,
    dims: [2, 3],
    build: (b, x) => b.node('MatMul', [x, weights(b, [3, 5], 1)]),
  },
  {
    name: 'MatMul [N,4,3] · [3,5]',
    opset: 13,
    dims: [2, 4, 3],
    build: (b, x) => b.node('MatMul', [x, weights(b, [3, 5], 1)]),
  },
  {
    name: 'MatMul [N,2,4,3] · [2,3,5]',
    opset: 11,
    dims: [2, 2, 4, 3],
    build: (b, x) => b.node('MatMul', [x, weights(b, [2, 3, 5], 1)]),
  },
  {
    name: 'MatMul of two active values (x · xᵀ)',
    opset: 13,
    dims: [2, 2, 3],
    build: (b, x) => b.node('MatMul', [x, b.node('Transpose', [b.node('Tanh', [x])], { perm: [0, 2, 1] })]),
  },
  {
    name: 'MatMul [3,4] · x[N,4,2]',
    opset: 13,
    dims: [2, 4, 2],
    build: (b, x) => b.node('MatMul', [weights(b, [3, 4], 2), x]),
  },
  {
    name: 'Gemm alpha, beta, C [5]',
    opset: 11,
    dims: [2, 3],
    build: (b, x) =>
      b.node('Gemm', [x, weights(b, [3, 5], 1), weights(b, [5], 2)], {
        alpha: { float: 0.7 },
        beta: { float: 1.3 },
      }),
  },
  {
    name: 'Gemm transB, no C',
    opset: 13,
    dims: [2, 3],
    build: (b, x) => b.node('Gemm', [x, weights(b, [5, 3], 1)], { transB: 1, alpha: { float: 1.5 } }),
  },
  {
    name: 'Gemm with an active C',
    opset: 13,
    dims: [2, 3],
    build: (b, x) =>
      b.node(
        'Gemm',
        [x, weights(b, [3, 4], 1), b.node('Sigmoid', [b.node('MatMul', [x, weights(b, [3, 4], 2)])])],
        { beta: { float: 0.5 } },
      ),
  },

  // Convolution.
  { name: 'Conv 3×3 pads 1', opset: 13, dims: [2, 4, 5, 5], build: conv({ pads: [1, 1, 1, 1] }) },
  {
    name: 'Conv stride 2, even input (output_padding)',
    opset: 13,
    dims: [1, 4, 6, 6],
    build: conv({ pads: [1, 1, 1, 1], strides: [2, 2] }),
  },
  {
    name: 'Conv stride 2, odd input, bias',
    opset: 11,
    dims: [1, 4, 7, 5],
    build: conv({ pads: [1, 1, 1, 1], strides: [2, 2] }, 4, 4, [3, 3], 1, true),
  },
  {
    name: 'Conv dilations 2',
    opset: 13,
    dims: [1, 4, 7, 7],
    build: conv({ pads: [2, 2, 2, 2], dilations: [2, 2] }),
  },
  {
    name: 'Conv groups 2, 1×3 kernel, asymmetric pads',
    opset: 13,
    dims: [1, 4, 5, 6],
    build: conv({ pads: [0, 1, 1, 0] }, 4, 6, [1, 3], 2),
  },
  {
    name: 'Conv depthwise stride 2',
    opset: 13,
    dims: [2, 4, 6, 6],
    build: conv({ pads: [1, 1, 1, 1], strides: [2, 2] }, 4, 4, [3, 3], 4),
  },
  {
    name: 'Conv auto_pad SAME_UPPER stride 2',
    opset: 13,
    dims: [1, 4, 6, 5],
    build: conv({ auto_pad: 'SAME_UPPER', strides: [2, 2] }),
  },
  {
    name: 'Conv auto_pad SAME_LOWER 2×2 kernel',
    opset: 18,
    dims: [1, 4, 5, 5],
    build: conv({ auto_pad: 'SAME_LOWER' }, 4, 4, [2, 2]),
  },
  {
    name: 'Conv auto_pad VALID stride 2',
    opset: 13,
    dims: [1, 4, 6, 6],
    build: conv({ auto_pad: 'VALID', strides: [2, 2] }),
  },
  { name: 'Conv 1-D', opset: 13, dims: [2, 4, 7], build: conv({ pads: [1, 0], strides: [2] }, 4, 3, [3]) },
  {
    name: 'BatchNormalization [N,C,H,W]',
    opset: 11,
    dims: [2, 3, 2, 2],
    build: (b, x) =>
      b.node(
        'BatchNormalization',
        [x, weights(b, [3], 1), weights(b, [3], 2), weights(b, [3], 3), weights(b, [3], 4, 0.5, 2)],
        { epsilon: { float: 1e-3 } },
      ),
  },
  {
    name: 'BatchNormalization [N,C] (opset 15)',
    opset: 15,
    dims: [2, 5],
    build: (b, x) =>
      b.node('BatchNormalization', [
        x,
        weights(b, [5], 1),
        weights(b, [5], 2),
        weights(b, [5], 3),
        weights(b, [5], 4, 0.5, 2),
      ]),
  },
  {
    name: 'BatchNormalization with Constant-node parameters',
    opset: 13,
    dims: [2, 3, 2],
    build: (b, x) => {
      const constant = (values: number[]) =>
        b.node('Constant', [], { value: { tensor: makeTensor('v', [3], values) } });
      return b.node('BatchNormalization', [
        x,
        constant([1, -2, 0.5]),
        constant([0, 1, 2]),
        constant([0.1, 0.2, 0.3]),
        constant([0.5, 2, 1]),
      ]);
    },
  },

  // Pooling.
  {
    name: 'MaxPool 2×2 stride 2',
    distinct: true,
    opset: 13,
    dims: [2, 2, 4, 4],
    build: (b, x) => b.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] }),
  },
  {
    name: 'MaxPool 3×3 stride 2 pads 1 (overlapping)',
    distinct: true,
    opset: 11,
    dims: [1, 2, 7, 6],
    build: (b, x) => b.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  },
  {
    name: 'MaxPool ceil_mode',
    distinct: true,
    opset: 13,
    dims: [1, 2, 6, 6],
    build: (b, x) => b.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }),
  },
  {
    name: 'MaxPool dilations 2',
    distinct: true,
    opset: 13,
    dims: [1, 2, 7, 7],
    build: (b, x) => b.node('MaxPool', [x], { kernel_shape: [2, 2], dilations: [2, 2], pads: [1, 0, 0, 1] }),
  },
  {
    name: 'MaxPool SAME_UPPER',
    distinct: true,
    opset: 18,
    dims: [1, 2, 5, 5],
    build: (b, x) =>
      b.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }),
  },
  {
    name: 'AveragePool 3×3 s2 p1 count_include_pad=0',
    opset: 13,
    dims: [1, 2, 7, 6],
    build: (b, x) =>
      b.node('AveragePool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  },
  {
    name: 'AveragePool 3×3 s2 p1 count_include_pad=1',
    opset: 11,
    dims: [1, 2, 7, 6],
    build: (b, x) =>
      b.node('AveragePool', [x], {
        kernel_shape: [3, 3],
        strides: [2, 2],
        pads: [1, 1, 1, 1],
        count_include_pad: 1,
      }),
  },
  {
    name: 'AveragePool ceil_mode, count_include_pad=0',
    opset: 13,
    dims: [1, 2, 6, 6],
    build: (b, x) => b.node('AveragePool', [x], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }),
  },
  {
    name: 'AveragePool ceil_mode, pads, count_include_pad=1',
    opset: 18,
    dims: [1, 2, 6, 7],
    build: (b, x) =>
      b.node('AveragePool', [x], {
        kernel_shape: [3, 3],
        strides: [2, 2],
        pads: [1, 1, 1, 1],
        ceil_mode: 1,
        count_include_pad: 1,
      }),
  },
  {
    name: 'GlobalAveragePool',
    opset: 13,
    dims: [2, 3, 3, 2],
    build: (b, x) => b.node('GlobalAveragePool', [x]),
  },

  // Reductions: axes as attribute (≤ 12 / ≤ 17) and as input (ReduceSum ≥ 13, others ≥ 18).
  {
    name: 'ReduceSum axes attribute, keepdims 0 (opset 11)',
    opset: 11,
    dims: [2, 3, 4],
    build: (b, x) => b.node('ReduceSum', [x], { axes: [-1], keepdims: 0 }),
  },
  {
    name: 'ReduceSum axes input, keepdims 1 (opset 13)',
    opset: 13,
    dims: [2, 3, 4],
    build: (b, x) => b.node('ReduceSum', [x, ints(b, [1, 2])]),
  },
  {
    name: 'ReduceMean axes attribute (opset 13)',
    opset: 13,
    dims: [2, 3, 4],
    build: (b, x) => b.node('ReduceMean', [x], { axes: [1], keepdims: 0 }),
  },
  {
    name: 'ReduceMean axes input (opset 18)',
    opset: 18,
    dims: [2, 3, 4],
    build: (b, x) => b.node('ReduceMean', [x, ints(b, [2])], { keepdims: 1 }),
  },
  {
    name: 'ReduceL2 keepdims 1 (opset 11)',
    opset: 11,
    dims: [2, 3, 4],
    build: (b, x) => b.node('ReduceL2', [x], { axes: [2] }),
  },
  {
    name: 'ReduceL2 axes input, keepdims 0 (opset 18)',
    opset: 18,
    dims: [2, 3, 4],
    build: (b, x) => b.node('ReduceL2', [x, ints(b, [1, 2])], { keepdims: 0 }),
  },

  // Shape operators.
  {
    name: 'Flatten',
    opset: 13,
    dims: [2, 2, 3],
    build: (b, x) => b.node('Mul', [b.node('Flatten', [x]), weights(b, [6], 1)]),
  },
  {
    name: 'Reshape [0,-1]',
    opset: 13,
    dims: [2, 2, 3],
    build: (b, x) => b.node('Mul', [b.node('Reshape', [x, ints(b, [0, -1])]), weights(b, [6], 1)]),
  },
  {
    name: 'Reshape to a shape computed by Shape → Gather → Unsqueeze → Concat',
    opset: 13,
    dims: [2, 2, 3],
    build: (b, x) => {
      const batch = b.node('Unsqueeze', [
        b.node('Gather', [b.node('Shape', [x]), b.constant([], [0], 'int64')], { axis: 0 }),
        ints(b, [0]),
      ]);
      return b.node('Mul', [
        b.node('Reshape', [x, b.node('Concat', [batch, ints(b, [3, -1])], { axis: 0 })]),
        weights(b, [3, 2], 1),
      ]);
    },
  },
  {
    name: 'Transpose',
    opset: 13,
    dims: [2, 2, 3, 4],
    build: (b, x) =>
      b.node('Mul', [b.node('Transpose', [x], { perm: [0, 3, 1, 2] }), weights(b, [4, 2, 3], 1)]),
  },
  {
    name: 'Unsqueeze/Squeeze axes attribute (opset 11)',
    opset: 11,
    dims: [2, 3],
    build: (b, x) =>
      b.node(
        'Squeeze',
        [b.node('Mul', [b.node('Unsqueeze', [x], { axes: [1, -1] }), weights(b, [1, 3, 1], 2)])],
        { axes: [1] },
      ),
  },
  {
    name: 'Unsqueeze/Squeeze axes input (opset 13)',
    opset: 13,
    dims: [2, 3],
    build: (b, x) =>
      b.node('Squeeze', [
        b.node('Mul', [b.node('Unsqueeze', [x, ints(b, [1, -1])]), weights(b, [1, 3, 1], 2)]),
        ints(b, [1]),
      ]),
  },
  {
    name: 'Concat of three values, one of them twice',
    opset: 13,
    dims: [2, 2, 3],
    build: (b, x) =>
      b.node('Mul', [b.node('Concat', [x, b.node('Tanh', [x]), x], { axis: -1 }), weights(b, [9], 3)]),
  },
  {
    name: 'Split attribute, one output unused (opset 11)',
    opset: 11,
    dims: [2, 7],
    build: (b, x) => b.nodeN('Split', [x], { axis: 1, split: [2, 3, 2] }, 3)[1],
  },
  {
    name: 'Split sizes input, all outputs used (opset 13)',
    opset: 13,
    dims: [2, 6],
    build: (b, x) => {
      const [p, q] = b.nodeN('Split', [x, ints(b, [4, 2])], { axis: -1 }, 2);
      return b.node('Concat', [b.node('Tanh', [q]), b.node('Mul', [p, p])], { axis: 1 });
    },
  },
  {
    name: 'Split into equal parts, first and last used (opset 18)',
    opset: 18,
    dims: [2, 2, 6],
    build: (b, x) => {
      const [p, , r] = b.nodeN('Split', [x], { axis: 2, num_outputs: 3 }, 3);
      return b.node('Mul', [p, b.node('Exp', [r])]);
    },
  },
  {
    name: 'Slice starts/ends/axes, negative and clamped (opset 11)',
    opset: 11,
    dims: [2, 4, 6],
    build: (b, x) => b.node('Slice', [x, ints(b, [1, -5]), ints(b, [100, -1]), ints(b, [1, 2])]),
  },
  {
    name: 'Slice steps 2 and −1',
    opset: 13,
    dims: [2, 5, 6],
    build: (b, x) =>
      b.node('Slice', [x, ints(b, [1, -1]), ints(b, [5, -100]), ints(b, [1, 2]), ints(b, [2, -1])]),
  },
  {
    name: 'Slice step −2 with defaults for axes',
    opset: 13,
    dims: [2, 3, 7],
    build: (b, x) =>
      b.node('Slice', [
        x,
        ints(b, [0, 0, 5]),
        ints(b, [2 ** 31 - 1, 2, 0]),
        ints(b, [0, 1, 2]),
        ints(b, [1, 1, -2]),
      ]),
  },
  {
    name: 'Pad constant (opset 11)',
    opset: 11,
    dims: [2, 2, 3],
    build: (b, x) =>
      b.node('Mul', [b.node('Pad', [x, ints(b, [0, 1, 0, 0, 2, 1]), scalar(b, 0.5)]), weights(b, [5, 4], 1)]),
  },
  {
    name: 'Pad with axes input (opset 18)',
    opset: 18,
    dims: [2, 2, 3],
    build: (b, x) =>
      b.node('Mul', [b.node('Pad', [x, ints(b, [2, 1]), '', ints(b, [-1])]), weights(b, [6], 1)]),
  },
  {
    name: 'Gather indices [2,0,2] on axis 2',
    opset: 13,
    dims: [2, 2, 3],
    build: (b, x) =>
      b.node('Mul', [
        b.node('Gather', [x, b.constant([3], [2, 0, -1], 'int64')], { axis: 2 }),
        weights(b, [3], 1),
      ]),
  },
  {
    name: 'Gather a scalar index on axis 1',
    opset: 13,
    dims: [2, 3, 2],
    build: (b, x) => b.node('Gather', [x, b.constant([], [1], 'int64')], { axis: 1 }),
  },
  {
    name: 'Expand [N,3,1] to a constant [3,4] shape (broadcast over N as well)',
    opset: 13,
    dims: [2, 3, 1],
    build: (b, x) => b.node('Mul', [b.node('Expand', [x, ints(b, [3, 4])]), weights(b, [3, 4], 1)]),
  },
  {
    name: 'Expand to Shape(x): F.normalize as PyTorch exports it (ReduceL2, Clip, Expand, Div)',
    opset: 13,
    dims: [2, 5],
    build: (b, x) => {
      const norm = b.node('ReduceL2', [x], { axes: [1], keepdims: 1 });
      const clamped = b.node('Clip', [norm, scalar(b, 1e-12), '']);
      return b.node('Div', [x, b.node('Expand', [clamped, b.node('Shape', [x])])]);
    },
  },
  {
    name: 'Expand of ConstantOfShape and Equal paths carry no gradient',
    opset: 13,
    dims: [2, 3],
    build: (b, x) => {
      const ones = b.node('ConstantOfShape', [b.node('Shape', [x])], {
        value: { tensor: makeTensor('one', [1], [1]) },
      });
      const same = b.node('Cast', [b.node('Equal', [x, x])], { to: FLOAT });
      return b.node('Mul', [b.node('Add', [x, ones]), same]);
    },
  },
];

for (const c of cases) {
  test(`gradient rule: ${c.name}`, async () => {
    const b = new GraphBuilder(c.opset);
    const x = b.input('x', ['N', ...c.dims.slice(1)]);
    const y = c.build(b, x);
    const model = b.build([y]);
    const { relativeError, analytic } = await checkGradient(model, c.dims, {
      output: y,
      gap: c.gap,
      distinct: c.distinct,
      step: c.step ?? (c.distinct ? 2e-3 : undefined),
    });
    assert.ok(relativeError < (c.tolerance ?? 2e-3), `relative error ${relativeError}`);
    assert.equal(
      analytic.length,
      c.dims.reduce((p, d) => p * d, 1),
    );

    // The shape rules agree with ONNX Runtime on every value of the case.
    const inferred = inferShapes(model.graph!, c.opset, new Map([['x', c.dims]]), shapeRule);
    assert.deepEqual([...inferred.failures.values()], []);
    const values = (model.graph!.node ?? []).flatMap((n) => n.output ?? []).filter((name) => name);
    const probe = await session(b.build(values));
    try {
      const run = await probe.run({ x: new ort.Tensor('float32', randomValues(analytic.length, 3), c.dims) });
      for (const name of values)
        assert.deepEqual(inferred.shapes.get(name), [...run[name].dims], `shape of ${name}`);
    } finally {
      await probe.release();
    }
  });
}

/** Operators whose outputs never carry gradient: their case is that the compiler stops at them. */
const NO_GRADIENT = [
  'Shape',
  'Constant',
  'ConstantOfShape',
  'Sign',
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
];
/** Operators with a shape rule only (inferred, never differentiated). */
const SHAPE_ONLY = ['GlobalMaxPool', 'ReduceMax', 'ReduceMin'];

test('every operator has a shape rule beside its gradient rule, and each gradient rule a finite-difference case', () => {
  const covered = new Set<string>();
  for (const c of cases) {
    const b = new GraphBuilder(c.opset);
    c.build(b, b.input('x', ['N', ...c.dims.slice(1)]));
    for (const node of b.nodes) covered.add(node.opType!);
  }
  for (const [op, rule] of Object.entries(rules)) {
    assert.equal(typeof rule.shape, 'function', `${op} has a shape rule`);
    if (SHAPE_ONLY.includes(op)) {
      assert.equal(rule.backward, undefined, `${op} is listed as shape-only`);
      continue;
    }
    assert.equal(typeof rule.backward, 'function', `${op} has a gradient rule`);
    if (!NO_GRADIENT.includes(op)) assert.ok(covered.has(op), `${op} has a finite-difference case`);
  }
  assert.deepEqual(
    [...NO_GRADIENT, ...SHAPE_ONLY].filter((op) => !Object.hasOwn(rules, op)),
    [],
    'the lists name only operators of the table',
  );
});

test('MaxPool ties send the gradient to the first maximum of the window, as PyTorch', async () => {
  const b = new GraphBuilder(13);
  const x = b.input('x', ['N', 1, 2, 3]);
  const y = b.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [1, 1] });
  // Windows [[1,1],[0,1]] and [[1,0],[1,1]] overlap at the shared column.
  const input = Float32Array.from([1, 1, 0, 0, 1, 1]);
  const g = await vjp(b.build([y]), 'x', y, [1, 1, 2, 3], input, Float32Array.from([1, 10]));
  assert.deepEqual(Array.from(g), [1, 10, 0, 0, 0, 0]);
});
