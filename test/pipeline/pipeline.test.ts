import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { originalToCrop } from '../../native-models/face/align.js';
import type { FaceDetector } from '../../native-models/face/detect.js';
import { calibrate } from '../../native-models/pipeline/calibrate.js';
import {
  EXPLAIN_STAGES,
  explainPhotoPair,
  PhotoExplainer,
  writePhotoExplanation,
} from '../../native-models/pipeline/explain.js';
import {
  alignTargetOf,
  decodeWithKnownFaces,
  detectPhoto,
  FaceSelectionError,
  openDetector,
  PhotoChangedError,
  prepareFace,
} from '../../native-models/pipeline/photo.js';
import { operatingPoint } from '../../native-models/registry/metrics.js';
import { DEFAULT_MODEL_ID, ModelRegistry } from '../../native-models/registry/registry.js';
import { DEFAULT_IG_STEPS } from '../../native-models/xssab/integrated-gradients.js';

const FACES = 'test/fixtures/faces';
let scratch: string;
let registry: ModelRegistry;
let detector: FaceDetector;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'xssab-pipeline-'));
  registry = new ModelRegistry({ dataDir: scratch });
  detector = await openDetector(registry);
});
after(async () => {
  await detector.release();
  rmSync(scratch, { recursive: true, force: true });
});

describe('verification on the fixture pairs', () => {
  for (const id of ['dlib-resnet34', 'mobileface']) {
    it(`${id}: ROC AUC and EER on 18 genuine and 102 impostor pairs, and its committed threshold`, async (t) => {
      const result = await calibrate(registry, id, join(FACES, 'pairs.csv'), FACES, { record: false });
      t.diagnostic(
        `${id}: AUC ${result.auc.toFixed(4)}, EER ${(100 * result.eer).toFixed(2)} % ` +
          `(FMR ${(100 * result.fmr).toFixed(2)} %, FNMR ${(100 * result.fnmr).toFixed(2)} %) at threshold ${result.threshold.toFixed(4)}`,
      );
      assert.deepEqual([result.genuine, result.impostor, result.failures.length], [18, 102, 0]);
      assert.equal(result.provisional, true);
      assert.ok(result.auc >= (id === DEFAULT_MODEL_ID ? 0.98 : 0.95), `AUC ${result.auc}`);
      assert.ok(result.eer <= 0.05, `EER ${result.eer}`);
      // The threshold in the committed manifest still separates the pairs as well as when it was fitted.
      const committed = registry.getModel(id).manifest.threshold;
      assert.ok(committed, `${id} has no committed threshold`);
      const sets = {
        genuine: result.scores.filter((s) => s.same).map((s) => s.score),
        impostor: result.scores.filter((s) => !s.same).map((s) => s.score),
      };
      const atCommitted = operatingPoint(sets, committed.value);
      assert.ok(atCommitted.fmr <= 0.05 && atCommitted.fnmr <= 0.1, JSON.stringify(atCommitted));
    });
  }

  it('the default model has the higher AUC of the two', () => {
    const [best] = registry
      .listModels()
      .sort((a, b) => (b.calibration?.auc ?? 0) - (a.calibration?.auc ?? 0));
    assert.equal(best.id, DEFAULT_MODEL_ID);
  });
});

describe('preparePhoto', () => {
  it('aligns the largest face unless told which, keeping the transform that maps photo points onto the template', async () => {
    const model = registry.getModel('mobileface');
    const photo = await detectPhoto(join(FACES, 'multi_kit_with_rose.jpg'), detector);
    assert.ok(photo.faces.length >= 2);
    const [largest, second] = await Promise.all([
      prepareFace(photo, model.manifest),
      prepareFace(photo, model.manifest, { face: 1 }),
    ]);
    assert.equal(largest.faceIndex, 0);
    assert.equal(second.faceIndex, 1);
    assert.notEqual(largest.input.sha256, second.input.sha256);
    assert.equal(largest.input.tensor.length, 3 * 112 * 112);
    const eye = originalToCrop(largest.aligned, photo.faces[0].keypoints.rightEye);
    const template = alignTargetOf(model.manifest).template.rightEye;
    assert.ok(Math.hypot(eye.x - template.x, eye.y - template.y) < 5, JSON.stringify({ eye, template }));
    await assert.rejects(
      prepareFace(photo, model.manifest, { face: 7 }),
      /has \d faces \(0 = largest\); there is no face 7/,
    );
  });

  it('uses faces detected earlier only for the very bytes they were detected in', async () => {
    const path = join(FACES, 'multi_kit_with_rose.jpg');
    const detected = await detectPhoto(path, detector);
    const known = { sha256: detected.image.sha256, faces: detected.faces };
    const reused = await decodeWithKnownFaces(path, known);
    assert.deepEqual(reused.faces, detected.faces);
    assert.equal(reused.timings.detectMs, 0);
    const model = registry.getModel('mobileface');
    const [fresh, again] = await Promise.all([
      prepareFace(detected, model.manifest, { face: 1 }),
      prepareFace(reused, model.manifest, { face: 1 }),
    ]);
    assert.equal(again.input.sha256, fresh.input.sha256, 'the same face, aligned the same');
    await assert.rejects(
      decodeWithKnownFaces(join(FACES, 'obama_1.jpg'), known),
      (e: Error) =>
        e instanceof PhotoChangedError &&
        e.message.includes(`changed since its faces were detected`) &&
        e.message.includes(known.sha256),
    );
  });

  it('says so when a photo has no face, and accepts the examiner’s landmarks instead', async () => {
    const blank = join(scratch, 'wall.png');
    await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 190, g: 180, b: 170 } } })
      .png()
      .toFile(blank);
    const photo = await detectPhoto(blank, detector);
    const model = registry.getModel('dlib-resnet34');
    await assert.rejects(
      prepareFace(photo, model.manifest),
      (e: Error) =>
        e instanceof FaceSelectionError &&
        e.reason === 'no-face' &&
        /no face found in .*wall\.png/.test(e.message),
    );
    const manual = await prepareFace(photo, model.manifest, {
      landmarks: {
        rightEye: { x: 130, y: 100 },
        leftEye: { x: 190, y: 100 },
        noseTip: { x: 160, y: 135 },
        rightMouth: { x: 138, y: 165 },
        leftMouth: { x: 182, y: 165 },
      },
    });
    assert.equal(manual.faceIndex, null);
    assert.equal(manual.aligned.landmarkSource, 'manual');
    assert.equal(manual.aligned.crop.width, 150);
  });
});

describe('explainPhotoPair', () => {
  it('explains two photos and writes each map, drawn on the crop and back on the whole photo', async () => {
    const explained = await explainPhotoPair(registry, {
      model: 'mobileface',
      a: join(FACES, 'obama_1.jpg'),
      b: join(FACES, 'multi_obama_and_biden.jpg'),
      faceB: { face: 0 },
      threads: 1,
    });
    const { result, a } = explained;
    assert.equal(result.threshold, registry.getModel('mobileface').manifest.threshold!.value);
    assert.equal(result.model.sha256, explained.model.sha256);
    assert.equal(result.inputs.a, a.input.sha256);
    const out = join(scratch, 'explained');
    const summary = await writePhotoExplanation(explained, out);
    assert.equal(summary.decision, result.score >= result.threshold ? 'match' : 'non-match');
    assert.equal(summary.calibration?.method, 'EER');
    assert.equal(summary.photos.b.faces >= 2, true);
    assert.deepEqual(
      JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).maps['b.neg'],
      summary.maps['b.neg'],
    );
    const { photo, png, layerPng } = summary.maps['a.combined'];
    assert.ok(photo, 'the map over the photo is written by default');
    const { region } = photo;
    const photoMeta = await sharp(join(out, photo.png)).metadata();
    assert.deepEqual(
      [photoMeta.width, photoMeta.height, photoMeta.channels],
      [region.width, region.height, 4],
    );
    assert.ok(region.width > 0 && region.x + region.width <= a.photo.image.width);
    assert.equal((await sharp(join(out, png)).metadata()).width, 112 * 4);
    assert.equal((await sharp(join(out, layerPng)).metadata()).width, 112);
    assert.equal((await sharp(join(out, 'b.crop.png')).metadata()).width, 112);
    // One colour scale per map kind for both sides: the larger of the two maps' extremes.
    for (const kind of ['pos', 'neg', 'combined']) {
      const [mapA, mapB] = [summary.maps[`a.${kind}`], summary.maps[`b.${kind}`]];
      assert.equal(mapA.span, mapB.span);
      const extreme = Math.max(
        ...[mapA, mapB].flatMap((m) => [kind === 'combined' ? Math.abs(m.min) : 0, m.max]),
      );
      assert.equal(mapA.span, extreme);
    }
    // The map lands where the face is: the crop's footprint in the photo holds the detected eyes.
    const eye = a.photo.faces[0].keypoints.leftEye;
    assert.ok(
      eye.x > region.x &&
        eye.x < region.x + region.width &&
        eye.y > region.y &&
        eye.y < region.y + region.height,
    );
  });
});

describe('PhotoExplainer', () => {
  it('keeps one engine across explanations, caches its compiled graph on disk, and stops when cancelled', async () => {
    const cacheDir = join(scratch, 'compiled');
    const explainer = new PhotoExplainer(registry, { cacheDir, threads: 1 });
    const photos = { model: 'mobileface', a: join(FACES, 'obama_1.jpg'), b: join(FACES, 'obama_2.jpg') };
    try {
      const stages: string[] = [];
      const first = await explainer.explain(photos, { onStage: (stage) => stages.push(stage) });
      // Integrated gradients only when asked for (mobileface's validated default map is xSSAB's).
      assert.deepEqual(stages, ['reading the photos', 'aligning the faces', 'computing the xSSAB maps']);
      assert.equal(first.integratedGradients, undefined);
      const cached = readdirSync(cacheDir);
      assert.deepEqual(cached.length, 1);
      assert.ok(cached[0].startsWith(`${first.model.sha256}-xssab-`), cached[0]);

      const second = await explainer.explain(photos);
      assert.deepEqual(second.result.a.combined, first.result.a.combined);
      const given = await explainer.explain({ ...photos, threshold: 0.9 });
      assert.equal(given.result.threshold, 0.9, "the warm engine takes this run's threshold");
      assert.equal(given.result.bound, 0.9 / given.result.dim);
      assert.equal(readdirSync(cacheDir).length, 1);

      const withIg: string[] = [];
      const attributed = await explainer.explain(
        { ...photos, integratedGradients: true },
        { onStage: (stage) => withIg.push(stage) },
      );
      assert.deepEqual(withIg, EXPLAIN_STAGES.slice(0, 4), 'every stage but drawing, which the caller does');
      assert.equal(attributed.integratedGradients?.a.steps, DEFAULT_IG_STEPS);

      const controller = new AbortController();
      const seen: string[] = [];
      await assert.rejects(
        explainer.explain(photos, {
          signal: controller.signal,
          onStage: (stage) => {
            seen.push(stage);
            if (stage === 'aligning the faces') controller.abort();
          },
        }),
        { name: 'AbortError' },
      );
      assert.deepEqual(seen, ['reading the photos', 'aligning the faces']);
    } finally {
      await explainer.close();
    }
  });
});
