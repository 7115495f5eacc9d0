import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatasetError, readDataset, selectPairs } from '../../native-models/benchmark/dataset.js';
import {
  changedPixels,
  pastePatches,
  patchMask,
  placePatches,
} from '../../native-models/benchmark/patches.js';
import {
  REPLACEMENT_PERCENTS,
  areaUnderCurve,
  auroc,
  bestWorstOrder,
  errorRates,
  replacementSeries,
} from '../../native-models/benchmark/replacement.js';
import { mulberry32, pairSeed, permutation } from '../../native-models/benchmark/rng.js';

const FACES = join(import.meta.dirname, '..', 'fixtures', 'faces');

function image(width: number, height: number, fill: (i: number) => number) {
  return { width, height, rgb: Uint8Array.from({ length: width * height * 3 }, (_, i) => fill(i)) };
}

test('pair seeds depend on the seed, the pair index and the purpose, not on call order', () => {
  assert.equal(pairSeed(7, 3, 'patches'), pairSeed(7, 3, 'patches'));
  const seeds = new Set([
    pairSeed(7, 3, 'patches'),
    pairSeed(8, 3, 'patches'),
    pairSeed(7, 4, 'patches'),
    pairSeed(7, 3, 'source'),
  ]);
  assert.equal(seeds.size, 4);
  const order = permutation(1000, mulberry32(5));
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, i) => i),
  );
});

test('27 patches of 16×16 inside 112×112: same seed same positions, the mask covers exactly the pasted pixels', () => {
  const positions = placePatches(42, 112, 112);
  assert.equal(positions.length, 27);
  assert.ok(positions.every(({ x, y }) => x >= 0 && y >= 0 && x + 16 <= 112 && y + 16 <= 112));
  assert.deepEqual(placePatches(42, 112, 112), positions);
  assert.notDeepEqual(placePatches(43, 112, 112), positions);

  const target = image(112, 112, () => 10);
  const source = image(112, 112, (i) => 200 + (i % 3));
  const patched = pastePatches(target, source, positions);
  const mask = patchMask(112, 112, positions);
  for (let p = 0; p < mask.length; p++) {
    const expected = mask[p] ? source.rgb.subarray(p * 3, p * 3 + 3) : target.rgb.subarray(p * 3, p * 3 + 3);
    assert.deepEqual(patched.rgb.subarray(p * 3, p * 3 + 3), expected, `pixel ${p}`);
  }
  assert.ok(mask.reduce((s, v) => s + v, 0) > 16 * 16);
  assert.deepEqual(changedPixels(mask, target, patched), mask);

  // Where the source shows the target's own colour, the paste changed nothing.
  const sameLeftHalf = image(112, 112, (i) => (Math.floor(i / 3) % 112 < 56 ? 10 : 200));
  const changed = changedPixels(mask, target, pastePatches(target, sameLeftHalf, positions));
  for (let p = 0; p < mask.length; p++)
    assert.equal(changed[p], mask[p] && p % 112 >= 56 ? 1 : 0, `pixel ${p}`);
});

test('best-worst order: rejected pairs restore the lowest values first, accepted the highest, magnitudes the highest', () => {
  const map = Float32Array.of(0.5, -2, 3, 0, 3);
  assert.deepEqual([...bestWorstOrder(map, true, false)], [1, 3, 0, 2, 4]);
  assert.deepEqual([...bestWorstOrder(map, true, true)], [2, 4, 0, 3, 1]);
  assert.deepEqual([...bestWorstOrder(map, false, false)], [2, 4, 0, 3, 1]);
});

test('replacement series runs from the patched image (0 %) to the original (100 %)', () => {
  const patched = image(10, 10, () => 0);
  const original = image(10, 10, (i) => 1 + (i % 250));
  const series = replacementSeries(patched, original, permutation(100, mulberry32(1)));
  assert.equal(series.length, REPLACEMENT_PERCENTS.length);
  assert.deepEqual(series[0].rgb, patched.rgb);
  assert.deepEqual(series.at(-1)!.rgb, original.rgb);
  const restored = series.map((s) => s.rgb.filter((v) => v !== 0).length / 3);
  assert.deepEqual(
    restored,
    REPLACEMENT_PERCENTS.map((p) => p),
  );
});

test('error rates and curve areas', () => {
  const rates = errorRates([0.9, 0.1, 0.6, 0.2], [true, true, false, false], 0.5);
  assert.deepEqual(rates, { fmr: 0.5, fnmr: 0.5 });
  assert.ok(Number.isNaN(errorRates([0.9], [true], 0.5).fmr));
  assert.equal(areaUnderCurve([0, 50, 100], [1, 1, 1]), 1);
  assert.equal(areaUnderCurve([0, 100], [1, 0]), 0.5);
});

test('AUROC: a perfect map scores 1, the inverted map 0, a constant map 0.5', () => {
  const mask = patchMask(112, 112, placePatches(9, 112, 112));
  const perfect = Float32Array.from(mask, (m, i) => m + (i % 7) * 1e-3);
  assert.equal(auroc(perfect, mask), 1);
  assert.equal(
    auroc(
      perfect.map((v) => -v),
      mask,
    ),
    0,
  );
  assert.equal(auroc(new Float32Array(mask.length), mask), 0.5);
});

test('fixture pairs as CSV with labels; LFW pairs.txt with folders as identities', () => {
  const fixtures = readDataset({
    root: FACES,
    pairs: join(FACES, 'pairs.csv'),
    labels: join(FACES, 'labels.csv'),
  });
  assert.equal(fixtures.format, 'csv');
  assert.equal(fixtures.pairs.length, 120);
  assert.equal(fixtures.pairs.filter((p) => p.same).length, 18);
  assert.deepEqual(fixtures.identities('obama_1.jpg'), ['barack_obama']);

  const limited = selectPairs(fixtures.pairs, 6);
  assert.equal(limited.length, 6);
  assert.equal(limited.filter((p) => p.same).length, 3);

  const dir = mkdtempSync(join(tmpdir(), 'lfw-'));
  writeFileSync(join(dir, 'pairs.txt'), '1\t1\nAaron_Peirsol\t1\t2\nAJ_Cook\t1\tMarsha_Thomason\t1\n');
  const lfw = readDataset({ root: dir, pairs: join(dir, 'pairs.txt') });
  assert.equal(lfw.format, 'lfw');
  assert.deepEqual(
    lfw.pairs.map((p) => [p.a, p.b, p.same]),
    [
      ['Aaron_Peirsol/Aaron_Peirsol_0001.jpg', 'Aaron_Peirsol/Aaron_Peirsol_0002.jpg', true],
      ['AJ_Cook/AJ_Cook_0001.jpg', 'Marsha_Thomason/Marsha_Thomason_0001.jpg', false],
    ],
  );
  assert.deepEqual(lfw.identities('AJ_Cook/AJ_Cook_0001.jpg'), ['AJ_Cook']);

  assert.throws(() => readDataset({ root: FACES, pairs: join(FACES, 'pairs.csv') }), DatasetError);
});
