import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { readModel, summarizeModel } from '../../native-models/onnx/model-io.js';
import { FACE_API } from '../../native-models/setup/packages.js';
import { AUTODIFF_OPS, assertEmbeddingParity, faceBatch, recognition, shippedModels } from './helpers.js';

/**
 * face-api's FaceRecognitionNet.forwardInput (src/faceRecognitionNet/*.ts of the pinned
 * package) in TF.js ops, on weights decoded by TF.js itself.
 */
function faceApiForward(weights: tf.NamedTensorMap, input: tf.Tensor4D): tf.Tensor {
  const convLayer = (
    x: tf.Tensor4D,
    prefix: string,
    strides: 1 | 2,
    relu: boolean,
    padding: 'same' | 'valid',
  ): tf.Tensor4D => {
    let out = tf.add(
      tf.conv2d(x, weights[`${prefix}/conv/filters`] as tf.Tensor4D, strides, padding),
      weights[`${prefix}/conv/bias`],
    );
    out = tf.add(tf.mul(out, weights[`${prefix}/scale/weights`]), weights[`${prefix}/scale/biases`]);
    return (relu ? tf.relu(out) : out) as tf.Tensor4D;
  };
  const residual = (x: tf.Tensor4D, p: string): tf.Tensor4D => {
    const out = convLayer(convLayer(x, `${p}/conv1`, 1, true, 'same'), `${p}/conv2`, 1, false, 'same');
    return tf.relu(tf.add(out, x)) as tf.Tensor4D;
  };
  const residualDown = (x: tf.Tensor4D, p: string): tf.Tensor4D => {
    let out = convLayer(convLayer(x, `${p}/conv1`, 2, true, 'valid'), `${p}/conv2`, 1, false, 'same');
    let pooled = tf.avgPool(x, 2, 2, 'valid');
    if (pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2]) {
      const [n, h, w, c] = out.shape;
      out = tf.concat([out, tf.zeros([n, 1, w, c])], 1);
      out = tf.concat([out, tf.zeros([n, h + 1, 1, c])], 2);
    }
    if (pooled.shape[3] !== out.shape[3]) pooled = tf.concat([pooled, tf.zeros(pooled.shape)], 3);
    return tf.relu(tf.add(pooled, out)) as tf.Tensor4D;
  };
  return tf.tidy(() => {
    const normalized = tf.div(tf.sub(input, tf.tensor1d([122.782, 117.001, 104.298])), 255) as tf.Tensor4D;
    let out = tf.maxPool(convLayer(normalized, 'conv32_down', 2, true, 'valid'), 3, 2, 'valid');
    for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) out = residual(out, p);
    out = residualDown(out, 'conv64_down');
    for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) out = residual(out, p);
    out = residualDown(out, 'conv128_down');
    for (const p of ['conv128_1', 'conv128_2']) out = residual(out, p);
    out = residualDown(out, 'conv256_down');
    for (const p of ['conv256_1', 'conv256_2']) out = residual(out, p);
    out = residualDown(out, 'conv256_down_out');
    return tf.matMul(tf.mean(out, [1, 2]) as tf.Tensor2D, weights.fc as tf.Tensor2D);
  });
}

describe('dlib ResNet-34 (face-api weights → ONNX)', () => {
  it("gives the descriptors face-api's network gives, on real faces", async () => {
    await tf.setBackend('cpu');
    const { manifests, packageDir } = shippedModels();
    const manifest = recognition(manifests.get('dlib-resnet34'));
    const dir = join(packageDir(FACE_API), 'model');
    const weightsManifest = JSON.parse(
      readFileSync(join(dir, 'face_recognition_model-weights_manifest.json'), 'utf8'),
    );
    const bin = readFileSync(join(dir, 'face_recognition_model.bin'));
    const weights = tf.io.decodeWeights(
      bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length) as ArrayBuffer,
      weightsManifest[0].weights,
    );

    const files = ['obama_1.jpg', 'rose_leslie_1.jpg'];
    const [h, w] = manifest.input.size;
    const { nhwc, nchw } = await faceBatch(files, h);
    const expected = faceApiForward(weights, tf.tensor4d(nhwc, [files.length, h, w, 3])).dataSync();

    const path = await assertEmbeddingParity('dlib-resnet34', manifest, files, nchw, expected);

    const summary = summarizeModel(readModel(path));
    assert.deepEqual(
      Object.keys(summary.opTypes).filter((op) => !AUTODIFF_OPS.has(op)),
      [],
    );
  });
});
