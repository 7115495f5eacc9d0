import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { encodeModel, readModel, type ModelProto } from '../../native-models/onnx/model-io.js';
import { readNpy } from '../../native-models/onnx/npy.js';
import { Engine } from '../../native-models/xssab/engine.js';
import { withFlipAveraging } from '../../native-models/xssab/flip-averaging.js';
import { modelSignature } from '../../native-models/xssab/signature.js';
import { directionalDerivative, randomValues, vjp } from '../autodiff/harness.js';
import { ARCFACE_INPUT } from './arcface-input.js';

const golden = new URL('../fixtures/golden/mobilefacenet/', import.meta.url).pathname;
const MODEL = join(golden, 'model.onnx');
const [faceA, faceB] = ['a.npy', 'b.npy'].map((name) => readNpy(join(golden, name)).data as Float32Array);
const DIMS = [1, 3, 112, 112];
const PLANE = 112 * 112;

/** The face mirrored left–right (each row of each channel reversed). */
function mirror(x: Float32Array): Float32Array {
  return Float32Array.from(x, (_, i) => {
    const column = i % 112;
    return x[i - column + 111 - column];
  });
}

async function embed(model: ModelProto, x: Float32Array): Promise<Float32Array> {
  const { input, embedding } = modelSignature(model);
  const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
  try {
    return (await session.run({ [input]: new ort.Tensor('float32', x, DIMS) }))[embedding]
      .data as Float32Array;
  } finally {
    await session.release();
  }
}

const unit = (e: Float32Array) => {
  const norm = Math.sqrt(e.reduce((s, v) => s + v * v, 0));
  return Float32Array.from(e, (v) => v / norm);
};

test('the averaged embedding is the mean of the unit embeddings of the face and its mirror image', async () => {
  const source = readModel(MODEL);
  const averaged = withFlipAveraging(source);
  const [plain, mirrored, both] = await Promise.all([
    embed(source, faceA),
    embed(source, mirror(faceA)),
    embed(averaged, faceA),
  ]);
  const [u, v] = [unit(plain), unit(mirrored)];
  assert.equal(both.length, plain.length);
  both.forEach((value, i) => assert.ok(Math.abs(value - (u[i] + v[i]) / 2) < 1e-6, `dimension ${i}`));
  // Invariant under mirroring, as averaging over both orientations should be.
  const again = await embed(averaged, mirror(faceA));
  again.forEach((value, i) => assert.ok(Math.abs(value - both[i]) < 1e-6));
});

test('its compiled gradient matches finite differences (both branches are differentiated)', async () => {
  const averaged = withFlipAveraging(readModel(MODEL));
  const { input, embedding, dim } = modelSignature(averaged);
  const seed = randomValues(dim, 5);
  const gradient = await vjp(averaged, input, embedding, DIMS, faceA, seed);
  // A direction that is not mirror-symmetric, so the mirrored branch contributes differently.
  const direction = Float32Array.from(faceA, (_, i) =>
    Math.sin((2 * Math.PI * (i % 112)) / 150 + Math.floor(i / PLANE)),
  );
  const { analytic, numeric } = await directionalDerivative(
    (x) => embed(averaged, x),
    faceA,
    direction,
    gradient,
    seed,
  );
  assert.ok(
    Math.abs(analytic - numeric) < 1e-2 * Math.abs(numeric),
    `VJP ${analytic} vs finite difference ${numeric}`,
  );
});

test('engine with flipAveraging: a mirrored face gets the same score and mirrored maps', async () => {
  const engine = await Engine.create({
    model: MODEL,
    preprocessing: ARCFACE_INPUT,
    threshold: 0.1,
    flipAveraging: true,
  });
  try {
    const [direct, mirrored] = await engine.explain([
      { a: { tensor: faceA }, b: { tensor: faceB } },
      { a: { tensor: mirror(faceA) }, b: { tensor: faceB } },
    ]);
    assert.equal(direct.flipAveraging, true);
    assert.ok(Math.abs(direct.score - mirrored.score) < 1e-5);
    const flipMap = (m: Float32Array) => Float32Array.from(m, (_, i) => m[i - (i % 112) + 111 - (i % 112)]);
    for (const kind of ['pos', 'neg', 'combined'] as const) {
      const expected = flipMap(direct.a[kind]);
      const scale = Math.max(...expected.map(Math.abs));
      mirrored.a[kind].forEach((v, i) =>
        assert.ok(Math.abs(v - expected[i]) <= 1e-3 * scale, `${kind} pixel ${i}`),
      );
    }
  } finally {
    await engine.dispose();
  }
});
