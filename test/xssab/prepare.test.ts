import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, makeValueInfo } from '../../native-models/onnx/graph-builder.js';
import { encodeModel, readModel, type ModelProto } from '../../native-models/onnx/model-io.js';
import { readNpy } from '../../native-models/onnx/npy.js';
import { Engine } from '../../native-models/xssab/engine.js';
import { ModelPreparationError, prepareForExplanation } from '../../native-models/xssab/prepare.js';
import { modelSignature } from '../../native-models/xssab/signature.js';
import { directionalDerivative, randomValues, smoothDirection, vjp } from '../autodiff/harness.js';
import { ARCFACE_INPUT } from './arcface-input.js';

const fixtures = new URL('../fixtures/import/', import.meta.url).pathname;
const golden = new URL('../fixtures/golden/mobilefacenet/', import.meta.url).pathname;
const faces = ['a.npy', 'b.npy'].map((name) => readNpy(join(golden, name)).data as Float32Array);
const DIMS = [1, 3, 112, 112];

/** Embedding of one face by the model file as exported (batch 1 runs, whatever it declares). */
async function originalEmbedding(model: ModelProto, x: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', x, DIMS) });
    return out.embedding.data as Float32Array;
  } finally {
    await session.release();
  }
}

const cases = [
  {
    file: 'mobilefacenet-l2norm.onnx',
    what: 'embedding size inferred',
    change: /^embedding size of 'embedding' inferred: Divembedding_dim_1 → 128$/,
  },
  {
    file: 'opset9.onnx',
    what: 'upgraded to opset 11',
    change: /^opset 9 → 11 \(rewritten in opset-11 form: 1 Pad, 1 Clip, 2 Slice\)$/,
  },
  {
    file: 'static-batch.onnx',
    what: 'batch made dynamic',
    change:
      /^batch axis of 'input' made dynamic \(was 1\); Reshape targets copy the batch: Reshape node '.+' \[1, -1\] → \[0, -1\]$/,
  },
];

for (const { file, what, change } of cases) {
  test(`${file}: ${what}, same embedding, gradient matches finite differences`, async () => {
    const original = readModel(join(fixtures, file));
    const { model, changes } = prepareForExplanation(original);
    assert.equal(changes.length, 1, changes.join('\n'));
    assert.match(changes[0], change);
    const signature = modelSignature(model);
    assert.equal(signature.opset >= 11, true);

    const x = faces[0];
    const before = await originalEmbedding(original, x);
    const after = await originalEmbedding(model, x);
    assert.equal(after.length, signature.dim);
    after.forEach((v, i) => assert.ok(Math.abs(v - before[i]) <= 1e-5 * (1 + Math.abs(before[i]))));

    // ⟨seed, embedding⟩ along a smooth direction: the compiled VJP of the prepared model against
    // central differences of the original file.
    const seed = randomValues(signature.dim, 3);
    const gradient = await vjp(model, 'input', 'embedding', DIMS, x, seed);
    const { analytic, numeric } = await directionalDerivative(
      (probe) => originalEmbedding(original, probe),
      x,
      smoothDirection(DIMS),
      gradient,
      seed,
    );
    const relative = Math.abs(analytic - numeric) / Math.abs(numeric);
    assert.ok(relative < 1e-2, `directional derivative ${analytic} vs finite difference ${numeric}`);
  });

  test(`${file}: the engine explains it unchanged on disk; the score is the original's cosine`, async () => {
    const path = join(fixtures, file);
    const original = readModel(path);
    const engine = await Engine.create({
      model: path,
      preprocessing: ARCFACE_INPUT,
      threshold: 0.3,
    });
    try {
      const [result] = await engine.explain([{ a: { tensor: faces[0] }, b: { tensor: faces[1] } }]);
      const [ea, eb] = await Promise.all(faces.map((f) => originalEmbedding(original, f)));
      const dot = (u: Float32Array, v: Float32Array) => u.reduce((s, ui, i) => s + ui * v[i], 0);
      const cosine = dot(ea, eb) / Math.sqrt(dot(ea, ea) * dot(eb, eb));
      assert.ok(Math.abs(result.score - cosine) < 1e-5, `score ${result.score} vs cosine ${cosine}`);
      for (const map of [result.a.pos, result.a.neg, result.b.pos, result.b.neg]) {
        assert.ok(map.every(Number.isFinite));
        assert.ok(map.some((v) => v > 0));
      }
      const { embeddings } = await engine.embed([{ tensor: faces[0] }, { tensor: faces[1] }]);
      assert.ok(Math.abs(embeddings[1][0] - eb[0]) < 1e-5);
    } finally {
      await engine.dispose();
    }
  });
}

test('a model already in explainable form is returned as it is', () => {
  const model = readModel(join(golden, 'model.onnx'));
  const prepared = prepareForExplanation(model);
  assert.equal(prepared.model, model);
  assert.deepEqual(prepared.changes, []);
});

test('batch 1 that cannot be freed: the node that holds the batch is named', () => {
  const b = new GraphBuilder(13);
  const x = b.input('x', [1, 3, 4, 4]);
  // Stacks the sample with a constant one along axis 0: at batch 2 there would be 3 rows.
  const stacked = b.node('Concat', [x, b.constant([1, 3, 4, 4], new Float32Array(48).fill(0.5))], {
    axis: 0,
  });
  const y = b.node('Reshape', [stacked, b.constant([2], [1, -1], 'int64')]);
  const model = b.build([y]);
  model.graph!.output = [makeValueInfo(y, [1, 96])];
  assert.throws(
    () => prepareForExplanation(model),
    (error: unknown) =>
      error instanceof ModelPreparationError &&
      /cannot be made dynamic: Concat node 'concat1_0' does not keep the batch first in 'concat1_0' \(at batch 2 it is \[3, 3, 4, 4\]\)/.test(
        error.message,
      ),
  );
});

test('an opset 9 operator without an opset-11 rewrite is refused by node and reason', () => {
  const b = new GraphBuilder(9);
  const x = b.input('x', ['N', 3, 4, 4]);
  const up = b.node('Upsample', [x, b.constant([4], [1, 1, 2, 2])], { mode: 'nearest' });
  const y = b.node('Flatten', [up]);
  assert.throws(
    () => prepareForExplanation(b.build([y])),
    /opset 9: Upsample node 'upsample1_0': Upsample was removed in opset 10/,
  );
});
