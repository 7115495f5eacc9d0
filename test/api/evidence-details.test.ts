/**
 * Evidence details through the real API handler: the stored file's metadata with its EXIF tags,
 * and the questioned/reference role (stored, audited, validated).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { FACES, HandlerHarness } from './handler-harness.js';

const api = new HandlerHarness({ folderPrefix: 'xssab-evidence-details-', actor: 'details-tester' });
const { call, failure } = api;
before(() => api.open());
after(() => api.close());

test('metadata shows the EXIF tags of the stored file; the role is set, audited and validated', async () => {
  const created = await call('cases.create', { caseNumber: 'EVD-1', title: 'Camera still' });
  const jpeg = await sharp(join(FACES, 'obama_1.jpg'))
    .resize({ width: 320 })
    .withExif({ IFD0: { Make: 'ACME Security', Model: 'CCTV-9', Software: 'still-export 2.1' } })
    .jpeg()
    .toBuffer();
  const item = await call('evidence.import', {
    caseId: created.id,
    fileName: 'camera.jpg',
    dataBase64: jpeg.toString('base64'),
  });
  assert.equal(item.role, null);

  const meta = await call('evidence.metadata', { id: item.id });
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['jpeg', 320, item.height, 3]);
  const tag = (name: string) =>
    meta.exif.find((entry) => entry.group === 'Image' && entry.tag === name)?.value;
  assert.equal(tag('Make'), 'ACME Security');
  assert.equal(tag('Model'), 'CCTV-9');
  assert.equal(tag('Software'), 'still-export 2.1');

  const questioned = await call('evidence.setRole', { id: item.id, role: 'questioned' });
  assert.equal(questioned.role, 'questioned');
  assert.equal((await call('evidence.list', { caseId: created.id })).evidence[0].role, 'questioned');
  const event = (await call('cases.get', { id: created.id })).audit.find((e) => e.action === 'evidence.role');
  const { rows, ...details } = event!.details as { rows: { table: string; id: number }[] };
  assert.deepEqual(details, { role: 'questioned', previous: null });
  assert.deepEqual(
    rows.map(({ table, id }) => [table, id]),
    [['evidence_items', item.id]],
    'the event binds the changed row',
  );
  assert.equal((await call('evidence.setRole', { id: item.id, role: null })).role, null);

  const invalid = await failure('evidence.setRole', { id: item.id, role: 'suspect' as never });
  assert.equal(invalid.code, 'VALIDATION');
  assert.equal(invalid.issues?.[0].path, 'role');
  assert.equal((await failure('evidence.metadata', { id: 999 })).code, 'NOT_FOUND');
});
