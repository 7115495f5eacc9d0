import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, makeValueInfo } from '../../native-models/onnx/graph-builder.js';
import { encodeModel, readModel, type ModelProto } from '../../native-models/onnx/model-io.js';
import { readNpy } from '../../native-models/onnx/npy.js';
import { FUSION_INPUT, FUSION_OUTPUT, FusionError, fuseModels } from '../../native-models/xssab/fusion.js';
import type { Preprocessing } from '../../native-models/xssab/preprocess.js';
import { randomValues, vjp } from '../autodiff/harness.js';
import { ARCFACE_INPUT as arcface } from './arcface-input.js';

const golden = new URL('../fixtures/golden/', import.meta.url).pathname;
// Golden inputs are (pixel − 127.5) / 127.5; the fused graph takes the pixels.
const [pixelsA, pixelsB] = ['a.npy', 'b.npy'].map((name) =>
  Float32Array.from(
    readNpy(join(golden, 'mobilefacenet', name)).data as Float32Array,
    (v) => v * 127.5 + 127.5,
  ),
);
const members = () => [
  { id: 'mobilefacenet', model: readModel(join(golden, 'mobilefacenet/model.onnx')), preprocessing: arcface },
  // The same IResNet as if it took BGR with other statistics: its normalisation is the graph's.
  {
    id: 'iresnet',
    model: readModel(join(golden, 'iresnet/model.onnx')),
    preprocessing: {
      ...arcface,
      mean: [120, 125, 130] as [number, number, number],
      std: [60, 64, 68] as [number, number, number],
      color: 'bgr' as const,
    },
  },
];

async function run(model: ModelProto, input: string, output: string, x: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
  try {
    return (await session.run({ [input]: new ort.Tensor('float32', x, [1, 3, 112, 112]) }))[output]
      .data as Float32Array;
  } finally {
    await session.release();
  }
}

const cosine = (u: Float32Array, v: Float32Array) => {
  const dot = (p: Float32Array, q: Float32Array) => p.reduce((s, pi, i) => s + pi * q[i], 0);
  return dot(u, v) / Math.sqrt(dot(u, u) * dot(v, v));
};

/** The member's own input from RGB pixels, as the engine would normalise them for it alone. */
function normalised(pixels: Float32Array, p: Preprocessing): Float32Array {
  const plane = 112 * 112;
  const at = (v: number | number[], c: number) => (typeof v === 'number' ? v : v[c]);
  return Float32Array.from(pixels, (_, i) => {
    const c = Math.floor(i / plane);
    const source = p.color === 'bgr' ? 2 - c : c;
    return (pixels[source * plane + (i % plane)] - at(p.mean, c)) / at(p.std, c);
  });
}

test('the fused score is the mean of the members’ cosine scores', async () => {
  const fused = fuseModels(members());
  const [ea, eb] = await Promise.all(
    [pixelsA, pixelsB].map((x) => run(fused, FUSION_INPUT, FUSION_OUTPUT, x)),
  );
  assert.equal(ea.length, 128 + 128);
  const memberScores = await Promise.all(
    members().map(async (m) => {
      const [a, b] = await Promise.all(
        [pixelsA, pixelsB].map((x) => run(m.model, 'input', 'embedding', normalised(x, m.preprocessing))),
      );
      return cosine(a, b);
    }),
  );
  const mean = memberScores.reduce((s, v) => s + v, 0) / memberScores.length;
  assert.ok(
    Math.abs(cosine(ea, eb) - mean) < 1e-5,
    `fused ${cosine(ea, eb)} vs mean of ${memberScores.join(', ')}`,
  );
});

test('the fused graph’s compiled gradient matches finite differences', async () => {
  const fused = fuseModels(members());
  const seed = randomValues(256, 9);
  const gradient = await vjp(fused, FUSION_INPUT, FUSION_OUTPUT, [1, 3, 112, 112], pixelsA, seed);
  // Along the sign of the gradient: a large directional derivative, well above float32 noise.
  const direction = Float32Array.from(gradient, Math.sign);
  const analytic = gradient.reduce((sum, g, i) => sum + g * direction[i], 0);
  const step = 1e-3; // grey levels: a larger step crosses PReLU kinks
  const [plus, minus] = await Promise.all(
    [step, -step].map((h) =>
      run(
        fused,
        FUSION_INPUT,
        FUSION_OUTPUT,
        Float32Array.from(pixelsA, (v, i) => v + h * direction[i]),
      ),
    ),
  );
  const numeric = seed.reduce((sum, s, j) => sum + s * (plus[j] - minus[j]), 0) / (2 * step);
  assert.ok(
    Math.abs(analytic - numeric) < 1e-2 * Math.abs(numeric),
    `VJP ${analytic} vs finite difference ${numeric}`,
  );
});

test('models on different crops are not fused', () => {
  const b = new GraphBuilder(13);
  const x = b.input('input', ['N', 3, 16, 16]);
  const y = b.node('Flatten', [b.node('GlobalAveragePool', [x])]);
  const small = b.build([y]);
  small.graph!.output = [makeValueInfo(y, ['N', 3])];
  assert.throws(
    () =>
      fuseModels([
        members()[0],
        { id: 'tiny', model: small, preprocessing: { ...arcface, size: { width: 16, height: 16 } } },
      ]),
    (e: unknown) =>
      e instanceof FusionError &&
      /same 3-channel crop; they take mobilefacenet 112×112, tiny 16×16/.test((e as Error).message),
  );
});
