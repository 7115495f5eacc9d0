/**
 * The comparison workflow through the real API handler: a pair of two photos of the same person,
 * an xSSAB analysis with the default model (dlib ResNet-34) in a worker thread, its artifacts and
 * their hashes, the four-eyes rules of decisions, and a photo without a face.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import {
  analysisJobId,
  MAP_KINDS,
  xssabArtifactRole,
  xssabParametersSchema,
  xssabResultSchema,
} from '../../electron/common/api.js';
import { FACE_REGIONS, defaultMapVariant, validationStatement } from '../../electron/common/explanations.js';
import { COMPILED_GRAPHS_DIR } from '../../electron/node/services/comparison-service.js';
import { resolveStoredPath } from '../../electron/node/store/data-folder.js';
import { ModelRegistry } from '../../native-models/registry/registry.js';
import { fixturePhotoBase64, HandlerHarness } from './handler-harness.js';

const api = new HandlerHarness({ folderPrefix: 'xssab-comparison-', actor: 'comparison-tester' });
const { call, failure } = api;
const photo = fixturePhotoBase64;
let folder: string;
const events = api.events;

before(() => {
  api.open();
  ({ folder } = api);
});
after(() => api.close());

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('a genuine pair is analysed, stored with hashed artifacts, and decided by two people', async (t) => {
  const created = await call('cases.create', { caseNumber: 'CMP-1', title: 'Genuine pair' });
  const other = await call('cases.create', { caseNumber: 'CMP-2', title: 'Another case' });
  const a = await call('evidence.import', {
    caseId: created.id,
    fileName: 'obama_1.jpg',
    dataBase64: await photo('obama_1.jpg'),
  });
  const b = await call('evidence.import', {
    caseId: created.id,
    fileName: 'obama_2.jpg',
    dataBase64: await photo('obama_2.jpg'),
  });
  const elsewhere = await call('evidence.import', {
    caseId: other.id,
    fileName: 'biden_1.jpg',
    dataBase64: await photo('biden_1.jpg'),
  });

  let pairId = 0;
  await t.test('pairs.create takes two different items of the case, once', async () => {
    const same = await failure('pairs.create', { caseId: created.id, evidenceAId: a.id, evidenceBId: a.id });
    assert.equal(same.code, 'VALIDATION');
    assert.match(same.message, /two different evidence items/);
    const foreign = await failure('pairs.create', {
      caseId: created.id,
      evidenceAId: a.id,
      evidenceBId: elsewhere.id,
    });
    assert.equal(foreign.code, 'VALIDATION');
    assert.match(foreign.message, /belongs to another case/);

    const pair = await call('pairs.create', { caseId: created.id, evidenceAId: a.id, evidenceBId: b.id });
    assert.deepEqual([pair.caseId, pair.evidenceAId, pair.evidenceBId], [created.id, a.id, b.id]);
    pairId = pair.id;
    const again = await failure('pairs.create', { caseId: created.id, evidenceAId: b.id, evidenceBId: a.id });
    assert.equal(again.code, 'CONFLICT');
    assert.match(again.message, /already form pair/);
  });

  let analysisId = 0;
  await t.test('analyses.run scores the genuine pair above the threshold and stores everything', async () => {
    events.length = 0;
    ({ analysisId } = await call('analyses.run', { pairId, integratedGradients: true }));
    const analysis = await call('analyses.get', { analysisId });
    assert.equal(analysis.method, 'xssab');
    assert.equal(analysis.modelId, 'dlib-resnet34');
    assert.match(analysis.modelSha256, /^[0-9a-f]{64}$/);
    assert.equal(analysis.inputASha256, a.sha256);
    assert.equal(analysis.inputBSha256, b.sha256);
    assert.equal(analysis.provider, 'cpu');
    assert.ok(analysis.score !== null && analysis.threshold !== null);
    assert.ok(
      analysis.score > analysis.threshold,
      `score ${analysis.score} ≤ threshold ${analysis.threshold}`,
    );

    const parameters = xssabParametersSchema.parse(analysis.parameters);
    assert.equal(parameters.threshold, analysis.threshold);
    assert.equal(parameters.integratedGradients, true);
    assert.equal(parameters.calibration?.provisional, true);
    assert.ok(parameters.calibration!.n > 0);
    const result = xssabResultSchema.parse(analysis.result);
    assert.equal(result.decision, 'match');
    assert.equal(result.photos.a.faces, 1);
    assert.equal(result.photos.b.evidenceId, b.id);
    assert.ok(result.stability.minGap >= 0);

    for (const side of ['a', 'b'] as const) {
      for (const kind of MAP_KINDS) {
        for (const format of ['npy', 'png', 'map.png'] as const) {
          const role = xssabArtifactRole(side, kind, format);
          const artifact = analysis.artifacts.find((x) => x.role === role);
          assert.ok(artifact, `artifact ${role} is recorded`);
          assert.equal(artifact.storedPath, `artifacts/${analysisId}/${role}`);
          const bytes = readFileSync(resolveStoredPath(folder, artifact.storedPath));
          assert.equal(sha256(bytes), artifact.sha256, `${role} has its recorded SHA-256`);
        }
      }
      assert.ok(analysis.artifacts.some((x) => x.role === xssabArtifactRole(side, 'crop', 'png')));
    }
    // Six xSSAB maps and the integrated-gradients map of each side.
    assert.equal(analysis.artifacts.filter((x) => x.role.endsWith('.npy')).length, 8);
    for (const side of ['a', 'b'] as const) {
      assert.ok(analysis.artifacts.some((x) => x.role === xssabArtifactRole(side, 'ig', 'png')));
      const regions = result.regions![side];
      assert.deepEqual(
        regions.map((r) => r.region),
        [...FACE_REGIONS],
      );
      const total = (key: 'support' | 'opposition') => regions.reduce((sum, r) => sum + r[key], 0);
      assert.ok(Math.abs(total('support') - 1) < 1e-9 && Math.abs(total('opposition') - 1) < 1e-9);
      assert.ok(regions.find((r) => r.region === 'mouth')!.pixels > 0);
    }
    // The model's validation record as it stood, shown with the maps.
    const validation = new ModelRegistry({ dataDir: folder }).getModel(analysis.modelId).validation;
    assert.deepEqual(result.explanations, {
      validated: validation !== undefined,
      defaultVariant: defaultMapVariant(validation),
      statement: validationStatement(validation, defaultMapVariant(validation)),
      recordDate: validation?.date ?? null,
    });

    const detail = await call('cases.get', { id: created.id });
    assert.deepEqual(
      detail.analyses.map((x) => x.id),
      [analysisId],
    );
    const event = detail.audit.find((x) => x.action === 'analysis.run');
    assert.equal(event?.entityId, analysisId);
    const pinned = analysis.artifacts.map((x) => `${x.role} ${x.sha256}`).join('\n');
    assert.deepEqual(event.details.artifacts, {
      count: analysis.artifacts.length,
      sha256: sha256(Buffer.from(pinned)),
    });
    assert.equal((await call('audit.verify', { caseId: created.id })).ok, true);

    const jobEvents = events.filter((e) => 'jobId' in e && e.jobId === analysisJobId(pairId));
    const steps = jobEvents.flatMap((e) => (e.type === 'job.progress' ? [`${e.done}/${e.total}`] : []));
    assert.deepEqual(
      steps,
      ['0/8', '1/8', '2/8', '3/8', '4/8', '5/8', '6/8', '7/8'],
      'one event per stage, in order',
    );
    const graphs = readdirSync(join(folder, COMPILED_GRAPHS_DIR));
    assert.ok(
      graphs.some((file) => file.startsWith(`${analysis.modelSha256}-xssab-`)),
      `the compiled graph is cached under the model's SHA-256: ${graphs.join(', ')}`,
    );
    assert.deepEqual(jobEvents.at(-1), {
      type: 'job.finished',
      jobId: analysisJobId(pairId),
      kind: 'xssab',
      ok: true,
      caseId: created.id,
    });
  });

  await t.test('analyses.mapValues serves the raw map behind the recorded scale', async () => {
    const result = xssabResultSchema.parse((await call('analyses.get', { analysisId })).result);
    const { width, height, valuesBase64 } = await call('analyses.mapValues', { analysisId, map: 'b.pos' });
    const bytes = Buffer.from(valuesBase64, 'base64');
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    assert.equal(values.length, width * height);
    assert.equal(Math.max(...values), result.maps?.['b.pos'].max);
    assert.equal((await failure('analyses.mapValues', { analysisId, map: 'b.nothing' })).code, 'NOT_FOUND');
    assert.equal((await failure('analyses.mapValues', { analysisId, map: '../x' })).code, 'VALIDATION');
  });

  await t.test('analyses.artifact serves PNGs and refuses a file that no longer matches', async () => {
    const role = xssabArtifactRole('a', 'combined', 'png');
    const png = await call('analyses.artifact', { analysisId, role });
    assert.equal(png.mediaType, 'image/png');
    assert.deepEqual(Buffer.from(png.dataBase64, 'base64').subarray(1, 4), Buffer.from('PNG'));
    const npy = await failure('analyses.artifact', {
      analysisId,
      role: xssabArtifactRole('a', 'pos', 'npy'),
    });
    assert.equal(npy.code, 'VALIDATION');
    assert.equal((await failure('analyses.artifact', { analysisId, role: 'nothing.png' })).code, 'NOT_FOUND');

    const path = resolveStoredPath(folder, `artifacts/${analysisId}/${role}`);
    chmodSync(path, 0o644);
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from([0])]));
    const altered = await failure('analyses.artifact', { analysisId, role });
    assert.equal(altered.code, 'INTERNAL');
    assert.match(altered.message, /no longer matches its SHA-256/);
  });

  await t.test('decisions: the examiner first, then a different account verifies', async () => {
    const decision = {
      pairId,
      analysisId,
      conclusion: 'moderate_support_same',
      rationale: 'Consistent ear shape and nasal bridge; xSSAB positive maps agree.',
    } as const;
    await api.signInAs('B. Verifier');
    const early = await failure('decisions.record', { ...decision, role: 'verifier' });
    assert.equal(early.code, 'CONFLICT');
    assert.match(early.message, /no examiner decision yet/);

    await api.signInAs('A. Examiner');
    const blank = await failure('decisions.record', { ...decision, rationale: '  ', role: 'examiner' });
    assert.equal(blank.code, 'VALIDATION');
    const typedName = await failure('decisions.record', {
      ...decision,
      examiner: 'B. Verifier',
      role: 'examiner',
    });
    assert.equal(typedName.code, 'VALIDATION');
    assert.match(
      typedName.message,
      /recorded by the signed-in account \(A\. Examiner\), not by a typed name/,
    );

    const first = await call('decisions.record', { ...decision, role: 'examiner' });
    assert.equal(first.role, 'examiner');
    assert.equal(first.examiner, 'A. Examiner');
    assert.match(first.signature ?? '', /^[A-Za-z0-9+/]{86}==$/, 'an Ed25519 signature, base64');
    const self = await failure('decisions.record', { ...decision, role: 'verifier' });
    assert.equal(self.code, 'VALIDATION');
    assert.match(self.message, /a different person must verify/);

    await api.signInAs('B. Verifier');
    const verified = await call('decisions.record', {
      ...decision,
      conclusion: 'strong_support_same',
      examiner: 'B. Verifier',
      role: 'verifier',
    });
    assert.equal(verified.examiner, 'B. Verifier');
    assert.equal(verified.verifiesId, first.id);
    assert.equal(verified.disagreement, true, 'strong vs moderate support is a disagreement');

    const detail = await call('cases.get', { id: created.id });
    assert.deepEqual(
      detail.decisions.map((d) => [d.role, d.examiner, d.sealed]),
      [
        ['examiner', 'A. Examiner', false],
        ['verifier', 'B. Verifier', false],
      ],
    );
    assert.equal(detail.audit.filter((e) => e.action === 'decision.record').length, 2);
    await api.signInAs('comparison-tester');
  });
});

test('a photo without a face fails the analysis clearly and stores nothing', async () => {
  const created = await call('cases.create', { caseNumber: 'CMP-3', title: 'No face' });
  const face = await call('evidence.import', {
    caseId: created.id,
    fileName: 'obama_1.jpg',
    dataBase64: await photo('obama_1.jpg'),
  });
  const wall = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#8a9aa8' } })
    .png()
    .toBuffer();
  const noFace = await call('evidence.import', {
    caseId: created.id,
    fileName: 'wall.png',
    dataBase64: wall.toString('base64'),
  });
  const pair = await call('pairs.create', {
    caseId: created.id,
    evidenceAId: face.id,
    evidenceBId: noFace.id,
  });
  const artifactsBefore = existsSync(join(folder, 'artifacts')) ? readdirSync(join(folder, 'artifacts')) : [];

  const error = await failure('analyses.run', { pairId: pair.id });
  assert.equal(error.code, 'VALIDATION');
  assert.match(error.message, new RegExp(`no face found in evidence ${noFace.id} \\(wall\\.png\\)`));
  assert.doesNotMatch(error.message, new RegExp(folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

  const detail = await call('cases.get', { id: created.id });
  assert.deepEqual(detail.analyses, []);
  assert.equal(detail.audit.filter((e) => e.action === 'analysis.run').length, 0);
  assert.deepEqual(readdirSync(join(folder, 'artifacts')), artifactsBefore);
  const finished = events.findLast((e) => e.type === 'job.finished');
  assert.equal(finished?.type === 'job.finished' && finished.ok, false);
});

test('a running analysis can be cancelled: it stops, stores nothing, and the pair can be analysed again', async () => {
  const created = await call('cases.create', { caseNumber: 'CMP-4', title: 'Cancelled analysis' });
  const [a, b] = await Promise.all(
    ['obama_1.jpg', 'obama_3.jpg'].map(async (fileName) =>
      call('evidence.import', { caseId: created.id, fileName, dataBase64: await photo(fileName) }),
    ),
  );
  const pair = await call('pairs.create', { caseId: created.id, evidenceAId: a.id, evidenceBId: b.id });
  assert.deepEqual(await call('analyses.cancel', { pairId: pair.id }), { cancelled: false });
  assert.equal((await failure('analyses.cancel', { pairId: 9999 })).code, 'NOT_FOUND');

  const running = failure('analyses.run', { pairId: pair.id });
  assert.deepEqual(await call('analyses.cancel', { pairId: pair.id }), { cancelled: true });
  const error = await running;
  assert.equal(error.code, 'CONFLICT');
  assert.match(error.message, new RegExp(`analysis of pair ${pair.id} was cancelled; nothing was stored`));
  const detail = await call('cases.get', { id: created.id });
  assert.deepEqual(detail.analyses, []);
  assert.equal(
    readdirSync(join(folder, 'artifacts')).filter((name) => name.startsWith('.staging')).length,
    0,
  );

  const { models } = await call('models.list', {});
  assert.deepEqual(
    models.filter((model) => model.usable).map((model) => [model.id, model.isDefault]),
    [
      ['dlib-resnet34', true],
      ['fr-feature', false],
      ['fusion-arcface', false],
      ['mobileface', false],
    ],
  );
  events.length = 0;
  const { analysisId } = await call('analyses.run', { pairId: pair.id, modelId: 'mobileface' });
  const analysis = await call('analyses.get', { analysisId });
  assert.deepEqual([analysis.pairId, analysis.modelId], [pair.id, 'mobileface']);
  assert.deepEqual(
    events.flatMap((e) =>
      e.type === 'job.progress' && e.jobId === analysisJobId(pair.id) ? [`${e.done}/${e.total}`] : [],
    ),
    ['0/7', '1/7', '2/7', '3/7', '4/7', '5/7', '6/7'],
    'without integrated gradients their stage is not counted',
  );
  // Not asked for, and not the model's validated default: no integrated gradients, no regions.
  assert.equal(xssabParametersSchema.parse(analysis.parameters).integratedGradients, false);
  assert.equal(xssabResultSchema.parse(analysis.result).regions, undefined);
  assert.deepEqual(
    analysis.artifacts.filter((x) => x.role.includes('.ig.')),
    [],
    'no integrated-gradients files',
  );
  const graphs = readdirSync(join(folder, COMPILED_GRAPHS_DIR));
  assert.ok(
    graphs.some((file) => file.startsWith(`${analysis.modelSha256}-xssab-`)),
    'one cached graph per model',
  );
});
