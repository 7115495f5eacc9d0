import type { BenchmarkSummary, Interval, ModelValidation } from './api/benchmarks.js';

/**
 * The one list of explanation methods and map variants: the benchmark, the API, the UI and the
 * report all take their names and descriptions from here.
 */

/** Explanation methods the validity benchmark compares; `random` is a random map, the floor to beat. */
export const BENCHMARK_METHODS = ['xssab', 'xssab-decision', 'ig', 'gradient', 'corrrise', 'random'] as const;
export type BenchmarkMethod = (typeof BENCHMARK_METHODS)[number];

/** The signed maps an analysis shows for image A and image B; the benchmark method behind each. */
export const MAP_VARIANTS = ['combined', 'decision', 'ig'] as const;
export type MapVariant = (typeof MAP_VARIANTS)[number];

export interface ExplanationMethodInfo {
  label: string;
  /** True when a value's sign says for (+) or against (−) a match; false for a magnitude. */
  signed: boolean;
  /** What differs from the published xSSAB method, when anything does. */
  deviation: string | null;
  description: string;
}

export const EXPLANATION_METHODS: Record<BenchmarkMethod, ExplanationMethodInfo> = {
  xssab: {
    label: 'xSSAB',
    signed: true,
    deviation: null,
    description: 'the combined xSSAB map, positive minus negative, as published (Huber et al., WACV 2024)',
  },
  'xssab-decision': {
    label: 'xSSAB by decision',
    signed: true,
    deviation:
      'not in the paper: the positive map for an accepted pair, the negative map (sign reversed) for a rejected one',
    description: 'the xSSAB map of the arguments that carried the decision',
  },
  ig: {
    label: 'Integrated gradients',
    signed: true,
    deviation:
      'not in the paper: integrated gradients of the positive and negative partial scores from a mid-grey face, summed over colour channels',
    description: 'signed attributions that add up to the change of the score from a neutral face to this one',
  },
  gradient: {
    label: 'Gradient',
    signed: false,
    deviation: null,
    description: 'channel mean of |∂score/∂pixel|',
  },
  corrrise: {
    label: 'CorrRISE',
    signed: true,
    deviation: null,
    description: 'correlation of the score with random occlusions (black box)',
  },
  random: { label: 'Random map', signed: true, deviation: null, description: 'uniform random values' },
};

/** The benchmark method whose figures validate each map variant an analysis shows. */
export const MAP_VARIANT_METHOD: Record<MapVariant, BenchmarkMethod> = {
  combined: 'xssab',
  decision: 'xssab-decision',
  ig: 'ig',
};

/**
 * Facial regions of the region summary (native-models/face/regions.ts), laid out from the
 * alignment landmarks; `other` is hair, ears and background.
 */
export const FACE_REGIONS = [
  'right_eye',
  'left_eye',
  'right_brow',
  'left_brow',
  'nose',
  'mouth',
  'right_cheek',
  'left_cheek',
  'chin',
  'forehead',
  'other',
] as const;
export type FaceRegion = (typeof FACE_REGIONS)[number];

/** Right and left are the subject's, as in the landmarks. */
export const FACE_REGION_LABELS: Record<FaceRegion, string> = {
  right_eye: 'Right eye',
  left_eye: 'Left eye',
  right_brow: 'Right brow',
  left_brow: 'Left brow',
  nose: 'Nose',
  mouth: 'Mouth',
  right_cheek: 'Right cheek',
  left_cheek: 'Left cheek',
  chin: 'Chin',
  forehead: 'Forehead',
  other: 'Other (hair, ears, background)',
};

/** The map shown first when a model has no validation record: the published xSSAB map. */
const PUBLISHED_MAP_VARIANT: MapVariant = 'combined';

/** The variant an analysis shows first for a model: the one its validation record validated, else the published map. */
export function defaultMapVariant(validation: ModelValidation | null | undefined): MapVariant {
  const method = validation?.benchmark.defaultMethod;
  const variant = MAP_VARIANTS.find((v) => MAP_VARIANT_METHOD[v] === method);
  return variant ?? PUBLISHED_MAP_VARIANT;
}

/** "0.71 [0.66, 0.75]" (to `digits` decimals); "–" where nothing was measured. */
export const formatInterval = (v: Interval | null, digits = 2) =>
  v ? `${v.value.toFixed(digits)} [${v.low.toFixed(digits)}, ${v.high.toFixed(digits)}]` : '–';

/** Entirely below: the intervals do not overlap. */
export const entirelyBelow = (a: Interval | null, b: Interval | null) =>
  a !== null && b !== null && a.high < b.low;

/** The benchmark's two error rates, the area each is summarised by and the pairs it is measured on. */
export const ERROR_RATES = [
  { rate: 'FMR', area: 'aucFmr', pairs: 'impostor' },
  { rate: 'FNMR', area: 'aucFnmr', pairs: 'genuine' },
] as const;
export type ErrorRate = (typeof ERROR_RATES)[number];

/**
 * The error rates on which even the oracle (patch pixels restored first) does not beat random
 * replacement with separate intervals. On such a rate the set has too few pairs to tell a map from
 * random, so a map's failure there says little about it.
 */
export function ratesTooFewPairsFor(benchmark: Pick<BenchmarkSummary, 'oracle' | 'random'>): ErrorRate[] {
  return ERROR_RATES.filter(({ area }) => !entirelyBelow(benchmark.oracle[area], benchmark.random[area]));
}

/**
 * One sentence on how far a map variant of a model can be relied on, for the UI and the report, e.g.
 * "For this model the integrated-gradients map localises manipulated regions with AUROC 0.71
 * [0.66, 0.75] on 45 pairs; …; sanity check passed."
 */
export function validationStatement(
  validation: ModelValidation | null | undefined,
  variant: MapVariant,
): string {
  if (!validation) return 'Explanations not validated for this model.';
  const method = MAP_VARIANT_METHOD[variant];
  const figures = validation.benchmark.methods.find((m) => m.method === method);
  const sanity = validation.sanity.passed[method];
  if (!figures)
    return `Explanations validated without the ${EXPLANATION_METHODS[method].label} map: not validated.`;
  const { pairs, flipped } = validation.benchmark;
  const parts = [
    `For this model the ${EXPLANATION_METHODS[method].label} map localises manipulated regions with AUROC ` +
      (figures.localisationAuroc ? formatInterval(figures.localisationAuroc) : '(not measured)') +
      ` on ${pairs.genuine + pairs.impostor} pairs (${validation.dataset.description})` +
      (figures.localisationAurocFlipped
        ? `, ${formatInterval(figures.localisationAurocFlipped)} on the ${flipped.genuine + flipped.impostor} the manipulation turned wrong`
        : ''),
    `restoring pixels in its order ${figures.beatsRandom.fmr && figures.beatsRandom.fnmr ? 'beats' : 'does not beat'} random replacement on both error rates` +
      ` (FMR area ${formatInterval(figures.aucFmr)} against ${formatInterval(validation.benchmark.random.aucFmr)},` +
      ` FNMR area ${formatInterval(figures.aucFnmr)} against ${formatInterval(validation.benchmark.random.aucFnmr)})`,
    ...ratesTooFewPairsFor(validation.benchmark).map(
      ({ rate }) =>
        `on ${rate} not even restoring the manipulated pixels first beats random on this set: it has too few pairs to tell`,
    ),
    sanity === undefined ? 'sanity check not run' : sanity ? 'sanity check passed' : 'sanity check failed',
  ];
  return `${parts.join('; ')}.`;
}
