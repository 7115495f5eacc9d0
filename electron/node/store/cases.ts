/** SQL of the cases table. */
import type { Database } from 'better-sqlite3';
import type { Case, CaseSummary } from '../../common/api.js';
import { toCase, type CaseRow } from './rows.js';

export type CaseSortColumn =
  'case_number' | 'title' | 'requesting_agency' | 'examiner' | 'status' | 'updated_at' | 'created_at';

export interface CaseListFilter {
  /** Case-insensitive substring of number, title, agency, examiner or notes; null for all. */
  search: string | null;
  sortColumn: CaseSortColumn;
  direction: 'ASC' | 'DESC';
}

export function listCases(db: Database, filter: CaseListFilter): CaseSummary[] {
  const search = filter.search ? `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = db
    .prepare(
      `SELECT c.*, (SELECT count(*) FROM evidence_items e WHERE e.case_id = c.id) AS evidence_count
       FROM cases c
       WHERE @search IS NULL
          OR c.case_number LIKE @search ESCAPE '\\' OR c.title LIKE @search ESCAPE '\\'
          OR c.requesting_agency LIKE @search ESCAPE '\\' OR c.examiner LIKE @search ESCAPE '\\'
          OR c.notes LIKE @search ESCAPE '\\'
       ORDER BY c.${filter.sortColumn} COLLATE NOCASE ${filter.direction}, c.id ${filter.direction}`,
    )
    .all({ search }) as (CaseRow & { evidence_count: number })[];
  return rows.map((row) => ({ ...toCase(row), evidenceCount: row.evidence_count }));
}

export function findCase(db: Database, id: number): Case | null {
  const row = db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as CaseRow | undefined;
  return row ? toCase(row) : null;
}

export function findCaseByNumber(db: Database, caseNumber: string): Case | null {
  const row = db.prepare('SELECT * FROM cases WHERE case_number = ?').get(caseNumber) as CaseRow | undefined;
  return row ? toCase(row) : null;
}

export type NewCaseRow = Omit<Case, 'id' | 'updatedAt'>;

export function insertCase(db: Database, row: NewCaseRow): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO cases (case_number, title, requesting_agency, examiner, status, notes, created_at, updated_at)
       VALUES (@caseNumber, @title, @requestingAgency, @examiner, @status, @notes, @createdAt, @createdAt)`,
    )
    .run(row);
  return Number(lastInsertRowid);
}

export type CaseColumns = Pick<
  Case,
  'caseNumber' | 'title' | 'requestingAgency' | 'examiner' | 'status' | 'notes'
>;

const CASE_COLUMNS: Record<keyof CaseColumns, string> = {
  caseNumber: 'case_number',
  title: 'title',
  requestingAgency: 'requesting_agency',
  examiner: 'examiner',
  status: 'status',
  notes: 'notes',
};

export function updateCase(db: Database, id: number, values: Partial<CaseColumns>, updatedAt: string): void {
  const keys = Object.keys(values) as (keyof CaseColumns)[];
  const assignments = keys.map((key) => `${CASE_COLUMNS[key]} = @${key}`);
  db.prepare(`UPDATE cases SET ${[...assignments, 'updated_at = @updatedAt'].join(', ')} WHERE id = @id`).run(
    {
      ...values,
      updatedAt,
      id,
    },
  );
}
