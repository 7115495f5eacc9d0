/**
 * Decisions on a pair, each recorded and signed by the signed-in account: the examiner's
 * conclusion, its blind verification by a different account, a consultation when they disagree,
 * and amendments as new decisions that supersede the old (a decision is never edited).
 */
import type { Database } from 'better-sqlite3';
import type { ApiValidParams, Decision } from '../../common/api.js';
import {
  findDecision,
  insertDecision,
  listDecisionsOfPair,
  setDecisionSignature,
} from '../store/decisions.js';
import { readSignedRow } from '../store/row-binding.js';
import type { StoredDecision } from '../store/rows.js';
import { signRecord, type Signer } from './account-service.js';
import type { AuditService } from './audit-service.js';
import type { CaseService } from './case-service.js';
import type { ComparisonService } from './comparison-service.js';
import { currentExaminerDecision, decisionStates } from './decision-states.js';
import { ConflictError, InvalidInputError } from './errors.js';

export type NewDecision = ApiValidParams<'decisions.record'>;

export class DecisionService {
  constructor(
    private readonly db: Database,
    private readonly cases: CaseService,
    private readonly comparisons: ComparisonService,
    private readonly audit: AuditService,
  ) {}

  record(input: NewDecision, signer: Signer): Decision {
    const pair = this.comparisons.pair(input.pairId);
    const { account } = signer;
    if (input.examiner !== undefined && input.examiner !== account.name) {
      throw new InvalidInputError(
        `decisions are recorded by the signed-in account (${account.name}), not by a typed name (${input.examiner}); ` +
          'sign in as the examiner who decides',
        'examiner',
      );
    }
    return this.audit.transaction(() => {
      this.cases.assertUnlocked(pair.caseId);
      if (input.analysisId !== undefined && this.comparisons.analysis(input.analysisId).pairId !== pair.id) {
        throw new InvalidInputError(
          `analysis ${input.analysisId} is not an analysis of pair ${pair.id}`,
          'analysisId',
        );
      }
      if (input.supersedes !== undefined && input.role !== 'examiner') {
        throw new InvalidInputError('only an examiner decision amends (supersedes) another', 'supersedes');
      }
      const decisions = listDecisionsOfPair(this.db, pair.id);
      const current = currentExaminerDecision(decisions);
      let verifiesId: number | null = null;
      if (input.role === 'examiner')
        this.checkExamination(pair.id, decisions, current, input.supersedes, signer);
      else verifiesId = this.checkReview(pair.id, decisions, current, input.role, signer);
      const id = insertDecision(this.db, {
        pairId: pair.id,
        analysisId: input.analysisId ?? null,
        examiner: account.name,
        role: input.role,
        conclusion: input.conclusion,
        rationale: input.rationale,
        createdAt: new Date().toISOString(),
        accountId: account.id,
        supersedesId: input.supersedes ?? null,
        verifiesId,
      });
      setDecisionSignature(this.db, id, signRecord(signer, readSignedRow(this.db, 'decisions', id).content));
      const stored = findDecision(this.db, id)!;
      this.audit.append({
        actor: account.name,
        action: 'decision.record',
        entityType: 'decision',
        entityId: id,
        caseId: pair.caseId,
        details: {
          pairId: pair.id,
          analysisId: stored.analysisId,
          role: stored.role,
          conclusion: stored.conclusion,
          rationale: stored.rationale,
          accountId: account.id,
          ...(stored.supersedesId !== null && { supersedes: stored.supersedesId }),
          ...(stored.verifiesId !== null && { verifies: stored.verifiesId }),
        },
        rows: [{ table: 'decisions', id }],
      });
      const states = decisionStates(listDecisionsOfPair(this.db, pair.id), { accountId: account.id });
      return states.find((decision) => decision.id === id)!;
    });
  }

  /** An examiner decision: the pair's first, or an amendment of the signer's own current one. */
  private checkExamination(
    pairId: number,
    decisions: StoredDecision[],
    current: StoredDecision | undefined,
    supersedes: number | undefined,
    signer: Signer,
  ): void {
    if (supersedes === undefined) {
      if (current) {
        throw new ConflictError(
          `pair ${pairId} has examiner decision ${current.id} (${current.examiner}) already; ` +
            'amend it with a new decision that supersedes it',
        );
      }
      return;
    }
    const target = decisions.find((d) => d.id === supersedes);
    if (!target || target.role !== 'examiner') {
      throw new InvalidInputError(
        `decision ${supersedes} is not an examiner decision on pair ${pairId}`,
        'supersedes',
      );
    }
    if (target !== current) {
      throw new ConflictError(
        `decision ${supersedes} is superseded already; amend the current one (${current?.id})`,
      );
    }
    if (target.accountId !== signer.account.id) {
      throw new InvalidInputError(
        `decision ${supersedes} is ${target.examiner}'s; only the examiner who recorded it amends it`,
        'supersedes',
      );
    }
  }

  /** A verification or consultation of the current examiner decision; returns its id. */
  private checkReview(
    pairId: number,
    decisions: StoredDecision[],
    current: StoredDecision | undefined,
    role: 'verifier' | 'consultation',
    signer: Signer,
  ): number {
    if (!current) {
      throw new ConflictError(
        `pair ${pairId} has no examiner decision yet; the examiner records one before it can be verified`,
      );
    }
    const verification = decisions.find((d) => d.role === 'verifier' && d.verifiesId === current.id);
    if (role === 'verifier') {
      if (current.accountId === signer.account.id) {
        throw new InvalidInputError(
          `${signer.account.name} recorded the examiner decision on pair ${pairId}; a different person must verify it`,
          'examiner',
        );
      }
      if (verification) {
        throw new ConflictError(
          `examiner decision ${current.id} is verified already (decision ${verification.id}, ${verification.examiner}); ` +
            'one verification per examiner decision unless it is superseded',
        );
      }
      return current.id;
    }
    if (!verification || verification.conclusion === current.conclusion) {
      throw new ConflictError(
        `examiner decision ${current.id} has no disagreeing verification; a consultation resolves a disagreement`,
      );
    }
    if (decisions.some((d) => d.role === 'consultation' && d.verifiesId === current.id)) {
      throw new ConflictError(`the disagreement on examiner decision ${current.id} is resolved already`);
    }
    if (signer.account.id !== current.accountId && signer.account.id !== verification.accountId) {
      throw new InvalidInputError(
        `a consultation is recorded by the examiner (${current.examiner}) or the verifier (${verification.examiner})`,
        'examiner',
      );
    }
    return current.id;
  }
}
