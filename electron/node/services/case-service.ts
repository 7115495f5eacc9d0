import type { Database } from 'better-sqlite3';
import type { ApiValidParams, Case, CaseDetail, CaseSummary } from '../../common/api.js';
import type { AuditService } from './audit-service.js';
import { ConflictError, NotFoundError } from './errors.js';
import {
  toAnalysis,
  toAnalysisArtifact,
  toCase,
  toDecision,
  toEvidenceItem,
  toPair,
  toReport,
  type AnalysisArtifactRow,
  type AnalysisRow,
  type CaseRow,
  type DecisionRow,
  type EvidenceRow,
  type PairRow,
  type ReportRow,
} from './rows.js';

export type CaseListQuery = ApiValidParams<'cases.list'>;
export type NewCase = Omit<ApiValidParams<'cases.create'>, 'actor'>;
export type CasePatch = Omit<ApiValidParams<'cases.update'>, 'id' | 'actor'>;

const SORT_COLUMNS: Record<NonNullable<CaseListQuery['sortBy']>, string> = {
  caseNumber: 'case_number',
  title: 'title',
  requestingAgency: 'requesting_agency',
  examiner: 'examiner',
  status: 'status',
  updatedAt: 'updated_at',
  createdAt: 'created_at',
};

const PATCH_COLUMNS: Record<keyof CasePatch, string> = {
  caseNumber: 'case_number',
  title: 'title',
  requestingAgency: 'requesting_agency',
  examiner: 'examiner',
  status: 'status',
  notes: 'notes',
};

export class CaseService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  list(query: CaseListQuery = {}): CaseSummary[] {
    const column = SORT_COLUMNS[query.sortBy ?? 'updatedAt'];
    const direction = (query.direction ?? (query.sortBy ? 'asc' : 'desc')) === 'asc' ? 'ASC' : 'DESC';
    const search = query.search ? `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const rows = this.db
      .prepare(
        `SELECT c.*, (SELECT count(*) FROM evidence_items e WHERE e.case_id = c.id) AS evidence_count
         FROM cases c
         WHERE @search IS NULL
            OR c.case_number LIKE @search ESCAPE '\\' OR c.title LIKE @search ESCAPE '\\'
            OR c.requesting_agency LIKE @search ESCAPE '\\' OR c.examiner LIKE @search ESCAPE '\\'
            OR c.notes LIKE @search ESCAPE '\\'
         ORDER BY c.${column} COLLATE NOCASE ${direction}, c.id ${direction}`,
      )
      .all({ search }) as (CaseRow & { evidence_count: number })[];
    return rows.map((row) => ({ ...toCase(row), evidenceCount: row.evidence_count }));
  }

  get(id: number): Case {
    const row = this.db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as CaseRow | undefined;
    if (!row) throw new NotFoundError(`case ${id} does not exist`);
    return toCase(row);
  }

  findByNumber(caseNumber: string): Case | null {
    const row = this.db.prepare('SELECT * FROM cases WHERE case_number = ?').get(caseNumber.trim()) as
      CaseRow | undefined;
    return row ? toCase(row) : null;
  }

  /** The case with everything the store holds for it. */
  getDetail(id: number): CaseDetail {
    const found = this.get(id);
    const evidence = (
      this.db.prepare('SELECT * FROM evidence_items WHERE case_id = ? ORDER BY id').all(id) as EvidenceRow[]
    ).map(toEvidenceItem);
    const pairs = (
      this.db.prepare('SELECT * FROM pairs WHERE case_id = ? ORDER BY id').all(id) as PairRow[]
    ).map(toPair);
    const artifactRows = this.db
      .prepare(
        `SELECT x.* FROM analysis_artifacts x JOIN analyses a ON a.id = x.analysis_id
         JOIN pairs p ON p.id = a.pair_id WHERE p.case_id = ? ORDER BY x.id`,
      )
      .all(id) as AnalysisArtifactRow[];
    const analyses = (
      this.db
        .prepare(
          'SELECT a.* FROM analyses a JOIN pairs p ON p.id = a.pair_id WHERE p.case_id = ? ORDER BY a.id',
        )
        .all(id) as AnalysisRow[]
    ).map((row) =>
      toAnalysis(
        row,
        artifactRows.filter((artifact) => artifact.analysis_id === row.id).map(toAnalysisArtifact),
      ),
    );
    const decisions = (
      this.db
        .prepare(
          'SELECT d.* FROM decisions d JOIN pairs p ON p.id = d.pair_id WHERE p.case_id = ? ORDER BY d.id',
        )
        .all(id) as DecisionRow[]
    ).map(toDecision);
    const reports = (
      this.db.prepare('SELECT * FROM reports WHERE case_id = ? ORDER BY id').all(id) as ReportRow[]
    ).map(toReport);
    return { ...found, evidence, pairs, analyses, decisions, reports, audit: this.audit.listForCase(id) };
  }

  create(input: NewCase, actor: string): Case {
    return this.db
      .transaction(() => {
        this.assertNumberFree(input.caseNumber);
        const now = new Date().toISOString();
        const { lastInsertRowid } = this.db
          .prepare(
            `INSERT INTO cases (case_number, title, requesting_agency, examiner, status, notes, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.caseNumber,
            input.title,
            input.requestingAgency ?? '',
            input.examiner ?? '',
            input.status ?? 'open',
            input.notes ?? '',
            now,
            now,
          );
        const created = this.get(Number(lastInsertRowid));
        const { id, caseNumber, title, requestingAgency, examiner, status, notes } = created;
        this.audit.append({
          actor,
          action: 'case.create',
          entityType: 'case',
          entityId: id,
          caseId: id,
          details: { caseNumber, title, requestingAgency, examiner, status, notes },
        });
        return created;
      })
      .immediate();
  }

  update(id: number, patch: CasePatch, actor: string): Case {
    return this.db
      .transaction(() => {
        const before = this.get(id);
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const key of Object.keys(PATCH_COLUMNS) as (keyof CasePatch)[]) {
          const value = patch[key];
          if (value !== undefined && value !== before[key]) changes[key] = { from: before[key], to: value };
        }
        if (Object.keys(changes).length === 0) return before;
        if (changes.caseNumber) this.assertNumberFree(patch.caseNumber!);
        const assignments = Object.keys(changes).map(
          (key) => `${PATCH_COLUMNS[key as keyof CasePatch]} = @${key}`,
        );
        const values = Object.fromEntries(Object.entries(changes).map(([key, change]) => [key, change.to]));
        this.db
          .prepare(`UPDATE cases SET ${assignments.join(', ')}, updated_at = @updatedAt WHERE id = @id`)
          .run({ ...values, updatedAt: new Date().toISOString(), id });
        this.audit.append({
          actor,
          action: 'case.update',
          entityType: 'case',
          entityId: id,
          caseId: id,
          details: { changes },
        });
        return this.get(id);
      })
      .immediate();
  }

  private assertNumberFree(caseNumber: string): void {
    const holder = this.findByNumber(caseNumber);
    if (holder)
      throw new ConflictError(
        `case number ${caseNumber} is already used by case ${holder.id} (${holder.title})`,
      );
  }
}
