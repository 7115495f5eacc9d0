import assert from 'node:assert/strict';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { modelPaths, parseManifest } from '../../native-models/manifests/load.js';
import { makeModel, makeNode, makeTensor, makeValueInfo } from '../../native-models/onnx/graph-builder.js';
import { encodeModel } from '../../native-models/onnx/model-io.js';
import { importModel, ModelImportError } from '../../native-models/registry/import.js';
import {
  DEFAULT_MODEL_ID,
  ModelIntegrityError,
  ModelNotFoundError,
  ModelRegistry,
  replaceThreshold,
  sha256Hex,
} from '../../native-models/registry/registry.js';

const GOLDEN_MODEL = 'test/fixtures/golden/mobilefacenet/model.onnx';
let scratch: string;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'xssab-registry-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

function freshDataDir(): string {
  return mkdtempSync(join(scratch, 'data-'));
}

/** A small model file: `input` [N,3,H,W] through `ops` (unary), ReduceMean over H and W → [N,3]. */
function writeModel(
  name: string,
  ops: string[],
  inputDims: (number | string)[],
  outputDims: (number | string)[],
): string {
  const names = ['input', ...ops.map((_, i) => `x${i}`)];
  const nodes = ops.map((op, i) => makeNode(op, [names[i]], [names[i + 1]]));
  nodes.push(makeNode('ReduceMean', [names[ops.length]], ['embedding'], { axes: [2, 3], keepdims: 0 }));
  const model = makeModel({
    opset: 13,
    nodes,
    inputs: [makeValueInfo('input', inputDims)],
    outputs: [makeValueInfo('embedding', outputDims)],
  });
  const path = join(scratch, `${name}.onnx`);
  writeFileSync(path, encodeModel(model));
  return path;
}

const ARCFACE_INPUT = { size: 112, mean: 127.5, std: 127.5, color: 'rgb' } as const;

describe('shipped models', () => {
  it('lists the shipped recognition models with verified hashes, and hands them out by id', () => {
    const registry = new ModelRegistry({ dataDir: freshDataDir() });
    const models = registry.listModels();
    assert.deepEqual(
      models.map((m) => [m.id, m.origin, m.status]),
      [
        ['dlib-resnet34', 'shipped', 'verified'],
        ['fr-feature', 'shipped', 'verified'],
        ['fusion-arcface', 'shipped', 'verified'],
        ['mobileface', 'shipped', 'verified'],
      ],
    );
    assert.deepEqual(
      models.filter((m) => m.isDefault).map((m) => m.id),
      [DEFAULT_MODEL_ID],
    );
    const model = registry.getModel('mobileface');
    assert.equal(model.sha256, sha256Hex(readFileSync(model.path)));
    assert.equal(model.sha256, model.manifest.onnx.sha256);
    assert.equal(registry.getModel().id, DEFAULT_MODEL_ID);
    assert.throws(
      () => registry.getModel('facenet'),
      (e: Error) =>
        e instanceof ModelNotFoundError &&
        /known: dlib-resnet34, fr-feature, fusion-arcface, mobileface/.test(e.message),
    );
  });

  it('refuses a tampered ONNX file with the two hashes, and a missing one with the way to restore it', () => {
    const root = mkdtempSync(join(scratch, 'root-'));
    const paths = modelPaths(root);
    mkdirSync(paths.manifests, { recursive: true });
    mkdirSync(paths.models, { recursive: true });
    copyFileSync(join(modelPaths().manifests, 'mobileface.json'), join(paths.manifests, 'mobileface.json'));
    const registry = new ModelRegistry({ dataDir: freshDataDir(), root });
    assert.throws(
      () => registry.getModel('mobileface'),
      /model file missing: .*mobileface\.onnx \(run `npm run models`/,
    );

    const bytes = readFileSync(join(modelPaths().models, 'mobileface.onnx'));
    bytes[bytes.length - 100] ^= 0x01; // one bit of one weight
    writeFileSync(join(paths.models, 'mobileface.onnx'), bytes);
    assert.equal(registry.listModels()[0].status, 'tampered');
    assert.throws(
      () => registry.getModel('mobileface'),
      (e: Error) =>
        e instanceof ModelIntegrityError &&
        e.message.includes(`its SHA-256 is ${sha256Hex(bytes)} but the manifest says 39b0806917dd`) &&
        /changed or replaced/.test(e.message),
    );
  });

  it('notices a model changed in place after it was verified, with its size and times put back', async () => {
    const root = mkdtempSync(join(scratch, 'root-'));
    const paths = modelPaths(root);
    mkdirSync(paths.manifests, { recursive: true });
    mkdirSync(paths.models, { recursive: true });
    copyFileSync(join(modelPaths().manifests, 'mobileface.json'), join(paths.manifests, 'mobileface.json'));
    const file = join(paths.models, 'mobileface.onnx');
    copyFileSync(join(modelPaths().models, 'mobileface.onnx'), file);
    const lastYear = Math.floor(Date.now() / 1000) - 365 * 24 * 3600; // whole seconds: restorable exactly
    utimesSync(file, lastYear, lastYear);
    await sleep(2100); // its ctime leaves the racy window, so the verified hash is remembered
    const registry = new ModelRegistry({ dataDir: freshDataDir(), root });
    const verified = registry.getModel('mobileface').sha256;
    assert.equal(registry.getModel('mobileface').sha256, verified);

    const { size } = statSync(file);
    const byte = readFileSync(file)[size - 100];
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from([byte ^ 0x01]), 0, 1, size - 100);
    closeSync(fd);
    utimesSync(file, lastYear, lastYear);
    assert.equal(statSync(file).size, size);
    assert.equal(statSync(file).mtimeMs, lastYear * 1000);
    assert.throws(() => registry.getModel('mobileface'), ModelIntegrityError);
    assert.equal(new ModelRegistry({ dataDir: freshDataDir(), root }).listModels()[0].status, 'tampered');
  });

  it('replaces only the threshold of a manifest, in a form the schema accepts', () => {
    const file = join(modelPaths().manifests, 'mobileface.json');
    const text = readFileSync(file, 'utf8');
    const threshold = {
      value: 0.3125,
      metric: 'cosine' as const,
      calibration: { method: 'EER', dataset: 'pairs.csv', n: 40, provisional: true },
    };
    const once = replaceThreshold(text, threshold);
    const twice = replaceThreshold(once, { ...threshold, value: 0.5 });
    const thresholdOf = (t: string) => {
      const manifest = parseManifest(t, 'manifest');
      return manifest.kind === 'recognition' ? manifest.threshold : undefined;
    };
    assert.deepEqual(thresholdOf(once), threshold);
    assert.equal(thresholdOf(twice)?.value, 0.5);
    const outside = (t: string) => t.replace(/"threshold": (null|\{[\s\S]*?\n {2}\})/, '');
    assert.equal(outside(twice), outside(text));
  });
});

describe('importModel', () => {
  it('stores a copy of a valid model with hash, provenance and the given threshold; the copy is verified on load', async () => {
    const registry = new ModelRegistry({ dataDir: freshDataDir() });
    const model = await importModel(registry, GOLDEN_MODEL, {
      ...ARCFACE_INPUT,
      name: 'Lab MobileFaceNet',
      threshold: 0.3,
    });
    assert.equal(model.id, 'lab-mobilefacenet');
    assert.equal(model.origin, 'imported');
    assert.equal(model.sha256, sha256Hex(readFileSync(GOLDEN_MODEL)));
    assert.equal(model.manifest.output.embeddingSize, 128);
    assert.deepEqual(model.manifest.input.mean, [127.5, 127.5, 127.5]);
    assert.ok('provenance' in model.manifest);
    assert.equal(model.manifest.provenance.originalSha256, model.sha256);
    assert.deepEqual(model.manifest.provenance.changes, []);
    assert.match(model.manifest.provenance.originalPath, /golden\/mobilefacenet\/model\.onnx$/);
    assert.equal(model.manifest.threshold?.value, 0.3);
    assert.equal(model.manifest.threshold?.calibration.n, 0);
    assert.deepEqual(
      registry.listModels().map((m) => m.id),
      ['dlib-resnet34', 'fr-feature', 'fusion-arcface', 'mobileface', 'lab-mobilefacenet'],
    );

    await assert.rejects(
      importModel(registry, GOLDEN_MODEL, { ...ARCFACE_INPUT, name: 'Lab MobileFaceNet' }),
      /a model with id 'lab-mobilefacenet' exists already/,
    );
    const stored = readFileSync(model.path);
    stored[stored.length - 1] ^= 0xff;
    writeFileSync(model.path, stored);
    assert.throws(() => registry.getModel('lab-mobilefacenet'), /replaced after import \(import it again\)/);
  });

  it('pins dynamic input and output dims in the stored copy and says so', async () => {
    const registry = new ModelRegistry({ dataDir: freshDataDir() });
    const path = writeModel('dynamic', ['Sigmoid'], ['N', 3, 'H', 'W'], ['N', 'd']);
    const model = await importModel(registry, path, { size: 64, mean: 0, std: 1, color: 'bgr' });
    assert.equal(model.id, 'dynamic');
    assert.ok('provenance' in model.manifest);
    assert.deepEqual(model.manifest.provenance.changes, [
      'input input dims pinned: H H → 64, W W → 64',
      "embedding size of 'embedding' inferred: d → 3",
    ]);
    assert.notEqual(model.sha256, model.manifest.provenance.originalSha256);
    assert.deepEqual(model.manifest.input.size, [64, 64]);
  });

  it('refuses corrupt, mis-sized, non-differentiable and non-finite models with the reasons', async () => {
    const registry = new ModelRegistry({ dataDir: freshDataDir() });
    const corrupt = join(scratch, 'corrupt.onnx');
    writeFileSync(corrupt, readFileSync(GOLDEN_MODEL).subarray(0, 5000));
    await assert.rejects(
      importModel(registry, corrupt, ARCFACE_INPUT),
      /corrupt\.onnx: it is not a readable ONNX model/,
    );
    await assert.rejects(
      importModel(registry, join(scratch, 'absent.onnx'), ARCFACE_INPUT),
      /absent\.onnx: file not found/,
    );

    await assert.rejects(
      importModel(registry, GOLDEN_MODEL, { ...ARCFACE_INPUT, size: 150 }),
      /input input is \[batch, 3, 112, 112\]; it must be \[N, 3, 150, 150\]/,
    );

    const unsupported = writeModel('unsupported', ['Sin', 'Relu', 'Softplus'], ['N', 3, 16, 16], ['N', 3]);
    await assert.rejects(
      importModel(registry, unsupported, { size: 16, mean: 0, std: 1, color: 'rgb' }),
      (e: Error) => {
        assert.ok(e instanceof ModelImportError);
        assert.equal(e.problems.length, 2);
        assert.match(e.problems[0], /cannot differentiate Sin node/);
        assert.match(e.problems[1], /cannot differentiate Softplus node/);
        return true;
      },
    );

    // log(0) on a black image with mean 0: −∞.
    const log = writeModel('log', ['Log'], ['N', 3, 16, 16], ['N', 3]);
    await assert.rejects(
      importModel(registry, log, { size: 16, mean: 0, std: 1, color: 'rgb' }),
      /black image failed: model log\.onnx gave a non-finite embedding/,
    );

    const twoInputs = makeModel({
      opset: 13,
      nodes: [makeNode('Add', ['x', 'y'], ['embedding'])],
      inputs: [makeValueInfo('x', ['N', 3]), makeValueInfo('y', ['N', 3])],
      outputs: [makeValueInfo('embedding', ['N', 3])],
      initializers: [makeTensor('unused', [1], [0])],
    });
    writeFileSync(join(scratch, 'two.onnx'), encodeModel(twoInputs));
    await assert.rejects(
      importModel(registry, join(scratch, 'two.onnx'), ARCFACE_INPUT),
      /exactly one image input; it has 2 \(x, y\)/,
    );

    assert.deepEqual(
      registry.listModels().filter((m) => m.origin === 'imported'),
      [],
      'a refused import leaves nothing behind',
    );
  });
});

describe('importModel of third-party exports (test/fixtures/import)', () => {
  const fixture = (file: string) => join('test/fixtures/import', file);

  it('imports the L2-normalised, opset-9 and static-batch exports; each stored copy is what explains', async () => {
    const registry = new ModelRegistry({ dataDir: freshDataDir() });
    const expected: Record<string, { dim: number; change: RegExp }> = {
      'mobilefacenet-l2norm.onnx': { dim: 128, change: /^embedding size of 'embedding' inferred/ },
      'opset9.onnx': { dim: 64, change: /^opset 9 → 11/ },
      'static-batch.onnx': { dim: 64, change: /^batch axis of 'input' made dynamic/ },
    };
    for (const [file, { dim, change }] of Object.entries(expected)) {
      const model = await importModel(registry, fixture(file), ARCFACE_INPUT);
      assert.equal(model.manifest.output.embeddingSize, dim, file);
      assert.ok('provenance' in model.manifest);
      assert.equal(model.manifest.provenance.originalSha256, sha256Hex(readFileSync(fixture(file))));
      assert.equal(model.manifest.provenance.changes.length, 1, file);
      assert.match(model.manifest.provenance.changes[0], change);
      assert.equal(model.sha256, sha256Hex(readFileSync(model.path)));
    }
  });

  it('refuses a batch-1 model whose batch cannot be freed, naming the node, and keeps nothing', async () => {
    const registry = new ModelRegistry({ dataDir: freshDataDir() });
    // The sample is stacked with a constant image along axis 0, then flattened into one row.
    const model = makeModel({
      opset: 13,
      nodes: [
        makeNode('Concat', ['input', 'grey'], ['stacked'], { axis: 0 }, 'stack'),
        makeNode('ReduceMean', ['stacked'], ['means'], { axes: [2, 3], keepdims: 0 }),
        makeNode('Reshape', ['means', 'row'], ['embedding']),
      ],
      inputs: [makeValueInfo('input', [1, 3, 16, 16])],
      outputs: [makeValueInfo('embedding', [1, 6])],
      initializers: [
        makeTensor('grey', [1, 3, 16, 16], new Float32Array(768).fill(0.5)),
        makeTensor('row', [2], [1, -1], 'int64'),
      ],
    });
    const path = join(scratch, 'stacked.onnx');
    writeFileSync(path, encodeModel(model));
    await assert.rejects(
      importModel(registry, path, { size: 16, mean: 0, std: 255, color: 'rgb' }),
      (e: Error) => {
        assert.ok(e instanceof ModelImportError);
        assert.deepEqual(e.problems, [
          "the batch axis is fixed to 1 and cannot be made dynamic: Concat node 'stack' does not keep the batch first in 'stacked' (at batch 2 it is [3, 3, 16, 16])",
        ]);
        return true;
      },
    );
    assert.deepEqual(
      registry.listModels().filter((m) => m.origin === 'imported'),
      [],
    );
  });
});
