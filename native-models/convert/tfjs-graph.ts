/**
 * TF.js graph model (model.json + weight files) → ONNX (opset 13), NCHW.
 *
 * TF graphs are NHWC. The ONNX model takes rank-4 inputs as NCHW (like every model of the
 * workstation) and keeps rank-4 activations in NCHW: each converted value remembers its TF
 * (logical, NHWC) shape and whether it is stored transposed. Constants that broadcast against
 * an NCHW activation are transposed at conversion time; a Transpose node is emitted only where
 * the TF graph genuinely depends on NHWC order (Reshape, MatMul, an axis-dropping reduction
 * that would reorder axes, Transpose itself). Rank-4 graph outputs stay NCHW.
 *
 * Only operators our autodiff differentiates are emitted (Conv, Add, Sub, Mul, Div, Max, Min,
 * Relu, PRelu, Clip, Reshape, Transpose, MatMul, Pad, ReduceMean, Squeeze, Concat, MaxPool,
 * AveragePool).
 */
import type { ModelProto } from '../onnx/model-io.js';
import { NamedGraphBuilder, type Dim } from './named-graph.js';
import { decodeWeights, type WeightsManifestGroup } from './tfjs-weights.js';

export interface TfjsGraphModelJson {
  format?: string;
  modelTopology: { node: TfNode[]; versions?: { producer?: number } };
  weightsManifest: WeightsManifestGroup[];
  signature?: { outputs?: Record<string, { name: string }> };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

interface TfAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: { dim?: { size: string | number }[]; unknownRank?: boolean };
  list?: { s?: string[]; i?: (string | number)[] };
}

export class TfjsConversionError extends Error {
  override name = 'TfjsConversionError';
}

export const SUPPORTED_TF_OPS = [
  'Placeholder',
  'Const',
  'Identity',
  'Add',
  'AddV2',
  'BiasAdd',
  'Sub',
  'Mul',
  'RealDiv',
  'Maximum',
  'Minimum',
  'Relu',
  'Relu6',
  'Prelu',
  'Pad',
  'PadV2',
  'Conv2D',
  '_FusedConv2D',
  'DepthwiseConv2dNative',
  '_FusedDepthwiseConv2dNative',
  'MatMul',
  '_FusedMatMul',
  'Reshape',
  'Squeeze',
  'Mean',
  'AvgPool',
  'MaxPool',
  'ConcatV2',
  'Transpose',
] as const;

/** Element-wise TF ops (NumPy broadcasting) and their ONNX counterparts. */
const BINARY_OPS: Record<string, string> = {
  Add: 'Add',
  AddV2: 'Add',
  BiasAdd: 'Add',
  Sub: 'Sub',
  Mul: 'Mul',
  RealDiv: 'Div',
  Maximum: 'Max',
  Minimum: 'Min',
};

/** Symbolic name of a dimension TF leaves open (in practice the batch). */
const BATCH = 'N';
/** Position in NCHW storage of each NHWC (logical) axis, and the inverse. */
const LOG_TO_PHYS = [0, 2, 3, 1];
const PHYS_TO_LOG = [0, 3, 1, 2];

interface ConstValue {
  kind: 'const';
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}
interface TensorValue {
  kind: 'tensor';
  /** ONNX value name. */
  name: string;
  /** TF (NHWC) shape; -1 where unknown. */
  shape: number[];
  /** Stored as NCHW (rank 4 only). */
  nchw: boolean;
}
type Value = ConstValue | TensorValue;

export interface ConvertTfjsOptions {
  /** Graph name and the model's doc string. */
  graphName: string;
  description: string;
}

/**
 * Converts a TF.js graph model. `readWeightFile` returns the bytes of a path listed in the
 * model's weightsManifest.
 */
export function convertTfjsGraphModel(
  model: TfjsGraphModelJson,
  readWeightFile: (path: string) => Uint8Array,
  options: ConvertTfjsOptions,
): ModelProto {
  if (model.format !== undefined && model.format !== 'graph-model') {
    throw new TfjsConversionError(`expected a TF.js graph model, got format "${model.format}"`);
  }
  const weights = decodeWeights(model.weightsManifest, readWeightFile);
  const converter = new Converter(new NamedGraphBuilder(options.graphName), weights);
  const nodes = new Map(model.modelTopology.node.map((n) => [n.name, n]));
  const outputs = graphOutputs(model, nodes);
  for (const node of topologicalOrder(nodes, outputs)) converter.convert(node);
  for (const name of outputs) converter.markOutput(name);
  return converter.builder.build('xssab-workstation tfjs-graph converter', options.description);
}

function graphOutputs(model: TfjsGraphModelJson, nodes: Map<string, TfNode>): string[] {
  const declared = Object.values(model.signature?.outputs ?? {}).map((o) => parseInput(o.name).node);
  if (declared.length > 0) return declared;
  const consumed = new Set(
    [...nodes.values()].flatMap((n) => (n.input ?? []).map((i) => parseInput(i).node)),
  );
  return [...nodes.values()].filter((n) => n.op !== 'Const' && !consumed.has(n.name)).map((n) => n.name);
}

/** Nodes the outputs depend on, each after its inputs (iterative DFS: graphs can be deep). */
function topologicalOrder(nodes: Map<string, TfNode>, outputs: string[]): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: { name: string; expanded: boolean }[] = outputs
    .map((name) => ({ name, expanded: false }))
    .reverse();
  while (stack.length > 0) {
    const top = stack.pop()!;
    const node = nodes.get(top.name);
    if (!node) throw new TfjsConversionError(`graph refers to missing node "${top.name}"`);
    if (top.expanded) {
      state.set(top.name, 'done');
      order.push(node);
      continue;
    }
    if (state.get(top.name) === 'done') continue;
    if (state.get(top.name) === 'open')
      throw new TfjsConversionError(`graph has a cycle through "${top.name}"`);
    state.set(top.name, 'open');
    stack.push({ name: top.name, expanded: true });
    for (const input of [...dataInputs(node)].reverse()) {
      if (state.get(input.node) !== 'done') stack.push({ name: input.node, expanded: false });
    }
  }
  return order;
}

function parseInput(input: string): { node: string; index: number } {
  const match = /^(.*?)(?::(\d+))?$/.exec(input)!;
  return { node: match[1], index: Number(match[2] ?? 0) };
}

/** Data inputs; `^name` control dependencies carry no value and are dropped. */
function dataInputs(node: TfNode): { node: string; index: number }[] {
  return (node.input ?? []).filter((i) => !i.startsWith('^')).map(parseInput);
}

class Converter {
  private readonly values = new Map<string, Value>();
  /** Emitted initializers and layout transposes, so that each is emitted once. */
  private readonly emitted = new Map<string, string>();

  constructor(
    readonly builder: NamedGraphBuilder,
    private readonly weights: ReturnType<typeof decodeWeights>,
  ) {}

  convert(node: TfNode): void {
    if (Object.hasOwn(BINARY_OPS, node.op)) return this.binary(node, BINARY_OPS[node.op]);
    switch (node.op) {
      case 'Placeholder':
        return this.placeholder(node);
      case 'Const':
        return this.constant(node);
      case 'Identity':
        return void this.values.set(node.name, this.inputs(node, 1)[0]);
      case 'Relu':
      case 'Relu6':
      case 'Prelu': {
        const [x, alpha] = this.inputs(node, node.op === 'Prelu' ? 2 : 1);
        const t = this.tensor(node, x);
        return this.define(node.name, this.activation(node, node.op, t, alpha, node.name), t.shape, t.nchw);
      }
      case 'Pad':
      case 'PadV2':
        return this.pad(node);
      case 'Conv2D':
      case '_FusedConv2D':
        return this.conv(node, false);
      case 'DepthwiseConv2dNative':
      case '_FusedDepthwiseConv2dNative':
        return this.conv(node, true);
      case 'MatMul':
      case '_FusedMatMul':
        return this.matMul(node);
      case 'Reshape':
        return this.reshape(node);
      case 'Squeeze':
        return this.squeeze(node);
      case 'Mean':
        return this.mean(node);
      case 'AvgPool':
      case 'MaxPool':
        return this.pool(node);
      case 'ConcatV2':
        return this.concat(node);
      case 'Transpose':
        return this.transpose(node);
      default:
        throw new TfjsConversionError(
          `unsupported TF op ${node.op} at node "${node.name}" (supported: ${SUPPORTED_TF_OPS.join(', ')})`,
        );
    }
  }

  markOutput(nodeName: string): void {
    const value = this.values.get(nodeName)!;
    if (value.kind === 'const') throw new TfjsConversionError(`output "${nodeName}" is a constant`);
    this.builder.output(value.name, dims(physical(value)));
  }

  // ---- values ----------------------------------------------------------------------------

  private fail(node: TfNode, message: string): never {
    throw new TfjsConversionError(`node "${node.name}" (${node.op}): ${message}`);
  }

  private inputs(node: TfNode, count: number): Value[] {
    const inputs = dataInputs(node);
    if (inputs.length < count) this.fail(node, `expected ${count} inputs, got ${inputs.length}`);
    return inputs.map((input) => {
      if (input.index !== 0)
        this.fail(
          node,
          `uses output ${input.index} of "${input.node}"; only single-output ops are supported`,
        );
      return this.values.get(input.node)!;
    });
  }

  private define(nodeName: string, onnxName: string, shape: number[], nchw: boolean): void {
    this.values.set(nodeName, { kind: 'tensor', name: onnxName, shape, nchw });
  }

  private tensor(node: TfNode, value: Value): TensorValue {
    if (value.kind === 'const')
      this.fail(node, `input "${value.name}" is a constant where an activation was expected`);
    return value;
  }

  private constData(node: TfNode, value: Value, dtype: 'float32' | 'int32'): ConstValue {
    if (value.kind !== 'const') this.fail(node, `input "${value.name}" must be a constant`);
    if (value.dtype !== dtype)
      this.fail(node, `constant "${value.name}" is ${value.dtype}, expected ${dtype}`);
    return value;
  }

  private ints(node: TfNode, value: Value): number[] {
    return [...this.constData(node, value, 'int32').data];
  }

  /** The value as stored NCHW (rank 4), transposing once if it is stored NHWC. */
  private nchw(t: TensorValue): string {
    if (t.nchw) return t.name;
    return this.once(`${t.name}|nchw`, () =>
      this.builder.node('Transpose', [t.name], this.builder.fresh(`${t.name}/nchw`), { perm: PHYS_TO_LOG }),
    );
  }

  /** The value in TF's own (NHWC) order. */
  private plain(t: TensorValue): string {
    if (!t.nchw) return t.name;
    return this.once(`${t.name}|nhwc`, () =>
      this.builder.node('Transpose', [t.name], this.builder.fresh(`${t.name}/nhwc`), { perm: LOG_TO_PHYS }),
    );
  }

  /**
   * A float constant as an initializer; `nchw` lays it out to broadcast against NCHW values
   * (NumPy-aligned to [N,H,W,C], then transposed to [N,C,H,W]).
   */
  private floatConst(node: TfNode, value: Value, nchw: boolean): string {
    const c = this.constData(node, value, 'float32');
    if (!nchw)
      return this.once(`${c.name}|plain`, () =>
        this.builder.float(this.builder.fresh(c.name), c.shape, c.data as Float32Array),
      );
    if (c.shape.length > 4) this.fail(node, `constant "${c.name}" has rank ${c.shape.length} > 4`);
    return this.once(`${c.name}|nchw`, () => {
      const [n, h, w, ch] = [...Array(4 - c.shape.length).fill(1), ...c.shape] as number[];
      const out = new Float32Array(c.data.length);
      for (let a = 0; a < n; a++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++)
            for (let k = 0; k < ch; k++)
              out[((a * ch + k) * h + y) * w + x] = c.data[((a * h + y) * w + x) * ch + k];
      return this.builder.float(this.builder.fresh(`${c.name}/nchw`), [n, ch, h, w], out);
    });
  }

  private int64Const(name: string, values: number[]): string {
    return this.once(`int64|${values.join(',')}`, () =>
      this.builder.int64(this.builder.fresh(name), [values.length], values),
    );
  }

  private scalar(name: string, value: number): string {
    return this.once(`scalar|${value}`, () =>
      this.builder.float(this.builder.fresh(name), [], Float32Array.of(value)),
    );
  }

  private once(key: string, make: () => string): string {
    let name = this.emitted.get(key);
    if (name === undefined) {
      name = make();
      this.emitted.set(key, name);
    }
    return name;
  }

  // ---- ops -------------------------------------------------------------------------------

  private placeholder(node: TfNode): void {
    if (attrType(node, 'dtype') !== 'DT_FLOAT') this.fail(node, `only float32 inputs are supported`);
    const shape = (node.attr?.shape?.shape?.dim ?? []).map((d) => Number(d.size));
    const value: TensorValue = { kind: 'tensor', name: node.name, shape, nchw: shape.length === 4 };
    this.builder.input(node.name, dims(physical(value)));
    this.values.set(node.name, value);
  }

  private constant(node: TfNode): void {
    const w = this.weights.get(node.name);
    if (!w) this.fail(node, 'constant has no entry in the weights manifest');
    this.values.set(node.name, {
      kind: 'const',
      name: node.name,
      dtype: w.dtype,
      shape: w.shape,
      data: w.data,
    });
  }

  private binary(node: TfNode, onnxOp: string): void {
    const operands = this.inputs(node, 2).slice(0, 2);
    const tensors = operands.filter((v): v is TensorValue => v.kind === 'tensor');
    if (tensors.length === 0) this.fail(node, 'both inputs are constants (fold them before conversion)');
    if ((attrString(node, 'data_format') ?? 'NHWC') !== 'NHWC')
      this.fail(node, 'only NHWC data_format is supported');
    const shape = broadcast(node, operands[0].shape, operands[1].shape);
    const nchw =
      shape.length === 4 && tensors.some((t) => t.nchw) && tensors.every((t) => t.shape.length === 4);
    const names = operands.map((v) =>
      v.kind === 'const' ? this.floatConst(node, v, nchw) : nchw ? this.nchw(v) : this.plain(v),
    );
    this.define(node.name, this.builder.node(onnxOp, names, node.name), shape, nchw);
  }

  /** An activation of TF (`Relu`, `Relu6`, `Prelu`, as op or as a fused op) applied to `t`. */
  private activation(
    node: TfNode,
    kind: string,
    t: TensorValue,
    alpha: Value | undefined,
    output: string,
  ): string {
    const x = t.name;
    switch (kind) {
      case 'Relu':
        return this.builder.node('Relu', [x], output);
      case 'Relu6':
        return this.builder.node('Clip', [x, this.scalar('zero', 0), this.scalar('six', 6)], output);
      case 'Prelu':
        if (!alpha) this.fail(node, 'Prelu needs an alpha input');
        return this.builder.node('PRelu', [x, this.floatConst(node, alpha, t.nchw)], output);
      default:
        return this.fail(node, `fused activation ${kind} is not supported (Relu, Relu6, Prelu are)`);
    }
  }

  private pad(node: TfNode): void {
    const [xv, paddingsValue, constantValue] = this.inputs(node, node.op === 'PadV2' ? 3 : 2);
    const x = this.tensor(node, xv);
    const paddings = this.ints(node, paddingsValue);
    const rank = x.shape.length;
    if (paddings.length !== 2 * rank) this.fail(node, `paddings do not match rank ${rank}`);
    const order = x.nchw ? PHYS_TO_LOG : [...Array(rank).keys()];
    const pads = [...order.map((a) => paddings[2 * a]), ...order.map((a) => paddings[2 * a + 1])];
    const inputs = [x.name, this.int64Const('pads', pads)];
    if (constantValue) {
      const c = this.constData(node, constantValue, 'float32');
      inputs.push(this.scalar('pad_value', c.data[0]));
    }
    const shape = x.shape.map((d, a) => (d < 0 ? d : d + paddings[2 * a] + paddings[2 * a + 1]));
    this.define(node.name, this.builder.node('Pad', inputs, node.name, { mode: 'constant' }), shape, x.nchw);
  }

  private conv(node: TfNode, depthwise: boolean): void {
    const fused = node.op.startsWith('_Fused');
    const fusedOps = fused ? attrStrings(node, 'fused_ops') : [];
    const [xv, filterValue, ...extra] = this.inputs(node, 2);
    const x = this.tensor(node, xv);
    if (x.shape.length !== 4) this.fail(node, `input must be rank 4, got [${x.shape.join(',')}]`);
    if ((attrString(node, 'data_format') ?? 'NHWC') !== 'NHWC')
      this.fail(node, 'only NHWC data_format is supported');
    const filter = this.constData(node, filterValue, 'float32');
    const [kh, kw, ci, co] = filter.shape;
    const channels = x.shape[3];
    if (ci !== channels) this.fail(node, `filter expects ${ci} input channels, input has ${channels}`);
    const strides = attrInts(node, 'strides') ?? [1, 1, 1, 1];
    const dilations = attrInts(node, 'dilations') ?? [1, 1, 1, 1];
    const window = this.window(node, x.shape, [kh, kw], strides, dilations);

    // HWIO → OIHW; depthwise HW C M → (C·M) 1 H W, output channel c·M + m as in TF.
    const outChannels = depthwise ? ci * co : co;
    const weight = new Float32Array(filter.data.length);
    for (let y = 0; y < kh; y++)
      for (let xx = 0; xx < kw; xx++)
        for (let i = 0; i < ci; i++)
          for (let o = 0; o < co; o++) {
            const source = filter.data[((y * kw + xx) * ci + i) * co + o];
            if (depthwise) weight[((i * co + o) * kh + y) * kw + xx] = source;
            else weight[((o * ci + i) * kh + y) * kw + xx] = source;
          }
    const inputs = [
      this.nchw(x),
      this.once(`${filter.name}|oihw`, () =>
        this.builder.float(
          this.builder.fresh(`${filter.name}/oihw`),
          depthwise ? [outChannels, 1, kh, kw] : [co, ci, kh, kw],
          weight,
        ),
      ),
    ];

    let activation: string | undefined;
    if (fused) {
      if (fusedOps[0] !== 'BiasAdd' || fusedOps.length > 2)
        this.fail(node, `fused ops [${fusedOps.join(', ')}] are not supported`);
      inputs.push(this.floatConst(node, extra[0], false));
      activation = fusedOps[1];
    }
    const shape = [x.shape[0], ...window.outSize, outChannels];
    const attributes = {
      kernel_shape: [kh, kw],
      strides: window.strides,
      dilations: window.dilations,
      pads: window.pads,
      group: depthwise ? ci : 1,
    };
    const convOut = this.builder.node(
      'Conv',
      inputs,
      activation ? this.builder.fresh(`${node.name}/conv`) : node.name,
      attributes,
    );
    const conv: TensorValue = { kind: 'tensor', name: convOut, shape, nchw: true };
    const out = activation ? this.activation(node, activation, conv, extra[1], node.name) : convOut;
    this.define(node.name, out, shape, true);
  }

  /** ONNX pads for TF padding (SAME puts the odd pixel at the end) and the output size. */
  private window(node: TfNode, shape: number[], kernel: number[], strides: number[], dilations: number[]) {
    const padding = attrString(node, 'padding');
    const explicit = attrInts(node, 'explicit_paddings') ?? [];
    const begin: number[] = [];
    const end: number[] = [];
    const outSize: number[] = [];
    for (let a = 0; a < 2; a++) {
      const size = shape[1 + a];
      const stride = strides[1 + a];
      const extent = (kernel[a] - 1) * dilations[1 + a] + 1;
      if (padding === 'SAME') {
        if (size < 0) this.fail(node, 'SAME padding needs a known spatial size');
        const out = Math.ceil(size / stride);
        const total = Math.max((out - 1) * stride + extent - size, 0);
        begin.push(Math.floor(total / 2));
        end.push(total - Math.floor(total / 2));
      } else if (padding === 'VALID') {
        begin.push(0);
        end.push(0);
      } else if (padding === 'EXPLICIT') {
        begin.push(explicit[2 * (1 + a)]);
        end.push(explicit[2 * (1 + a) + 1]);
      } else {
        this.fail(node, `padding ${padding} is not supported`);
      }
      outSize.push(size < 0 ? -1 : Math.floor((size + begin[a] + end[a] - extent) / stride) + 1);
    }
    return {
      pads: [...begin, ...end],
      outSize,
      strides: [strides[1], strides[2]],
      dilations: [dilations[1], dilations[2]],
    };
  }

  private pool(node: TfNode): void {
    const x = this.tensor(node, this.inputs(node, 1)[0]);
    if ((attrString(node, 'data_format') ?? 'NHWC') !== 'NHWC')
      this.fail(node, 'only NHWC data_format is supported');
    const ksize = attrInts(node, 'ksize')!;
    if (ksize[0] !== 1 || ksize[3] !== 1)
      this.fail(node, 'pooling across batch or channels is not supported');
    const window = this.window(node, x.shape, [ksize[1], ksize[2]], attrInts(node, 'strides')!, [1, 1, 1, 1]);
    // AveragePool's default count_include_pad = 0 matches TF, which averages real pixels only.
    const out = this.builder.node(
      node.op === 'MaxPool' ? 'MaxPool' : 'AveragePool',
      [this.nchw(x)],
      node.name,
      {
        kernel_shape: [ksize[1], ksize[2]],
        strides: window.strides,
        pads: window.pads,
      },
    );
    this.define(node.name, out, [x.shape[0], ...window.outSize, x.shape[3]], true);
  }

  private matMul(node: TfNode): void {
    const [av, bv, ...extra] = this.inputs(node, 2);
    const a = this.tensor(node, av);
    if (a.shape.length !== 2 || bv.shape.length !== 2) this.fail(node, 'only rank-2 MatMul is supported');
    const transposeA = attrBool(node, 'transpose_a');
    const transposeB = attrBool(node, 'transpose_b');
    const left = transposeA
      ? this.builder.node('Transpose', [this.plain(a)], this.builder.fresh(`${node.name}/a_t`), {
          perm: [1, 0],
        })
      : this.plain(a);
    let right: string;
    if (bv.kind === 'const') {
      const b = this.constData(node, bv, 'float32');
      right = transposeB
        ? this.builder.float(this.builder.fresh(`${b.name}/t`), [b.shape[1], b.shape[0]], transpose2d(b))
        : this.floatConst(node, b, false);
    } else {
      right = transposeB
        ? this.builder.node('Transpose', [bv.name], this.builder.fresh(`${node.name}/b_t`), { perm: [1, 0] })
        : bv.name;
    }
    const shape = [a.shape[transposeA ? 1 : 0], bv.shape[transposeB ? 0 : 1]];
    const fusedOps = node.op === '_FusedMatMul' ? attrStrings(node, 'fused_ops') : [];
    if (fusedOps.length === 0)
      return this.define(node.name, this.builder.node('MatMul', [left, right], node.name), shape, false);
    if (fusedOps[0] !== 'BiasAdd' || fusedOps.length > 2)
      this.fail(node, `fused ops [${fusedOps.join(', ')}] are not supported`);
    const product = this.builder.node('MatMul', [left, right], this.builder.fresh(`${node.name}/matmul`));
    const biased = this.builder.node(
      'Add',
      [product, this.floatConst(node, extra[0], false)],
      fusedOps[1] ? this.builder.fresh(`${node.name}/bias`) : node.name,
    );
    const out = fusedOps[1]
      ? this.activation(
          node,
          fusedOps[1],
          { kind: 'tensor', name: biased, shape, nchw: false },
          extra[1],
          node.name,
        )
      : biased;
    this.define(node.name, out, shape, false);
  }

  private reshape(node: TfNode): void {
    const [xv, shapeValue] = this.inputs(node, 2);
    const x = this.tensor(node, xv);
    const target = this.ints(node, shapeValue);
    if (target.includes(0)) this.fail(node, 'zero-sized reshape targets are not supported');
    const shape = resolveReshape(x.shape, target);
    const out = this.builder.node('Reshape', [this.plain(x), this.int64Const('shape', target)], node.name);
    this.define(node.name, out, shape, false);
  }

  private squeeze(node: TfNode): void {
    const x = this.tensor(node, this.inputs(node, 1)[0]);
    const rank = x.shape.length;
    let axes = (attrInts(node, 'squeeze_dims') ?? attrInts(node, 'axis') ?? []).map((a) => (a + rank) % rank);
    if (axes.length === 0) axes = x.shape.flatMap((d, a) => (d === 1 ? [a] : []));
    if (axes.some((a) => x.shape[a] !== 1))
      this.fail(node, `squeezes axes [${axes.join(',')}] of shape [${x.shape.join(',')}]`);
    this.reduceRank(node, x, axes, (input, physicalAxes) =>
      this.builder.node('Squeeze', [input, this.int64Const('axes', physicalAxes)], node.name),
    );
  }

  private mean(node: TfNode): void {
    const [xv, axesValue] = this.inputs(node, 2);
    const x = this.tensor(node, xv);
    const rank = x.shape.length;
    const axes = sorted(new Set(this.ints(node, axesValue).map((a) => (a + rank) % rank)));
    if (attrBool(node, 'keep_dims')) {
      const physicalAxes = x.nchw ? sorted(axes.map((a) => LOG_TO_PHYS[a])) : axes;
      const out = this.builder.node('ReduceMean', [x.name], node.name, { axes: physicalAxes, keepdims: 1 });
      return this.define(
        node.name,
        out,
        x.shape.map((d, a) => (axes.includes(a) ? 1 : d)),
        x.nchw,
      );
    }
    this.reduceRank(node, x, axes, (input, physicalAxes) =>
      this.builder.node('ReduceMean', [input], node.name, { axes: physicalAxes, keepdims: 0 }),
    );
  }

  /**
   * An op that drops `axes` (TF numbering), emitted by `emit` on the input it is given. Stays
   * in NCHW when the remaining axes keep their TF order there (dropping H and W leaves [N,C]);
   * otherwise works on the NHWC value.
   */
  private reduceRank(
    node: TfNode,
    x: TensorValue,
    axes: number[],
    emit: (input: string, physicalAxes: number[]) => string,
  ): void {
    const kept = x.shape.flatMap((_, a) => (axes.includes(a) ? [] : [a]));
    const positions = kept.map((a) => LOG_TO_PHYS[a]);
    const stayNchw = x.nchw && positions.every((p, i) => i === 0 || p > positions[i - 1]);
    const out = stayNchw ? emit(x.name, sorted(axes.map((a) => LOG_TO_PHYS[a]))) : emit(this.plain(x), axes);
    this.define(
      node.name,
      out,
      kept.map((a) => x.shape[a]),
      false,
    );
  }

  private concat(node: TfNode): void {
    const all = this.inputs(node, 2);
    const parts = all.slice(0, -1);
    const rank = parts[0].shape.length;
    const axis = (this.ints(node, all[all.length - 1])[0] + rank) % rank;
    const tensors = parts.filter((v): v is TensorValue => v.kind === 'tensor');
    if (tensors.length === 0) this.fail(node, 'all inputs are constants (fold them before conversion)');
    const nchw = rank === 4 && tensors.some((t) => t.nchw);
    const names = parts.map((v) =>
      v.kind === 'const' ? this.floatConst(node, v, nchw) : nchw ? this.nchw(v) : this.plain(v),
    );
    const shape = parts[0].shape.map((d, a) =>
      a !== axis ? d : parts.some((p) => p.shape[a] < 0) ? -1 : parts.reduce((n, p) => n + p.shape[a], 0),
    );
    const out = this.builder.node('Concat', names, node.name, { axis: nchw ? LOG_TO_PHYS[axis] : axis });
    this.define(node.name, out, shape, nchw);
  }

  private transpose(node: TfNode): void {
    const [xv, permValue] = this.inputs(node, 2);
    const x = this.tensor(node, xv);
    const perm = this.ints(node, permValue);
    // From NCHW storage, output axis i is logical axis perm[i], stored at LOG_TO_PHYS[perm[i]].
    const onnxPerm = x.nchw ? perm.map((a) => LOG_TO_PHYS[a]) : perm;
    const out = this.builder.node('Transpose', [x.name], node.name, { perm: onnxPerm });
    this.define(
      node.name,
      out,
      perm.map((a) => x.shape[a]),
      false,
    );
  }
}

function sorted(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

function physical(t: TensorValue): number[] {
  return t.nchw ? PHYS_TO_LOG.map((a) => t.shape[a]) : t.shape;
}

function dims(shape: number[]): Dim[] {
  return shape.map((d) => (d < 0 ? BATCH : d));
}

function broadcast(node: TfNode, a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === 1) return y;
    if (y === 1 || x === y) return x;
    if (x < 0 || y < 0) return Math.max(x, y);
    throw new TfjsConversionError(
      `node "${node.name}" (${node.op}): shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`,
    );
  });
}

function resolveReshape(input: number[], target: number[]): number[] {
  const free = target.indexOf(-1);
  if (free < 0 || input.some((d) => d < 0)) return target;
  const known = target.reduce((n, d) => (d < 0 ? n : n * d), 1);
  return target.map((d) => (d < 0 ? input.reduce((n, s) => n * s, 1) / known : d));
}

function transpose2d(c: ConstValue): Float32Array {
  const [rows, cols] = c.shape;
  const out = new Float32Array(c.data.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = c.data[r * cols + k];
  return out;
}

function decodeBase64(s: string): string {
  return Buffer.from(s, 'base64').toString('utf8');
}

function attrString(node: TfNode, key: string): string | undefined {
  const s = node.attr?.[key]?.s;
  return s === undefined ? undefined : decodeBase64(s);
}

function attrStrings(node: TfNode, key: string): string[] {
  return (node.attr?.[key]?.list?.s ?? []).map(decodeBase64);
}

function attrInts(node: TfNode, key: string): number[] | undefined {
  const list = node.attr?.[key]?.list?.i;
  return list && list.length > 0 ? list.map(Number) : undefined;
}

function attrBool(node: TfNode, key: string): boolean {
  return node.attr?.[key]?.b === true;
}

function attrType(node: TfNode, key: string): string | undefined {
  return node.attr?.[key]?.type;
}
