/** Labelled comparison scores: the input of every calibrator and metric in this folder. */

export interface LabelledScores {
  /** Scores of same-source pairs (H1 true). */
  sameSource: readonly number[];
  /** Scores of different-source pairs (H2 true). */
  differentSource: readonly number[];
}

export class EvaluativeInputError extends Error {
  override name = 'EvaluativeInputError';
}

/** Throws unless both classes have at least `min` values and every value is a number (±Infinity allowed for LRs). */
export function checkLabelled(
  { sameSource, differentSource }: LabelledScores,
  what: string,
  { min = 1, finite = true }: { min?: number; finite?: boolean } = {},
): void {
  if (sameSource.length < min || differentSource.length < min) {
    throw new EvaluativeInputError(
      `${what} needs at least ${min} same-source and ${min} different-source ${min === 1 ? 'value' : 'values'}; ` +
        `got ${sameSource.length} same-source and ${differentSource.length} different-source`,
    );
  }
  const ok = finite ? Number.isFinite : (v: number) => !Number.isNaN(v);
  if (![...sameSource, ...differentSource].every(ok))
    throw new EvaluativeInputError(`${what}: every value must be ${finite ? 'a finite number' : 'a number'}`);
}
