/**
 * A real store with a case history (two cases, evidence, a pair, an xSSAB analysis with its
 * likelihood ratio, examiner and verifier decisions, a report) and the lab's calibration records
 * (a small labelled set scored by the default model, a calibration fitted on it and an evaluation),
 * copied afresh for each tamper test, and the raw edits an attacker with file access would make:
 * SQL through a plain connection with the append-only triggers dropped, and the audit chain
 * recomputed.
 */
import assert from 'node:assert/strict';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiErrorBody, ApiMethod, ApiParams, ApiResult } from '../../electron/common/api.js';
import { createApiHandler, type ApiHandler } from '../../electron/node/api/handler.js';
import { canonicalJson, GENESIS_HASH, hashAuditEvent } from '../../electron/node/store/audit-chain.js';
import { listAllAuditEvents } from '../../electron/node/store/audit-events.js';
import { bindRow, type RowRef } from '../../electron/node/store/row-binding.js';
import { databasePath } from '../../electron/node/store/data-folder.js';
import { openWorkspace, type Workspace } from '../../electron/node/services/workspace.js';
import { FACES, fixturePhotoBase64, TEST_PASSPHRASE } from '../api/handler-harness.js';

export interface StoreIds {
  caseId: number;
  otherCaseId: number;
  evidenceIds: number[];
  pairId: number;
  analysisId: number;
  examinerDecisionId: number;
  verifierDecisionId: number;
  calibrationSetId: number;
  calibrationId: number;
  evaluationId: number;
}

/** Three same-source and three different-source pairs of people not in the case's photos. */
const CALIBRATION_PAIRS = `a,b,same
alex_lacamoire_1.jpg,alex_lacamoire_2.jpg,1
alex_lacamoire_1.jpg,alex_lacamoire_3.png,1
alex_lacamoire_2.jpg,alex_lacamoire_3.png,1
alex_lacamoire_1.jpg,lin_manuel_miranda_1.png,0
alex_lacamoire_2.jpg,obama_3.jpg,0
alex_lacamoire_3.png,obama_4.jpg,0
`;

export interface OpenStore {
  workspace: Workspace;
  /** Signs in as the account (created by the test store with TEST_PASSPHRASE). */
  signIn(name: string): Promise<void>;
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
  failure<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiErrorBody>;
  close(): void;
}

export function openStore(dataDir: string): OpenStore {
  const workspace = openWorkspace({ dataDir, actor: 'tamper-tester' });
  const handler: ApiHandler = createApiHandler(workspace, { transport: 'cli', checkResults: true });
  return {
    workspace,
    async call(method, params) {
      const outcome = await handler.handle(method, params);
      if (!outcome.ok) assert.fail(`${method} failed: ${outcome.error.code} ${outcome.error.message}`);
      return outcome.result as never;
    },
    async failure(method, params) {
      const outcome = await handler.handle(method, params);
      assert.equal(outcome.ok, false, `${method} should have failed`);
      return (outcome as { ok: false; error: ApiErrorBody }).error;
    },
    async signIn(name) {
      const outcome = await handler.handle('accounts.signIn', { name, passphrase: TEST_PASSPHRASE });
      assert.ok(outcome.ok, JSON.stringify(outcome));
    },
    close: () => workspace.close(),
  };
}

export const EXAMINER = 'A. Examiner';
export const VERIFIER = 'B. Verifier';

/** Builds the template store once; returns its folder and the ids in it. */
export async function buildTemplateStore(): Promise<{ folder: string; ids: StoreIds }> {
  const folder = mkdtempSync(join(tmpdir(), 'xssab-tamper-template-'));
  const store = openStore(folder);
  try {
    const { call } = store;
    for (const name of [EXAMINER, VERIFIER]) {
      await call('accounts.create', {
        name,
        initials: name[0],
        role: 'examiner',
        passphrase: TEST_PASSPHRASE,
      });
      await store.signIn(name);
    }
    await store.signIn(EXAMINER);
    const created = await call('cases.create', {
      caseNumber: 'TAMPER-1',
      title: 'Bank robbery',
      examiner: 'A. Examiner',
    });
    const other = await call('cases.create', { caseNumber: 'TAMPER-2', title: 'Unrelated case' });
    // A calibration of the default model, so that the analysis gets its LR when it is made.
    const pairsCsv = join(folder, 'calibration-pairs.csv');
    writeFileSync(pairsCsv, CALIBRATION_PAIRS);
    const { calibrations } = store.workspace;
    const { set } = await calibrations.importSet(
      { modelId: 'dlib-resnet34', pairsCsv, root: FACES, name: 'tamper lab set' },
      EXAMINER,
    );
    const calibration = calibrations.calibrate(set.id, { method: 'logistic' }, EXAMINER);
    const evaluation = calibrations.evaluate(calibration.id, set.id, EXAMINER);
    const evidenceIds: number[] = [];
    for (const name of ['obama_1.jpg', 'obama_2.jpg']) {
      const item = await call('evidence.import', {
        caseId: created.id,
        fileName: name,
        dataBase64: await fixturePhotoBase64(name),
      });
      evidenceIds.push(item.id);
    }
    const pair = await call('pairs.create', {
      caseId: created.id,
      evidenceAId: evidenceIds[0],
      evidenceBId: evidenceIds[1],
    });
    const { analysisId } = await call('analyses.run', { pairId: pair.id });
    const { likelihoodRatio } = await call('likelihoodRatios.get', { analysisId });
    assert.equal(likelihoodRatio?.calibration.id, calibration.id, 'the analysis got no LR');
    const decision = {
      pairId: pair.id,
      analysisId,
      conclusion: 'moderate_support_same',
      rationale: 'Ears and nose agree.',
    } as const;
    const examinerDecision = await call('decisions.record', { ...decision, role: 'examiner' });
    await store.signIn(VERIFIER);
    const verifierDecision = await call('decisions.record', { ...decision, role: 'verifier' });
    await store.signIn(EXAMINER);
    await call('reports.export', { caseId: created.id });
    return {
      folder,
      ids: {
        caseId: created.id,
        otherCaseId: other.id,
        evidenceIds,
        pairId: pair.id,
        analysisId,
        examinerDecisionId: examinerDecision.id,
        verifierDecisionId: verifierDecision.id,
        calibrationSetId: set.id,
        calibrationId: calibration.id,
        evaluationId: evaluation.id,
      },
    };
  } finally {
    store.close();
  }
}

/** A copy of the template folder, edited by `edit` through a raw connection; removed by dispose(). */
export function tamperedCopy(
  template: string,
  edit: (db: Database) => void,
): { folder: string; dispose(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'xssab-tampered-'));
  cpSync(template, folder, { recursive: true });
  const raw = new BetterSqlite3(databasePath(folder));
  try {
    raw.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete');
    edit(raw);
  } finally {
    raw.close();
  }
  return { folder, dispose: () => rmSync(folder, { recursive: true, force: true }) };
}

/**
 * Recomputes every event's hash from the first one on, as an attacker who edited events would,
 * so that the chain in the database is self-consistent again.
 */
export function recomputeChain(db: Database): void {
  const events = listAllAuditEvents(db);
  let prevHash = GENESIS_HASH;
  const update = db.prepare('UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?');
  // Hashes are UNIQUE: park every event on a placeholder first.
  db.prepare("UPDATE audit_events SET hash = printf('%064x', seq)").run();
  for (const event of events) {
    const hash = hashAuditEvent(prevHash, event);
    update.run(prevHash, hash, event.seq);
    prevHash = hash;
  }
}

/** Rewrites the hash a row's events record for it to the row's hash now, as someone hiding an edit would. */
export function rebindRowInEvents(db: Database, { table, id }: RowRef): void {
  const { sha256 } = bindRow(db, { table, id });
  const events = db.prepare('SELECT seq, details_json FROM audit_events').all() as {
    seq: number;
    details_json: string;
  }[];
  for (const event of events) {
    const details = JSON.parse(event.details_json) as {
      rows?: { table: string; id: number; sha256: string }[];
    };
    if (!details.rows?.some((row) => row.table === table && row.id === id)) continue;
    for (const row of details.rows) if (row.table === table && row.id === id) row.sha256 = sha256;
    db.prepare('UPDATE audit_events SET details_json = ? WHERE seq = ?').run(
      canonicalJson(details),
      event.seq,
    );
  }
}
