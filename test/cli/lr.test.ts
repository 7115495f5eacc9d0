/**
 * `xssab lr …` as a lab runs it: the built CLI in a child process (needs `npm run build:node`).
 * Calibrates the default model on one half of the face fixtures (split by identity), evaluates
 * it on the other half, and checks the figures, the plots, the validation report and bad input.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { CalibrationSet, CalibrationSummary, LrPerformance } from '../../electron/common/api.js';
import { assertCliBuilt, xssab as runXssab, xssabJson as runXssabJson } from './cli-harness.js';

const FACES = resolve('test/fixtures/faces');
const CALIBRATION_PAIRS = resolve('test/fixtures/lr/calibration-pairs.csv');
const EVALUATION_PAIRS = resolve('test/fixtures/lr/evaluation-pairs.csv');
let dataDir: string;

before(() => {
  assertCliBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 'xssab-cli-lr-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

const xssab = (...args: string[]) => runXssab(dataDir, ...args);
const xssabJson = <T>(...args: string[]): T => runXssabJson<T>(dataDir, ...args);

/** `lr calibrate` of the default model on the pairs, with further options. */
const calibrateOn = (pairs: string, ...options: string[]) => [
  'lr',
  'calibrate',
  '--model',
  'dlib-resnet34',
  '--pairs',
  pairs,
  '--root',
  FACES,
  ...options,
];
const calibrate = (...options: string[]) => calibrateOn(CALIBRATION_PAIRS, ...options);
/** `lr evaluate` of calibration #1 on the evaluation pairs, its plots written to `out`. */
const evaluate = (out: string) => [
  'lr',
  'evaluate',
  '--calibration',
  '1',
  '--pairs',
  EVALUATION_PAIRS,
  '--root',
  FACES,
  '--out',
  out,
];
/** `lr report` of calibration #1 to `pdf`. */
const report = (pdf: string) => ['lr', 'report', '--calibration', '1', '--out', pdf];

const PLOT_FILES = ['tippett.svg', 'ece.svg', 'tippett.png', 'ece.png', 'validation.json'];

interface CalibrateOutput {
  set: CalibrationSet;
  reused: boolean;
  calibration: {
    id: number;
    method: string;
    folds: number;
    bounds: { lowerLog10: number; upperLog10: number };
    performance: LrPerformance;
  };
  files: string[];
}

async function checkPlots(files: string[], folder: string) {
  for (const name of PLOT_FILES) assert.ok(files.includes(join(folder, name)), `${name} written`);
  const tippett = readFileSync(join(folder, 'tippett.svg'), 'utf8');
  assert.match(tippett, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(tippett.match(/<polyline /g)?.length, 2, 'one Tippett curve per class');
  assert.equal(readFileSync(join(folder, 'ece.svg'), 'utf8').match(/<polyline /g)?.length, 3);
  for (const png of ['tippett.png', 'ece.png']) {
    const meta = await sharp(join(folder, png)).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 640, 420]);
  }
}

test('lr calibrate scores the set once, fits a bounded calibration and writes its plots', async () => {
  const out = join(dataDir, 'calibration-plots');
  const first = xssabJson<CalibrateOutput>(...calibrate('--out', out));
  assert.equal(first.reused, false);
  assert.deepEqual([first.set.sameSource, first.set.differentSource], [13, 23]);
  assert.equal(first.calibration.method, 'logistic');
  assert.equal(first.calibration.folds, 5);
  const { performance, bounds } = first.calibration;
  assert.ok(performance.cllr > 0 && performance.cllr < 1, `Cllr ${performance.cllr}`);
  assert.ok(performance.cllrMin >= 0 && performance.cllrMin <= performance.cllr);
  assert.ok(Math.abs(performance.cllrCal - (performance.cllr - performance.cllrMin)) < 1e-12);
  assert.ok(bounds.upperLog10 > 0 && bounds.upperLog10 <= Math.log10(24), `upper ${bounds.upperLog10}`);
  await checkPlots(first.files, out);

  const pav = xssab(...calibrate('--method', 'pav'));
  assert.equal(pav.code, 0, pav.stderr);
  assert.match(pav.stdout, /scored before, stored scores reused/);
  assert.doesNotMatch(pav.stderr, /scored \d+\/36 pairs/, 'no photo is scored again');
  assert.match(pav.stdout, /calibration #2: pav, LR bounded by ELUB to 1\/\d+ … \d+/);
  assert.match(pav.stdout, /Cllr {5}0\.\d{3} bits\n {2}Cllr_min 0\.\d{3} bits {3}Cllr_cal 0\.\d{3} bits/);

  const lowRes = xssabJson<CalibrateOutput>(...calibrate('--condition', 'low resolution'));
  assert.equal(lowRes.calibration.performance.sameSource + lowRes.calibration.performance.differentSource, 8);

  const listed = xssabJson<{ calibrations: CalibrationSummary[] }>('lr', 'list');
  assert.deepEqual(
    listed.calibrations.map((c) => [c.id, c.method, c.condition]),
    [
      [3, 'logistic', 'low resolution'],
      [2, 'pav', null],
      [1, 'logistic', null],
    ],
  );
});

test('lr evaluate on people the calibration never saw prints Cllr and Cllr_min and writes both plots', async () => {
  const out = join(dataDir, 'evaluation');
  const human = xssab(...evaluate(out));
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /5 same-source and 16 different-source pairs; scored now/);
  assert.match(human.stdout, /evaluation #1 of calibration #1 on this set:/);
  assert.match(human.stdout, /Cllr {5}\d\.\d{3} bits/);
  assert.match(human.stdout, /Cllr_min \d\.\d{3} bits/);
  assert.match(human.stdout, new RegExp(`wrote ${join(out, 'tippett.svg')}`));
  await checkPlots(
    PLOT_FILES.map((name) => join(out, name)),
    out,
  );
  const figures = JSON.parse(readFileSync(join(out, 'validation.json'), 'utf8')) as {
    performance: LrPerformance;
  };
  assert.deepEqual([figures.performance.sameSource, figures.performance.differentSource], [5, 16]);

  const json = xssabJson<{ evaluation: { performance: LrPerformance }; reused: boolean }>(
    ...evaluate(join(dataDir, 'evaluation-2')),
  );
  assert.equal(json.reused, true);
  assert.deepEqual(
    json.evaluation.performance,
    figures.performance,
    'the stored scores give the same figures',
  );
});

test('lr report writes a deterministic validation PDF with the figures and both plots', () => {
  const first = xssabJson<{ sha256: string; pages: number }>(...report(join(dataDir, 'v1.pdf')));
  const second = xssabJson<{ sha256: string }>(...report(join(dataDir, 'v2.pdf')));
  assert.equal(second.sha256, first.sha256);
  assert.deepEqual(readFileSync(join(dataDir, 'v1.pdf')), readFileSync(join(dataDir, 'v2.pdf')));
  const text = execFileSync('pdftotext', [join(dataDir, 'v1.pdf'), '-'], { encoding: 'utf8' }).replace(
    /\s+/g,
    ' ',
  );
  assert.match(text, /Validation of a likelihood-ratio calibration #1/);
  assert.match(text, /5-fold cross-validation on the calibration set/);
  assert.match(text, /Evaluation on ".*evaluation-pairs\.csv" \(set #2/);
  assert.equal(
    text.match(/Tippett plot/g)?.length,
    3,
    'a Tippett and an ECE plot for the cross-validation and for each of the two evaluations',
  );
  assert.equal(text.match(/ECE plot/g)?.length, 3);
});

test('bad input gets a specific error and exit 2, and records nothing', () => {
  const method = xssab(...calibrate('--method', 'svm'));
  assert.equal(method.code, 2);
  assert.match(method.stderr, /--method must be logistic or pav, got "svm"/);
  const condition = xssab(...calibrate('--condition', 'CCTV'));
  assert.equal(condition.code, 2);
  assert.match(condition.stderr, /no pair of .* has the condition "CCTV"; its conditions: low resolution/);
  const labels = join(dataDir, 'bad-labels.csv');
  writeFileSync(labels, 'a,b,same\nobama_1.jpg,obama_2.jpg,yes\n');
  const badLabel = xssab(...calibrateOn(labels));
  assert.equal(badLabel.code, 2);
  assert.match(badLabel.stderr, /row 2: same must be 0 or 1, got "yes"/);
  const missing = join(dataDir, 'missing-photo.csv');
  writeFileSync(missing, 'a,b,same\nobama_1.jpg,nobody.jpg,0\n');
  const noPhoto = xssab(...calibrateOn(missing));
  assert.equal(noPhoto.code, 2);
  assert.match(noPhoto.stderr, /photo nobody\.jpg cannot be read under/);
  const unknown = xssab('lr', 'report', '--calibration', '99', '--out', join(dataDir, 'none.pdf'));
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /calibration 99 does not exist/);
  assert.equal(existsSync(join(dataDir, 'none.pdf')), false);
  const noAnalysis = xssab('lr', 'assess', '--analysis', '7');
  assert.equal(noAnalysis.code, 1);
  assert.match(noAnalysis.stderr, /analysis 7 does not exist/);
  const badId = xssab('lr', 'assess', '--analysis', '-2');
  assert.equal(badId.code, 2);
  assert.equal(
    xssabJson<{ calibrations: unknown[] }>('lr', 'list').calibrations.length,
    3,
    'nothing was recorded',
  );
});
