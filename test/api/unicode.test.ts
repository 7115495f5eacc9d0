/**
 * API payloads with unusual Unicode: every free-text field is refused (lone surrogates, control and
 * invisible format characters) or stored canonically (NFC, one kind of space), and no payload can
 * leave the audit chain unverifiable.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HandlerHarness } from './handler-harness.js';

const api = new HandlerHarness({ folderPrefix: 'xssab-unicode-', actor: 'unicode-tester' });
const { call, failure } = api;
before(() => api.open());
after(() => api.close());

let caseCounter = 0;
const nextNumber = () => `UNI-${++caseCounter}`;

const refused: [string, string, RegExp][] = [
  ['a lone high surrogate', 'Jane \ud800 Doe', /lone UTF-16 surrogate/],
  ['a lone low surrogate', '\udc00', /lone UTF-16 surrogate/],
  ['a zero-width space', 'Jane Doe\u200b', /U\+200B/],
  ['a byte-order mark', '\ufeffJane', /U\+FEFF/],
  ['a right-to-left override', 'Jane \u202eeoD', /U\+202E/],
  ['a NUL character', 'Jane\u0000Doe', /U\+0000/],
  ['an escape character', 'Jane\u001b[31mDoe', /U\+001B/],
  ['a line break in a one-line field', 'Jane\nDoe', /U\+000A.*one line/],
];

for (const [what, text, message] of refused) {
  test(`a title or actor with ${what} is refused with a VALIDATION error naming the field`, async () => {
    for (const field of ['title', 'actor'] as const) {
      const error = await failure('cases.create', { caseNumber: nextNumber(), title: 'Case', [field]: text });
      assert.equal(error.code, 'VALIDATION');
      assert.deepEqual(
        error.issues?.map((issue) => issue.path),
        [field],
      );
      assert.match(error.message, message);
    }
  });
}

test('NFD text is stored as NFC, so that equal-looking text is equal', async () => {
  const decomposed = 'Bj\u006f\u0308rk Gu\u0111mundsdo\u0301ttir';
  const created = await call('cases.create', {
    caseNumber: nextNumber(),
    title: decomposed,
    examiner: decomposed,
  });
  assert.equal(created.title, decomposed.normalize('NFC'));
  assert.notEqual(created.title, decomposed);
  assert.equal(created.examiner, 'Björk Guđmundsdóttir');
});

test('no-break, thin and ideographic spaces are stored as plain spaces', async () => {
  const created = await call('cases.create', {
    caseNumber: nextNumber(),
    title: 'Jane\u00a0Doe\u2009and\u3000Partner',
  });
  assert.equal(created.title, 'Jane Doe and Partner');
});

test('multi-line fields keep line feeds and tabs, and store CR LF as a line feed', async () => {
  const created = await call('cases.create', {
    caseNumber: nextNumber(),
    title: 'Notes',
    notes: 'first line\r\nsecond\tline\rthird',
  });
  assert.equal(created.notes, 'first line\nsecond\tline\nthird');
  const error = await failure('cases.update', { id: created.id, notes: 'bell\u0007' });
  assert.equal(error.code, 'VALIDATION');
  assert.match(error.message, /notes: .*U\+0007/);
});

test('letters of other scripts, full-width forms and joiners are kept as typed', async () => {
  for (const title of ['Jаne Doe (Cyrillic а)', 'ＪＡＮＥ ＤＯＥ', 'क्‍ष', '👩‍🔬 lab']) {
    const created = await call('cases.create', { caseNumber: nextNumber(), title });
    assert.equal(created.title, title.normalize('NFC'));
  }
});

test('after every refused and accepted payload, the audit chain and every row still verify', async () => {
  const verification = await call('audit.verify', {});
  assert.deepEqual(verification.problems, []);
  assert.equal(verification.ok, true);
  assert.ok(verification.checkedEvents >= 4);
});
