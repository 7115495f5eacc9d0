/**
 * Choosing the face to compare, through the real API handler: the faces detected in a multi-face
 * photo, the pair's choice of the second face (stored, audited, used by the analysis and recorded
 * in it), and landmarks placed by the examiner on a photo where no face is detected (previewed
 * crop, analysis with manual landmarks). Bad landmarks are refused with the reason.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { xssabParametersSchema, xssabResultSchema, type FivePoints } from '../../electron/common/api.js';
import { FACES, fixturePhotoBase64, HandlerHarness } from './handler-harness.js';

const api = new HandlerHarness({ folderPrefix: 'xssab-faces-', actor: 'faces-tester' });
const { call, failure } = api;

before(() => api.open());
after(() => api.close());

/** obama_1.jpg at 480 px wide turned upside down: BlazeFace finds no face in it. */
const upsideDown = async () =>
  (await sharp(join(FACES, 'obama_1.jpg')).resize({ width: 480 }).rotate(180).jpeg().toBuffer()).toString(
    'base64',
  );
/** The five points on that photo (the upright photo's detected keypoints, turned with it). */
export const UPSIDE_DOWN_LANDMARKS: FivePoints = {
  rightEye: { x: 248, y: 486 },
  leftEye: { x: 190, y: 486 },
  noseTip: { x: 220, y: 453 },
  rightMouth: { x: 240, y: 423 },
  leftMouth: { x: 200, y: 423 },
};

test('the second face of a multi-face photo is chosen, used and recorded', async () => {
  const created = await call('cases.create', { caseNumber: 'FACE-1', title: 'Two people' });
  const biden = await call('evidence.import', {
    caseId: created.id,
    fileName: 'biden_1.jpg',
    dataBase64: await fixturePhotoBase64('biden_1.jpg'),
  });
  const group = await call('evidence.import', {
    caseId: created.id,
    fileName: 'multi_obama_and_biden.jpg',
    dataBase64: await fixturePhotoBase64('multi_obama_and_biden.jpg'),
  });
  const found = await call('evidence.faces', { id: group.id });
  assert.equal(found.width, group.width);
  assert.ok(found.faces.length >= 2, `${found.faces.length} faces`);
  assert.ok(found.faces[0].box.width >= found.faces[1].box.width, 'largest first');

  const pair = await call('pairs.create', {
    caseId: created.id,
    evidenceAId: biden.id,
    evidenceBId: group.id,
  });
  assert.deepEqual([pair.faceA, pair.faceB], [null, null]);
  const chosen = await call('pairs.setFace', { pairId: pair.id, side: 'b', choice: { face: 1 } });
  assert.deepEqual(chosen.faceB, { face: 1 });
  assert.deepEqual((await call('cases.get', { id: created.id })).pairs[0].faceB, { face: 1 });

  const { analysisId } = await call('analyses.run', { pairId: pair.id });
  const analysis = await call('analyses.get', { analysisId });
  const result = xssabResultSchema.parse(analysis.result);
  assert.equal(found.sha256, group.sha256);
  const { a, b } = result.timings as Record<'a' | 'b', { detectMs: number }>;
  assert.deepEqual([a.detectMs, b.detectMs], [0, 0], 'the analysis compares the faces the picker found');
  assert.equal(result.photos.b.faceIndex, 1);
  assert.equal(result.photos.b.faces, found.faces.length);
  assert.equal(result.photos.b.landmarkSource, 'detected');
  assert.deepEqual(xssabParametersSchema.parse(analysis.parameters).faceSelection, {
    a: null,
    b: { face: 1 },
  });
  const audit = (await call('cases.get', { id: created.id })).audit.find((e) => e.action === 'pair.face');
  const { rows, ...details } = audit!.details as { rows: { table: string; id: number }[] };
  assert.deepEqual(details, { side: 'b', choice: { face: 1 } });
  assert.deepEqual(
    rows.map(({ table, id }) => [table, id]),
    [['pairs', pair.id]],
    'the event binds the changed row',
  );

  const tooFar = await call('pairs.setFace', { pairId: pair.id, side: 'b', choice: { face: 9 } });
  assert.deepEqual(tooFar.faceB, { face: 9 });
  const error = await failure('analyses.run', { pairId: pair.id });
  assert.equal(error.code, 'VALIDATION');
  assert.match(error.message, /has \d faces .*there is no face 9/);
});

test('landmarks placed on a photo without a detected face are previewed and compared', async () => {
  const created = await call('cases.create', { caseNumber: 'FACE-2', title: 'Upside down' });
  const turned = await call('evidence.import', {
    caseId: created.id,
    fileName: 'turned.jpg',
    dataBase64: await upsideDown(),
  });
  const upright = await call('evidence.import', {
    caseId: created.id,
    fileName: 'obama_2.jpg',
    dataBase64: await fixturePhotoBase64('obama_2.jpg'),
  });
  assert.deepEqual((await call('evidence.faces', { id: turned.id })).faces, []);

  const preview = await call('evidence.alignPreview', { id: turned.id, landmarks: UPSIDE_DOWN_LANDMARKS });
  const crop = await sharp(Buffer.from(preview.dataBase64, 'base64')).metadata();
  assert.deepEqual([crop.format, crop.width, crop.height], ['png', 150, 150]);
  assert.ok(preview.residualPx < 10, `residual ${preview.residualPx} px`);

  const outside = await failure('evidence.alignPreview', {
    id: turned.id,
    landmarks: { ...UPSIDE_DOWN_LANDMARKS, noseTip: { x: 9000, y: 10 } },
  });
  assert.equal(outside.code, 'VALIDATION');
  assert.match(outside.message, /landmark noseTip \(9000, 10\) lies outside the 480 × 600 photo/);
  const sameEyes = await failure('evidence.alignPreview', {
    id: turned.id,
    landmarks: { ...UPSIDE_DOWN_LANDMARKS, leftEye: UPSIDE_DOWN_LANDMARKS.rightEye },
  });
  assert.match(sameEyes.message, /the eyes are 0\.0 px apart/);

  const pair = await call('pairs.create', {
    caseId: created.id,
    evidenceAId: turned.id,
    evidenceBId: upright.id,
  });
  await call('pairs.setFace', { pairId: pair.id, side: 'a', choice: { landmarks: UPSIDE_DOWN_LANDMARKS } });
  const { analysisId } = await call('analyses.run', { pairId: pair.id });
  const analysis = await call('analyses.get', { analysisId });
  const result = xssabResultSchema.parse(analysis.result);
  assert.equal(result.photos.a.faceIndex, null);
  assert.equal(result.photos.a.landmarkSource, 'manual');
  assert.equal(
    result.decision,
    'match',
    `the turned photo matches the other photo (score ${analysis.score})`,
  );
});
