/**
 * Examiner accounts through the real API handler on a real store: creation and sign-in, signed
 * decisions, four eyes by account (typed-name tricks cannot pass), blind verification,
 * consultation, amendments, the case lock, and signed report exports.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { AccountRole, ApiErrorBody, Decision } from '../../electron/common/api.js';
import { readSignedRow } from '../../electron/node/store/row-binding.js';
import { HandlerHarness, TEST_PASSPHRASE } from './handler-harness.js';

const api = new HandlerHarness({ folderPrefix: 'xssab-accounts-', actor: 'A. Examiner' });
const { call, failure } = api;
before(() => api.open());
after(() => api.close());

const pngBase64 = async (background: string) =>
  (
    await sharp({ create: { width: 32, height: 32, channels: 3, background } })
      .png()
      .toBuffer()
  ).toString('base64');

async function pairOfCase(caseNumber: string) {
  const created = await call('cases.create', { caseNumber, title: `Case ${caseNumber}` });
  const ids: number[] = [];
  for (const background of ['#336699', '#996633']) {
    const item = await call('evidence.import', {
      caseId: created.id,
      fileName: `${background.slice(1)}.png`,
      dataBase64: await pngBase64(background),
    });
    ids.push(item.id);
  }
  const pair = await call('pairs.create', { caseId: created.id, evidenceAId: ids[0], evidenceBId: ids[1] });
  return { caseId: created.id, pairId: pair.id };
}

/** The parameters of a decision in the role on the pair, with its rationale. */
const decisionAs =
  <R extends Decision['role']>(role: R, rationale: string) =>
  (pairId: number, conclusion: Decision['conclusion'] & string = 'moderate_support_same') => ({
    pairId,
    role,
    conclusion,
    rationale,
  });
const examination = decisionAs('examiner', 'Ears and nasal bridge correspond.');
const verification = decisionAs('verifier', 'Independent examination.');

/** The parameters of a new account; its passphrase is TEST_PASSPHRASE. */
const newAccount = (name: string, initials: string, role: AccountRole = 'examiner') => ({
  name,
  initials,
  role,
  passphrase: TEST_PASSPHRASE,
});

test('the first account is created by anyone, later ones only by a signed-in account', async () => {
  await call('accounts.signOut', {});
  const current = await call('accounts.current', {});
  assert.deepEqual(current, { account: null, accountsExist: true });
  const refused = await failure('accounts.create', newAccount('M. Allory', 'MA', 'supervisor'));
  assert.equal(refused.code, 'UNAUTHORIZED');
  assert.match(refused.message, /sign in to create another account/);
  await api.signInAs('A. Examiner');
  const created = await call('accounts.create', newAccount('S. Upervisor', 'SU', 'supervisor'));
  assert.equal(created.createdBy, (await call('accounts.current', {})).account?.id);
  assert.match(created.keyFingerprint, /^[0-9a-f]{64}$/);
});

test('a wrong passphrase or an unknown name does not sign in', async () => {
  const wrong = await failure('accounts.signIn', { name: 'A. Examiner', passphrase: 'not the passphrase' });
  assert.equal(wrong.code, 'UNAUTHORIZED');
  assert.match(wrong.message, /wrong passphrase for account A\. Examiner/);
  const unknown = await failure('accounts.signIn', { name: 'Nobody', passphrase: TEST_PASSPHRASE });
  assert.equal(unknown.code, 'UNAUTHORIZED');
  assert.equal(
    (await call('accounts.current', {})).account,
    null,
    'a failed sign-in signs the previous account out',
  );
  await api.signInAs('A. Examiner');
  const short = await failure('accounts.create', { ...newAccount('Short', 'S'), passphrase: 'short' });
  assert.equal(short.code, 'VALIDATION');
  assert.match(short.message, /passphrase: must be at least 10 characters/);
  const stored = api.workspace.db
    .prepare('SELECT private_key_envelope FROM accounts')
    .pluck()
    .all() as string[];
  assert.ok(
    stored.every((envelope) => !envelope.includes(TEST_PASSPHRASE) && JSON.parse(envelope).kdf === 'scrypt'),
  );
});

test('names that only look different are one name; mixed look-alike scripts are refused', async () => {
  await api.signInAs('A. Examiner');
  for (const name of [
    'a examiner',
    'A.  EXAMINER',
    'A.\u00a0Examiner',
    'Ａ．Ｅｘａｍｉｎｅｒ',
    'A-Examiner',
  ]) {
    const error = await failure('accounts.create', newAccount(name, 'AE'));
    assert.equal(error.code, 'CONFLICT', name);
    assert.match(error.message, /too close to account \d+ \(A\. Examiner\)/);
  }
  const cyrillic = await failure('accounts.create', newAccount('A. Ex\u0430miner', 'AE'));
  assert.equal(cyrillic.code, 'VALIDATION');
  assert.match(cyrillic.message, /mixes Latin and Cyrillic letters/);
  const zeroWidth = await failure('accounts.create', newAccount('A. Examiner\u200b', 'AE'));
  assert.equal(zeroWidth.code, 'VALIDATION');
});

test('four eyes is by account: no typed name lets the examiner verify their own decision', async () => {
  const { pairId } = await pairOfCase('ACC-4EYES');
  await api.signInAs('A. Examiner');
  const decision = await call('decisions.record', examination(pairId));
  assert.equal(decision.examiner, 'A. Examiner');
  const names = [
    'B. Verifier',
    'J.Doe',
    'Jane  Doe',
    'Jane\u00a0Doe',
    'J\u0430ne Doe',
    'Jane Doe\u200b',
    'Ｊａｎｅ',
  ];
  for (const examiner of names) {
    const error: ApiErrorBody = await failure('decisions.record', { ...verification(pairId), examiner });
    assert.equal(error.code, 'VALIDATION', examiner);
  }
  const own = await failure('decisions.record', verification(pairId));
  assert.equal(own.code, 'VALIDATION');
  assert.match(
    own.message,
    /A\. Examiner recorded the examiner decision on pair \d+; a different person must verify it/,
  );
  await api.signInAs('B. Verifier');
  const verified = await call('decisions.record', verification(pairId));
  assert.equal(verified.verifiesId, decision.id);
  assert.equal(verified.disagreement, false);
});

test('decisions are signed by their account and need a signed-in account', async () => {
  const { pairId } = await pairOfCase('ACC-SIGN');
  await api.signInAs('A. Examiner');
  const decision = await call('decisions.record', examination(pairId));
  const account = (await call('accounts.current', {})).account!;
  const row = api.workspace.db.prepare('SELECT public_key FROM accounts WHERE id = ?').get(account.id) as {
    public_key: string;
  };
  const publicKey = createPublicKey({
    key: Buffer.from(row.public_key, 'base64'),
    format: 'der',
    type: 'spki',
  });
  const content = readSignedRow(api.workspace.db, 'decisions', decision.id).content;
  assert.ok(
    verify(
      null,
      Buffer.from(`xssab-signed-record\n${content}`),
      publicKey,
      Buffer.from(decision.signature!, 'base64'),
    ),
  );
  assert.match(content, /"conclusion":"moderate_support_same"/);

  await call('accounts.signOut', {});
  const anonymous = await failure('decisions.record', verification(pairId));
  assert.equal(anonymous.code, 'UNAUTHORIZED');
  assert.match(anonymous.message, /recording a decision needs a signed-in examiner account/);
  await api.signInAs('A. Examiner');
});

test('blind verification: the examiner conclusion is sealed for others until it is verified', async () => {
  const { caseId, pairId } = await pairOfCase('ACC-BLIND');
  await api.signInAs('A. Examiner');
  const decision = await call('decisions.record', examination(pairId, 'strong_support_same'));
  const own = (await call('cases.get', { id: caseId })).decisions[0];
  assert.equal(own.conclusion, 'strong_support_same', 'the author sees their own conclusion');

  await api.signInAs('B. Verifier');
  const sealed = await call('cases.get', { id: caseId });
  assert.deepEqual(
    sealed.decisions.map((d) => [d.id, d.sealed, d.conclusion, d.rationale]),
    [[decision.id, true, null, '']],
  );
  const event = sealed.audit.find((e) => e.action === 'decision.record')!;
  assert.equal(event.details.conclusion, undefined, 'nor does the audit trail show it');
  assert.equal(event.details.rationale, undefined);
  assert.doesNotMatch(JSON.stringify(sealed), /strong_support_same|Ears and nasal bridge/);

  const verified = await call('decisions.record', verification(pairId, 'limited_support_same'));
  assert.equal(verified.disagreement, true, 'a different level is flagged');
  const open = await call('cases.get', { id: caseId });
  assert.deepEqual(
    open.decisions.map((d) => [d.role, d.sealed, d.conclusion, d.disagreement]),
    [
      ['examiner', false, 'strong_support_same', false],
      ['verifier', false, 'limited_support_same', true],
    ],
  );

  await api.signInAs('C. Third');
  const second = await failure('decisions.record', verification(pairId));
  assert.equal(second.code, 'CONFLICT');
  assert.match(
    second.message,
    /verified already .*one verification per examiner decision unless it is superseded/,
  );
  const outsider = await failure('decisions.record', { ...verification(pairId), role: 'consultation' });
  assert.equal(outsider.code, 'VALIDATION');
  assert.match(
    outsider.message,
    /recorded by the examiner \(A\. Examiner\) or the verifier \(B\. Verifier\)/,
  );

  await api.signInAs('A. Examiner');
  const consultation = await call('decisions.record', {
    pairId,
    role: 'consultation',
    conclusion: 'moderate_support_same',
    rationale: 'Discussed with B. Verifier on the images; agreed on moderate support.',
  });
  assert.equal(consultation.verifiesId, decision.id);
  const settled = await call('cases.get', { id: caseId });
  assert.deepEqual(
    settled.decisions.map((d) => d.disagreement),
    [false, false, false],
  );
  const again = await failure('decisions.record', { ...verification(pairId), role: 'consultation' });
  assert.equal(again.code, 'CONFLICT');
});

test('a decision is amended by a new one that supersedes it, never edited, and is verified again', async () => {
  const { caseId, pairId } = await pairOfCase('ACC-AMEND');
  await api.signInAs('A. Examiner');
  const first = await call('decisions.record', examination(pairId, 'limited_support_same'));
  const twice = await failure('decisions.record', examination(pairId));
  assert.equal(twice.code, 'CONFLICT');
  assert.match(twice.message, /has examiner decision \d+ \(A\. Examiner\) already; amend it/);

  await api.signInAs('B. Verifier');
  const notHers = await failure('decisions.record', { ...examination(pairId), supersedes: first.id });
  assert.equal(notHers.code, 'VALIDATION');
  assert.match(notHers.message, /only the examiner who recorded it amends it/);
  await call('decisions.record', verification(pairId, 'limited_support_same'));

  await api.signInAs('A. Examiner');
  const amended = await call('decisions.record', {
    ...examination(pairId, 'strong_support_same'),
    supersedes: first.id,
  });
  assert.equal(amended.supersedesId, first.id);
  await api.signInAs('B. Verifier');
  const detail = await call('cases.get', { id: caseId });
  assert.deepEqual(
    detail.decisions.map((d) => [d.id, d.superseded, d.sealed, d.conclusion]),
    [
      [first.id, true, false, 'limited_support_same'],
      [detail.decisions[1].id, false, false, 'limited_support_same'],
      [amended.id, false, true, null],
    ],
    'the original stays as recorded; the amendment is sealed until verified again',
  );
  const reverified = await call('decisions.record', verification(pairId, 'strong_support_same'));
  assert.equal(reverified.verifiesId, amended.id);
  assert.equal((await call('audit.verify', { caseId })).ok, true);
});

test('a closed case is locked until a signed-in account reopens it with a reason', async () => {
  const { caseId, pairId } = await pairOfCase('ACC-LOCK');
  await api.signInAs('A. Examiner');
  await call('cases.update', { id: caseId, status: 'closed' });
  const refusals = [
    await failure('decisions.record', examination(pairId)),
    await failure('cases.update', { id: caseId, title: 'Renamed' }),
    await failure('pairs.create', { caseId, evidenceAId: 1, evidenceBId: 2 }),
    await failure('analyses.run', { pairId }),
    await failure('evidence.import', {
      caseId,
      fileName: 'late.png',
      dataBase64: await pngBase64('#000000'),
    }),
  ];
  for (const refusal of refusals) {
    assert.equal(refusal.code, 'CONFLICT');
    assert.match(refusal.message, /case ACC-LOCK is closed and locked; reopen it, giving the reason/);
  }
  const blank = await failure('cases.reopen', { id: caseId, reason: ' ' });
  assert.equal(blank.code, 'VALIDATION');
  const reopened = await call('cases.reopen', {
    id: caseId,
    reason: 'New photograph received from the agency.',
  });
  assert.equal(reopened.status, 'open');
  const event = (await call('cases.get', { id: caseId })).audit.at(-1)!;
  assert.equal(event.action, 'case.reopen');
  assert.equal(event.actor, 'A. Examiner');
  assert.equal(event.details.reason, 'New photograph received from the agency.');
  await call('decisions.record', examination(pairId));
  const notClosed = await failure('cases.reopen', { id: caseId, reason: 'again' });
  assert.equal(notClosed.code, 'CONFLICT');
});
