/**
 * The tamper suite: each edit an attacker with file access could make to a real store is detected
 * by audit verification, and the report export is refused with a message naming the row.
 */
import assert from 'node:assert/strict';
import type { Database } from 'better-sqlite3';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readSignedRow } from '../../electron/node/store/row-binding.js';
import {
  buildTemplateStore,
  openStore,
  rebindRowInEvents,
  recomputeChain,
  tamperedCopy,
  EXAMINER,
  type OpenStore,
  type StoreIds,
} from './tamper-store.js';

let template: string;
let ids: StoreIds;
/** seq of the newest event of the template store, and of the examiner decision's event. */
let lastSeq = 0;
let examinerDecisionEvent = 0;

before(async () => {
  ({ folder: template, ids } = await buildTemplateStore());
  const copy = tamperedCopy(template, (db) => {
    lastSeq = db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number;
    examinerDecisionEvent = db
      .prepare("SELECT min(seq) FROM audit_events WHERE action = 'decision.record'")
      .pluck()
      .get() as number;
  });
  copy.dispose();
});
after(() => rmSync(template, { recursive: true, force: true }));

interface Expected {
  table: string;
  /** null: the problem concerns the chain as a whole. */
  id: number | null;
  reason: RegExp;
}

/** Runs `use` on a fresh copy of the store edited by `edit` (and its files by `files`), then removes it. */
async function withTamperedStore(
  edit: (db: Database) => void,
  use: (store: OpenStore) => Promise<void>,
  files?: (folder: string) => void,
): Promise<void> {
  const copy = tamperedCopy(template, edit);
  files?.(copy.folder);
  const store = openStore(copy.folder);
  try {
    await use(store);
  } finally {
    store.close();
    copy.dispose();
  }
}

/** Updates a row of an append-only table, as an attacker would: its no-update trigger dropped first. */
function updateAppendOnly(db: Database, table: string, sql: string, ...params: unknown[]): void {
  db.exec(`DROP TRIGGER ${table}_no_update`);
  db.prepare(sql).run(...params);
}

/** Changes the examiner's conclusion, as a raw edit of its row. */
function editConclusion(db: Database): void {
  db.prepare("UPDATE decisions SET conclusion = 'inconclusive' WHERE id = ?").run(ids.examinerDecisionId);
}

/**
 * Applies the edit to a fresh copy of the store and asserts that verification of the case reports
 * the expected problem and that the report export is refused naming it.
 */
async function assertDetected(
  edit: (db: Database) => void,
  expected: Expected,
  files?: (folder: string) => void,
): Promise<void> {
  await withTamperedStore(
    edit,
    async (store) => {
      await store.signIn(EXAMINER);
      const verification = await store.call('audit.verify', { caseId: ids.caseId });
      assert.equal(verification.ok, false, 'the edit went undetected');
      const problem = verification.problems.find(
        (p) => p.table === expected.table && p.id === expected.id && expected.reason.test(p.reason),
      );
      assert.ok(
        problem,
        `no problem names ${expected.table} ${expected.id}: ${JSON.stringify(verification.problems)}`,
      );
      const refused = await store.failure('reports.export', { caseId: ids.caseId });
      assert.equal(refused.code, 'INTERNAL');
      assert.match(refused.message, /^reports\.export failed: no report is made/);
      const named = expected.id === null ? expected.table : `${expected.table} row ${expected.id}`;
      assert.ok(
        verification.problems.some((p) =>
          refused.message.includes(p.id === null ? p.table : `${p.table} row ${p.id}`),
        ),
        `the refusal names no row: ${refused.message}`,
      );
      assert.ok(refused.message.includes(named) || verification.problems.length > 1, refused.message);
    },
    files,
  );
}

test('the untouched store verifies, with every row checked against a signed checkpoint', () =>
  withTamperedStore(
    () => {},
    async (store) => {
      const verification = await store.call('audit.verify', { caseId: ids.caseId });
      assert.deepEqual(verification.problems, []);
      assert.equal(verification.ok, true);
      // 2 cases, 2 evidence items, 1 pair, 1 analysis, its artifacts and LR, 2 decisions, 1 report,
      // 2 accounts, 1 calibration set, 1 calibration, 1 evaluation.
      assert.ok(verification.rowsChecked > 15, `only ${verification.rowsChecked} rows checked`);
      assert.equal(verification.checkpoint?.signatureValid, true);
      assert.equal(verification.checkpoint?.length, verification.checkedEvents);
      assert.equal(verification.checkpoint?.headHash, verification.headHash);
      await store.signIn(EXAMINER);
      const exported = await store.call('reports.export', { caseId: ids.caseId });
      assert.ok(exported.reportId > 0);
    },
  ));

const changedRow = /no longer matches its latest audit event \(\d+\): it was changed outside/;

test("editing the examiner's conclusion is detected", () =>
  assertDetected(
    (db) =>
      db
        .prepare("UPDATE decisions SET conclusion = 'strong_support_different' WHERE id = ?")
        .run(ids.examinerDecisionId),
    { table: 'decisions', id: ids.examinerDecisionId, reason: changedRow },
  ));

test("editing the verifier's name is detected", () =>
  assertDetected(
    (db) =>
      db.prepare("UPDATE decisions SET examiner = 'C. Somebody' WHERE id = ?").run(ids.verifierDecisionId),
    { table: 'decisions', id: ids.verifierDecisionId, reason: changedRow },
  ));

test("editing a case's title is detected", () =>
  assertDetected((db) => db.prepare("UPDATE cases SET title = 'Shoplifting' WHERE id = ?").run(ids.caseId), {
    table: 'cases',
    id: ids.caseId,
    reason: changedRow,
  }));

test("editing a case's status is detected", () =>
  assertDetected((db) => db.prepare("UPDATE cases SET status = 'closed' WHERE id = ?").run(ids.caseId), {
    table: 'cases',
    id: ids.caseId,
    reason: changedRow,
  }));

test("editing an analysis's score is detected", () =>
  assertDetected((db) => db.prepare('UPDATE analyses SET score = 0.99 WHERE id = ?').run(ids.analysisId), {
    table: 'analyses',
    id: ids.analysisId,
    reason: changedRow,
  }));

test("editing an evidence item's name is detected", () =>
  assertDetected(
    (db) =>
      db
        .prepare("UPDATE evidence_items SET original_name = 'suspect.jpg' WHERE id = ?")
        .run(ids.evidenceIds[0]),
    { table: 'evidence_items', id: ids.evidenceIds[0], reason: changedRow },
  ));

test("editing an analysis artifact's recorded hash is detected", () =>
  assertDetected(
    (db) => {
      const artifactId = db.prepare('SELECT min(id) FROM analysis_artifacts').pluck().get() as number;
      db.prepare("UPDATE analysis_artifacts SET sha256 = printf('%064d', 0) WHERE id = ?").run(artifactId);
    },
    { table: 'analysis_artifacts', id: 1, reason: changedRow },
  ));

test("editing an analysis's likelihood ratio is detected", () =>
  assertDetected(
    (db) =>
      updateAppendOnly(
        db,
        'analysis_likelihood_ratios',
        'UPDATE analysis_likelihood_ratios SET log10_lr = 6 WHERE analysis_id = ?',
        ids.analysisId,
      ),
    { table: 'analysis_likelihood_ratios', id: ids.analysisId, reason: changedRow },
  ));

test("deleting an analysis's likelihood ratio is detected", () =>
  assertDetected(
    (db) => db.prepare('DELETE FROM analysis_likelihood_ratios WHERE analysis_id = ?').run(ids.analysisId),
    {
      table: 'analysis_likelihood_ratios',
      id: ids.analysisId,
      reason: /records this row but it is gone: it was deleted outside/,
    },
  ));

test("editing a calibration's validation figures is detected", () =>
  assertDetected(
    (db) =>
      updateAppendOnly(
        db,
        'lr_calibrations',
        "UPDATE lr_calibrations SET validation_json = json_set(validation_json, '$.performance.cllr', 0.001) WHERE id = ?",
        ids.calibrationId,
      ),
    { table: 'lr_calibrations', id: ids.calibrationId, reason: changedRow },
  ));

test("editing an evaluation's figures is detected", () =>
  assertDetected(
    (db) =>
      db
        .prepare(
          "UPDATE lr_evaluations SET validation_json = json_set(validation_json, '$.performance.cllrMin', 0.123) WHERE id = ?",
        )
        .run(ids.evaluationId),
    { table: 'lr_evaluations', id: ids.evaluationId, reason: changedRow },
  ));

test("editing a calibration set's score is detected against the set", () =>
  assertDetected(
    (db) =>
      updateAppendOnly(
        db,
        'calibration_scores',
        'UPDATE calibration_scores SET score = score + 0.25 WHERE set_id = ? AND position = 0',
        ids.calibrationSetId,
      ),
    { table: 'calibration_sets', id: ids.calibrationSetId, reason: changedRow },
  ));

test('deleting a calibration score is detected against its set', () =>
  assertDetected(
    (db) =>
      db
        .prepare('DELETE FROM calibration_scores WHERE set_id = ? AND position = 5')
        .run(ids.calibrationSetId),
    { table: 'calibration_sets', id: ids.calibrationSetId, reason: changedRow },
  ));

test('deleting a decision is detected', () =>
  assertDetected((db) => db.prepare('DELETE FROM decisions WHERE id = ?').run(ids.verifierDecisionId), {
    table: 'decisions',
    id: ids.verifierDecisionId,
    reason: /records this row but it is gone: it was deleted outside/,
  }));

test('inserting a forged verifier decision is detected', () =>
  assertDetected(
    (db) =>
      db
        .prepare(
          `INSERT INTO decisions (id, pair_id, analysis_id, examiner, role, conclusion, rationale, created_at, verifies_id)
           VALUES (99, ?, ?, 'Z. Forger', 'verifier', 'strong_support_same', 'Agree.', '2030-01-01T00:00:00.000Z', ?)`,
        )
        .run(ids.pairId, ids.analysisId, ids.examinerDecisionId),
    { table: 'decisions', id: 99, reason: /no audit event records this row: it was inserted outside/ },
  ));

test("a decision edited and re-signed with another key than its account's is detected by the signature", () =>
  assertDetected(
    (db) => {
      const { privateKey } = generateKeyPairSync('ed25519');
      db.prepare("UPDATE decisions SET conclusion = 'inconclusive' WHERE id = ?").run(ids.verifierDecisionId);
      const content = readSignedRow(db, 'decisions', ids.verifierDecisionId).content;
      const forged = sign(null, Buffer.from(`xssab-signed-record\n${content}`), privateKey).toString(
        'base64',
      );
      db.prepare('UPDATE decisions SET signature = ? WHERE id = ?').run(forged, ids.verifierDecisionId);
    },
    {
      table: 'decisions',
      id: ids.verifierDecisionId,
      reason: /the signature of account \d+ \(B\. Verifier\) does not verify/,
    },
  ));

test("swapping an account's public key for the forger's is detected", () =>
  assertDetected(
    (db) => {
      const { publicKey } = generateKeyPairSync('ed25519');
      db.prepare("UPDATE accounts SET public_key = ? WHERE name = 'B. Verifier'").run(
        publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      );
    },
    { table: 'accounts', id: 2, reason: changedRow },
  ));

test('editing a row and the hash its event records (without recomputing the chain) is detected', () =>
  assertDetected(
    (db) => {
      editConclusion(db);
      rebindRowInEvents(db, { table: 'decisions', id: ids.examinerDecisionId });
    },
    { table: 'audit_events', id: examinerDecisionEvent, reason: /modified after it was recorded/ },
  ));

test('editing a row, its event, and recomputing the whole chain is detected by the signed checkpoint', () =>
  assertDetected(
    (db) => {
      editConclusion(db);
      rebindRowInEvents(db, { table: 'decisions', id: ids.examinerDecisionId });
      recomputeChain(db);
    },
    {
      table: 'audit_events',
      id: lastSeq,
      reason: /differs from the one the signed checkpoint covers: the chain was rewritten/,
    },
  ));

test('deleting the last audit events is detected by the signed checkpoint', () =>
  assertDetected((db) => db.prepare('DELETE FROM audit_events WHERE seq > ?').run(lastSeq - 2), {
    table: 'audit_events',
    id: null,
    reason: /the chain holds \d+ events but the signed checkpoint covers \d+: events .* were deleted/,
  }));

test('deleting every audit event does not verify as ok', () =>
  assertDetected((db) => db.prepare('DELETE FROM audit_events').run(), {
    table: 'audit_events',
    id: null,
    reason: /the chain holds 0 events but the signed checkpoint covers/,
  }));

test('deleting every audit event and the checkpoint file is detected', () =>
  assertDetected(
    (db) => db.prepare('DELETE FROM audit_events').run(),
    { table: 'cases', id: ids.caseId, reason: /no audit event records this row/ },
    (folder) => rmSync(join(folder, 'checkpoints'), { recursive: true }),
  ));

test('deleting the checkpoint file is detected', () =>
  assertDetected(
    () => {},
    { table: 'audit_events', id: null, reason: /the signed checkpoint of the chain is missing/ },
    (folder) => rmSync(join(folder, 'checkpoints', 'head.json')),
  ));

test('editing the checkpoint file to match a shortened chain is detected by its signature', () =>
  assertDetected(
    (db) => db.prepare('DELETE FROM audit_events WHERE seq = ?').run(lastSeq),
    { table: 'audit_events', id: null, reason: /the checkpoint signature does not verify/ },
    (folder) => {
      const path = join(folder, 'checkpoints', 'head.json');
      const checkpoint = JSON.parse(readFileSync(path, 'utf8')) as { length: number };
      writeFileSync(path, JSON.stringify({ ...checkpoint, length: checkpoint.length - 1 }));
    },
  ));

test('a checkpoint signed by another key (the key file replaced) is detected', () =>
  assertDetected(
    () => {},
    { table: 'audit_events', id: null, reason: /signed by key .*, not by this workstation's key/ },
    (folder) => rmSync(join(folder, 'keys'), { recursive: true }),
  ));

test('a change made through the workstation after tampering does not re-sign the tampered chain', async () => {
  const tampering: [string, (db: Database) => void, ((folder: string) => void) | undefined][] = [
    [
      'events deleted from the end',
      (db) => db.prepare('DELETE FROM audit_events WHERE seq > ?').run(lastSeq - 2),
      undefined,
    ],
    [
      'the chain rewritten',
      (db) => {
        db.prepare("UPDATE cases SET title = 'Shoplifting' WHERE id = ?").run(ids.caseId);
        rebindRowInEvents(db, { table: 'cases', id: ids.caseId });
        recomputeChain(db);
      },
      undefined,
    ],
    ['the checkpoint deleted', () => {}, (folder) => rmSync(join(folder, 'checkpoints', 'head.json'))],
    ['the key replaced', () => {}, (folder) => rmSync(join(folder, 'keys'), { recursive: true })],
  ];
  for (const [what, edit, files] of tampering) {
    await withTamperedStore(
      edit,
      async (store) => {
        await store.call('cases.update', { id: ids.otherCaseId, notes: `a change after ${what}` });
        await store.call('cases.update', { id: ids.otherCaseId, notes: `another change after ${what}` });
        const verification = await store.call('audit.verify', {});
        assert.equal(verification.ok, false, `${what} went undetected after later changes`);
        assert.ok(
          verification.problems.some((p) => p.table === 'audit_events'),
          what,
        );
      },
      files,
    );
  }
});

test('an edit in one case fails that case and leaves the verification of another case ok', () =>
  withTamperedStore(editConclusion, async (store) => {
    assert.equal((await store.call('audit.verify', { caseId: ids.caseId })).ok, false);
    const other = await store.call('audit.verify', { caseId: ids.otherCaseId });
    assert.equal(other.ok, true, JSON.stringify(other.problems));
    const whole = await store.call('audit.verify', {});
    assert.equal(whole.ok, false);
    assert.deepEqual(
      whole.problems.map((p) => [p.table, p.id, p.caseId]),
      [
        ['decisions', ids.examinerDecisionId, ids.caseId],
        ['decisions', ids.examinerDecisionId, ids.caseId],
      ],
    );
    assert.match(whole.problems[0].reason, changedRow);
    assert.match(whole.problems[1].reason, /signature of account \d+ \(A\. Examiner\) does not verify/);
  }));

test("an analysis's LR belongs to its case; a calibration's figures to every case", () =>
  withTamperedStore(
    (db) => {
      updateAppendOnly(
        db,
        'analysis_likelihood_ratios',
        "UPDATE analysis_likelihood_ratios SET verbal = 'extremely strong support' WHERE analysis_id = ?",
        ids.analysisId,
      );
      updateAppendOnly(
        db,
        'lr_calibrations',
        'UPDATE lr_calibrations SET folds = 2 WHERE id = ?',
        ids.calibrationId,
      );
    },
    async (store) => {
      const where = (verification: {
        problems: { table: string; id: number | null; caseId: number | null }[];
      }) => verification.problems.map((p) => [p.table, p.id, p.caseId]);
      assert.deepEqual(where(await store.call('audit.verify', { caseId: ids.caseId })), [
        ['analysis_likelihood_ratios', ids.analysisId, ids.caseId],
        ['lr_calibrations', ids.calibrationId, null],
      ]);
      assert.deepEqual(where(await store.call('audit.verify', { caseId: ids.otherCaseId })), [
        ['lr_calibrations', ids.calibrationId, null],
      ]);
    },
  ));
