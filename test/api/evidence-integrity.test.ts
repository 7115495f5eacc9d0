/**
 * Evidence is re-verified wherever it is used: evidence.verify reports each stored file's state
 * (verified, modified, missing), and pairing, analysing and reading refuse an altered file,
 * naming the evidence item.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256Of } from '../../electron/node/services/content-files.js';
import { evidenceRelativePath, resolveStoredPath } from '../../electron/node/store/data-folder.js';
import { FACES, fixturePhotoBase64, HandlerHarness } from './handler-harness.js';

const api = new HandlerHarness({ folderPrefix: 'xssab-integrity-', actor: 'integrity-tester' });
const { call, failure } = api;

before(() => api.open());
after(() => api.close());

test('an altered or missing evidence file is shown as such and refused by every use', async () => {
  const created = await call('cases.create', { caseNumber: 'INT-1', title: 'Integrity' });
  const importPhoto = async (name: string) =>
    call('evidence.import', {
      caseId: created.id,
      fileName: name,
      dataBase64: await fixturePhotoBase64(name),
    });
  const a = await importPhoto('obama_1.jpg');
  const b = await importPhoto('obama_2.jpg');
  const c = await importPhoto('biden_1.jpg');
  const pair = await call('pairs.create', { caseId: created.id, evidenceAId: a.id, evidenceBId: b.id });

  const before = Date.now();
  const intact = await call('evidence.verify', { caseId: created.id });
  assert.deepEqual(
    intact.items.map(({ evidenceId, state }) => [evidenceId, state]),
    [
      [a.id, 'verified'],
      [b.id, 'verified'],
      [c.id, 'verified'],
    ],
  );
  for (const item of intact.items) assert.ok(Date.parse(item.checkedAt) >= before - 1000, item.checkedAt);

  const pathA = resolveStoredPath(api.folder, a.storedPath);
  chmodSync(pathA, 0o644);
  const bytes = readFileSync(pathA);
  bytes[bytes.length >> 1] ^= 0x01;
  writeFileSync(pathA, bytes);
  rmSync(resolveStoredPath(api.folder, c.storedPath), { force: true });

  const damaged = await call('evidence.verify', { caseId: created.id });
  assert.deepEqual(
    damaged.items.map(({ evidenceId, state }) => [evidenceId, state]),
    [
      [a.id, 'modified'],
      [b.id, 'verified'],
      [c.id, 'missing'],
    ],
  );

  const pairing = await failure('pairs.create', { caseId: created.id, evidenceAId: b.id, evidenceBId: c.id });
  assert.equal(pairing.code, 'INTERNAL');
  assert.match(pairing.message, new RegExp(`stored file of evidence ${c.id} is missing`));
  const pairingModified = await failure('pairs.create', {
    caseId: created.id,
    evidenceAId: a.id,
    evidenceBId: c.id,
  });
  assert.match(pairingModified.message, new RegExp(`evidence ${a.id} no longer matches its SHA-256`));
  const analysing = await failure('analyses.run', { pairId: pair.id });
  assert.match(analysing.message, new RegExp(`evidence ${a.id} no longer matches its SHA-256`));
  const reading = await failure('evidence.read', { id: a.id });
  assert.match(reading.message, new RegExp(`evidence ${a.id} no longer matches its SHA-256`));
  const reporting = await failure('reports.export', { caseId: created.id });
  assert.match(reporting.message, new RegExp(`evidence ${a.id} no longer matches its SHA-256`));

  // Nothing was recorded by the refused calls.
  const detail = await call('cases.get', { id: created.id });
  assert.equal(detail.pairs.length, 1);
  assert.equal(detail.analyses.length, 0);
  assert.equal(detail.reports.length, 0);
  assert.equal((await failure('evidence.verify', { caseId: 999 })).code, 'NOT_FOUND');
});

test('a photo that cannot be decoded without errors is refused at import, and nothing is stored', async () => {
  const created = await call('cases.create', { caseNumber: 'INT-2', title: 'Damaged photo' });
  const jpeg = readFileSync(join(FACES, 'obama_1.jpg'));
  const scanStart = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  const at = scanStart + ((jpeg.length - scanStart) >> 1);
  for (let i = at; i < at + 8; i++) jpeg[i] ^= 0x5a;
  const error = await failure('evidence.import', {
    caseId: created.id,
    fileName: 'flipped.jpg',
    dataBase64: jpeg.toString('base64'),
  });
  assert.equal(error.code, 'VALIDATION');
  assert.equal(error.issues?.[0].path, 'dataBase64');
  assert.match(error.message, /^flipped\.jpg cannot be decoded without errors \(.*Corrupt JPEG data/);
  assert.deepEqual((await call('evidence.list', { caseId: created.id })).evidence, []);
  const stored = resolveStoredPath(api.folder, evidenceRelativePath(sha256Of(jpeg), 'image/jpeg'));
  assert.ok(!existsSync(stored), stored);
});
