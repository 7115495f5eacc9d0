/** SQL of the reports table. */
import type { Database } from 'better-sqlite3';
import type { Report } from '../../common/api.js';
import { toReport, type ReportRow } from './rows.js';

export function findReport(db: Database, id: number): Report | null {
  const row = db.prepare('SELECT * FROM reports WHERE id = ?').get(id) as ReportRow | undefined;
  return row ? toReport(row) : null;
}

export function listReportsOfCase(db: Database, caseId: number): Report[] {
  return (db.prepare('SELECT * FROM reports WHERE case_id = ? ORDER BY id').all(caseId) as ReportRow[]).map(
    toReport,
  );
}

export function insertReport(db: Database, report: Omit<Report, 'id' | 'signature'>): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO reports (case_id, stored_path, sha256, created_by, created_at, account_id)
       VALUES (@caseId, @storedPath, @sha256, @createdBy, @createdAt, @accountId)`,
    )
    .run(report);
  return Number(lastInsertRowid);
}

export function setReportSignature(db: Database, id: number, signature: string): void {
  db.prepare('UPDATE reports SET signature = ? WHERE id = ?').run(signature, id);
}
