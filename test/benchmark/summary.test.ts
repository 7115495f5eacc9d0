import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BenchmarkMethodSummary, ModelValidation } from '../../electron/common/api/benchmarks.js';
import { defaultMapVariant, validationStatement } from '../../electron/common/explanations.js';
import { REPLACEMENT_PERCENTS } from '../../native-models/benchmark/replacement.js';
import {
  bootstrapMean,
  buildSummary,
  defaultMethodOf,
  type ScoredPair,
} from '../../native-models/benchmark/summary.js';

test('bootstrap interval: same values and seed, same interval; it holds the mean and narrows with more pairs', () => {
  const values = Array.from({ length: 40 }, (_, i) => (i % 7) / 7);
  const interval = bootstrapMean(values, 11)!;
  assert.deepEqual(bootstrapMean(values, 11), interval);
  assert.notDeepEqual(bootstrapMean(values, 12), interval);
  assert.ok(interval.low < interval.value && interval.value < interval.high);
  const wider = bootstrapMean(values.slice(0, 10), 11)!;
  assert.ok(wider.high - wider.low > interval.high - interval.low);
  assert.equal(bootstrapMean([], 1), null);
  assert.deepEqual(bootstrapMean([0.5, 0.5], 1), { value: 0.5, low: 0.5, high: 0.5 });
});

const row = (
  method: BenchmarkMethodSummary['method'],
  auroc: number,
  beats: boolean,
): BenchmarkMethodSummary => ({
  method,
  deviation: null,
  aucFmr: { value: 0.1, low: 0.05, high: 0.15 },
  aucFnmr: { value: 0.1, low: 0.05, high: 0.15 },
  localisationAuroc: { value: auroc, low: auroc - 0.02, high: auroc + 0.02 },
  localisationAurocFlipped: null,
  beatsRandom: { fmr: beats, fnmr: beats },
  msPerImage: 1,
});

test('default map: the validated variant an analysis shows with the best localisation; none when none is validated', () => {
  assert.equal(
    defaultMethodOf([row('xssab', 0.6, true), row('ig', 0.7, true), row('gradient', 0.9, true)]),
    'ig',
  );
  assert.equal(defaultMethodOf([row('xssab', 0.6, true), row('ig', 0.7, false)]), 'xssab');
  assert.equal(defaultMethodOf([row('xssab', 0.6, false), row('random', 0.5, true)]), null);

  const validation = { benchmark: { defaultMethod: 'xssab-decision' } } as ModelValidation;
  assert.equal(defaultMapVariant(validation), 'decision');
  assert.equal(defaultMapVariant({ benchmark: { defaultMethod: null } } as ModelValidation), 'combined');
  assert.equal(defaultMapVariant(undefined), 'combined');
  assert.equal(validationStatement(null, 'ig'), 'Explanations not validated for this model.');
});

/** Scores over the replacement steps: wrong (for its kind, at threshold 0.5) for the first `wrongSteps` steps. */
const curve = (same: boolean, wrongSteps: number) =>
  REPLACEMENT_PERCENTS.map((_, step) => (step < wrongSteps === same ? 0.1 : 0.9));

const scored = (same: boolean, randomWrongSteps: number): ScoredPair => ({
  same,
  originalScore: same ? 0.9 : 0.1,
  patchedScore: same ? 0.1 : 0.9,
  bestWorst: { xssab: curve(same, 2) },
  random: curve(same, randomWrongSteps),
  oracle: curve(same, 1),
  auroc: { xssab: 0.6 },
  ms: { xssab: 1 },
});

test('a set too small for even the oracle to beat random is named in the summary and in the validation statement', () => {
  // 40 impostor pairs whose random replacement stays wrong long; 2 genuine pairs, one of which
  // random replacement mends at once: too few to tell any order from random on FNMR.
  // 10 more impostor pairs the patches left right, on which the map misses the patches.
  const unflipped = { ...scored(false, 0), patchedScore: 0.1, auroc: { xssab: 0.2 } };
  const pairs = [
    ...Array.from({ length: 40 }, () => scored(false, 15)),
    ...Array.from({ length: 10 }, () => unflipped),
    scored(true, 15),
    scored(true, 1),
  ];
  const summary = buildSummary(pairs, {
    model: { id: 'm', sha256: '0'.repeat(64), alignment: 'arcface-112' },
    threshold: { value: 0.5, source: 'given', eer: null },
    seed: 1,
    corrRiseMasks: 0,
    integratedGradients: { steps: 16, smoothing: 4 },
    skipped: 0,
    methods: ['xssab'],
  });
  assert.ok(summary.oracle.aucFmr!.high < summary.random.aucFmr!.low);
  assert.ok(summary.oracle.aucFnmr!.high >= summary.random.aucFnmr!.low);
  const tooFew = summary.warnings.filter((w) => w.startsWith('even restoring the patch pixels first'));
  assert.equal(tooFew.length, 1);
  assert.match(
    tooFew[0],
    /FNMR area .* with 2 genuine pairs the FNMR comparison has too little power to tell a map from random$/,
  );
  assert.deepEqual(summary.methods[0].beatsRandom, { fmr: true, fnmr: false });
  assert.deepEqual(summary.flipped, { genuine: 2, impostor: 40 });
  assert.ok(Math.abs(summary.methods[0].localisationAuroc!.value - (42 * 0.6 + 10 * 0.2) / 52) < 1e-12);
  const flippedAuroc = summary.methods[0].localisationAurocFlipped!;
  for (const bound of [flippedAuroc.value, flippedAuroc.low, flippedAuroc.high])
    assert.ok(Math.abs(bound - 0.6) < 1e-12);

  const validation = {
    benchmark: summary,
    dataset: { description: 'two genuine pairs' },
    sanity: { passed: { xssab: true } },
  } as unknown as ModelValidation;
  const statement = validationStatement(validation, 'combined');
  assert.match(
    statement,
    /AUROC 0\.\d\d \[0\.\d\d, 0\.\d\d\] on 52 pairs \(two genuine pairs\), 0\.60 \[0\.60, 0\.60\] on the 42 the manipulation turned wrong;/,
  );
  assert.match(
    statement,
    /; on FNMR not even restoring the manipulated pixels first beats random on this set: it has too few pairs to tell; sanity check passed\.$/,
  );
  assert.doesNotMatch(statement, /on FMR this set/);
});
