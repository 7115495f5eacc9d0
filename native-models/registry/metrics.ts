/**
 * Verification error rates on cosine scores, where a pair is declared a match when its score is
 * at or above the threshold (as the xSSAB engine splits arguments at threshold / d).
 */

export interface ScoreSets {
  genuine: readonly number[];
  impostor: readonly number[];
}

export interface OperatingPoint {
  threshold: number;
  /** False match rate: impostor scores ≥ threshold. */
  fmr: number;
  /** False non-match rate: genuine scores < threshold. */
  fnmr: number;
}

export interface EqualErrorPoint extends OperatingPoint {
  /** (fmr + fnmr) / 2 at the chosen threshold; equal to both when they meet exactly. */
  eer: number;
}

export class ScoreSetError extends Error {
  override name = 'ScoreSetError';
}

function checkSets({ genuine, impostor }: ScoreSets): void {
  if (genuine.length === 0 || impostor.length === 0) {
    throw new ScoreSetError(
      `error rates need genuine and impostor scores; got ${genuine.length} genuine and ${impostor.length} impostor`,
    );
  }
  if (![...genuine, ...impostor].every(Number.isFinite))
    throw new ScoreSetError('scores must be finite numbers');
}

export function operatingPoint({ genuine, impostor }: ScoreSets, threshold: number): OperatingPoint {
  return {
    threshold,
    fmr: impostor.filter((s) => s >= threshold).length / impostor.length,
    fnmr: genuine.filter((s) => s < threshold).length / genuine.length,
  };
}

/**
 * The equal-error threshold. Candidates are the midpoints between consecutive distinct scores
 * (and one step beyond each end); the chosen one minimises max(FMR, FNMR), then |FMR − FNMR|,
 * and of candidates still tied the middle one is taken. When genuine and impostor scores do not
 * overlap this is the midpoint of the gap between them, with both rates 0.
 */
export function equalErrorRate(sets: ScoreSets): EqualErrorPoint {
  checkSets(sets);
  const scores = [...new Set([...sets.genuine, ...sets.impostor])].sort((a, b) => a - b);
  const step = scores.length > 1 ? scores[scores.length - 1] - scores[0] : 1;
  const candidates = [
    scores[0] - step,
    ...scores.slice(1).map((s, i) => (scores[i] + s) / 2),
    scores[scores.length - 1] + step,
  ];
  const points = candidates.map((t) => operatingPoint(sets, t));
  const key = (p: OperatingPoint): [number, number] => [Math.max(p.fmr, p.fnmr), Math.abs(p.fmr - p.fnmr)];
  const best = points.reduce((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return kb[0] < ka[0] || (kb[0] === ka[0] && kb[1] < ka[1]) ? b : a;
  });
  const tied = points.filter((p) => key(p)[0] === key(best)[0] && key(p)[1] === key(best)[1]);
  const chosen = tied[(tied.length - 1) >> 1];
  return { ...chosen, eer: (chosen.fmr + chosen.fnmr) / 2 };
}

/** Area under the ROC curve: the chance a genuine score exceeds an impostor one (ties count half). */
export function rocAuc(sets: ScoreSets): number {
  checkSets(sets);
  let wins = 0;
  for (const g of sets.genuine) for (const i of sets.impostor) wins += g > i ? 1 : g === i ? 0.5 : 0;
  return wins / (sets.genuine.length * sets.impostor.length);
}
