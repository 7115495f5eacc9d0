import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeModel, makeNode, makeValueInfo } from '../../native-models/onnx/graph-builder.js';
import { ModelFormatError, writeModel } from '../../native-models/onnx/model-io.js';
import { readNpy } from '../../native-models/onnx/npy.js';
import { COMPILER_VERSION } from '../../native-models/xssab/compile.js';
import { Engine, type PairInput } from '../../native-models/xssab/engine.js';
import { loadAlignedFace, tensorSha256 } from '../../native-models/xssab/preprocess.js';
import { ARCFACE_INPUT as preprocessing } from './arcface-input.js';

const golden = new URL('../fixtures/golden/', import.meta.url).pathname;
const nets = existsSync(golden)
  ? readdirSync(golden).filter((name) => existsSync(join(golden, name, 'meta.json')))
  : [];
const MAPS = ['pos', 'neg', 'combined'] as const;

function fixture(net: string) {
  const dir = join(golden, net);
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const tensor = (name: string) => readNpy(join(dir, name)).data as Float32Array;
  const pair: PairInput = { a: { tensor: tensor('a.npy') }, b: { tensor: tensor('b.npy') } };
  return { dir, meta, pair, model: join(dir, 'model.onnx') };
}

function relativeL2(actual: Float32Array, expected: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (actual[i] - expected[i]) ** 2;
    den += expected[i] ** 2;
  }
  return Math.sqrt(num / den);
}

for (const net of nets) {
  test(`golden ${net}: six maps and score match PyTorch float64 autograd`, async () => {
    const { dir, meta, pair, model } = fixture(net);
    const engine = await Engine.create({ model, preprocessing, threshold: meta.threshold });
    const [result] = await engine.explain([pair]);
    await engine.dispose();

    assert.ok(Math.abs(result.score - meta.score) < 1e-5, `score ${result.score} vs ${meta.score}`);
    assert.equal(result.dim, meta.dim);
    assert.ok(Math.abs(result.bound - meta.bound) < 1e-9);
    assert.ok(
      Math.abs(result.stability.minGap - meta.minGap) < 1e-6,
      `minGap ${result.stability.minGap} vs ${meta.minGap}`,
    );
    assert.equal(result.stability.nearBound, 0);
    assert.equal(result.provider, 'cpu');
    assert.equal(result.model.sha256, createHash('sha256').update(readFileSync(model)).digest('hex'));
    assert.equal(result.inputs.a, tensorSha256((pair.a as { tensor: Float32Array }).tensor));
    for (const side of ['a', 'b'] as const) {
      for (const kind of MAPS) {
        const name = `${side}.${kind}`;
        const reference = readNpy(join(dir, 'ref64', `${name}.npy`));
        assert.deepEqual(reference.shape, [112, 112]);
        const error = relativeL2(result[side][kind], reference.data);
        const tolerance = Math.max(3 * meta.float32RelL2[name], 5e-3);
        assert.ok(error <= tolerance, `${name}: relative L2 ${error} > ${tolerance}`);
      }
    }
  });
}

const small = nets.includes('mobilefacenet') ? fixture('mobilefacenet') : undefined;

test(
  'same inputs → identical maps on CPU; a batch of two pairs lays them out [A1, A2, B1, B2]',
  { skip: !small },
  async () => {
    const { meta, pair, model } = small!;
    const engine = await Engine.create({ model, preprocessing, threshold: meta.threshold, pairsPerBatch: 2 });
    const swapped: PairInput = { a: pair.b, b: pair.a };
    const [first, second] = await engine.explain([pair, swapped]);
    const [again] = await engine.explain([pair, swapped]);
    await engine.dispose();
    for (const side of ['a', 'b'] as const) {
      for (const kind of MAPS)
        assert.deepEqual(again[side][kind], first[side][kind], `${side}.${kind} differs between runs`);
    }
    // B explained against A is the same whichever side it is given on.
    for (const kind of MAPS) assert.ok(relativeL2(second.a[kind], first.b[kind]) < 1e-5, kind);
    assert.equal(first.timings.pairsInRun, 2);
  },
);

test('progress per batch and cancellation between batches', { skip: !small }, async () => {
  const { meta, pair, model } = small!;
  const engine = await Engine.create({ model, preprocessing, threshold: meta.threshold });
  const progress: number[] = [];
  await engine.explain([pair, pair], { onProgress: ({ done, total }) => progress.push(done / total) });
  assert.deepEqual(progress, [0.5, 1]);

  const controller = new AbortController();
  const seen: number[] = [];
  await assert.rejects(
    engine.explain([pair, pair, pair], {
      signal: controller.signal,
      onProgress: ({ done }) => {
        seen.push(done);
        controller.abort();
      },
    }),
    { name: 'AbortError' },
  );
  assert.deepEqual(seen, [1]);
  await engine.dispose();
});

test('embed gives the embeddings the explanation scored', { skip: !small }, async () => {
  const { meta, pair, model, dir } = small!;
  const engine = await Engine.create({ model, preprocessing, threshold: meta.threshold });
  const { embeddings } = await engine.embed([pair.a, pair.b]);
  await engine.dispose();
  const reference = readNpy(join(dir, 'embedding.a.npy')).data;
  assert.ok(relativeL2(embeddings[0], reference) < 1e-5);
  const [a, b] = embeddings;
  const cosine = a.reduce((s, v, i) => s + v * b[i], 0) / Math.hypot(...a) / Math.hypot(...b);
  assert.ok(Math.abs(cosine - meta.score) < 1e-5);
});

test(
  'CUDA requested without its provider libraries: a warning, and CPU recorded',
  { skip: !small },
  async () => {
    const { meta, pair, model } = small!;
    const saved = process.env.XSSAB_ORT_PROVIDER_DIR;
    process.env.XSSAB_ORT_PROVIDER_DIR = mkdtempSync(join(tmpdir(), 'xssab-no-cuda-'));
    try {
      const engine = await Engine.create({
        model,
        preprocessing,
        threshold: meta.threshold,
        provider: 'cuda',
      });
      assert.equal(engine.provider, 'cpu');
      assert.equal(engine.warnings.length, 1);
      assert.match(
        engine.warnings[0],
        /CUDA was requested but cannot be used: .*lacks libonnxruntime_providers_shared\.so.*Running on CPU/,
      );
      const [result] = await engine.explain([pair]);
      assert.equal(result.provider, 'cpu');
      await engine.dispose();
    } finally {
      if (saved === undefined) delete process.env.XSSAB_ORT_PROVIDER_DIR;
      else process.env.XSSAB_ORT_PROVIDER_DIR = saved;
    }
  },
);

test('a model with an operator the autodiff cannot differentiate: UnsupportedOperatorError naming it', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'xssab-einsum-')), 'einsum.onnx');
  writeModel(
    path,
    makeModel({
      opset: 13,
      nodes: [makeNode('Einsum', ['input'], ['embedding'], { equation: 'nchw->nc' })],
      inputs: [makeValueInfo('input', ['batch', 3, 8, 8])],
      outputs: [makeValueInfo('embedding', ['batch', 3])],
    }),
  );
  await assert.rejects(
    Engine.create({
      model: path,
      preprocessing: { ...preprocessing, size: { width: 8, height: 8 } },
      threshold: 0.3,
    }),
    (error: Error) => error.name === 'UnsupportedOperatorError' && /Einsum/.test(error.message),
  );
});

test('a corrupt or missing ONNX file: ModelFormatError saying so', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'xssab-corrupt-')), 'corrupt.onnx');
  writeFileSync(path, Buffer.from('this is not a protobuf \xff\xff\xff\xff\xff'));
  await assert.rejects(Engine.create({ model: path, preprocessing, threshold: 0.3 }), (error: Error) => {
    assert.ok(error instanceof ModelFormatError);
    assert.match(error.message, /corrupt\.onnx is not a valid ONNX model/);
    return true;
  });
  await assert.rejects(
    Engine.create({ model: `${path}.missing`, preprocessing, threshold: 0.3 }),
    /model file not found/,
  );
});

test(
  'compiled graphs are cached on disk under the model SHA-256 and compiler version',
  { skip: !small },
  async () => {
    const { meta, model } = small!;
    const cacheDir = mkdtempSync(join(tmpdir(), 'xssab-cache-'));
    const engine = await Engine.create({ model, preprocessing, threshold: meta.threshold, cacheDir });
    await engine.dispose();
    assert.deepEqual(readdirSync(cacheDir), [`${engine.modelSha256}-xssab-p1-v${COMPILER_VERSION}.onnx`]);
  },
);

test(
  'gradient baseline: one map per image, bounded by pos + neg (|g⁺ + g⁻| ≤ |g⁺| + |g⁻|)',
  { skip: !small },
  async () => {
    const { meta, pair, model } = small!;
    const engine = await Engine.create({ model, preprocessing, threshold: meta.threshold });
    const gradient = await engine.gradientMaps(pair);
    const [xssab] = await engine.explain([pair]);
    await engine.dispose();
    for (const side of ['a', 'b'] as const) {
      const { pos, neg } = xssab[side];
      assert.equal(gradient[side].length, 112 * 112);
      assert.ok(
        gradient[side].every((g, i) => g <= (pos[i] + neg[i]) * (1 + 1e-5)),
        side,
      );
      assert.ok(relativeL2(gradient[side], pos) > 1e-3, `${side}: the baseline is not the positive map`);
    }
  },
);

test(
  'faces given as files are read with the preprocessing and recorded by file SHA-256',
  { skip: !small },
  async () => {
    const { meta, model } = small!;
    const faces = new URL('../fixtures/faces/', import.meta.url).pathname;
    const [a, b] = [join(faces, 'kit_harington_1.jpg'), join(faces, 'kit_harington_2.jpg')];
    const engine = await Engine.create({ model, preprocessing, threshold: meta.threshold });
    const [fromFiles] = await engine.explain([{ a: { path: a }, b: { path: b } }]);
    const [faceA, faceB] = await Promise.all([
      loadAlignedFace(a, preprocessing),
      loadAlignedFace(b, preprocessing),
    ]);
    const [fromTensors] = await engine.explain([
      { a: { tensor: faceA.tensor }, b: { tensor: faceB.tensor } },
    ]);
    await engine.dispose();
    assert.equal(fromFiles.inputs.a, createHash('sha256').update(readFileSync(a)).digest('hex'));
    assert.equal(fromFiles.score, fromTensors.score);
    assert.deepEqual(fromFiles.a.combined, fromTensors.a.combined);
  },
);
