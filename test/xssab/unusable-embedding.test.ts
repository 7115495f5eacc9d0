/**
 * A model whose embedding is NaN, infinite or all zeros gives no score: the engine (explain and
 * embed), the verification embedder, the benchmark's model wrapper and an analysis in a case each
 * refuse it with an error naming the model and the face, instead of a NaN score read as "non-match".
 *
 * The engine and benchmark tests use two models that are fine on a black image and break on
 * anything brighter:
 *   nan-on-bright:  √(−(mean over pixels + 0.9))  → NaN once a channel's mean is above −0.9
 *   zero-on-bright: relu(−(mean over pixels + 0.9)) → all zeros there
 * `models import` test-explains a black and a grey image, so the models imported into a data
 * folder break on colour instead, as a real photo has and its grey probes have not:
 *   nan-on-colour:  √(10⁻⁴ − d²), d = each channel's mean minus the next channel's → NaN
 *   zero-on-colour: relu(10⁻⁴ − d²) → all zeros
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { onnxFileSpec, openBenchModel } from '../../native-models/benchmark/model.js';
import { makeModel, makeNode, makeTensor, makeValueInfo } from '../../native-models/onnx/graph-builder.js';
import { writeModel, type NodeProto, type TensorProto } from '../../native-models/onnx/model-io.js';
import { Embedder } from '../../native-models/pipeline/embedder.js';
import { importModel } from '../../native-models/registry/import.js';
import { ModelRegistry } from '../../native-models/registry/registry.js';
import { UnusableEmbeddingError } from '../../native-models/xssab/embedding-check.js';
import { Engine } from '../../native-models/xssab/engine.js';
import { normalise } from '../../native-models/xssab/preprocess.js';
import { fixturePhotoBase64, HandlerHarness } from '../api/handler-harness.js';
import { ARCFACE_INPUT as preprocessing } from './arcface-input.js';

const SIZE = 112;
const folder = mkdtempSync(join(tmpdir(), 'xssab-unusable-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/**
 * Writes a model that takes the three channel means ('means', [batch, 3]) of the input and ends in
 * `tail`, whose last node outputs 'embedding'; returns its path.
 */
function channelMeansModel(name: string, tail: NodeProto[], initializers: TensorProto[]): string {
  const path = join(folder, `${name}.onnx`);
  writeModel(
    path,
    makeModel({
      opset: 13,
      nodes: [
        makeNode('GlobalAveragePool', ['input'], ['pooled']),
        makeNode('Flatten', ['pooled'], ['means']),
        ...tail,
      ],
      inputs: [makeValueInfo('input', ['batch', 3, SIZE, SIZE])],
      outputs: [makeValueInfo('embedding', ['batch', 3])],
      initializers,
    }),
  );
  return path;
}

function brightnessModel(name: string, last: 'Sqrt' | 'Relu'): string {
  return channelMeansModel(
    name,
    [
      makeNode('Add', ['means', 'offset'], ['shifted']),
      makeNode('Neg', ['shifted'], ['negated']),
      makeNode(last, ['negated'], ['embedding']),
    ],
    [makeTensor('offset', [], [0.9])],
  );
}

function colourModel(name: string, last: 'Sqrt' | 'Relu'): string {
  // means · (I − P), P the cyclic permutation: each channel's mean minus the next one's.
  const differences = [1, 0, -1, -1, 1, 0, 0, -1, 1];
  return channelMeansModel(
    name,
    [
      makeNode('MatMul', ['means', 'differences'], ['d']),
      makeNode('Mul', ['d', 'd'], ['squared']),
      makeNode('Sub', ['tolerance', 'squared'], ['room']),
      makeNode(last, ['room'], ['embedding']),
    ],
    [makeTensor('differences', [3, 3], differences), makeTensor('tolerance', [], [1e-4])],
  );
}

const nanModel = brightnessModel('nan-on-bright', 'Sqrt');
const zeroModel = brightnessModel('zero-on-bright', 'Relu');

const face = (level: number) => ({
  tensor: normalise(new Uint8Array(SIZE * SIZE * 3).fill(level), preprocessing),
});
const black = face(0);
const grey = face(128);

const rejectsNaming = (promise: Promise<unknown>, message: RegExp) =>
  assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof UnusableEmbeddingError, String(error));
    assert.match(error.message, message);
    return true;
  });

describe('the explanation engine', () => {
  test('a black image embeds fine: the models are usable where they are finite', async () => {
    const engine = await Engine.create({ model: nanModel, preprocessing, threshold: 0.3 });
    const { embeddings } = await engine.embed([black]);
    assert.ok(
      embeddings[0].every((v) => Math.abs(v - Math.sqrt(0.1)) < 1e-5),
      String(embeddings[0]),
    );
    await engine.dispose();
  });

  test('explain and embed refuse a NaN embedding, naming the model and the face', async () => {
    const engine = await Engine.create({ model: nanModel, preprocessing, threshold: 0.3, name: 'lab-nan' });
    await rejectsNaming(
      engine.explain([{ a: black, b: grey }]),
      /^model lab-nan gave a non-finite embedding for face B \(NaN at dimension 0 of 3\)/,
    );
    await rejectsNaming(
      engine.embed([black, grey]),
      /model lab-nan gave a non-finite embedding for face 2 of 2/,
    );
    await engine.dispose();
  });

  test('explain and embed refuse an all-zero embedding; the file name names the model by default', async () => {
    const engine = await Engine.create({ model: zeroModel, preprocessing, threshold: 0.3, pairsPerBatch: 2 });
    await rejectsNaming(
      engine.explain([
        { a: black, b: black },
        { a: grey, b: black },
      ]),
      /^model zero-on-bright\.onnx gave an embedding of zero norm for face A of pair 2 \(3 dimensions\)/,
    );
    await rejectsNaming(
      engine.embed([grey]),
      /zero-on-bright\.onnx gave an embedding of zero norm for the face/,
    );
    await engine.dispose();
  });
});

test('the benchmark model wrapper refuses the model when it opens (its warm-up pair is grey)', async () => {
  await rejectsNaming(
    openBenchModel({ ...onnxFileSpec(nanModel), preprocessing, threshold: 0.3 }),
    /model nan-on-bright\.onnx gave a non-finite embedding for face A/,
  );
});

describe('imported into a data folder', () => {
  const api = new HandlerHarness({ folderPrefix: 'xssab-unusable-case-', actor: 'model-tester' });
  before(async () => {
    api.open();
    const registry = new ModelRegistry({ dataDir: api.folder });
    for (const path of [colourModel('nan-on-colour', 'Sqrt'), colourModel('zero-on-colour', 'Relu')])
      await importModel(registry, path, {
        size: SIZE,
        mean: 127.5,
        std: 127.5,
        color: 'rgb',
        threshold: 0.3,
      });
  });
  after(() => api.close());

  test('verification (the Embedder) names the model and the photo', async () => {
    const model = new ModelRegistry({ dataDir: api.folder }).getModel('nan-on-colour');
    const embedder = await Embedder.open(model);
    const tinted = normalise(
      Uint8Array.from({ length: SIZE * SIZE * 3 }, (_, i) => [150, 120, 100][i % 3]),
      preprocessing,
    );
    try {
      await rejectsNaming(
        embedder.embed([tinted], ['probe.jpg']),
        /^model nan-on-colour gave a non-finite embedding for probe\.jpg/,
      );
    } finally {
      await embedder.release();
    }
  });

  test('an analysis with the model fails as VALIDATION on modelId, naming the model; nothing is recorded', async () => {
    const created = await api.call('cases.create', { caseNumber: 'NAN-1', title: 'Broken model' });
    const importPhoto = async (name: string) =>
      api.call('evidence.import', {
        caseId: created.id,
        fileName: name,
        dataBase64: await fixturePhotoBase64(name),
      });
    const a = await importPhoto('obama_1.jpg');
    const b = await importPhoto('obama_2.jpg');
    const pair = await api.call('pairs.create', { caseId: created.id, evidenceAId: a.id, evidenceBId: b.id });
    for (const [modelId, message] of [
      ['nan-on-colour', /^model nan-on-colour gave a non-finite embedding for face A/],
      ['zero-on-colour', /^model zero-on-colour gave an embedding of zero norm for face A/],
    ] as const) {
      const error = await api.failure('analyses.run', { pairId: pair.id, modelId });
      assert.equal(error.code, 'VALIDATION');
      assert.equal(error.issues?.[0].path, 'modelId');
      assert.match(error.message, message);
    }
    assert.equal((await api.call('cases.get', { id: created.id })).analyses.length, 0);
  });
});
