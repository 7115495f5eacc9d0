/**
 * dlib's face-recognition ResNet-34 (dlib_face_recognition_resnet_model_v1, 128-d descriptor)
 * as an ONNX graph, built from face-api's weights manifest. The architecture follows
 * face-api's FaceRecognitionNet (src/faceRecognitionNet/*.ts):
 *
 *   x = (rgb − [122.782, 117.001, 104.298]) / 255            on a 150×150 chip
 *   conv 7×7/2 valid + scale + relu, maxpool 3×3/2 valid
 *   residual ×3 (32), residualDown + residual ×3 (64), residualDown + residual ×2 (128),
 *   residualDown + residual ×2 (256), residualDown (256)
 *   mean over H,W, fully connected (no bias) → 128
 *
 * A conv layer is conv + bias, then dlib's affine "scale" layer (× weights + biases); both are
 * folded into the Conv's weights and bias here. residualDown adds a 2×2/2 average pool of its
 * input, zero-padded to the new channel count, and zero-pads its own branch by one row and
 * column at the end when the pooled map is larger (8 → 3 vs 4, 4 → 1 vs 2).
 *
 * The normalisation happens inside the graph: the model takes NCHW RGB pixels 0..255.
 */
import type { ModelProto } from '../onnx/model-io.js';
import { NamedGraphBuilder, type Dim } from './named-graph.js';
import { decodeWeights, type DecodedWeight, type WeightsManifestGroup } from './tfjs-weights.js';

const DLIB_INPUT_SIZE = 150;
const DLIB_MEAN_RGB = [122.782, 117.001, 104.298];
const DLIB_INPUT = 'input';
const DLIB_OUTPUT = 'descriptor';

const STAGES: { name: string; down: boolean }[] = [
  ...['conv32_1', 'conv32_2', 'conv32_3'].map((name) => ({ name, down: false })),
  { name: 'conv64_down', down: true },
  ...['conv64_1', 'conv64_2', 'conv64_3'].map((name) => ({ name, down: false })),
  { name: 'conv128_down', down: true },
  ...['conv128_1', 'conv128_2'].map((name) => ({ name, down: false })),
  { name: 'conv256_down', down: true },
  ...['conv256_1', 'conv256_2'].map((name) => ({ name, down: false })),
  { name: 'conv256_down_out', down: true },
];

interface Activation {
  name: string;
  channels: number;
  size: number;
}

export class DlibWeightsError extends Error {
  override name = 'DlibWeightsError';
}

/** Builds the ONNX model; `readWeightFile` returns the bytes of a path the manifest lists. */
export function buildDlibResnet(
  manifest: WeightsManifestGroup[],
  readWeightFile: (path: string) => Uint8Array,
): ModelProto {
  const weights = decodeWeights(manifest, readWeightFile);
  const g = new NamedGraphBuilder('dlib_face_recognition_resnet_model_v1');
  const batch: Dim = 'N';
  const input = g.input(DLIB_INPUT, [batch, 3, DLIB_INPUT_SIZE, DLIB_INPUT_SIZE]);
  const centred = g.node(
    'Sub',
    [input, g.float('mean_rgb', [1, 3, 1, 1], Float32Array.from(DLIB_MEAN_RGB))],
    'centred',
  );
  const normalized = g.node('Div', [centred, g.float('pixel_range', [], Float32Array.of(255))], 'normalized');

  const get = (name: string, rank: number): DecodedWeight => {
    const w = weights.get(name);
    if (!w) throw new DlibWeightsError(`face-api weights manifest lacks ${name}`);
    if (w.shape.length !== rank || w.dtype !== 'float32')
      throw new DlibWeightsError(`${name} has shape [${w.shape.join(',')}] ${w.dtype}`);
    return w;
  };

  /** conv + bias + scale layer (folded), optionally followed by relu. */
  const convLayer = (x: Activation, prefix: string, stride: 1 | 2, relu: boolean): Activation => {
    const filters = get(`${prefix}/conv/filters`, 4);
    const [kh, kw, ci, co] = filters.shape;
    if (ci !== x.channels) throw new DlibWeightsError(`${prefix} expects ${ci} channels, gets ${x.channels}`);
    const bias = get(`${prefix}/conv/bias`, 1).data;
    const scale = get(`${prefix}/scale/weights`, 1).data;
    const shift = get(`${prefix}/scale/biases`, 1).data;
    const weight = new Float32Array(filters.data.length);
    for (let y = 0; y < kh; y++)
      for (let xx = 0; xx < kw; xx++)
        for (let i = 0; i < ci; i++)
          for (let o = 0; o < co; o++)
            weight[((o * ci + i) * kh + y) * kw + xx] =
              filters.data[((y * kw + xx) * ci + i) * co + o] * scale[o];
    const folded = Float32Array.from(bias, (b, o) => b * scale[o] + shift[o]);
    // Stride 1 is face-api's 'same' (3×3: one pixel each side); stride 2 is 'valid'.
    const pad = stride === 1 ? (kh - 1) / 2 : 0;
    const out = g.node(
      'Conv',
      [
        x.name,
        g.float(`${prefix}/weight`, [co, ci, kh, kw], weight),
        g.float(`${prefix}/bias`, [co], folded),
      ],
      relu ? `${prefix}/conv` : prefix,
      { kernel_shape: [kh, kw], strides: [stride, stride], pads: [pad, pad, pad, pad] },
    );
    const size = Math.floor((x.size + 2 * pad - kh) / stride) + 1;
    return { name: relu ? g.node('Relu', [out], prefix) : out, channels: co, size };
  };

  const residual = (x: Activation, prefix: string): Activation => {
    const branch = convLayer(convLayer(x, `${prefix}/conv1`, 1, true), `${prefix}/conv2`, 1, false);
    return {
      ...branch,
      name: g.node('Relu', [g.node('Add', [branch.name, x.name], `${prefix}/sum`)], prefix),
    };
  };

  const residualDown = (x: Activation, prefix: string): Activation => {
    let branch = convLayer(convLayer(x, `${prefix}/conv1`, 2, true), `${prefix}/conv2`, 1, false);
    let pooled: Activation = {
      name: g.node('AveragePool', [x.name], `${prefix}/pool`, { kernel_shape: [2, 2], strides: [2, 2] }),
      channels: x.channels,
      size: Math.floor(x.size / 2),
    };
    if (branch.size !== pooled.size) {
      if (branch.size + 1 !== pooled.size)
        throw new DlibWeightsError(`${prefix}: cannot match ${branch.size} to ${pooled.size}`);
      const pads = g.int64(`${prefix}/branch_pads`, [8], [0, 0, 0, 0, 0, 0, 1, 1]);
      branch = {
        ...branch,
        name: g.node('Pad', [branch.name, pads], `${prefix}/branch_padded`),
        size: pooled.size,
      };
    }
    if (pooled.channels !== branch.channels) {
      if (2 * pooled.channels !== branch.channels)
        throw new DlibWeightsError(`${prefix}: cannot widen ${pooled.channels} to ${branch.channels}`);
      const pads = g.int64(`${prefix}/pool_pads`, [8], [0, 0, 0, 0, 0, pooled.channels, 0, 0]);
      pooled = {
        ...pooled,
        name: g.node('Pad', [pooled.name, pads], `${prefix}/pool_padded`),
        channels: branch.channels,
      };
    }
    return {
      ...branch,
      name: g.node('Relu', [g.node('Add', [pooled.name, branch.name], `${prefix}/sum`)], prefix),
    };
  };

  let x = convLayer({ name: normalized, channels: 3, size: DLIB_INPUT_SIZE }, 'conv32_down', 2, true);
  x = {
    ...x,
    name: g.node('MaxPool', [x.name], 'maxpool', { kernel_shape: [3, 3], strides: [2, 2] }),
    size: Math.floor((x.size - 3) / 2) + 1,
  };
  for (const stage of STAGES) x = stage.down ? residualDown(x, stage.name) : residual(x, stage.name);

  const pooled = g.node('ReduceMean', [x.name], 'global_mean', { axes: [2, 3], keepdims: 0 });
  const fc = get('fc', 2);
  g.node('MatMul', [pooled, g.float('fc', fc.shape, fc.data as Float32Array)], DLIB_OUTPUT);
  g.output(DLIB_OUTPUT, [batch, fc.shape[1]]);
  return g.build(
    'xssab-workstation dlib-resnet builder',
    "dlib ResNet-34 face descriptor from face-api's weights",
  );
}
