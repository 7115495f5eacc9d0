import type { LrCalibrationMethod, LrPerformance } from '../../../electron/common/api.js';

export const methodLabels: Record<LrCalibrationMethod, string> = {
  logistic: 'Logistic regression',
  pav: 'PAV (isotonic)',
};

export const formatBits = (value: number) => `${value.toFixed(3)} bits`;
const formatPercent = (value: number) => `${(100 * value).toFixed(1)} %`;

export const misleadingText = (p: LrPerformance) =>
  `${formatPercent(p.misleading.sameSourceBelowOne)} of same-source LRs < 1, ` +
  `${formatPercent(p.misleading.differentSourceAboveOne)} of different-source LRs > 1`;
