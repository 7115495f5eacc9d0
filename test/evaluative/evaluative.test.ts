/**
 * The evaluative maths against values worked out by hand and against independent numpy
 * references (native-models/tools/evaluative_reference.py → test/fixtures/evaluative/reference.json).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  crossValidatedLlrs,
  fitCalibrator,
  likelihoodRatio,
} from '../../native-models/evaluative/calibrator.js';
import { elubBounds } from '../../native-models/evaluative/elub.js';
import { LN10 } from '../../native-models/evaluative/log-odds.js';
import { fitLogistic, logisticObjective, standardisation } from '../../native-models/evaluative/logistic.js';
import {
  cllr,
  cllrMin,
  ece,
  empiricalCrossEntropy,
  misleadingRates,
  tippett,
  tippettSteps,
} from '../../native-models/evaluative/metrics.js';
import { applyPav, fitPav, isotonicFit } from '../../native-models/evaluative/pav.js';
import { EvaluativeInputError, type LabelledScores } from '../../native-models/evaluative/scores.js';
import { verbalEquivalent } from '../../native-models/evaluative/verbal-scale.js';

interface ReferenceSet extends LabelledScores {
  pav: { scores: number[]; proportions: number[] };
  cllrMinOfScoresAsLlrs: number;
  elubOfPav: { lowerLog10: number; upperLog10: number };
  logistic?: { slope: number; intercept: number };
  logisticCllr?: number;
  logisticEce?: Record<string, number>;
  elubOfLogistic?: { lowerLog10: number; upperLog10: number };
}
const reference = JSON.parse(readFileSync('test/fixtures/evaluative/reference.json', 'utf8')) as {
  slopePenalty: number;
  sets: { hand: Required<ReferenceSet>; 'dlib-fixtures': ReferenceSet };
};
const { hand, 'dlib-fixtures': dlib } = reference.sets;
const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

test('Cllr is 1 for LR = 1 everywhere, log2(4/3) for LRs of 3 and 1/3, and 0 in the limit of perfect LRs', () => {
  assert.equal(cllr({ sameSource: [0, 0, 0], differentSource: [0, 0] }), 1);
  close(
    cllr({ sameSource: [Math.log(3)], differentSource: [-Math.log(3)] }),
    Math.log2(4 / 3),
    1e-15,
    'LR 3',
  );
  assert.equal(cllr({ sameSource: [Infinity], differentSource: [-Infinity] }), 0);
  // A same-source LR of 0 is infinitely costly.
  assert.equal(cllr({ sameSource: [-Infinity], differentSource: [0] }), Infinity);
});

test('PAV pools violators into their mean: labels 0 1 0 1 1 by score give 0, ½, ½, 1, 1', () => {
  const steps = isotonicFit({ sameSource: [2, 4, 5], differentSource: [1, 3] });
  assert.deepEqual(
    steps.map((s) => [s.score, s.proportion]),
    [
      [1, 0],
      [2, 0.5],
      [3, 0.5],
      [4, 1],
      [5, 1],
    ],
  );
  // Tied scores are one block: a same- and a different-source pair at 2 give ½ there.
  assert.deepEqual(
    isotonicFit({ sameSource: [2, 3], differentSource: [1, 2] }).map((s) => s.proportion),
    [0, 0.5, 1],
  );
});

test('PAV matches the naive numpy PAV on the hand set (ties) and the 120 dlib fixture scores', () => {
  for (const set of [hand, dlib]) {
    const steps = isotonicFit(set);
    assert.deepEqual(
      steps.map((s) => s.score),
      set.pav.scores,
    );
    steps.forEach((s, i) => close(s.proportion, set.pav.proportions[i], 1e-12, `proportion at ${s.score}`));
    close(cllrMin(set), set.cllrMinOfScoresAsLlrs, 1e-12, 'Cllr_min');
  }
});

test('PAV LRs divide out the class proportions and interpolate between training scores', () => {
  // Distinct scores 0 (3 different), 1 (1 same), 2 (1 same, 1 different): 1 and 2 pool to ⅔;
  // posterior odds 2 over prior odds 2/4 give LR 4.
  const pav = fitPav({ sameSource: [1, 2], differentSource: [0, 0, 0, 2] });
  close(applyPav(pav, 2), Math.log(4), 1e-12, 'LR at 2');
  close(applyPav(pav, 1.5), Math.log(4), 1e-12, 'inside a pooled block');
  assert.equal(applyPav(pav, 0), -Infinity);
  assert.equal(applyPav(pav, -5), -Infinity, 'clipped below the range');
  close(applyPav(pav, 7), Math.log(4), 1e-12, 'clipped above the range');
  // Halfway between 0 (proportion 0) and 1 (⅔): proportion ⅓, posterior odds ½, LR 1.
  close(applyPav(pav, 0.5), 0, 1e-12, 'interpolated');
});

test('Cllr_min ≤ Cllr, and PAV-calibrated LRs are calibrated: Cllr_cal of them is 0', () => {
  const pav = fitPav(hand);
  const llrs = {
    sameSource: hand.sameSource.map((s) => applyPav(pav, s)),
    differentSource: hand.differentSource.map((s) => applyPav(pav, s)),
  };
  close(cllr(llrs), cllrMin(llrs), 1e-12, 'Cllr of PAV LRs');
  const raw = {
    sameSource: hand.sameSource.map((s) => 4 * s - 2),
    differentSource: hand.differentSource.map((s) => 4 * s - 2),
  };
  assert.ok(cllrMin(raw) < cllr(raw));
  close(cllrMin(raw), hand.cllrMinOfScoresAsLlrs, 1e-12, 'Cllr_min does not depend on a monotone transform');
});

test('logistic regression reaches the numpy gradient-descent optimum, where the gradient vanishes', () => {
  const fit = fitLogistic(hand, { slopePenalty: reference.slopePenalty });
  close(fit.slope, hand.logistic.slope, 1e-6, 'slope');
  close(fit.intercept, hand.logistic.intercept, 1e-6, 'intercept');
  // The objective is on standardised scores: there the fitted point must be a minimum.
  const { mean, sd } = standardisation(hand);
  const standardised = {
    sameSource: hand.sameSource.map((s) => (s - mean) / sd),
    differentSource: hand.differentSource.map((s) => (s - mean) / sd),
  };
  const fitted = { slope: fit.slope * sd, intercept: fit.intercept + fit.slope * mean };
  const at = (slope: number, intercept: number) =>
    logisticObjective(standardised, { slope, intercept }, reference.slopePenalty);
  const h = 1e-6;
  for (const [da, db] of [
    [h, 0],
    [-h, 0],
    [0, h],
    [0, -h],
  ])
    assert.ok(at(fitted.slope + da, fitted.intercept + db) >= at(fitted.slope, fitted.intercept));
  const llrs = {
    sameSource: hand.sameSource.map((s) => fit.slope * s + fit.intercept),
    differentSource: hand.differentSource.map((s) => fit.slope * s + fit.intercept),
  };
  close(cllr(llrs), hand.logisticCllr, 1e-9, 'Cllr');
  for (const [prior, value] of Object.entries(hand.logisticEce))
    close(empiricalCrossEntropy(llrs, Number(prior) * LN10), value, 1e-9, `ECE at ${prior}`);
});

test('logistic regression stays finite on perfectly separated scores (the dlib fixtures)', () => {
  const fit = fitLogistic(dlib);
  assert.ok(Number.isFinite(fit.slope) && fit.slope > 0, `slope ${fit.slope}`);
});

test('ELUB bounds: exact crossings agree with the numpy grid scan; perfect separation bounds at n', () => {
  const pav = fitPav(hand);
  for (const [set, fitted, expected] of [
    [hand, (s: number) => applyPav(pav, s), hand.elubOfPav],
    [hand, (s: number) => hand.logistic.slope * s + hand.logistic.intercept, hand.elubOfLogistic],
  ] as const) {
    const bounds = elubBounds(set.sameSource.map(fitted), set.differentSource.map(fitted));
    // The grid finds the first point at or past the crossing: within one step (1e-4) above it.
    close(bounds.upper / LN10, expected.upperLog10 - 0.5e-4, 0.5e-4 + 1e-9, 'upper');
    close(bounds.lower / LN10, expected.lowerLog10 + 0.5e-4, 0.5e-4 + 1e-9, 'lower');
  }
  // 5 same-source LRs of 10^6, 7 different-source of 10^-6: B(t) = 5/6 − t/8 → t = 20/3.
  const separated = elubBounds(new Array(5).fill(6 * LN10), new Array(7).fill(-6 * LN10));
  close(Math.exp(separated.upper), 20 / 3, 1e-12, 'upper');
  close(Math.exp(-separated.lower), (7 / 8) * 6, 1e-12, 'lower');
  // LRs that carry no information are bounded to 1.
  const neutral = elubBounds([0, 0], [0, 0]);
  assert.ok(neutral.lower === 0 && neutral.upper === 0, JSON.stringify(neutral));
});

test('the bounded calibrator limits extreme LRs to its ELUB bounds and says when a score is outside its data', () => {
  const calibrator = fitCalibrator(dlib, 'pav');
  close(calibrator.bounds.upperLog10, dlib.elubOfPav.upperLog10 - 0.5e-4, 0.5e-4 + 1e-9, 'upper');
  const top = likelihoodRatio(calibrator, 0.999);
  assert.equal(top.bound, 'upper');
  assert.equal(top.log10Lr, calibrator.bounds.upperLog10);
  assert.equal(top.unboundedLog10Lr, Infinity);
  assert.equal(top.withinCalibrationRange, false);
  const inside = likelihoodRatio(calibrator, calibrator.scoreRange.min);
  assert.equal(inside.withinCalibrationRange, true);
  assert.equal(inside.bound, 'lower');
  const logistic = fitCalibrator(dlib, 'logistic');
  assert.ok(
    logistic.bounds.upperLog10 > 0 &&
      logistic.bounds.upperLog10 < Math.log10(dlib.differentSource.length + 1),
  );
  assert.throws(() => likelihoodRatio(logistic, Number.NaN), EvaluativeInputError);
});

test('k-fold cross-validation gives every pair an LR from a calibrator that never saw it', () => {
  const llrs = crossValidatedLlrs(hand, 'logistic', 4);
  assert.equal(llrs.sameSource.length, hand.sameSource.length);
  assert.ok([...llrs.sameSource, ...llrs.differentSource].every(Number.isFinite));
  // Held-out LRs are worse calibrated than the training fit's own.
  assert.ok(cllr(llrs) > hand.logisticCllr);
  assert.throws(() => crossValidatedLlrs(hand, 'pav', 1), /k ≥ 2/);
  assert.throws(
    () => crossValidatedLlrs({ sameSource: [1], differentSource: [0, 1] }, 'pav', 2),
    /at least 2 same-source/,
  );
});

test('misleading rates, Tippett and ECE curves', () => {
  const llrs = { sameSource: [-1, 2, 3, 0.5], differentSource: [-2, 1, -3] };
  assert.deepEqual(misleadingRates(llrs), { sameSourceBelowOne: 0.25, differentSourceAboveOne: 1 / 3 });
  const curves = tippett(llrs);
  assert.deepEqual(curves.sameSource.proportionAtLeast, [1, 0.75, 0.5, 0.25]);
  close(curves.sameSource.log10Lr[0], -1 / LN10, 1e-15, 'first Tippett point');
  // Ties are one step: three LRs of 10 and one of 0.1.
  const tied = tippett({ sameSource: [LN10, LN10, -LN10, LN10], differentSource: [0] }).sameSource;
  assert.deepEqual(tied, { log10Lr: [-1, 1], proportionAtLeast: [1, 0.75] });
  assert.deepEqual(tippettSteps(tied, -3, 3), [
    [-3, 1],
    [-1, 1],
    [-1, 0.75],
    [1, 0.75],
    [1, 0],
    [3, 0],
  ]);
  const plot = ece(llrs, { range: 2, steps: 4 });
  assert.deepEqual(plot.priorLog10Odds, [-2, -1, 0, 1, 2]);
  close(plot.system[2], cllr(llrs), 1e-15, 'ECE at even odds is Cllr');
  assert.equal(plot.neutral[2], 1);
  plot.calibrated.forEach((value, i) =>
    assert.ok(value <= plot.system[i] + 1e-12 && value <= plot.neutral[i] + 1e-12),
  );
});

test('verbal equivalents on the ENFSI scale, for either proposition', () => {
  assert.match(
    verbalEquivalent(0.5),
    /^weak support for the proposition that the two images show the same person$/,
  );
  assert.match(verbalEquivalent(2), /^moderately strong support .* same person$/);
  assert.match(verbalEquivalent(-3.2), /^strong support .* different people$/);
  assert.match(verbalEquivalent(6.5), /^extremely strong support/);
  assert.match(verbalEquivalent(0), /no support for either proposition/);
});
