import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ConflictError } from '../../electron/node/services/errors.js';
import { temporaryWorkspace } from './helpers.js';

const workspace = temporaryWorkspace();
after(() => workspace.dispose());
const { db, cases } = workspace;
const now = '2025-01-01T00:00:00.000Z';

function insertCase(caseNumber: string, status = 'open') {
  return db
    .prepare(
      "INSERT INTO cases (case_number, title, status, created_at, updated_at) VALUES (?, 'raw', ?, ?, ?)",
    )
    .run(caseNumber, status, now, now);
}

test('a duplicate case number is refused by the service and by the table', () => {
  cases.create({ caseNumber: 'C-2025/001', title: 'First' }, 'alice');
  assert.throws(
    () => cases.create({ caseNumber: 'C-2025/001', title: 'Second' }, 'alice'),
    (error: unknown) =>
      error instanceof ConflictError && /C-2025\/001 is already used by case \d+/.test(error.message),
  );
  assert.throws(() => insertCase('C-2025/001'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
});

test('enum and format CHECKs reject bad values', () => {
  assert.throws(() => insertCase('C-bad-status', 'archived'), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertCase('has space'), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertCase(''), { code: 'SQLITE_CONSTRAINT_CHECK' });
  const caseId = Number(insertCase('C-checks').lastInsertRowid);
  const evidence = (sha: string, mediaType: string) =>
    db
      .prepare(
        `INSERT INTO evidence_items (case_id, original_name, stored_path, sha256, byte_size, media_type, imported_at, imported_by)
         VALUES (?, 'x', 'evidence/x', ?, 1, ?, ?, 'alice')`,
      )
      .run(caseId, sha, mediaType, now);
  assert.throws(() => evidence('a'.repeat(64), 'application/pdf'), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => evidence('A'.repeat(64), 'image/png'), { code: 'SQLITE_CONSTRAINT_CHECK' });
  const a = Number(evidence('a'.repeat(64), 'image/png').lastInsertRowid);
  const b = Number(evidence('b'.repeat(64), 'image/jpeg').lastInsertRowid);
  const pairId = Number(
    db
      .prepare('INSERT INTO pairs (case_id, evidence_a_id, evidence_b_id, created_at) VALUES (?, ?, ?, ?)')
      .run(caseId, a, b, now).lastInsertRowid,
  );
  const decision = (role: string, conclusion: string) =>
    db
      .prepare(
        'INSERT INTO decisions (pair_id, examiner, role, conclusion, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(pairId, 'alice', role, conclusion, now);
  assert.throws(() => decision('examiner', 'probably_same'), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => decision('boss', 'inconclusive'), { code: 'SQLITE_CONSTRAINT_CHECK' });
  const examined = Number(decision('examiner', 'moderate_support_same').lastInsertRowid);
  assert.throws(() => decision('verifier', 'moderate_support_same'), {
    code: 'SQLITE_CONSTRAINT_CHECK',
    message: /verifies_id/,
  });
  const verify = (accountId: number | null) =>
    db
      .prepare(
        `INSERT INTO decisions (pair_id, examiner, role, conclusion, created_at, verifies_id, account_id)
         VALUES (?, 'bob', 'verifier', 'inconclusive', ?, ?, ?)`,
      )
      .run(pairId, now, examined, accountId);
  const accountId = Number(
    db
      .prepare(
        `INSERT INTO accounts (name, name_key, initials, role, public_key, private_key_envelope, created_at)
         VALUES ('Bob', 'bob', 'B', 'examiner', 'key', '{}', ?)`,
      )
      .run(now).lastInsertRowid,
  );
  verify(accountId);
  assert.throws(
    () => verify(accountId),
    { code: 'SQLITE_CONSTRAINT_UNIQUE' },
    'one verification per decision',
  );
  assert.throws(
    () =>
      db
        .prepare('INSERT INTO pairs (case_id, evidence_a_id, evidence_b_id, created_at) VALUES (?, ?, ?, ?)')
        .run(caseId, a, a, now),
    { code: 'SQLITE_CONSTRAINT_CHECK' },
  );
});

test('foreign keys are enforced', () => {
  assert.throws(
    () =>
      db
        .prepare(
          `INSERT INTO evidence_items (case_id, original_name, stored_path, sha256, byte_size, media_type, imported_at, imported_by)
           VALUES (9999, 'x', 'evidence/x', ?, 1, 'image/png', ?, 'alice')`,
        )
        .run('c'.repeat(64), now),
    { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' },
  );
  assert.throws(
    () =>
      db
        .prepare(
          'INSERT INTO pairs (case_id, evidence_a_id, evidence_b_id, created_at) VALUES (1, 998, 999, ?)',
        )
        .run(now),
    { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' },
  );
});

test('an error inside a service transaction writes nothing: neither the case nor its audit event', () => {
  const casesBefore = db.prepare('SELECT count(*) FROM cases').pluck().get();
  const eventsBefore = db.prepare('SELECT count(*) FROM audit_events').pluck().get();
  // A missing actor passes the cases insert but violates audit_events.actor NOT NULL afterwards.
  assert.throws(() => cases.create({ caseNumber: 'C-rollback', title: 'Never' }, null as unknown as string), {
    code: 'SQLITE_CONSTRAINT_NOTNULL',
  });
  assert.equal(cases.findByNumber('C-rollback'), null);
  assert.equal(db.prepare('SELECT count(*) FROM cases').pluck().get(), casesBefore);
  assert.equal(db.prepare('SELECT count(*) FROM audit_events').pluck().get(), eventsBefore);
});

test('list searches, sorts, and counts evidence', () => {
  cases.create({ caseNumber: 'Z-1', title: 'alpha robbery', requestingAgency: 'Police North' }, 'bob');
  cases.create({ caseNumber: 'A-1', title: 'beta fraud', requestingAgency: 'Police South' }, 'bob');
  const byNumber = cases.list({ sortBy: 'caseNumber', direction: 'asc' }).map((c) => c.caseNumber);
  assert.deepEqual(
    byNumber,
    [...byNumber].sort((x, y) => x.localeCompare(y, 'en', { sensitivity: 'base' })),
  );
  assert.deepEqual(
    cases.list({ search: 'police', sortBy: 'title', direction: 'desc' }).map((c) => c.caseNumber),
    ['A-1', 'Z-1'],
  );
  assert.deepEqual(cases.list({ search: '100%' }), []);
  assert.equal(cases.list({ search: 'C-checks' })[0].evidenceCount, 2);
});
