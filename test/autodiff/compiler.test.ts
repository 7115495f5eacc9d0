import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendInputGradient,
  findUnsupportedOperators,
  UnsupportedOperatorError,
} from '../../native-models/autodiff/compiler.js';
import { GraphBuilder, tensorValues } from '../../native-models/onnx/graph-builder.js';
import {
  decodeModel,
  defaultOpset,
  encodeModel,
  ModelFormatError,
  readModel,
  type ModelProto,
} from '../../native-models/onnx/model-io.js';
import { checkGradient, random, randomValues, vjp } from './harness.js';

function weights(b: GraphBuilder, dims: number[], seed: number, lo = -0.5, hi = 0.5): string {
  const next = random(seed);
  return b.constant(
    dims,
    Array.from({ length: dims.reduce((a, c) => a * c, 1) }, () => next(lo, hi)),
  );
}

/** Conv → BN → PReLU residual blocks, a strided conv, a max pool, global pooling and a Gemm head: x [N,3,8,8] → y [N,5]. */
function residualNet(opset = 13, width = 4): ModelProto {
  const b = new GraphBuilder(opset);
  const x = b.input('x', ['N', 3, 8, 8]);
  const bn = (v: string, c: number, s: number) =>
    b.node('BatchNormalization', [
      v,
      weights(b, [c], s, 0.5, 1.5),
      weights(b, [c], s + 1),
      weights(b, [c], s + 2),
      weights(b, [c], s + 3, 0.5, 2),
    ]);
  const conv = (v: string, cin: number, cout: number, s: number, attributes = {}) =>
    b.node('Conv', [v, weights(b, [cout, cin, 3, 3], s), weights(b, [cout], s + 1)], {
      pads: [1, 1, 1, 1],
      ...attributes,
    });
  const prelu = (v: string, c: number, s: number) => b.node('PRelu', [v, weights(b, [c, 1, 1], s, 0.1, 0.3)]);
  const stem = prelu(bn(conv(x, 3, width, 10), width, 20), width, 30);
  const branch = bn(
    conv(prelu(bn(conv(stem, width, width, 40), width, 50), width, 60), width, width, 70),
    width,
    80,
  );
  const sum = b.node('Add', [stem, branch]);
  const down = prelu(conv(sum, width, width, 90, { strides: [2, 2] }), width, 100);
  const pooled = b.node('MaxPool', [down], { kernel_shape: [2, 2], strides: [1, 1] });
  const gap = b.node('Flatten', [b.node('GlobalAveragePool', [b.node('Sigmoid', [pooled])])]);
  const y = b.node('Gemm', [gap, weights(b, [5, width], 110), weights(b, [5], 111)], { transB: 1 });
  return b.build([b.node('Identity', [y])]);
}

const output = (model: ModelProto): string => model.graph!.output![0].name!;

test('a residual net (Conv, BN, PReLU, Add, MaxPool, GlobalAveragePool, Flatten, Gemm) matches finite differences', async () => {
  const model = residualNet();
  const { relativeError } = await checkGradient(model, [2, 3, 8, 8], { output: output(model), step: 1e-3 });
  assert.ok(relativeError < 5e-3, `relative error ${relativeError}`);
});

test('seedsPerSample k = 2 and 4 give exactly the rows of separate k = 1 runs', async () => {
  const model = residualNet(11);
  const n = 2;
  const x = randomValues(n * 3 * 8 * 8, 5);
  for (const k of [2, 4]) {
    const seeds = randomValues(k * n * 5, 6 + k);
    const batched = await vjp(model, 'x', output(model), [n, 3, 8, 8], x, seeds, k);
    for (let j = 0; j < k; j++) {
      const single = await vjp(
        model,
        'x',
        output(model),
        [n, 3, 8, 8],
        x,
        seeds.subarray(j * n * 5, (j + 1) * n * 5),
      );
      const rows = batched.subarray(j * single.length, (j + 1) * single.length);
      const worst = rows.reduce((m, v, i) => Math.max(m, Math.abs(v - single[i])), 0);
      assert.equal(worst, 0, `k = ${k}, seed block ${j}: max difference ${worst}`);
    }
  }
});

test('the backward shares the forward weights: initializer bytes grow only by small per-channel constants', () => {
  const model = residualNet(13, 32);
  const bytes = (m: ModelProto) =>
    (m.graph!.initializer ?? []).reduce((sum, t) => sum + (t.rawData?.length ?? 0), 0);
  const compiled = appendInputGradient(model, {
    wrt: 'x',
    output: output(model),
    seed: 's',
    seedsPerSample: 4,
    gradient: 'g',
  });
  const forwardBytes = bytes(model);
  const added = bytes(compiled) - forwardBytes;
  assert.ok(forwardBytes > 90_000);
  assert.ok(added < 0.05 * forwardBytes, `backward added ${added} bytes to ${forwardBytes}`);
  // Every forward weight is referenced by name, none duplicated.
  const forwardTensors = new Set(model.graph!.initializer!.map((t) => tensorValues(t).join()));
  const newTensors = compiled.graph!.initializer!.slice(model.graph!.initializer!.length);
  assert.ok(newTensors.every((t) => t.rawData!.length < 1024 || !forwardTensors.has(tensorValues(t).join())));
});

test('the compiled model keeps the forward graph, opset and IR version, adds no outputs, and is lean', () => {
  for (const opset of [11, 13, 18]) {
    const model = residualNet(opset);
    const compiled = appendInputGradient(model, {
      wrt: 'x',
      output: output(model),
      seed: 's',
      seedsPerSample: 2,
      gradient: 'g',
    });
    assert.notEqual(compiled, model);
    assert.equal(defaultOpset(compiled), opset);
    assert.equal(Number(compiled.irVersion), Number(model.irVersion));
    assert.deepEqual(compiled.graph!.output, model.graph!.output);
    assert.deepEqual(compiled.graph!.node!.slice(0, model.graph!.node!.length), model.graph!.node);
    assert.equal(model.graph!.node!.length, residualNet(opset).graph!.node!.length, 'input model untouched');
    const emitted = compiled.graph!.node!.slice(model.graph!.node!.length);
    const count = (op: string) => emitted.filter((n) => n.opType === op).length;
    assert.equal(count('Shape'), 0);
    assert.equal(count('Conv'), 3, 'one per stride-1 Conv');
    assert.equal(count('ConvTranspose'), 2, 'one for the strided Conv, one for the MaxPool');
    // Tiled forward values: the inputs of the three PReLUs, the MaxPool and the Sigmoid output.
    assert.equal(count('Tile'), 5);
    assert.equal(emitted.at(-1)!.output![0], 'g');
  }
});

test('operators without a rule: UnsupportedOperatorError names every op type and node, before anything runs', () => {
  const b = new GraphBuilder(13);
  const x = b.input('x', ['N', 4]);
  const e = b.node('Einsum', [x, weights(b, [4, 4], 1)], { equation: 'ni,ij->nj' });
  const [h] = b.nodeN(
    'LSTM',
    [
      b.node('Unsqueeze', [b.node('Relu', [e]), b.constant([1], [0], 'int64')]),
      weights(b, [1, 8, 4], 2),
      weights(b, [1, 8, 2], 3),
    ],
    { hidden_size: 2 },
    1,
  );
  const offPath = b.node('Erf', [weights(b, [2], 4)]);
  const y = b.node('Add', [b.node('Flatten', [h]), offPath]);
  const model = b.build([y]);
  const spec = { wrt: 'x', output: y, seed: 's', seedsPerSample: 1, gradient: 'g' };
  const found = findUnsupportedOperators(model, spec);
  assert.deepEqual(
    found.map((f) => [f.opType, f.node]),
    [
      ['Einsum', e],
      ['LSTM', h],
    ],
  );
  assert.throws(
    () => appendInputGradient(model, spec),
    (error: unknown) =>
      error instanceof UnsupportedOperatorError &&
      error.operators.length === 2 &&
      /Einsum, LSTM/.test(error.message) &&
      error.message.includes(`'${e}'`) &&
      error.message.includes(`'${h}'`),
  );
});

test('violations of the batch-axis assumption are reported with their reason', () => {
  const cases: [string, (b: GraphBuilder, x: string) => string, RegExp][] = [
    ['Concat', (b, x) => b.node('Concat', [x, x], { axis: 0 }), /batch axis/],
    ['Reshape', (b, x) => b.node('Reshape', [x, b.constant([1], [-1], 'int64')]), /batch axis/],
    ['Gather', (b, x) => b.node('Gather', [x, b.constant([1], [0], 'int64')], { axis: 0 }), /batch axis/],
    ['ReduceSum', (b, x) => b.node('ReduceSum', [x], { axes: [0] }), /batch axis/],
    ['Transpose', (b, x) => b.node('Transpose', [x], { perm: [1, 0, 2] }), /batch axis/],
    [
      'Slice',
      (b, x) => b.node('Slice', [x, ...[[1], [2], [0]].map((v) => b.constant([1], v, 'int64'))]),
      /batch axis/,
    ],
  ];
  for (const [opType, build, reason] of cases) {
    const b = new GraphBuilder(11);
    const x = b.input('x', ['N', 3, 4]);
    const y = b.node('Relu', [build(b, x)]);
    const found = findUnsupportedOperators(b.build([y]), { wrt: 'x', output: y });
    assert.equal(found.length, 1, opType);
    assert.equal(found[0].opType, opType);
    assert.match(found[0].reason, reason);
  }
});

test('a model whose spatial size is symbolic needs inputShape', async () => {
  const b = new GraphBuilder(13);
  const x = b.input('x', ['N', 2, 'H', 'W']);
  const y = b.node('Conv', [x, weights(b, [2, 2, 3, 3], 1)], { strides: [2, 2] });
  const model = b.build([y]);
  const spec = { wrt: 'x', output: y, seed: 's', seedsPerSample: 1, gradient: 'g' };
  assert.throws(() => appendInputGradient(model, spec), /inputShape/);
  const { relativeError } = await checkGradient(model, [1, 2, 7, 6], { output: y });
  assert.ok(relativeError < 2e-3);
});

test('a corrupt or truncated ONNX file raises ModelFormatError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'autodiff-'));
  const bytes = encodeModel(residualNet());
  const truncated = join(dir, 'truncated.onnx');
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  assert.throws(() => readModel(truncated), ModelFormatError);
  assert.throws(
    () => decodeModel(Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256)),
    ModelFormatError,
  );
  // The intact file round-trips and compiles.
  const intact = join(dir, 'intact.onnx');
  writeFileSync(intact, bytes);
  const model = readModel(intact);
  assert.ok(
    appendInputGradient(model, {
      wrt: 'x',
      output: output(model),
      seed: 's',
      seedsPerSample: 1,
      gradient: 'g',
    }),
  );
});
