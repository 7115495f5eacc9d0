import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { encodeModel, readModel, type ModelProto } from '../../native-models/onnx/model-io.js';
import { importModel } from '../../native-models/registry/import.js';
import { ModelRegistry, sha256Hex } from '../../native-models/registry/registry.js';
import { FACEPLUGIN } from '../../native-models/setup/packages.js';
import { prepareForExplanation } from '../../native-models/xssab/prepare.js';
import { directionalDerivative, randomValues, smoothDirection, vjp } from '../autodiff/harness.js';
import { faceBatch, recognition, shippedModels } from './helpers.js';

/** faceplugin's fr_feature.onnx, exactly as the npm package publishes it. */
describe('fr_feature.onnx from faceplugin-face-recognition-js, unchanged', () => {
  const { manifests, packageDir } = shippedModels();
  const published = join(packageDir(FACEPLUGIN), 'model/fr_feature.onnx');
  const manifest = recognition(manifests.get('fr-feature'));

  async function embed(model: ModelProto, x: Float32Array): Promise<Float32Array> {
    const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
    try {
      const out = await session.run({ input: new ort.Tensor('float32', x, [1, 3, 112, 112]) });
      return out.output.data as Float32Array;
    } finally {
      await session.release();
    }
  }

  it('is shipped as published and imports with the explanation probe passing', async () => {
    assert.equal(manifest.onnx.sha256, sha256Hex(readFileSync(published)));
    const dataDir = mkdtempSync(join(tmpdir(), 'xssab-fr-feature-'));
    try {
      const model = await importModel(new ModelRegistry({ dataDir }), published, {
        size: 112,
        mean: 127,
        std: 128,
        color: 'rgb',
        id: 'lab-fr-feature',
      });
      assert.equal(model.manifest.output.embeddingSize, 512);
      assert.ok('provenance' in model.manifest);
      assert.deepEqual(model.manifest.provenance.changes, [
        'opset 9 → 11',
        "batch axis of 'input' made dynamic (was 1); Reshape targets copy the batch: Reshape node 'Reshape_95' [1, -1] → [0, -1]",
      ]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('its explained gradient matches finite differences of the published file', async () => {
    const original = readModel(published);
    const { model } = prepareForExplanation(original);
    const { nchw } = await faceBatch(['obama_2.jpg'], 112);
    const x = Float32Array.from(nchw, (v) => (v - 127) / 128);
    const dims = [1, 3, 112, 112];
    const seed = randomValues(512, 11);
    const gradient = await vjp(model, 'input', 'output', dims, x, seed);
    const { analytic, numeric } = await directionalDerivative(
      (probe) => embed(original, probe),
      x,
      smoothDirection(dims),
      gradient,
      seed,
    );
    const relative = Math.abs(analytic - numeric) / Math.abs(numeric);
    console.log(
      `fr-feature: directional derivative VJP ${analytic.toExponential(4)}, finite difference ${numeric.toExponential(4)}, relative error ${relative.toExponential(2)}`,
    );
    assert.ok(relative < 1e-2, `relative error ${relative}`);
  });
});
