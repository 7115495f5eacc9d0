/** SQL of the evidence_items table. */
import type { Database } from 'better-sqlite3';
import type { EvidenceItem, EvidenceRole } from '../../common/api.js';
import { toEvidenceItem, type EvidenceRow } from './rows.js';

export function findEvidence(db: Database, id: number): EvidenceItem | null {
  const row = db.prepare('SELECT * FROM evidence_items WHERE id = ?').get(id) as EvidenceRow | undefined;
  return row ? toEvidenceItem(row) : null;
}

export function listEvidenceOfCase(db: Database, caseId: number): EvidenceItem[] {
  const rows = db
    .prepare('SELECT * FROM evidence_items WHERE case_id = ? ORDER BY id')
    .all(caseId) as EvidenceRow[];
  return rows.map(toEvidenceItem);
}

export function findEvidenceInCase(db: Database, caseId: number, sha256: string): EvidenceItem | null {
  const row = db
    .prepare('SELECT * FROM evidence_items WHERE case_id = ? AND sha256 = ?')
    .get(caseId, sha256) as EvidenceRow | undefined;
  return row ? toEvidenceItem(row) : null;
}

export function insertEvidence(db: Database, item: Omit<EvidenceItem, 'id' | 'role'>): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO evidence_items
         (case_id, original_name, stored_path, sha256, byte_size, media_type, width, height, imported_at, imported_by)
       VALUES (@caseId, @originalName, @storedPath, @sha256, @byteSize, @mediaType, @width, @height, @importedAt, @importedBy)`,
    )
    .run(item);
  return Number(lastInsertRowid);
}

export function setEvidenceRole(db: Database, id: number, role: EvidenceRole | null): void {
  db.prepare('UPDATE evidence_items SET role = ? WHERE id = ?').run(role, id);
}
