import type { Database } from 'better-sqlite3';
import type { ApiValidParams, Case, CaseDetail, CaseSummary } from '../../common/api.js';
import { listAnalysesOfCase } from '../store/analyses.js';
import { listAuditEventsOfCase } from '../store/audit-events.js';
import {
  findCase,
  findCaseByNumber,
  insertCase,
  listCases,
  updateCase,
  type CaseColumns,
  type CaseSortColumn,
} from '../store/cases.js';
import { listDecisionsOfCase } from '../store/decisions.js';
import { listEvidenceOfCase } from '../store/evidence.js';
import { listPairsOfCase } from '../store/pairs.js';
import { listReportsOfCase } from '../store/reports.js';
import type { AuditService } from './audit-service.js';
import { ConflictError, NotFoundError } from './errors.js';

export type CaseListQuery = ApiValidParams<'cases.list'>;
export type NewCase = Omit<ApiValidParams<'cases.create'>, 'actor'>;
export type CasePatch = Omit<ApiValidParams<'cases.update'>, 'id' | 'actor'>;

const SORT_COLUMNS: Record<NonNullable<CaseListQuery['sortBy']>, CaseSortColumn> = {
  caseNumber: 'case_number',
  title: 'title',
  requestingAgency: 'requesting_agency',
  examiner: 'examiner',
  status: 'status',
  updatedAt: 'updated_at',
  createdAt: 'created_at',
};

const PATCH_KEYS: (keyof CasePatch & keyof CaseColumns)[] = [
  'caseNumber',
  'title',
  'requestingAgency',
  'examiner',
  'status',
  'notes',
];

export class CaseService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  list(query: CaseListQuery = {}): CaseSummary[] {
    const direction = (query.direction ?? (query.sortBy ? 'asc' : 'desc')) === 'asc' ? 'ASC' : 'DESC';
    return listCases(this.db, {
      search: query.search || null,
      sortColumn: SORT_COLUMNS[query.sortBy ?? 'updatedAt'],
      direction,
    });
  }

  get(id: number): Case {
    const found = findCase(this.db, id);
    if (!found) throw new NotFoundError(`case ${id} does not exist`);
    return found;
  }

  findByNumber(caseNumber: string): Case | null {
    return findCaseByNumber(this.db, caseNumber.trim());
  }

  /** The case with everything the store holds for it. */
  getDetail(id: number): CaseDetail {
    const found = this.get(id);
    return {
      ...found,
      evidence: listEvidenceOfCase(this.db, id),
      pairs: listPairsOfCase(this.db, id),
      analyses: listAnalysesOfCase(this.db, id),
      decisions: listDecisionsOfCase(this.db, id),
      reports: listReportsOfCase(this.db, id),
      audit: listAuditEventsOfCase(this.db, id),
    };
  }

  create(input: NewCase, actor: string): Case {
    return this.audit.transaction(() => {
      this.assertNumberFree(input.caseNumber);
      const now = new Date().toISOString();
      const created = this.get(
        insertCase(this.db, {
          caseNumber: input.caseNumber,
          title: input.title,
          requestingAgency: input.requestingAgency ?? '',
          examiner: input.examiner ?? '',
          status: input.status ?? 'open',
          notes: input.notes ?? '',
          createdAt: now,
        }),
      );
      const { id, caseNumber, title, requestingAgency, examiner, status, notes } = created;
      this.audit.append({
        actor,
        action: 'case.create',
        entityType: 'case',
        entityId: id,
        caseId: id,
        details: { caseNumber, title, requestingAgency, examiner, status, notes },
        rows: [{ table: 'cases', id }],
      });
      return created;
    });
  }

  update(id: number, patch: CasePatch, actor: string): Case {
    return this.audit.transaction(() => {
      const before = this.get(id);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const key of PATCH_KEYS) {
        const value = patch[key];
        if (value !== undefined && value !== before[key]) changes[key] = { from: before[key], to: value };
      }
      if (Object.keys(changes).length === 0) return before;
      if (changes.caseNumber) this.assertNumberFree(patch.caseNumber!);
      const values = Object.fromEntries(
        Object.entries(changes).map(([key, change]) => [key, change.to]),
      ) as Partial<CaseColumns>;
      updateCase(this.db, id, values, new Date().toISOString());
      this.audit.append({
        actor,
        action: 'case.update',
        entityType: 'case',
        entityId: id,
        caseId: id,
        details: { changes },
        rows: [{ table: 'cases', id }],
      });
      return this.get(id);
    });
  }

  private assertNumberFree(caseNumber: string): void {
    const holder = this.findByNumber(caseNumber);
    if (holder)
      throw new ConflictError(
        `case number ${caseNumber} is already used by case ${holder.id} (${holder.title})`,
      );
  }
}
