/** SQL of the decisions table. */
import type { Database } from 'better-sqlite3';
import { toDecision, type DecisionRow, type StoredDecision } from './rows.js';

export function findDecision(db: Database, id: number): StoredDecision | null {
  const row = db.prepare('SELECT * FROM decisions WHERE id = ?').get(id) as DecisionRow | undefined;
  return row ? toDecision(row) : null;
}

export function listDecisionsOfPair(db: Database, pairId: number): StoredDecision[] {
  return (
    db.prepare('SELECT * FROM decisions WHERE pair_id = ? ORDER BY id').all(pairId) as DecisionRow[]
  ).map(toDecision);
}

export function listDecisionsOfCase(db: Database, caseId: number): StoredDecision[] {
  const rows = db
    .prepare('SELECT d.* FROM decisions d JOIN pairs p ON p.id = d.pair_id WHERE p.case_id = ? ORDER BY d.id')
    .all(caseId) as DecisionRow[];
  return rows.map(toDecision);
}

export function insertDecision(db: Database, decision: Omit<StoredDecision, 'id' | 'signature'>): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO decisions (pair_id, analysis_id, examiner, role, conclusion, rationale, created_at,
         account_id, supersedes_id, verifies_id)
       VALUES (@pairId, @analysisId, @examiner, @role, @conclusion, @rationale, @createdAt,
         @accountId, @supersedesId, @verifiesId)`,
    )
    .run(decision);
  return Number(lastInsertRowid);
}

export function setDecisionSignature(db: Database, id: number, signature: string): void {
  db.prepare('UPDATE decisions SET signature = ? WHERE id = ?').run(signature, id);
}
