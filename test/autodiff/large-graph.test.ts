import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { appendInputGradient } from '../../native-models/autodiff/compiler.js';
import { GraphBuilder, makeValueInfo } from '../../native-models/onnx/graph-builder.js';
import { encodeModel, type ModelProto } from '../../native-models/onnx/model-io.js';
import { randomValues } from './harness.js';

/** x [N,4] through `length` nodes alternating Tanh and Neg: deep, but its gradient stays O(1). */
function tanhChain(length: number): { model: ModelProto; output: string } {
  const b = new GraphBuilder(13);
  let value = b.input('x', ['N', 4]);
  for (let i = 0; i < length; i++) value = b.node(i % 2 === 0 ? 'Tanh' : 'Neg', [value]);
  return { model: b.build([value]), output: value };
}

/** The chain's vector-Jacobian product in float64: ∏ (1 − tanh²) with the sign of the Negs. */
function referenceGradient(x: Float32Array, seed: Float32Array, length: number): Float64Array {
  return Float64Array.from(x, (x0, i) => {
    let value = x0;
    let slope = 1;
    for (let node = 0; node < length; node++) {
      if (node % 2 === 0) {
        value = Math.tanh(value);
        slope *= 1 - value * value;
      } else {
        value = -value;
        slope = -slope;
      }
    }
    return slope * seed[i];
  });
}

test('a 4000-node chain compiles and its gradient matches the float64 chain rule', async () => {
  const length = 4000;
  const { model, output } = tanhChain(length);
  const compiled = appendInputGradient(
    model,
    { wrt: 'x', output, seed: 'seed', seedsPerSample: 1, gradient: 'gradient' },
    { inputShape: [2, 4] },
  );
  compiled.graph!.input!.push(makeValueInfo('seed', ['N', 4]));
  compiled.graph!.output!.push(makeValueInfo('gradient', ['N', 4]));
  const x = randomValues(8, 7);
  const seed = randomValues(8, 8);
  // ONNX Runtime's graph optimisers cost time quadratic in depth here; they are not under test.
  const session = await ort.InferenceSession.create(encodeModel(compiled), {
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
  });
  try {
    const result = await session.run({
      x: new ort.Tensor('float32', x, [2, 4]),
      seed: new ort.Tensor('float32', seed, [2, 4]),
    });
    const gradient = result.gradient.data as Float32Array;
    const expected = referenceGradient(x, seed, length);
    const scale = Math.max(...expected.map(Math.abs));
    assert.ok(scale > 1e-3, 'the reference gradient is not negligible');
    expected.forEach((e, i) =>
      assert.ok(Math.abs(gradient[i] - e) <= 1e-3 * scale, `entry ${i}: ${gradient[i]} vs ${e}`),
    );
  } finally {
    await session.release();
  }
});

test('a 20000-node chain compiles to a backward of a fixed size per node', () => {
  const { model, output } = tanhChain(20000);
  const spec = { wrt: 'x', output, seed: 'seed', seedsPerSample: 2, gradient: 'gradient' };
  const compiled = appendInputGradient(model, spec, { inputShape: [2, 4] });
  const backward = compiled.graph!.node!.slice(model.graph!.node!.length);
  // Per Tanh: its output tiled for the two seeds, y·y, 1 − y·y, times dY; per Neg: one Neg; then the Identity.
  assert.equal(backward.length, 10000 * 4 + 10000 + 1);
  assert.equal(backward.at(-1)!.output![0], 'gradient');
});
