/**
 * API payloads with unusual Unicode: every free-text field is refused (lone surrogates, control and
 * invisible format characters) or stored canonically (NFC, one kind of space), and no payload can
 * leave the audit chain unverifiable.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { workstationPath } from '../../electron/common/api/fields.js';
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
  ['a Unicode line separator', 'Jane\u2028Doe', /U\+2028/],
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

test('workstation paths are checked for broken text but never normalised', () => {
  const decomposed = '/data/Bjo\u0308rk\u00a0photos';
  assert.equal(workstationPath.parse(decomposed), decomposed);
  assert.equal(workstationPath.safeParse('/data/\ud800').success, false);
  assert.equal(workstationPath.safeParse('/data/a\u0000b').success, false);
});

test('letters of other scripts, full-width forms and joiners are kept as typed', async () => {
  for (const title of ['Jаne Doe (Cyrillic а)', 'ＪＡＮＥ ＤＯＥ', 'क्‍ष', '👩‍🔬 lab']) {
    const created = await call('cases.create', { caseNumber: nextNumber(), title });
    assert.equal(created.title, title.normalize('NFC'));
  }
});

test('fuzz: random text from every Unicode plane is refused with a reason or stored canonically', async () => {
  // A fixed seed: the same strings on every run (mulberry32).
  let seed = 0x5eed;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ranges = [
    [0x0, 0x7f],
    [0x80, 0x24f],
    [0x300, 0x36f],
    [0x400, 0x4ff],
    [0x2000, 0x206f],
    [0xd800, 0xdfff],
    [0xfe00, 0xff5f],
    [0x1f300, 0x1f6ff],
  ];
  const randomText = () =>
    Array.from({ length: 1 + Math.floor(random() * 12) }, () => {
      const [low, high] = ranges[Math.floor(random() * ranges.length)];
      const code = low + Math.floor(random() * (high - low + 1));
      // Surrogates are written as single UTF-16 units, as a broken client would send them.
      return code >= 0xd800 && code <= 0xdfff ? String.fromCharCode(code) : String.fromCodePoint(code);
    }).join('');
  let stored = 0;
  for (let index = 0; index < 200; index++) {
    const title = randomText();
    const outcome = await api.attempt('cases.create', { caseNumber: nextNumber(), title });
    if (outcome.ok) {
      stored++;
      const expected = title
        .replace(/\p{Zs}/gu, ' ')
        .normalize('NFC')
        .trim();
      const created = outcome.result as { title: string };
      assert.equal(created.title, expected, JSON.stringify(title));
    } else {
      assert.equal(outcome.error.code, 'VALIDATION', JSON.stringify(title));
      assert.match(
        outcome.error.message,
        /^invalid params for cases\.create: title: (contains a lone UTF-16 surrogate|contains the invisible control or format character U\+[0-9A-F]{4}|must not be empty)/,
      );
    }
  }
  assert.ok(stored > 20 && stored < 180, `${stored} of 200 stored: the generator should produce both kinds`);
});

test('after every refused and accepted payload, the audit chain and every row still verify', async () => {
  const verification = await call('audit.verify', {});
  assert.deepEqual(verification.problems, []);
  assert.equal(verification.ok, true);
  assert.ok(verification.checkedEvents >= 4);
});
