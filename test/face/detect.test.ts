import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { FaceDetector, KEYPOINT_NAMES, ssdAnchors, type Face } from '../../native-models/face/detect.js';
import { loadImage } from '../../native-models/face/image.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'faces');
const labels = readFileSync(join(FIXTURES, 'labels.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [file, identity, faces] = line.split(',');
    return { file, identity, faces };
  });

let detector: FaceDetector;
before(async () => {
  detector = await FaceDetector.create();
});
after(() => detector.release());

function assertPlausible(face: Face, file: string) {
  const { box, keypoints: k, score } = face;
  assert.ok(score >= 0.7 && score < 1, `${file}: score ${score}`);
  // Upright faces: the subject's right eye is on the image's left, eyes above nose above mouth.
  assert.ok(k.rightEye.x < k.leftEye.x, `${file}: eyes swapped`);
  assert.ok(
    Math.max(k.rightEye.y, k.leftEye.y) < k.noseTip.y && k.noseTip.y < k.mouthCenter.y,
    `${file}: eyes/nose/mouth out of order`,
  );
  for (const name of KEYPOINT_NAMES) {
    const p = k[name];
    assert.ok(
      p.x > box.x - box.width * 0.2 && p.x < box.x + box.width * 1.2,
      `${file}: ${name} far outside the box`,
    );
    assert.ok(p.y > box.y && p.y < box.y + box.height, `${file}: ${name} above or below the box`);
  }
}

describe('ssdAnchors', () => {
  it('gives MediaPipe’s 896 BlazeFace anchors for both models, the 16×16 grid first', () => {
    const front = ssdAnchors(128, [8, 16, 16, 16]);
    const back = ssdAnchors(256, [16, 32, 32, 32]);
    assert.equal(front.length, 896);
    assert.deepEqual(back, front);
    assert.deepEqual(front.slice(0, 3), [
      { x: 1 / 32, y: 1 / 32 },
      { x: 1 / 32, y: 1 / 32 },
      { x: 3 / 32, y: 1 / 32 },
    ]);
    assert.deepEqual(front[512], { x: 1 / 16, y: 1 / 16 });
    assert.deepEqual(front[512 + 6], { x: 3 / 16, y: 1 / 16 });
  });
});

describe('FaceDetector on the fixture photos', () => {
  for (const { file, faces: expected } of labels) {
    it(`${file}: ${expected} face(s)`, async () => {
      const image = await loadImage(join(FIXTURES, file));
      const faces = await detector.detect(image);
      if (expected.endsWith('+'))
        assert.ok(faces.length >= Number.parseInt(expected), `found ${faces.length}`);
      else assert.equal(faces.length, Number(expected), JSON.stringify(faces.map((f) => [f.box, f.score])));
      const areas = faces.map((f) => f.box.width * f.box.height);
      assert.deepEqual(
        areas,
        [...areas].sort((a, b) => b - a),
        'largest face first',
      );
      for (const face of faces) assertPlausible(face, file);
    });
  }

  it('finds the half-hidden face with a box reaching past the left edge of the photo', async () => {
    const [face] = await detector.detect(await loadImage(join(FIXTURES, 'hard_obama_partial_face.jpg')));
    assert.ok(face.box.x < 0, `box starts at x = ${face.box.x}`);
    assert.ok(face.keypoints.rightEye.x > 0);
  });

  it('finds the face of a phone photo stored sideways with EXIF orientation 6, where it is upright', async () => {
    const file = join(FIXTURES, 'obama_5_240p.jpg');
    const upright = await loadImage(file);
    // As a camera stores it: pixels turned 90° anticlockwise, and the tag saying to turn them back.
    const stored = await sharp(file)
      .rotate(270)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const meta = await sharp(stored).metadata();
    assert.deepEqual([meta.width, meta.height], [upright.height, upright.width]);
    const image = await loadImage(stored);
    assert.deepEqual([image.width, image.height], [upright.width, upright.height]);
    const [expected] = await detector.detect(upright);
    const [face] = await detector.detect(image);
    assert.ok(face, 'no face found');
    assert.ok(
      Math.hypot(
        face.keypoints.noseTip.x - expected.keypoints.noseTip.x,
        face.keypoints.noseTip.y - expected.keypoints.noseTip.y,
      ) < 2,
    );
  });

  it('finds a 48-pixel face in a 3000×2000 photo on the tiles, which the whole-photo pass misses', async () => {
    const width = 3000;
    const height = 2000;
    const noise = Buffer.alloc(width * height * 3);
    let seed = 1;
    for (let i = 0; i < noise.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      noise[i] = 90 + ((seed >> 16) % 60);
    }
    // obama_1's face fills about half of this 520-pixel square.
    const face = await sharp(join(FIXTURES, 'obama_1.jpg'))
      .extract({ left: 230, top: 20, width: 520, height: 520 })
      .resize(93)
      .png()
      .toBuffer();
    const background = await sharp(noise, { raw: { width, height, channels: 3 } })
      .blur(2)
      .raw()
      .toBuffer();
    const rgb = await sharp(background, { raw: { width, height, channels: 3 } })
      .composite([{ input: face, left: 1700, top: 700 }])
      .removeAlpha() // composite() adds one
      .raw()
      .toBuffer();
    const image = { rgb, width, height };
    assert.deepEqual(await detector.detect(image, { tileLevels: 0 }), []);
    const faces = await detector.detect(image);
    assert.equal(faces.length, 1);
    assert.ok(faces[0].box.width > 40 && faces[0].box.width < 60, `box ${JSON.stringify(faces[0].box)}`);
    assert.ok(faces[0].box.x > 1700 && faces[0].box.x + faces[0].box.width < 1793);
  });

  it('finds nothing in a blank image', async () => {
    const blank = { rgb: new Uint8Array(640 * 480 * 3).fill(128), width: 640, height: 480 };
    assert.deepEqual(await detector.detect(blank), []);
  });
});
