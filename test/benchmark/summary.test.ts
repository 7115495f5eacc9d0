import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BenchmarkMethodSummary, ModelValidation } from '../../electron/common/api/benchmarks.js';
import { defaultMapVariant, validationStatement } from '../../electron/common/explanations.js';
import { bootstrapMean, defaultMethodOf } from '../../native-models/benchmark/summary.js';

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
