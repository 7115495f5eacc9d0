import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { findUnsupportedOperators } from '../../native-models/autodiff/compiler.js';
import { modelPaths } from '../../native-models/manifests/load.js';
import { readModel } from '../../native-models/onnx/model-io.js';
import { randomValues, runModel, vjp } from '../autodiff/harness.js';
import { faceBatch, recognition, shippedModels } from './helpers.js';

/**
 * Each converted recognition model through the autodiff: no unsupported operator, and the VJP
 * of ⟨seed, embedding⟩ agrees with a central difference along a smooth direction.
 */
describe('converted models through the autodiff', () => {
  const { manifests } = shippedModels();
  for (const id of ['mobileface', 'dlib-resnet34']) {
    it(`${id}: the VJP matches a finite-difference directional derivative`, async () => {
      const manifest = recognition(manifests.get(id));
      const model = readModel(join(modelPaths().models, manifest.onnx.file));
      const spec = { wrt: manifest.input.name, output: manifest.output.name };
      const [h, w] = manifest.input.size;
      const dims = [1, 3, h, w];
      assert.deepEqual(findUnsupportedOperators(model, spec, { inputShape: dims }), []);

      const { nchw: x } = await faceBatch(['obama_2.jpg'], h);
      // A smooth direction (low-frequency waves per channel), at most one grey level.
      const direction = Float32Array.from(x, (_, i) => {
        const c = Math.floor(i / (h * w));
        const y = Math.floor((i % (h * w)) / w);
        const col = i % w;
        return Math.sin((2 * Math.PI * y) / h + c) * Math.cos((2 * Math.PI * col) / w - c);
      });
      const seed = randomValues(manifest.output.embeddingSize, 7);
      const gradient = await vjp(model, spec.wrt, spec.output, dims, x, seed);
      const analytic = gradient.reduce((sum, g, i) => sum + g * direction[i], 0);

      const step = 0.1;
      const probes = new Float32Array(2 * x.length);
      x.forEach((v, i) => {
        probes[i] = v + step * direction[i];
        probes[x.length + i] = v - step * direction[i];
      });
      const [y] = await runModel(model, { [spec.wrt]: new ort.Tensor('float32', probes, [2, 3, h, w]) }, [
        spec.output,
      ]);
      const d = manifest.output.embeddingSize;
      const numeric = seed.reduce((sum, s, j) => sum + s * (y[j] - y[d + j]), 0) / (2 * step);
      const relative = Math.abs(analytic - numeric) / Math.abs(numeric);
      console.log(
        `${id}: directional derivative VJP ${analytic.toExponential(4)}, finite difference ${numeric.toExponential(4)}, relative error ${relative.toExponential(2)}`,
      );
      assert.ok(relative < 1e-2, `relative error ${relative}`);
    });
  }
});
