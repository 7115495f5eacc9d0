import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  alignFace,
  ARCFACE_112,
  cropToOriginal,
  DLIB_150,
  originalToCrop,
  warpMapToOriginal,
  type AlignTarget,
  type FivePointLandmarks,
} from '../../native-models/face/align.js';
import { FaceDetector, type Face } from '../../native-models/face/detect.js';
import {
  applyAffine,
  distance,
  invertAffine,
  type Affine,
  type Point,
} from '../../native-models/face/geometry.js';
import { loadImage, type RgbImage } from '../../native-models/face/image.js';
import { timePipeline } from '../../native-models/face/pipeline.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'faces');

function gaussianDots(width: number, height: number, dots: Point[], sigma: number): RgbImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (const d of dots)
        v += Math.exp(-((x + 0.5 - d.x) ** 2 + (y + 0.5 - d.y) ** 2) / (2 * sigma * sigma));
      rgb.fill(Math.min(255, Math.round(255 * v)), (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { rgb, width, height };
}

/** Brightness-weighted centre of the pixels within `radius` of `near`. */
function centroid(image: RgbImage, near: Point, radius: number): Point {
  let sx = 0;
  let sy = 0;
  let sum = 0;
  for (let y = Math.floor(near.y - radius); y < Math.ceil(near.y + radius); y++) {
    for (let x = Math.floor(near.x - radius); x < Math.ceil(near.x + radius); x++) {
      if (Math.hypot(x + 0.5 - near.x, y + 0.5 - near.y) > radius) continue;
      const v = image.rgb[(y * image.width + x) * 3];
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
      sum += v;
    }
  }
  return { x: sx / sum, y: sy / sum };
}

const fivePoints = (points: Point[]): FivePointLandmarks => {
  const [rightEye, leftEye, noseTip, rightMouth, leftMouth] = points;
  return { rightEye, leftEye, noseTip, rightMouth, leftMouth };
};

describe('alignFace on synthetic dots', () => {
  // Dots placed where a known similarity takes the template points; aligning on them must put
  // each dot back on its template point in the crop. Scales below 1 go through the shrink pass.
  const cases: [AlignTarget, number, number][] = [
    [ARCFACE_112, 0.3, 20],
    [ARCFACE_112, 1, -35],
    [ARCFACE_112, 2.5, 0],
    [ARCFACE_112, 1.3, 170],
    [DLIB_150, 0.5, 90],
    [DLIB_150, 0.8, -12],
  ];
  for (const [target, scale, degrees] of cases) {
    it(`${target.name}, photo→crop scale ${scale}, rotation ${degrees}°: dots land on the template within 0.5 px`, async () => {
      const angle = (degrees * Math.PI) / 180;
      const photoToCrop: Affine = [
        scale * Math.cos(angle),
        -scale * Math.sin(angle),
        0,
        scale * Math.sin(angle),
        scale * Math.cos(angle),
        0,
      ];
      const template = Object.values(target.template);
      const placed = template.map((p) => applyAffine(invertAffine(photoToCrop), p));
      const margin = 60 / scale;
      const left = Math.min(...placed.map((p) => p.x)) - margin;
      const top = Math.min(...placed.map((p) => p.y)) - margin;
      const dots = placed.map((p) => ({ x: p.x - left, y: p.y - top }));
      const photo = gaussianDots(
        Math.ceil(Math.max(...dots.map((p) => p.x)) + margin),
        Math.ceil(Math.max(...dots.map((p) => p.y)) + margin),
        dots,
        2.5 / scale,
      );
      const aligned = await alignFace(photo, { manual: fivePoints(dots) }, target);
      assert.equal(aligned.landmarkSource, 'manual');
      assert.ok(aligned.residualPx < 1e-9);
      assert.deepEqual([aligned.crop.width, aligned.crop.height], [target.width, target.height]);
      for (const [i, expected] of template.entries()) {
        assert.ok(distance(originalToCrop(aligned, dots[i]), expected) < 1e-9);
        const found = centroid(aligned.crop, expected, 7);
        assert.ok(
          distance(found, expected) < 0.5,
          `dot ${i} at ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`,
        );
      }
    });
  }

  it('fills what lies outside the photo with black, for a face cut off by the frame', async () => {
    const photo = { rgb: new Uint8Array(200 * 200 * 3).fill(200), width: 200, height: 200 };
    // Eyes at the left edge: the left part of the crop lies outside the photo.
    const manual = fivePoints([
      { x: 5, y: 80 },
      { x: 45, y: 80 },
      { x: 25, y: 103 },
      { x: 9, y: 126 },
      { x: 42, y: 126 },
    ]);
    const { crop } = await alignFace(photo, { manual });
    assert.equal(crop.rgb[(56 * 112 + 2) * 3], 0);
    assert.equal(crop.rgb[(56 * 112 + 100) * 3], 200);
  });
});

describe('alignment geometry', () => {
  it('round-trips points between photo and crop to within 0.01 px', async () => {
    const photo = { rgb: new Uint8Array(400 * 300 * 3), width: 400, height: 300 };
    const manual = fivePoints([
      { x: 150.3, y: 120.2 },
      { x: 212.9, y: 131.4 },
      { x: 178.1, y: 160.7 },
      { x: 151.5, y: 190.1 },
      { x: 200.2, y: 197.6 },
    ]);
    const aligned = await alignFace(photo, { manual });
    for (const p of [
      { x: 0, y: 0 },
      { x: 111.99, y: 5.5 },
      { x: 56, y: 56 },
      { x: -20, y: 300 },
    ]) {
      assert.ok(distance(originalToCrop(aligned, cropToOriginal(aligned, p)), p) < 0.01);
      assert.ok(distance(cropToOriginal(aligned, originalToCrop(aligned, p)), p) < 0.01);
    }
    // Rotation and uniform scale only: the matrix is [[a, -b], [b, a]] with a positive determinant.
    const [a, b, , d, e] = aligned.transform;
    assert.ok(Math.abs(a - e) < 1e-12 && Math.abs(b + d) < 1e-12 && a * e - b * d > 0);
  });

  it('derives the dlib 150 template with the eyes where dlib’s get_face_chip(…, 150, 0.25) puts them', () => {
    // Means of dlib's eye-corner points, (p + 0.25) / 1.5 · 150, plus half a pixel.
    assert.ok(distance(DLIB_150.template.rightEye, { x: 48.233, y: 47.6396 }) < 1e-3);
    assert.ok(distance(DLIB_150.template.leftEye, { x: 100.7814, y: 47.6233 }) < 1e-3);
    const { noseTip, rightMouth, leftMouth } = DLIB_150.template;
    assert.ok(
      noseTip.y > 47.6 && noseTip.y < rightMouth.y && rightMouth.x < leftMouth.x && leftMouth.y < 150,
    );
  });

  it('draws a map over the crop back onto the photo', async () => {
    const photo = { rgb: new Uint8Array(400 * 300 * 3), width: 400, height: 300 };
    const manual = fivePoints([
      { x: 150, y: 120 },
      { x: 220, y: 125 },
      { x: 183, y: 160 },
      { x: 155, y: 195 },
      { x: 210, y: 198 },
    ]);
    const aligned = await alignFace(photo, { manual });
    // A 2×2 map: left half of the crop 0, right half 1.
    const drawn = warpMapToOriginal(Float32Array.from([0, 1, 0, 1]), 2, 2, aligned, 400, 300);
    const at = (p: Point) =>
      drawn.values[
        (Math.floor(p.y) - drawn.region.y) * drawn.region.width + (Math.floor(p.x) - drawn.region.x)
      ];
    assert.equal(at(cropToOriginal(aligned, { x: 10, y: 56 })), 0);
    assert.equal(at(cropToOriginal(aligned, { x: 100, y: 56 })), 1);
    assert.ok(Math.abs(at(cropToOriginal(aligned, { x: 56, y: 56 })) - 0.5) < 0.05);
    assert.ok(Number.isNaN(drawn.values[0]), 'the region’s corner lies outside the rotated crop');
  });
});

describe('alignFace on detected faces', () => {
  let detector: FaceDetector;
  before(async () => {
    detector = await FaceDetector.create();
  });
  after(() => detector.release());

  const photos = [
    'obama_1.jpg',
    'biden_2.jpg',
    'kit_harington_2.jpg',
    'rose_leslie_2.jpg',
    'multi_kit_with_rose.jpg',
    'hard_obama_partial_face.jpg',
  ];
  for (const file of photos) {
    it(`${file}: keypoints land on the ArcFace template, and the crop's face is found there again`, async () => {
      const image = await loadImage(join(FIXTURES, file));
      const faces: Face[] = await detector.detect(image);
      assert.ok(faces.length > 0);
      const template = ARCFACE_112.template;
      for (const face of faces) {
        const aligned = await alignFace(image, { detected: face.keypoints });
        assert.equal(aligned.landmarkSource, 'detected');
        // Four points, one similarity: the fit is least squares, so the eyes are off by pose.
        for (const [eye, slot] of [
          [face.keypoints.rightEye, template.rightEye],
          [face.keypoints.leftEye, template.leftEye],
        ]) {
          assert.ok(
            distance(originalToCrop(aligned, eye), slot) < 6,
            `${file}: eye ${distance(originalToCrop(aligned, eye), slot)} px off`,
          );
        }
        assert.ok(aligned.residualPx < 6, `${file}: residual ${aligned.residualPx}`);
        const [again] = await detector.detect(aligned.crop);
        assert.ok(again, `${file}: no face in the aligned crop`);
        assert.ok(distance(again.keypoints.rightEye, template.rightEye) < 7);
        assert.ok(distance(again.keypoints.leftEye, template.leftEye) < 7);
      }
    });
  }

  it('uses the examiner’s landmarks over the detected ones', async () => {
    const image = await loadImage(join(FIXTURES, 'obama_5_240p.jpg'));
    const [face] = await detector.detect(image);
    const k = face.keypoints;
    // Manual points shifted 3 px right of the detected eyes and nose.
    const manual = fivePoints([
      { x: k.rightEye.x + 3, y: k.rightEye.y },
      { x: k.leftEye.x + 3, y: k.leftEye.y },
      { x: k.noseTip.x + 3, y: k.noseTip.y },
      { x: k.mouthCenter.x - 8, y: k.mouthCenter.y },
      { x: k.mouthCenter.x + 14, y: k.mouthCenter.y },
    ]);
    const detected = await alignFace(image, { detected: k });
    const chosen = await alignFace(image, { detected: k, manual });
    assert.equal(chosen.landmarkSource, 'manual');
    assert.notDeepEqual(chosen.transform, detected.transform);
    assert.ok(
      distance(originalToCrop(chosen, manual.rightEye), ARCFACE_112.template.rightEye) <
        distance(originalToCrop(chosen, k.rightEye), ARCFACE_112.template.rightEye),
    );
  });
});

describe('timePipeline', () => {
  it('times decoding, detection and alignment of a photo', async () => {
    const timing = await timePipeline(join(FIXTURES, 'multi_kit_with_rose.jpg'));
    assert.equal(timing.faces.length, 2);
    assert.deepEqual([timing.width, timing.height], [501, 700]);
    for (const key of ['modelLoadMs', 'decodeMs', 'detectMs', 'alignMs'] as const) {
      assert.ok(timing[key] > 0 && timing[key] < 60_000, `${key} = ${timing[key]}`);
    }
  });
});
