/**
 * `xssab account create|list`, `xssab decide` and the signed `xssab report` as a user runs them:
 * the built CLI in a child process (needs `npm run build:node`), passphrases from the environment.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { Account, Decision } from '../../electron/common/api.js';
import { openWorkspace } from '../../electron/node/services/workspace.js';

const bin = resolve('bin/xssab.mjs');
const PASSPHRASE = 'correct horse battery staple';
let dataDir: string;
let pairId: number;
let caseId: number;

function xssab(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, '--data', dataDir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, XSSAB_DATA: '', XSSAB_PASSPHRASE: '', XSSAB_NEW_PASSPHRASE: '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json<T>(args: string[], env: Record<string, string> = {}): T {
  const result = xssab([...args, '--json'], env);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

/** `account create` of an examiner account, with further options. */
const createExaminer = (name: string, initials: string, ...options: string[]) => [
  'account',
  'create',
  '--name',
  name,
  '--initials',
  initials,
  '--role',
  'examiner',
  ...options,
];

/** `decide` on the test pair in the role, signed in as the account. */
const decideArgs = (role: string, conclusion: string, rationale: string, account: string) => [
  'decide',
  '--pair',
  String(pairId),
  '--role',
  role,
  '--conclusion',
  conclusion,
  '--rationale',
  rationale,
  '--account',
  account,
];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'xssab-cli-account-'));
  // Evidence and a pair made through the services (their commands are not the subject here).
  const workspace = openWorkspace({ dataDir, actor: 'setup' });
  try {
    caseId = workspace.cases.create({ caseNumber: 'CLI-ACC-1', title: 'Signed decisions' }, 'setup').id;
    const ids: number[] = [];
    for (const background of ['#112233', '#445566']) {
      const bytes = await sharp({ create: { width: 16, height: 16, channels: 3, background } })
        .png()
        .toBuffer();
      ids.push(
        (await workspace.evidence.import({ caseId, fileName: `${background}.png`, bytes }, 'setup')).id,
      );
    }
    pairId = workspace.comparisons.createPair(caseId, ids[0], ids[1], 'setup').id;
  } finally {
    workspace.close();
  }
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

test('account create: the first by anyone, later ones only with a signed-in --account', () => {
  const first = json<Account>(createExaminer('A. Examiner', 'AE'), { XSSAB_NEW_PASSPHRASE: PASSPHRASE });
  assert.equal(first.name, 'A. Examiner');
  assert.equal(first.createdBy, null);

  const anonymous = xssab(createExaminer('B. Verifier', 'BV'), { XSSAB_NEW_PASSPHRASE: PASSPHRASE });
  assert.equal(anonymous.code, 1);
  assert.match(anonymous.stderr, /sign in to create another account/);

  const noPassphrase = xssab(createExaminer('B. Verifier', 'BV'));
  assert.equal(noPassphrase.code, 2);
  assert.match(noPassphrase.stderr, /no passphrase: set XSSAB_NEW_PASSPHRASE, or run on a terminal/);

  const second = json<Account>(createExaminer('B. Verifier', 'BV', '--account', 'A. Examiner'), {
    XSSAB_NEW_PASSPHRASE: 'another passphrase!',
    XSSAB_PASSPHRASE: PASSPHRASE,
  });
  assert.equal(second.createdBy, first.id);
  const { accounts } = json<{ accounts: Account[] }>(['account', 'list']);
  assert.deepEqual(
    accounts.map((a) => [a.name, a.initials, a.role]),
    [
      ['A. Examiner', 'AE', 'examiner'],
      ['B. Verifier', 'BV', 'examiner'],
    ],
  );
  const human = xssab(['account', 'list']);
  assert.match(human.stdout, /account 1: A\. Examiner \(AE, examiner\), key [0-9a-f]{64}/);
});

test('decide records signed decisions; four eyes by account; wrong passphrases are refused', () => {
  const decide = (role: string, account: string, passphrase: string) =>
    xssab([...decideArgs(role, 'moderate_support_same', 'Ears agree.', account), '--json'], {
      XSSAB_PASSPHRASE: passphrase,
    });
  const wrong = decide('examiner', 'A. Examiner', 'not the passphrase');
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /--account A\. Examiner: wrong passphrase for account A\. Examiner/);

  const examined = decide('examiner', 'A. Examiner', PASSPHRASE);
  assert.equal(examined.code, 0, examined.stderr);
  const decision = JSON.parse(examined.stdout) as Decision;
  assert.equal(decision.examiner, 'A. Examiner');
  assert.match(decision.signature ?? '', /^[A-Za-z0-9+/]{86}==$/);

  const self = decide('verifier', 'A. Examiner', PASSPHRASE);
  assert.equal(self.code, 2);
  assert.match(
    self.stderr,
    /--account: A\. Examiner recorded the examiner decision .* a different person must verify it/,
  );

  const verified = decide('verifier', 'B. Verifier', 'another passphrase!');
  assert.equal(verified.code, 0, verified.stderr);
  assert.equal((JSON.parse(verified.stdout) as Decision).verifiesId, decision.id);

  const badRole = xssab(decideArgs('boss', 'inconclusive', 'x', 'A. Examiner'));
  assert.equal(badRole.code, 2);
  assert.match(badRole.stderr, /--role must be examiner or verifier or consultation/);
});

test('report needs --account and is signed by it', () => {
  const unsigned = xssab(['report', '--case', 'CLI-ACC-1']);
  assert.equal(unsigned.code, 2);
  assert.match(unsigned.stderr, /--account/);
  const exported = json<{ reportId: number; sha256: string }>(
    ['report', '--case', 'CLI-ACC-1', '--account', 'A. Examiner'],
    {
      XSSAB_PASSPHRASE: PASSPHRASE,
    },
  );
  assert.match(exported.sha256, /^[0-9a-f]{64}$/);
  const workspace = openWorkspace({ dataDir });
  try {
    const report = workspace.reports.get(exported.reportId);
    assert.equal(report.createdBy, 'A. Examiner');
    assert.ok(report.signature);
    assert.equal(workspace.audit.verify(caseId).ok, true);
  } finally {
    workspace.close();
  }
});

test('case reopen unlocks a closed case with a reason, signed in', () => {
  const workspace = openWorkspace({ dataDir });
  try {
    workspace.cases.update(caseId, { status: 'closed' }, 'setup');
  } finally {
    workspace.close();
  }
  const locked = xssab(decideArgs('consultation', 'inconclusive', 'x', 'A. Examiner'), {
    XSSAB_PASSPHRASE: PASSPHRASE,
  });
  assert.equal(locked.code, 1);
  assert.match(locked.stderr, /case CLI-ACC-1 is closed and locked; reopen it, giving the reason/);
  const noReason = xssab(['case', 'reopen', 'CLI-ACC-1', '--account', 'A. Examiner']);
  assert.equal(noReason.code, 2);
  const reopened = json<{ status: string }>(
    ['case', 'reopen', 'CLI-ACC-1', '--reason', 'A second photograph arrived.', '--account', 'A. Examiner'],
    { XSSAB_PASSPHRASE: PASSPHRASE },
  );
  assert.equal(reopened.status, 'open');
});
