import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readNpy } from '../../native-models/onnx/npy.js';
import { Engine, type PairInput } from '../../native-models/xssab/engine.js';
import { pathPoints, smoothMap } from '../../native-models/xssab/integrated-gradients.js';
import { ARCFACE_INPUT as preprocessing } from './arcface-input.js';

// The golden MobileFaceNet (seeded weights) and its two aligned test faces.
const dir = new URL('../fixtures/golden/mobilefacenet/', import.meta.url).pathname;
const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { threshold: number };
const tensor = (name: string) => readNpy(join(dir, name)).data as Float32Array;
const pair: PairInput = { a: { tensor: tensor('a.npy') }, b: { tensor: tensor('b.npy') } };
const sum = (map: Float32Array) => map.reduce((s, v) => s + v, 0);

test('integrated gradients: attributions add up to each partial score change, and s⁺ + s⁻ is the score', async () => {
  const engine = await Engine.create({
    model: join(dir, 'model.onnx'),
    preprocessing,
    threshold: meta.threshold,
  });
  try {
    const [explained] = await engine.explain([pair]);
    const coarse = await engine.integratedGradients(pair, { steps: 2 });
    const fine = await engine.integratedGradients(pair, { steps: 64 });

    // The path's end point is the face itself: its partial scores make up the pair's cosine score.
    assert.ok(Math.abs(fine.positive.input + fine.negative.input - explained.score) < 1e-5);
    for (const side of ['positive', 'negative'] as const) {
      const change = fine[side].input - fine[side].baseline;
      assert.ok(Math.abs(change) > 1e-3, `${side} partial score should change along the path`);
      const mapTotal = sum(side === 'positive' ? fine.pos : fine.neg);
      assert.ok(
        Math.abs(mapTotal - change - fine[side].gap) < 1e-4,
        `${side}: the gap is what the map misses`,
      );
      // The seeded network's path is rough, so the quadrature error is judged in score units.
      assert.ok(Math.abs(fine[side].gap) < 0.015, `${side}: gap ${fine[side].gap}`);
      assert.ok(Math.abs(fine[side].gap) < Math.abs(coarse[side].gap) / 3, `${side}: 64 steps should beat 2`);
    }
    // Completeness of the whole score: the signed map adds up to s(x) − s(x₀).
    const scoreChange = explained.score - (fine.positive.baseline + fine.negative.baseline);
    assert.ok(Math.abs(sum(fine.signed) - scoreChange) < 0.03 * Math.abs(scoreChange));
    fine.signed.forEach((v, i) => assert.ok(Math.abs(v - (fine.pos[i] + fine.neg[i])) < 1e-6));
    // The split follows the given threshold: below −d every dimension argues for the match.
    const allPositive = await engine.integratedGradients(pair, { steps: 4, threshold: -1000 });
    assert.equal(allPositive.negative.input, 0);
    assert.ok(Math.abs(allPositive.positive.input - explained.score) < 1e-5);
  } finally {
    await engine.dispose();
  }
});

test('path points run from the baseline (k = 0) to the input (k = K)', () => {
  const points = pathPoints(Float32Array.of(2, 4), Float32Array.of(0, 1), 2);
  assert.deepEqual([...points], [0, 1, 1, 2.5, 2, 4]);
  assert.throws(() => pathPoints(Float32Array.of(1), Float32Array.of(0), 0), /steps must be a whole number/);
});

test('smoothing spreads a point but keeps an interior total, and sigma 0 copies the map', () => {
  const map = new Float32Array(15 * 15);
  map[7 * 15 + 7] = 1;
  const smooth = smoothMap(map, 15, 15, 1);
  assert.ok(Math.abs(sum(smooth) - 1) < 1e-5);
  assert.ok(smooth[7 * 15 + 7] < 0.2 && smooth[7 * 15 + 8] > 0.05);
  assert.deepEqual(smoothMap(map, 15, 15, 0), map);
});
