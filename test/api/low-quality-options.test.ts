/**
 * The options for low-quality probes, per analysis: flipAveraging reaches the engine through the
 * worker and is recorded in the analysis parameters; the fused model is chosen like any model and
 * scores the mean of its members' scores.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { xssabParametersSchema } from '../../electron/common/api.js';
import { fixturePhotoBase64, HandlerHarness } from './handler-harness.js';

const api = new HandlerHarness({ folderPrefix: 'xssab-low-quality-', actor: 'low-quality-tester' });
const { call, failure } = api;

before(() => api.open());
after(() => api.close());

/** A new case with the two fixture photos as its evidence, and the pair of them. */
async function pairOfPhotos(caseNumber: string, title: string, photos: [string, string]) {
  const created = await call('cases.create', { caseNumber, title });
  const [a, b] = await Promise.all(
    photos.map(async (fileName) =>
      call('evidence.import', {
        caseId: created.id,
        fileName,
        dataBase64: await fixturePhotoBase64(fileName),
      }),
    ),
  );
  const pair = await call('pairs.create', { caseId: created.id, evidenceAId: a.id, evidenceBId: b.id });
  return { caseId: created.id, pair };
}

test('analyses.run records flip averaging per analysis, and it changes the score', async () => {
  const { caseId, pair } = await pairOfPhotos('FLIP-1', 'Low-quality probe', [
    'obama_1.jpg',
    'obama_5_240p.jpg',
  ]);

  const flipped = await call('analyses.get', {
    analysisId: (await call('analyses.run', { pairId: pair.id, modelId: 'mobileface', flipAveraging: true }))
      .analysisId,
  });
  const plain = await call('analyses.get', {
    analysisId: (await call('analyses.run', { pairId: pair.id, modelId: 'mobileface' })).analysisId,
  });
  assert.equal(xssabParametersSchema.parse(flipped.parameters).flipAveraging, true);
  assert.equal(xssabParametersSchema.parse(plain.parameters).flipAveraging, false);
  assert.equal(flipped.modelSha256, plain.modelSha256);
  assert.ok(flipped.score !== null && plain.score !== null);
  assert.notEqual(flipped.score, plain.score);

  // The report says which analysis was flip-averaged.
  const exported = await call('reports.export', { caseId });
  const pdf = Buffer.from((await call('reports.read', { reportId: exported.reportId })).dataBase64, 'base64');
  const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf, encoding: 'utf8' });
  assert.equal(text.match(/Test-time augmentation\s+horizontal flip/g)?.length, 1);

  const wrongType = await failure('analyses.run', {
    pairId: pair.id,
    flipAveraging: 'yes' as unknown as boolean,
  });
  assert.equal(wrongType.code, 'VALIDATION');
  assert.match(wrongType.message, /flipAveraging/);
});

test('analyses.run with the fused model scores the mean of its members’ analyses', async () => {
  const { pair } = await pairOfPhotos('FUSION-1', 'Fused models', ['biden_1.jpg', 'biden_2.jpg']);
  const scores: Record<string, number> = {};
  for (const modelId of ['fr-feature', 'mobileface', 'fusion-arcface']) {
    const { analysisId } = await call('analyses.run', { pairId: pair.id, modelId });
    const analysis = await call('analyses.get', { analysisId });
    assert.equal(analysis.modelId, modelId);
    scores[modelId] = analysis.score!;
  }
  const mean = (scores['fr-feature'] + scores.mobileface) / 2;
  assert.ok(
    Math.abs(scores['fusion-arcface'] - mean) < 1e-5,
    `fused ${scores['fusion-arcface']} vs mean ${mean}`,
  );
});
