/** SQL of the decisions table. */
import type { Database } from 'better-sqlite3';
import type { Decision } from '../../common/api.js';
import { toDecision, type DecisionRow } from './rows.js';

export function findDecision(db: Database, id: number): Decision | null {
  const row = db.prepare('SELECT * FROM decisions WHERE id = ?').get(id) as DecisionRow | undefined;
  return row ? toDecision(row) : null;
}

export function listDecisionsOfPair(db: Database, pairId: number): Decision[] {
  return (
    db.prepare('SELECT * FROM decisions WHERE pair_id = ? ORDER BY id').all(pairId) as DecisionRow[]
  ).map(toDecision);
}

export function listDecisionsOfCase(db: Database, caseId: number): Decision[] {
  const rows = db
    .prepare('SELECT d.* FROM decisions d JOIN pairs p ON p.id = d.pair_id WHERE p.case_id = ? ORDER BY d.id')
    .all(caseId) as DecisionRow[];
  return rows.map(toDecision);
}

export function insertDecision(db: Database, decision: Omit<Decision, 'id'>): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO decisions (pair_id, analysis_id, examiner, role, conclusion, rationale, created_at)
       VALUES (@pairId, @analysisId, @examiner, @role, @conclusion, @rationale, @createdAt)`,
    )
    .run(decision);
  return Number(lastInsertRowid);
}
