/**
 * Verbal equivalents of a likelihood ratio on the ENFSI scale (ENFSI Guideline for Evaluative
 * Reporting in Forensic Science, 2015): the same words for support of either proposition.
 */

export interface VerbalLevel {
  /** Lowest log10 LR (of the supported proposition's direction) at which the words apply. */
  fromLog10: number;
  words: string;
}

/** LR 1 … 10 weak, 10 … 100 moderate, … over 10^6 extremely strong. */
const ENFSI_VERBAL_SCALE: readonly VerbalLevel[] = [
  { fromLog10: 0, words: 'weak support' },
  { fromLog10: 1, words: 'moderate support' },
  { fromLog10: 2, words: 'moderately strong support' },
  { fromLog10: 3, words: 'strong support' },
  { fromLog10: 4, words: 'very strong support' },
  { fromLog10: 6, words: 'extremely strong support' },
];

const SAME_SOURCE_PROPOSITION = 'the two images show the same person';
const DIFFERENT_SOURCE_PROPOSITION = 'the two images show different people';

/** "moderate support for the proposition that the two images show the same person". */
export function verbalEquivalent(
  log10Lr: number,
  scale: readonly VerbalLevel[] = ENFSI_VERBAL_SCALE,
): string {
  if (log10Lr === 0) return 'no support for either proposition (LR = 1)';
  const magnitude = Math.abs(log10Lr);
  const level = [...scale].reverse().find((l) => magnitude >= l.fromLog10) ?? scale[0];
  const proposition = log10Lr > 0 ? SAME_SOURCE_PROPOSITION : DIFFERENT_SOURCE_PROPOSITION;
  return `${level.words} for the proposition that ${proposition}`;
}
