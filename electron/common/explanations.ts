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

/** The map shown first when a model has no validation record: the published xSSAB map. */
export const PUBLISHED_MAP_VARIANT: MapVariant = 'combined';
