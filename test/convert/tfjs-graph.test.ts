import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import {
  convertTfjsGraphModel,
  TfjsConversionError,
  type TfjsGraphModelJson,
  type TfNode,
} from '../../native-models/convert/tfjs-graph.js';
import type { WeightSpec } from '../../native-models/convert/tfjs-weights.js';
import { encodeModel, readModel, summarizeModel } from '../../native-models/onnx/model-io.js';
import { HUMAN_MODELS } from '../../native-models/setup/packages.js';
import {
  AUTODIFF_OPS,
  assertEmbeddingParity,
  faceBatch,
  maxAbsDifference,
  recognition,
  shippedModels,
} from './helpers.js';

/** A TF.js graph model served from memory, as tf.loadGraphModel reads it. */
function tfjsModel(json: TfjsGraphModelJson, weights: Uint8Array): Promise<tf.GraphModel> {
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  return tf.loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData,
      format: json.format,
    }),
  });
}

before(async () => {
  await tf.setBackend('cpu');
});

describe('MobileFace (TF.js graph model → ONNX)', () => {
  it('gives the embeddings TF.js gives, on real faces', async () => {
    const { manifests, packageDir } = shippedModels();
    const manifest = recognition(manifests.get('mobileface'));
    const dir = join(packageDir(HUMAN_MODELS), 'models');
    const json = JSON.parse(readFileSync(join(dir, 'mobileface.json'), 'utf8')) as TfjsGraphModelJson;
    const reference = await tfjsModel(json, readFileSync(join(dir, 'mobileface.bin')));

    const files = ['obama_1.jpg', 'biden_1.jpg', 'kit_harington_1.jpg'];
    const [h, w] = manifest.input.size;
    const { nhwc, nchw } = await faceBatch(files, h);
    const expected = (reference.execute(tf.tensor4d(nhwc, [files.length, h, w, 3])) as tf.Tensor).dataSync();

    const path = await assertEmbeddingParity('mobileface', manifest, files, nchw, expected);

    const summary = summarizeModel(readModel(path));
    assert.deepEqual(
      Object.keys(summary.opTypes).filter((op) => !AUTODIFF_OPS.has(op)),
      [],
    );
    assert.equal(summary.opset, manifest.onnx.opset);
  });
});

// ---- a small graph model exercising the ops and weight formats MobileFace does not use ----

const b64 = (s: string) => Buffer.from(s).toString('base64');
const attr = {
  s: (v: string) => ({ s: b64(v) }),
  ints: (v: number[]) => ({ list: { i: v.map(String) } }),
  strs: (v: string[]) => ({ list: { s: v.map(b64) } }),
  b: (v: boolean) => ({ b: v }),
  float: { type: 'DT_FLOAT' },
};
const conv = (strides: number[], padding: string) => ({
  T: attr.float,
  strides: attr.ints(strides),
  padding: attr.s(padding),
  data_format: attr.s('NHWC'),
  dilations: attr.ints([1, 1, 1, 1]),
  explicit_paddings: attr.ints([]),
});

interface TestWeight {
  name: string;
  shape: number[];
  values: number[];
  encoding: 'float32' | 'int32' | 'uint8' | 'float16';
}

/** float → IEEE half bits, for values exactly representable in half precision. */
function toHalf(v: number): number {
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const exponent = Math.floor(Math.log2(Math.abs(v)));
  const fraction = Math.round((Math.abs(v) / 2 ** exponent - 1) * 1024);
  return sign | ((exponent + 15) << 10) | fraction;
}

function encodeWeights(weights: TestWeight[]): { specs: WeightSpec[]; bytes: Uint8Array } {
  const parts: Uint8Array[] = [];
  const specs = weights.map(({ name, shape, values, encoding }): WeightSpec => {
    if (encoding === 'uint8') {
      const min = Math.min(...values);
      const scale = (Math.max(...values) - min) / 255;
      parts.push(Uint8Array.from(values, (v) => Math.round((v - min) / scale)));
      return { name, shape, dtype: 'float32', quantization: { dtype: 'uint8', scale, min } };
    }
    if (encoding === 'float16') {
      parts.push(new Uint8Array(Uint16Array.from(values, toHalf).buffer));
      return { name, shape, dtype: 'float32', quantization: { dtype: 'float16' } };
    }
    parts.push(
      new Uint8Array((encoding === 'int32' ? Int32Array.from(values) : Float32Array.from(values)).buffer),
    );
    return { name, shape, dtype: encoding };
  });
  return { specs, bytes: Buffer.concat(parts) };
}

const ramp = (n: number, scale: number, phase = 0) =>
  Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + phase) * scale);

function syntheticModel(): { json: TfjsGraphModelJson; bytes: Uint8Array } {
  const weights: TestWeight[] = [
    { name: 'w1', shape: [3, 3, 3, 4], values: ramp(108, 0.02), encoding: 'uint8' },
    { name: 'b1', shape: [4], values: [0.1, -0.2, 0.3, 2], encoding: 'float32' },
    {
      name: 'dw',
      shape: [3, 3, 4, 2],
      values: ramp(72, 1).map((v) => Math.round(v * 64) / 64),
      encoding: 'float16',
    },
    { name: 'alpha', shape: [8], values: ramp(8, 0.5, 1), encoding: 'float32' },
    { name: 'cat_axis', shape: [], values: [-1], encoding: 'int32' },
    { name: 'paddings', shape: [4, 2], values: [0, 0, 1, 0, 0, 1, 0, 0], encoding: 'int32' },
    { name: 'w2', shape: [1, 1, 16, 6], values: ramp(96, 0.3, 2), encoding: 'float32' },
    { name: 'b2', shape: [6], values: ramp(6, 0.1, 3), encoding: 'float32' },
    { name: 'floor', shape: [], values: [0.05], encoding: 'float32' },
    { name: 'perm', shape: [4], values: [0, 3, 1, 2], encoding: 'int32' },
    { name: 'flat', shape: [2], values: [-1, 96], encoding: 'int32' },
    { name: 'wfc', shape: [96, 5], values: ramp(480, 0.2, 4), encoding: 'float32' },
    { name: 'bfc', shape: [5], values: ramp(5, 0.1, 5), encoding: 'float32' },
    { name: 'spatial', shape: [2], values: [1, 2], encoding: 'int32' },
    { name: 'wm', shape: [5, 6], values: ramp(30, 0.5, 6), encoding: 'float32' },
    { name: 'gain', shape: [5], values: [1, 2, 3, 4, 5], encoding: 'float32' },
  ];
  const nodes: TfNode[] = [
    {
      name: 'x',
      op: 'Placeholder',
      attr: {
        dtype: { type: 'DT_FLOAT' },
        shape: { shape: { dim: [-1, 10, 10, 3].map((size) => ({ size: String(size) })) } },
      },
    },
    ...weights.map((w) => ({
      name: w.name,
      op: 'Const',
      attr: { dtype: { type: w.encoding === 'int32' ? 'DT_INT32' : 'DT_FLOAT' } },
    })),
    // SAME with stride 2 on 10 pixels: TF pads 0 before, 1 after.
    {
      name: 'c1',
      op: '_FusedConv2D',
      input: ['x', 'w1', 'b1'],
      attr: {
        ...conv([1, 2, 2, 1], 'SAME'),
        fused_ops: attr.strs(['BiasAdd', 'Relu6']),
        num_args: { i: '1' },
        epsilon: { f: 0 },
      },
    },
    { name: 'd1', op: 'DepthwiseConv2dNative', input: ['c1', 'dw'], attr: conv([1, 1, 1, 1], 'SAME') },
    { name: 'p1', op: 'Prelu', input: ['d1', 'alpha'], attr: { T: attr.float } },
    {
      name: 'mp',
      op: 'MaxPool',
      input: ['p1'],
      attr: {
        T: attr.float,
        ksize: attr.ints([1, 2, 2, 1]),
        strides: attr.ints([1, 2, 2, 1]),
        padding: attr.s('SAME'),
        data_format: attr.s('NHWC'),
      },
    },
    {
      name: 'ap',
      op: 'AvgPool',
      input: ['p1'],
      attr: {
        T: attr.float,
        ksize: attr.ints([1, 3, 3, 1]),
        strides: attr.ints([1, 2, 2, 1]),
        padding: attr.s('SAME'),
        data_format: attr.s('NHWC'),
      },
    },
    {
      name: 'cat',
      op: 'ConcatV2',
      input: ['mp', 'ap', 'cat_axis'],
      attr: { T: attr.float, N: { i: '2' }, Tidx: { type: 'DT_INT32' } },
    },
    {
      name: 'pd',
      op: 'Pad',
      input: ['cat', 'paddings'],
      attr: { T: attr.float, Tpaddings: { type: 'DT_INT32' } },
    },
    { name: 'c2', op: 'Conv2D', input: ['pd', 'w2'], attr: conv([1, 1, 1, 1], 'VALID') },
    { name: 'ba', op: 'BiasAdd', input: ['c2', 'b2'], attr: { T: attr.float, data_format: attr.s('NHWC') } },
    { name: 'r', op: 'Relu', input: ['ba'], attr: { T: attr.float } },
    { name: 'mx', op: 'Maximum', input: ['r', 'floor'], attr: { T: attr.float } },
    {
      name: 'tr',
      op: 'Transpose',
      input: ['mx', 'perm'],
      attr: { T: attr.float, Tperm: { type: 'DT_INT32' } },
    },
    {
      name: 'rs',
      op: 'Reshape',
      input: ['tr', 'flat'],
      attr: { T: attr.float, Tshape: { type: 'DT_INT32' } },
    },
    {
      name: 'fc',
      op: '_FusedMatMul',
      input: ['rs', 'wfc', 'bfc'],
      attr: {
        T: attr.float,
        transpose_a: attr.b(false),
        transpose_b: attr.b(false),
        fused_ops: attr.strs(['BiasAdd', 'Relu']),
        num_args: { i: '1' },
        epsilon: { f: 0 },
      },
    },
    {
      name: 'mk',
      op: 'Mean',
      input: ['r', 'spatial'],
      attr: { T: attr.float, Tidx: { type: 'DT_INT32' }, keep_dims: attr.b(true) },
    },
    { name: 'sq', op: 'Squeeze', input: ['mk'], attr: { T: attr.float, squeeze_dims: attr.ints([1, 2]) } },
    {
      name: 'mm',
      op: 'MatMul',
      input: ['sq', 'wm'],
      attr: { T: attr.float, transpose_a: attr.b(false), transpose_b: attr.b(true) },
    },
    { name: 'scaled', op: 'Mul', input: ['fc', 'gain'], attr: { T: attr.float } },
    { name: 'out', op: 'AddV2', input: ['scaled', 'mm'], attr: { T: attr.float } },
  ];
  const { specs, bytes } = encodeWeights(weights);
  return {
    json: {
      format: 'graph-model',
      modelTopology: { node: nodes, versions: { producer: 1 } },
      weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
      signature: { outputs: { 'out:0': { name: 'out:0' } } },
    },
    bytes,
  };
}

describe('tfjs-graph converter', () => {
  it('matches TF.js on SAME/explicit padding, fused, depthwise, pooling, concat, transpose and quantised weights', async () => {
    const { json, bytes } = syntheticModel();
    const model = convertTfjsGraphModel(json, () => bytes, { graphName: 'synthetic', description: 'test' });
    const summary = summarizeModel(model);
    assert.deepEqual(summary.inputs[0].shape, ['N', 3, 10, 10]);
    assert.deepEqual(
      Object.keys(summary.opTypes).filter((op) => !AUTODIFF_OPS.has(op)),
      [],
    );

    const batch = 2;
    const nhwc = Float32Array.from({ length: batch * 300 }, (_, i) => Math.sin(i * 0.61) * 3);
    const nchw = new Float32Array(nhwc.length);
    for (let n = 0; n < batch; n++)
      for (let p = 0; p < 100; p++)
        for (let c = 0; c < 3; c++) nchw[(n * 3 + c) * 100 + p] = nhwc[(n * 100 + p) * 3 + c];
    const reference = await tfjsModel(json, bytes);
    const expected = (reference.execute(tf.tensor4d(nhwc, [batch, 10, 10, 3])) as tf.Tensor).dataSync();
    const session = await ort.InferenceSession.create(encodeModel(model));
    const actual = (await session.run({ x: new ort.Tensor('float32', nchw, [batch, 3, 10, 10]) })).out
      .data as Float32Array;
    assert.equal(actual.length, batch * 5);
    assert.ok(
      maxAbsDifference(actual, expected) < 1e-4,
      `max abs difference ${maxAbsDifference(actual, expected)}`,
    );
  });

  it('names the op and node it cannot convert', () => {
    const { json, bytes } = syntheticModel();
    json.modelTopology.node.find((n) => n.name === 'r')!.op = 'Elu';
    assert.throws(
      () => convertTfjsGraphModel(json, () => bytes, { graphName: 'synthetic', description: 'test' }),
      (error: Error) =>
        error instanceof TfjsConversionError && /unsupported TF op Elu at node "r"/.test(error.message),
    );
  });
});
