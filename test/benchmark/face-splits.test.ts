import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDataset, type Dataset } from '../../native-models/benchmark/dataset.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const SPLITS = join(FIXTURES, 'face-splits');

const tuning = readDataset({
  root: join(FIXTURES, 'faces'),
  pairs: join(SPLITS, 'tuning-pairs.csv'),
  labels: join(FIXTURES, 'faces', 'labels.csv'),
});
const heldOut = readDataset({
  root: FIXTURES,
  pairs: join(SPLITS, 'heldout-pairs.csv'),
  labels: join(SPLITS, 'heldout-labels.csv'),
});

const people = (dataset: Dataset) =>
  new Set(dataset.images.flatMap((file) => dataset.identities(file) ?? []));

test('identity split: every photo exists and is labelled, pairs agree with the labels, and no person is in both parts', () => {
  for (const dataset of [tuning, heldOut]) {
    for (const file of dataset.images) {
      assert.ok(existsSync(join(dataset.root, file)), file);
      assert.equal(dataset.identities(file)?.length, 1, `${file} shows one labelled person`);
    }
    for (const pair of dataset.pairs) {
      assert.equal(
        pair.same,
        dataset.identities(pair.a)![0] === dataset.identities(pair.b)![0],
        `${pair.a} ${pair.b}`,
      );
    }
  }
  const tuned = people(tuning);
  assert.deepEqual(
    [...people(heldOut)].filter((person) => tuned.has(person)),
    [],
  );
  assert.equal(people(heldOut).size, 8);
  assert.deepEqual(
    [heldOut.pairs.filter((p) => p.same).length, heldOut.pairs.filter((p) => !p.same).length],
    [64, 86],
  );
});
