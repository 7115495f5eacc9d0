/**
 * Likelihood ratios in casework through the real API handler: a calibration set scored by the
 * default model (dlib ResNet-34) and calibrated, an analysis that gets its LR recorded at once, an
 * older analysis assessed afterwards, a score beyond the calibration data bounded and flagged, and
 * the case report (rendered back with pdftotext) printing the LR with its validation figures.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { Calibration } from '../../electron/common/api.js';
import { FACES, fixturePhotoBase64, HandlerHarness } from './handler-harness.js';

const api = new HandlerHarness({ folderPrefix: 'xssab-lr-', actor: 'lr-tester' });
const { call, failure } = api;
const CALIBRATION_PAIRS = join(import.meta.dirname, '..', 'fixtures', 'lr', 'calibration-pairs.csv');

before(() => api.open());
after(() => api.close());

async function analysedPair(
  caseId: number,
  a: { name: string; base64: string },
  b: { name: string; base64: string },
) {
  const first = await call('evidence.import', { caseId, fileName: a.name, dataBase64: a.base64 });
  const second = await call('evidence.import', { caseId, fileName: b.name, dataBase64: b.base64 });
  const pair = await call('pairs.create', { caseId, evidenceAId: first.id, evidenceBId: second.id });
  return (await call('analyses.run', { pairId: pair.id })).analysisId;
}

test('analyses carry a bounded, calibrated LR with its calibration, and the report prints them', async (t) => {
  const created = await call('cases.create', { caseNumber: 'LR-1', title: 'Evaluative reporting' });
  const photo = async (name: string) => ({ name, base64: await fixturePhotoBase64(name) });

  let before = 0;
  await t.test('without a calibration of the model an analysis has no LR', async () => {
    before = await analysedPair(
      created.id,
      await photo('kit_harington_1.jpg'),
      await photo('rose_leslie_1.jpg'),
    );
    assert.deepEqual(await call('likelihoodRatios.get', { analysisId: before }), { likelihoodRatio: null });
    const none = await failure('likelihoodRatios.assess', { analysisId: before });
    assert.equal(none.code, 'NOT_FOUND');
    assert.match(none.message, /no calibration of the model/);
  });

  let calibration: Calibration | undefined;
  await t.test('a labelled set is scored once and calibrated with cross-validated figures', async () => {
    const { calibrations } = api.workspace;
    const imported = await calibrations.importSet(
      { modelId: 'dlib-resnet34', pairsCsv: CALIBRATION_PAIRS, root: FACES, name: 'fixture identities A' },
      'lr-tester',
    );
    assert.equal(imported.reused, false);
    assert.deepEqual([imported.set.sameSource, imported.set.differentSource], [13, 23]);
    assert.deepEqual(imported.set.conditions, ['low resolution']);
    const again = await calibrations.importSet(
      { modelId: 'dlib-resnet34', pairsCsv: CALIBRATION_PAIRS, root: FACES },
      'lr-tester',
    );
    assert.equal(again.reused, true, 'the same content and model file are not scored twice');
    assert.equal(again.set.id, imported.set.id);
    const fitted = calibrations.calibrate(imported.set.id, { method: 'logistic' }, 'lr-tester');
    calibration = await call('calibrations.get', { calibrationId: fitted.id });
    assert.equal(calibration.folds, 5);
    const { performance } = calibration.validation;
    assert.ok(performance.cllr > 0 && performance.cllr < 1, `Cllr ${performance.cllr}`);
    assert.ok(performance.cllrMin <= performance.cllr);
    // ELUB: a set of 23 different-source pairs cannot support an LR of more than about 23.
    assert.ok(calibration.bounds.upperLog10 > 0 && calibration.bounds.upperLog10 <= Math.log10(24));
    assert.ok(calibration.bounds.lowerLog10 < 0 && calibration.bounds.lowerLog10 >= -Math.log10(14));
    const listed = await call('calibrations.list', { modelId: 'dlib-resnet34' });
    assert.deepEqual(
      listed.calibrations.map((c) => c.id),
      [fitted.id],
    );
    assert.deepEqual((await call('calibrations.list', { modelId: 'mobileface' })).calibrations, []);
    const report = await call('calibrations.report', { calibrationId: fitted.id });
    assert.equal((await call('calibrations.report', { calibrationId: fitted.id })).sha256, report.sha256);
    const path = join(api.folder, 'validation.pdf');
    writeFileSync(path, Buffer.from(report.dataBase64, 'base64'));
    const text = execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`Validation of a likelihood-ratio calibration #${fitted.id}`));
    assert.match(text, new RegExp(`Cllr ${performance.cllr.toFixed(3)} bits`));
    assert.equal((await failure('calibrations.report', { calibrationId: 999 })).code, 'NOT_FOUND');
  });

  await t.test('an older analysis is assessed once with the newest calibration', async () => {
    await call('cases.update', { id: created.id, status: 'closed' });
    const locked = await failure('likelihoodRatios.assess', { analysisId: before });
    assert.equal(locked.code, 'CONFLICT', 'a closed case gets no LR until it is reopened');
    assert.deepEqual(await call('likelihoodRatios.get', { analysisId: before }), { likelihoodRatio: null });
    await call('cases.reopen', { id: created.id, reason: 'The lab calibrated the model.' });
    const lr = await call('likelihoodRatios.assess', { analysisId: before });
    assert.equal(lr.calibration.id, calibration!.id);
    assert.ok(lr.log10Lr < 0, `different people: log10 LR ${lr.log10Lr}`);
    assert.match(lr.verbal, /different people/);
    const twice = await failure('likelihoodRatios.assess', { analysisId: before });
    assert.equal(twice.code, 'CONFLICT');
    const unknown = await failure('likelihoodRatios.assess', { analysisId: before + 100 });
    assert.equal(unknown.code, 'NOT_FOUND');
  });

  let beyond = 0;
  await t.test(
    'a new analysis gets its LR at once; a score beyond the data is bounded and flagged',
    async () => {
      // The same portrait re-encoded: a score above every score of the calibration set.
      const copy = await sharp(join(FACES, 'obama_1.jpg'))
        .resize({ width: 470 })
        .jpeg({ quality: 70 })
        .toBuffer();
      beyond = await analysedPair(created.id, await photo('obama_1.jpg'), {
        name: 'obama_1_copy.jpg',
        base64: copy.toString('base64'),
      });
      const { likelihoodRatio: lr } = await call('likelihoodRatios.get', { analysisId: beyond });
      assert.ok(lr);
      const analysis = await call('analyses.get', { analysisId: beyond });
      assert.equal(lr.score, analysis.score);
      assert.ok(lr.score > calibration!.scoreRange.max, `score ${lr.score}`);
      assert.equal(lr.withinCalibrationRange, false);
      assert.equal(lr.bound, 'upper');
      assert.equal(lr.log10Lr, calibration!.bounds.upperLog10);
      assert.ok(lr.unboundedLog10Lr !== null && lr.unboundedLog10Lr > lr.log10Lr);
      assert.match(lr.verbal, /support for the proposition that the two images show the same person/);
    },
  );

  await t.test(
    'the case report prints each LR with its calibration, validation figures and method',
    async () => {
      const exported = await call('reports.export', { caseId: created.id });
      const { dataBase64 } = await call('reports.read', { reportId: exported.reportId });
      const path = join(api.folder, 'lr-report.pdf');
      writeFileSync(path, Buffer.from(dataBase64, 'base64'));
      const text = execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      const upper = calibration!.bounds.upperLog10.toFixed(2);
      assert.match(text, new RegExp(`log10 LR = ${upper}\\); limited to the ELUB upper bound`));
      assert.match(text, /the score \d\.\d{4} lies outside the calibration scores/);
      assert.match(text, /#\d+, logistic regression on "fixture identities A": 13 same-source and 23/);
      assert.match(text, new RegExp(`Cllr ${calibration!.validation.performance.cllr.toFixed(3)} bits`));
      assert.match(text, /ENFSI scale/);
      assert.match(text, /empirical lower and upper bounds \(ELUB/);
      assert.ok(text.includes(calibration!.set.setSha256), 'the calibration set hash is printed');
      const again = await call('reports.export', { caseId: created.id });
      assert.equal(again.sha256, exported.sha256, 'the same store content gives the same report');
    },
  );

  await t.test('calibrations.create names the offending field and records nothing', async () => {
    const model = await failure('calibrations.create', {
      modelId: 'nope',
      pairsCsv: CALIBRATION_PAIRS,
      root: FACES,
    });
    assert.equal(model.code, 'VALIDATION');
    assert.equal(model.issues?.[0].path, 'modelId');
    assert.match(model.message, /no recognition model 'nope'/);
    const csv = await failure('calibrations.create', {
      modelId: 'dlib-resnet34',
      pairsCsv: join(FACES, 'labels.csv'),
      root: FACES,
    });
    assert.equal(csv.issues?.[0].path, 'pairsCsv');
    assert.match(csv.message, /lacks columns a, b, same/);
    const folds = await failure('calibrations.create', {
      modelId: 'dlib-resnet34',
      pairsCsv: CALIBRATION_PAIRS,
      root: FACES,
      folds: 1,
    });
    assert.equal(folds.issues?.[0].path, 'folds');
    assert.equal((await call('calibrations.list', {})).calibrations.length, 1);
  });

  await t.test('calibrations and LRs are audited records that are never changed', async () => {
    const verification = await call('audit.verify', {});
    assert.equal(verification.firstBroken, null);
    const { db } = api.workspace;
    assert.throws(() => db.prepare("UPDATE lr_calibrations SET method = 'pav'").run(), /never changed/);
    assert.throws(
      () => db.prepare('UPDATE analysis_likelihood_ratios SET log10_lr = 3').run(),
      /never changed/,
    );
    assert.throws(() => db.prepare('UPDATE calibration_scores SET score = 1').run(), /never changed/);
    const actions = db
      .prepare(
        "SELECT action FROM audit_events WHERE action LIKE 'calibration%' OR action = 'analysis.lr' ORDER BY seq",
      )
      .pluck()
      .all();
    assert.deepEqual(actions, ['calibration-set.import', 'calibration.fit', 'analysis.lr', 'analysis.lr']);
  });
});
