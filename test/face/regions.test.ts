import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FACE_REGIONS, type FaceRegion } from '../../electron/common/explanations.js';
import { ARCFACE_112, DLIB_150 } from '../../native-models/face/align.js';
import { regionMask, regionSummary } from '../../native-models/face/regions.js';

for (const target of [ARCFACE_112, DLIB_150]) {
  test(`regions of the ${target.name} crop sit where its landmarks are`, () => {
    const { width, height, template } = target;
    const mask = regionMask(template, width, height);
    const at = (x: number, y: number): FaceRegion =>
      FACE_REGIONS[mask[Math.floor(y) * width + Math.floor(x)]];
    assert.equal(at(template.rightEye.x, template.rightEye.y), 'right_eye');
    assert.equal(at(template.leftEye.x, template.leftEye.y), 'left_eye');
    assert.equal(at(template.noseTip.x, template.noseTip.y), 'nose');
    const mouth = {
      x: (template.rightMouth.x + template.leftMouth.x) / 2,
      y: (template.rightMouth.y + template.leftMouth.y) / 2,
    };
    assert.equal(at(mouth.x, mouth.y), 'mouth');
    const d = template.leftEye.x - template.rightEye.x;
    assert.equal(at(mouth.x, mouth.y + 0.5 * d), 'chin');
    assert.equal(
      at((template.rightEye.x + template.leftEye.x) / 2, template.rightEye.y - 0.8 * d),
      'forehead',
    );
    assert.equal(at(template.rightEye.x, template.rightEye.y + 0.5 * d), 'right_cheek');
    assert.equal(at(0, 0), 'other');
    // Every region is laid out somewhere in the crop.
    for (const region of FACE_REGIONS) assert.ok(mask.includes(FACE_REGIONS.indexOf(region)), region);
  });
}

test('region summary: shares of support and opposition each add up to 1, nets to the map total', () => {
  const { width, height, template } = ARCFACE_112;
  const mask = regionMask(template, width, height);
  const map = Float32Array.from({ length: width * height }, (_, i) => Math.sin(i / 7) * (i % 5));
  const rows = regionSummary(map, mask);
  assert.deepEqual(
    rows.map((r) => r.region),
    [...FACE_REGIONS],
  );
  const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum(rows.map((r) => r.support)) - 1) < 1e-9);
  assert.ok(Math.abs(sum(rows.map((r) => r.opposition)) - 1) < 1e-9);
  assert.ok(Math.abs(sum(rows.map((r) => r.net)) - sum([...map])) < 1e-6);
  assert.equal(sum(rows.map((r) => r.pixels)), width * height);

  // All support in the mouth: the mouth has it all, the other regions none.
  const mouthOnly = Float32Array.from(mask, (m) => (FACE_REGIONS[m] === 'mouth' ? 1 : 0));
  const mouthRows = regionSummary(mouthOnly, mask);
  assert.equal(mouthRows.find((r) => r.region === 'mouth')!.support, 1);
  assert.ok(mouthRows.every((r) => r.region === 'mouth' || r.support === 0));
  assert.throws(() => regionSummary(new Float32Array(3), mask), /map has 3 values/);
});
