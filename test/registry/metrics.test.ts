import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  equalErrorRate,
  operatingPoint,
  rocAuc,
  ScoreSetError,
} from '../../native-models/registry/metrics.js';

describe('equalErrorRate', () => {
  it('picks the threshold where FMR and FNMR are closest to equal and lowest', () => {
    // Thresholds between sorted scores: 0.475 → FMR 2/5, FNMR 1/4; 0.55 → 1/5, 1/4; 0.65 → 0, 1/4.
    const sets = { genuine: [0.9, 0.8, 0.7, 0.45], impostor: [0.1, 0.2, 0.3, 0.5, 0.6] };
    const point = equalErrorRate(sets);
    assert.ok(Math.abs(point.threshold - 0.55) < 1e-12);
    assert.equal(point.fmr, 0.2);
    assert.equal(point.fnmr, 0.25);
    assert.ok(Math.abs(point.eer - 0.225) < 1e-12);
    assert.deepEqual(operatingPoint(sets, point.threshold), {
      threshold: point.threshold,
      fmr: 0.2,
      fnmr: 0.25,
    });
  });

  it('puts the threshold mid-gap when the classes do not overlap', () => {
    const point = equalErrorRate({ genuine: [0.8, 0.9, 0.85], impostor: [0.1, 0.3, 0.2] });
    assert.deepEqual(
      { ...point, threshold: Number(point.threshold.toFixed(12)) },
      { threshold: 0.55, fmr: 0, fnmr: 0, eer: 0 },
    );
  });

  it('counts a score equal to the threshold as a match', () => {
    assert.deepEqual(operatingPoint({ genuine: [0.5], impostor: [0.5] }, 0.5), {
      threshold: 0.5,
      fmr: 1,
      fnmr: 0,
    });
  });

  it('refuses an empty class or a non-finite score', () => {
    assert.throws(() => equalErrorRate({ genuine: [0.9], impostor: [] }), ScoreSetError);
    assert.throws(() => rocAuc({ genuine: [Number.NaN], impostor: [0.1] }), /finite/);
  });
});

describe('rocAuc', () => {
  it('is the share of genuine-impostor pairs ranked right, ties half', () => {
    assert.equal(rocAuc({ genuine: [0.9, 0.8, 0.7, 0.45], impostor: [0.1, 0.2, 0.3, 0.5, 0.6] }), 18 / 20);
    assert.equal(rocAuc({ genuine: [0.5, 0.9], impostor: [0.5, 0.1] }), 3.5 / 4);
    assert.equal(rocAuc({ genuine: [0.1], impostor: [0.9] }), 0);
  });
});
