import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shareUnchanged } from '../../renderer/src/api/shareUnchanged.js';

const caseDetail = () => ({
  id: 1,
  evidence: [
    { id: 1, name: 'a.jpg' },
    { id: 2, name: 'b.jpg' },
  ],
  analyses: [{ id: 1, score: 0.7, photos: { a: { faces: 1 } } }],
  audit: [{ seq: 1 }, { seq: 2 }],
});

test('a reload that returns equal data gives back the previous object itself', () => {
  const previous = caseDetail();
  assert.equal(shareUnchanged(previous, caseDetail()), previous);
});

test('a reload keeps every unchanged part and replaces only the parts that changed', () => {
  const previous = caseDetail();
  const next = caseDetail();
  next.analyses.push({ id: 2, score: 0.4, photos: { a: { faces: 2 } } });
  next.audit.push({ seq: 3 });
  const shared = shareUnchanged(previous, next);
  assert.notEqual(shared, previous);
  assert.deepEqual(shared, next);
  assert.equal(shared.evidence, previous.evidence, 'unchanged array kept');
  assert.equal(shared.analyses[0], previous.analyses[0], 'unchanged row of a changed array kept');
  assert.notEqual(shared.analyses, previous.analyses);
  assert.equal(shared.audit[1], previous.audit[1]);
});

test('removed keys, shorter arrays and changed primitives are not hidden by sharing', () => {
  const previous = { a: 1, b: [1, 2, 3], c: { d: 'x' } } as Record<string, unknown>;
  assert.deepEqual(shareUnchanged(previous, { a: 1, b: [1, 2], c: { d: 'x' } }), {
    a: 1,
    b: [1, 2],
    c: { d: 'x' },
  });
  assert.deepEqual(shareUnchanged(previous, { a: 1, b: [1, 2, 3] }), { a: 1, b: [1, 2, 3] });
  assert.deepEqual(shareUnchanged(previous, { a: 2, b: [1, 2, 3], c: { d: 'x' } }).a, 2);
  assert.deepEqual(shareUnchanged({ a: undefined }, { b: undefined }), { b: undefined });
  const bytes = new Float32Array([1, 2]);
  assert.equal(
    shareUnchanged({ m: new Float32Array([1, 2]) }, { m: bytes }).m,
    bytes,
    'typed arrays taken as given',
  );
});
