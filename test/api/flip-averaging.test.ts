/**
 * analyses.run with flipAveraging: the option reaches the engine through the worker and is
 * recorded in the analysis parameters; without it the analysis is the plain one.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { xssabParametersSchema } from '../../electron/common/api.js';
import { fixturePhotoBase64, HandlerHarness } from './handler-harness.js';

const api = new HandlerHarness({ folderPrefix: 'xssab-flip-', actor: 'flip-tester' });
const { call, failure } = api;

before(() => api.open());
after(() => api.close());

test('analyses.run records flip averaging per analysis, and it changes the score', async () => {
  const created = await call('cases.create', { caseNumber: 'FLIP-1', title: 'Low-quality probe' });
  const [a, b] = await Promise.all(
    ['obama_1.jpg', 'obama_5_240p.jpg'].map(async (fileName) =>
      call('evidence.import', {
        caseId: created.id,
        fileName,
        dataBase64: await fixturePhotoBase64(fileName),
      }),
    ),
  );
  const pair = await call('pairs.create', { caseId: created.id, evidenceAId: a.id, evidenceBId: b.id });

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

  const wrongType = await failure('analyses.run', {
    pairId: pair.id,
    flipAveraging: 'yes' as unknown as boolean,
  });
  assert.equal(wrongType.code, 'VALIDATION');
  assert.match(wrongType.message, /flipAveraging/);
});
