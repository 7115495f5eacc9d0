/**
 * summary.json: areas and localisation AUROC with bootstrap 95 % intervals, the threshold's error
 * rates before and after patching, warnings, and the map variant the benchmark validates as default.
 *
 * An area under an error-rate curve is the mean over pairs of each pair's own area (the curve is a
 * mean of per-pair 0/1 errors and the trapezoid rule is linear), so a bootstrap resample of pairs
 * only re-averages per-pair numbers.
 */
import {
  benchmarkSummarySchema,
  type BenchmarkMethodSummary,
  type BenchmarkSummary,
  type Interval,
} from '../../electron/common/api/benchmarks.js';
import {
  EXPLANATION_METHODS,
  MAP_VARIANT_METHOD,
  entirelyBelow,
  formatInterval,
  ratesTooFewPairsFor,
  type BenchmarkMethod,
} from '../../electron/common/explanations.js';
import { REPLACEMENT_PERCENTS, areaUnderCurve } from './replacement.js';
import { mulberry32, pairSeed } from './rng.js';

const BOOTSTRAP_RESAMPLES = 1000;
const CONFIDENCE = 0.95;
/** Below this share of pairs of a kind turned wrong by the patches, the curves say little. */
const FEW_FLIPPED = 0.5;

/** One benchmarked pair as the summary needs it. */
export interface ScoredPair {
  same: boolean;
  originalScore: number;
  patchedScore: number;
  /** Scores at each replacement percentage: best-worst per method, and random replacement. */
  bestWorst: Record<string, number[]>;
  random: number[];
  /**
   * Patch pixels restored first, in random order: what a map that knew only where the patches are
   * would do (a map that also knew which of them matter could do better).
   */
  oracle: number[];
  auroc: Record<string, number>;
  ms: Record<string, number>;
}

export interface SummaryContext {
  model: BenchmarkSummary['model'];
  threshold: BenchmarkSummary['threshold'];
  seed: number;
  corrRiseMasks: number;
  integratedGradients: BenchmarkSummary['integratedGradients'];
  skipped: number;
  methods: BenchmarkMethod[];
}

/** 1 where the threshold decides the pair wrongly. */
function wrong(pair: ScoredPair, score: number, threshold: number): number {
  return pair.same ? Number(score < threshold) : Number(score >= threshold);
}

/** The pair's own area under its 0/1 error curve. */
function pairArea(pair: ScoredPair, scores: number[], threshold: number): number {
  return areaUnderCurve(
    REPLACEMENT_PERCENTS,
    scores.map((s) => wrong(pair, s, threshold)),
  );
}

/**
 * Percentile bootstrap interval of a mean: `values` resampled with replacement, seeded, so the
 * same pairs give the same interval. Null without values.
 */
export function bootstrapMean(
  values: readonly number[],
  seed: number,
  resamples = BOOTSTRAP_RESAMPLES,
): Interval | null {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return null;
  const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const rng = mulberry32(seed);
  const means = Array.from({ length: resamples }, () => {
    let sum = 0;
    for (let i = 0; i < finite.length; i++) sum += finite[rng.int(finite.length)];
    return sum / finite.length;
  }).sort((a, b) => a - b);
  const tail = (1 - CONFIDENCE) / 2;
  return {
    value: mean(finite),
    low: means[Math.floor(tail * resamples)],
    high: means[Math.ceil((1 - tail) * resamples) - 1],
  };
}

/** FNV-1a hash of a name, as a stream number. */
function fnv1a(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

export function buildSummary(pairs: ScoredPair[], context: SummaryContext): BenchmarkSummary {
  const t = context.threshold.value;
  const genuine = pairs.filter((p) => p.same);
  const impostor = pairs.filter((p) => !p.same);
  // Each figure draws from a stream named after it, so adding a method moves no other interval.
  const interval = (figure: string, group: ScoredPair[], value: (p: ScoredPair) => number) =>
    bootstrapMean(group.map(value), pairSeed(context.seed, fnv1a(figure), 'bootstrap'));
  const areas = (name: string, scores: (p: ScoredPair) => number[]) => ({
    aucFmr: interval(`${name}.fmr`, impostor, (p) => pairArea(p, scores(p), t)),
    aucFnmr: interval(`${name}.fnmr`, genuine, (p) => pairArea(p, scores(p), t)),
  });
  const rate = (group: ScoredPair[], score: (p: ScoredPair) => number) =>
    group.length === 0 ? null : group.reduce((n, p) => n + wrong(p, score(p), t), 0) / group.length;
  const flippedPairs = pairs.filter((p) => !wrong(p, p.originalScore, t) && wrong(p, p.patchedScore, t));

  const random = areas('random-replacement', (p) => p.random);
  const oracle = areas('oracle', (p) => p.oracle);
  const methods: BenchmarkMethodSummary[] = context.methods.map((method) => {
    const { aucFmr, aucFnmr } = areas(method, (p) => p.bestWorst[method]);
    const times = pairs.map((p) => p.ms[method]);
    return {
      method,
      deviation: EXPLANATION_METHODS[method].deviation,
      aucFmr,
      aucFnmr,
      localisationAuroc: interval(`${method}.auroc`, pairs, (p) => p.auroc[method]),
      localisationAurocFlipped: interval(`${method}.auroc-flipped`, flippedPairs, (p) => p.auroc[method]),
      beatsRandom: {
        fmr: entirelyBelow(aucFmr, random.aucFmr),
        fnmr: entirelyBelow(aucFnmr, random.aucFnmr),
      },
      msPerImage: times.length ? times.reduce((s, v) => s + v, 0) / times.length : null,
    };
  });

  const flippedGenuine = flippedPairs.filter((p) => p.same).length;
  const flipped = { genuine: flippedGenuine, impostor: flippedPairs.length - flippedGenuine };
  const warnings: string[] = [];
  for (const [kind, group, n] of [
    ['genuine', genuine, flipped.genuine],
    ['impostor', impostor, flipped.impostor],
  ] as const) {
    if (group.length > 0 && n < FEW_FLIPPED * group.length) {
      warnings.push(
        `the patches turned only ${n} of ${group.length} ${kind} pairs wrong at threshold ${t.toFixed(4)}: ` +
          `the ${kind === 'genuine' ? 'FNMR' : 'FMR'} curves rest on few pairs`,
      );
    }
  }
  for (const { rate, area, pairs: kind } of ratesTooFewPairsFor({ oracle, random })) {
    const count = kind === 'genuine' ? genuine.length : impostor.length;
    warnings.push(
      `even restoring the patch pixels first (the oracle, ${rate} area ${formatInterval(oracle[area])}) does not ` +
        `beat random replacement (${formatInterval(random[area])}) with separate intervals: with ${count} ${kind} ` +
        `pairs the ${rate} comparison has too little power to tell a map from random`,
    );
  }
  const unpatched = {
    fmr: rate(impostor, (p) => p.originalScore),
    fnmr: rate(genuine, (p) => p.originalScore),
  };
  for (const [name, value] of Object.entries(unpatched)) {
    if (value !== null && value > 0.2) {
      warnings.push(
        `${value.toFixed(2)} of the unpatched pairs are already wrong (${name.toUpperCase()}): the threshold does not suit this model on this data`,
      );
    }
  }

  return benchmarkSummarySchema.parse({
    version: 1,
    model: context.model,
    threshold: context.threshold,
    seed: context.seed,
    corrRiseMasks: context.corrRiseMasks,
    integratedGradients: context.integratedGradients,
    bootstrap: { resamples: BOOTSTRAP_RESAMPLES, confidence: CONFIDENCE },
    pairs: { genuine: genuine.length, impostor: impostor.length, skipped: context.skipped },
    unpatched,
    patched: { fmr: rate(impostor, (p) => p.patchedScore), fnmr: rate(genuine, (p) => p.patchedScore) },
    flipped,
    random,
    oracle,
    methods,
    defaultMethod: defaultMethodOf(methods),
    warnings,
  } satisfies BenchmarkSummary);
}

/** Of the map variants an analysis shows, the validated one that localises best; null when none is validated. */
export function defaultMethodOf(methods: BenchmarkMethodSummary[]): BenchmarkMethod | null {
  const shown = new Set<BenchmarkMethod>(Object.values(MAP_VARIANT_METHOD));
  const validated = methods.filter(
    (m) => shown.has(m.method) && m.beatsRandom.fmr && m.beatsRandom.fnmr && m.localisationAuroc !== null,
  );
  validated.sort((a, b) => b.localisationAuroc!.value - a.localisationAuroc!.value);
  return validated[0]?.method ?? null;
}
