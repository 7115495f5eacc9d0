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
import { decisionStates, type DecisionViewer } from './decision-states.js';
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

  /**
   * The case with everything the store holds for it, as `viewer` may see it: examiner decisions
   * awaiting verification are sealed for everyone but their author, in the decisions and in the
   * audit trail.
   */
  getDetail(id: number, viewer: DecisionViewer): CaseDetail {
    const found = this.get(id);
    const decisions = decisionStates(listDecisionsOfCase(this.db, id), viewer);
    const sealedIds = new Set(decisions.filter((d) => d.sealed).map((d) => d.id));
    const audit = listAuditEventsOfCase(this.db, id).map((event) =>
      event.entityType === 'decision' && event.entityId !== null && sealedIds.has(event.entityId)
        ? { ...event, details: sealedDetails(event.details) }
        : event,
    );
    return {
      ...found,
      evidence: listEvidenceOfCase(this.db, id),
      pairs: listPairsOfCase(this.db, id),
      analyses: listAnalysesOfCase(this.db, id),
      decisions,
      reports: listReportsOfCase(this.db, id),
      audit,
    };
  }

  /** A closed case is locked: ConflictError until it is reopened with a reason. */
  assertUnlocked(id: number): void {
    const found = this.get(id);
    if (found.status === 'closed') {
      throw new ConflictError(
        `case ${found.caseNumber} is closed and locked; reopen it, giving the reason, before changing it`,
      );
    }
  }

  /** Reopens a closed case; the reason goes into the audit trail. */
  reopen(id: number, reason: string, actor: string): Case {
    return this.audit.transaction(() => {
      const before = this.get(id);
      if (before.status !== 'closed') {
        throw new ConflictError(`case ${before.caseNumber} is not closed (it is ${before.status})`);
      }
      updateCase(this.db, id, { status: 'open' }, new Date().toISOString());
      this.audit.append({
        actor,
        action: 'case.reopen',
        entityType: 'case',
        entityId: id,
        caseId: id,
        details: { reason, changes: { status: { from: 'closed', to: 'open' } } },
        rows: [{ table: 'cases', id }],
      });
      return this.get(id);
    });
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
      this.assertUnlocked(id);
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

/** The details of a sealed decision's event: what and where, not the conclusion or its reasons. */
function sealedDetails(details: Record<string, unknown>): Record<string, unknown> {
  const { conclusion: _conclusion, rationale: _rationale, ...rest } = details;
  return { ...rest, sealed: 'until the decision is verified' };
}
