/** What a pair's decisions say about each other: sealed, disagreeing, superseded. */
import type { Decision } from '../../common/api.js';
import type { StoredDecision } from '../store/rows.js';

/** Whose view: an account (null: nobody signed in), or 'unsealed' for the court report. */
export type DecisionViewer = { accountId: number | null } | 'unsealed';

/**
 * Derives each decision's state. Blind verification: an examiner decision without a verification
 * is sealed (no conclusion, no rationale) for everyone but the account that recorded it.
 */
export function decisionStates(decisions: StoredDecision[], viewer: DecisionViewer): Decision[] {
  const supersededIds = new Set(decisions.map((d) => d.supersedesId).filter((id) => id !== null));
  const concerning = (examinerId: number, role: 'verifier' | 'consultation') =>
    decisions.find((d) => d.role === role && d.verifiesId === examinerId);
  const byId = new Map(decisions.map((d) => [d.id, d]));
  return decisions.map((decision) => {
    const sealed =
      viewer !== 'unsealed' &&
      decision.role === 'examiner' &&
      concerning(decision.id, 'verifier') === undefined &&
      (viewer.accountId === null || decision.accountId !== viewer.accountId);
    const examined = decision.verifiesId === null ? undefined : byId.get(decision.verifiesId);
    const disagreement =
      decision.role === 'verifier' &&
      examined !== undefined &&
      examined.conclusion !== decision.conclusion &&
      concerning(examined.id, 'consultation') === undefined;
    return {
      ...decision,
      conclusion: sealed ? null : decision.conclusion,
      rationale: sealed ? '' : decision.rationale,
      sealed,
      disagreement,
      superseded: supersededIds.has(decision.id),
    };
  });
}

/** The pair's examiner decision in force: the one no amendment superseded. */
export function currentExaminerDecision(decisions: StoredDecision[]): StoredDecision | undefined {
  const supersededIds = new Set(decisions.map((d) => d.supersedesId).filter((id) => id !== null));
  return decisions.find((d) => d.role === 'examiner' && !supersededIds.has(d.id));
}
