/** SQL of the pairs table. */
import type { Database } from 'better-sqlite3';
import type { FaceChoice, Pair } from '../../common/api.js';
import { toPair, type PairRow } from './rows.js';

export function findPair(db: Database, id: number): Pair | null {
  const row = db.prepare('SELECT * FROM pairs WHERE id = ?').get(id) as PairRow | undefined;
  return row ? toPair(row) : null;
}

export function listPairsOfCase(db: Database, caseId: number): Pair[] {
  return (db.prepare('SELECT * FROM pairs WHERE case_id = ? ORDER BY id').all(caseId) as PairRow[]).map(
    toPair,
  );
}

/** The pair of these two evidence items in either order, or undefined. */
export function findPairOf(
  db: Database,
  caseId: number,
  evidenceId1: number,
  evidenceId2: number,
): number | undefined {
  return db
    .prepare(
      `SELECT id FROM pairs WHERE case_id = ?
         AND ((evidence_a_id = ? AND evidence_b_id = ?) OR (evidence_a_id = ? AND evidence_b_id = ?))`,
    )
    .pluck()
    .get(caseId, evidenceId1, evidenceId2, evidenceId2, evidenceId1) as number | undefined;
}

export function insertPair(db: Database, pair: Omit<Pair, 'id' | 'faceA' | 'faceB'>): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO pairs (case_id, evidence_a_id, evidence_b_id, created_at)
       VALUES (@caseId, @evidenceAId, @evidenceBId, @createdAt)`,
    )
    .run(pair);
  return Number(lastInsertRowid);
}

/** Which face of one side the pair compares; null for the largest detected face. */
export function setPairFace(db: Database, id: number, side: 'a' | 'b', choice: FaceChoice | null): void {
  const column = side === 'a' ? 'face_a_json' : 'face_b_json';
  db.prepare(`UPDATE pairs SET ${column} = ? WHERE id = ?`).run(
    choice === null ? null : JSON.stringify(choice),
    id,
  );
}
