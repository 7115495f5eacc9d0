import type { Conclusion, DecisionRole } from '../../../electron/common/api.js';

/** The verbal scale, worded as the examiner reads it. */
export const conclusionLabels: Record<Conclusion, string> = {
  strong_support_same: 'Strong support, same person',
  moderate_support_same: 'Moderate support, same person',
  limited_support_same: 'Limited support, same person',
  inconclusive: 'Inconclusive',
  limited_support_different: 'Limited support, different persons',
  moderate_support_different: 'Moderate support, different persons',
  strong_support_different: 'Strong support, different persons',
};

export const roleLabels: Record<DecisionRole, string> = {
  examiner: 'Examiner',
  verifier: 'Verifier',
  consultation: 'Consultation',
};

export function formatScore(value: number | null): string {
  return value === null ? '—' : value.toFixed(4);
}
