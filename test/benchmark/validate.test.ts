import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { modelValidationSchema } from '../../electron/common/api/benchmarks.js';
import { defaultMapVariant, validationStatement } from '../../electron/common/explanations.js';
import { tensorValues } from '../../native-models/onnx/graph-builder.js';
import { readModel } from '../../native-models/onnx/model-io.js';
import { importModel } from '../../native-models/registry/import.js';
import { ModelRegistry } from '../../native-models/registry/registry.js';
import { randomiseInitializers, spearman, ssim, weightLayers } from '../../native-models/benchmark/sanity.js';
import { VALIDATION_METHODS, validateModel } from '../../native-models/benchmark/validate.js';

const FACES = join(import.meta.dirname, '..', 'fixtures', 'faces');
const GOLDEN_MODEL = join(import.meta.dirname, '..', 'fixtures', 'golden', 'mobilefacenet', 'model.onnx');

test('Spearman is 1 for any increasing map of the values and −1 for a decreasing one; SSIM of a map with itself is 1', () => {
  const x = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i * 1.7));
  assert.ok(
    Math.abs(
      spearman(
        x,
        x.map((v) => Math.exp(v)),
      ) - 1,
    ) < 1e-12,
  );
  assert.ok(
    Math.abs(
      spearman(
        x,
        x.map((v) => -3 * v),
      ) + 1,
    ) < 1e-12,
  );
  assert.ok(Math.abs(ssim(x, x, 10, 10) - 1) < 1e-12);
  assert.ok(
    ssim(
      x,
      x.map((v) => -v),
      10,
      10,
    ) < 0,
  );
});

test('randomising a layer replaces its weights with values of the same spread and leaves the others', () => {
  const model = readModel(GOLDEN_MODEL);
  const layers = weightLayers(model);
  assert.ok(layers.length > 10);
  const top = layers[layers.length - 1];
  const randomised = randomiseInitializers(model, new Set(top.initializers), 7);
  const byName = (m: typeof model, name: string) =>
    tensorValues(m.graph!.initializer!.find((t) => t.name === name)!);
  const [name] = top.initializers;
  const before = byName(model, name);
  const after = byName(randomised, name);
  assert.equal(after.length, before.length);
  assert.notDeepEqual(after, before);
  const sd = (v: number[]) =>
    Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length - (v.reduce((s, x) => s + x, 0) / v.length) ** 2);
  assert.ok(Math.abs(sd(after) / sd(before) - 1) < 0.2);
  const untouched = layers[0].initializers[0];
  assert.deepEqual(byName(randomised, untouched), byName(model, untouched));
});

test('models validate: benchmark and sanity check recorded with an imported model, read back only for that file', async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'xssab-validate-'));
  const registry = new ModelRegistry({ dataDir: scratch });
  const model = await importModel(registry, GOLDEN_MODEL, {
    size: 112,
    mean: 127.5,
    std: 127.5,
    color: 'rgb',
    name: 'Lab net',
  });
  assert.equal(registry.getModel(model.id).validation, undefined);
  assert.equal(validationStatement(undefined, 'combined'), 'Explanations not validated for this model.');

  const pairs = join(scratch, 'pairs.csv');
  writeFileSync(
    pairs,
    'a,b,same\nobama_1.jpg,obama_2.jpg,1\nobama_1.jpg,biden_1.jpg,0\nkit_harington_1.jpg,kit_harington_2.jpg,1\nkit_harington_1.jpg,rose_leslie_1.jpg,0\n',
  );
  const stages: string[] = [];
  const record = await validateModel(registry, {
    modelId: model.id,
    root: FACES,
    pairs,
    labels: join(FACES, 'labels.csv'),
    description: 'four fixture pairs',
    out: join(scratch, 'bench'),
    stages: 2,
    onProgress: (stage, done, total) => stages.push(`${stage} ${done}/${total}`),
  });
  assert.ok(record);
  assert.deepEqual(stages.slice(-2), ['sanity 1/2', 'sanity 2/2']);
  assert.deepEqual(
    record.benchmark.methods.map((m) => m.method),
    VALIDATION_METHODS,
  );
  assert.equal(record.benchmark.threshold.source, 'eer');
  assert.equal(record.sanity.stages.length, 2);
  assert.equal(record.sanity.stages[1].layers, record.sanity.layers);
  for (const stage of record.sanity.stages) {
    for (const rho of Object.values(stage.spearman)) assert.ok(rho >= -1 && rho <= 1);
  }

  const stored = registry.getModel(model.id).validation;
  assert.deepEqual(stored, modelValidationSchema.parse(record));
  const variant = defaultMapVariant(stored);
  assert.match(
    validationStatement(stored, variant),
    /AUROC \d\.\d\d \[\d\.\d\d, \d\.\d\d\] on 4 pairs \(four fixture pairs\)/,
  );

  // A record made on another file validates nothing.
  const file = join(scratch, 'models', model.id, 'validation.json');
  const other = { ...JSON.parse(readFileSync(file, 'utf8')), modelSha256: '0'.repeat(64) };
  writeFileSync(file, JSON.stringify(other));
  assert.equal(registry.getModel(model.id).validation, undefined);
  assert.throws(() => registry.recordValidation(other), /was run on another file/);
});
