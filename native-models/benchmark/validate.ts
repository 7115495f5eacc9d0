/**
 * `xssab models validate`: how far a model's explanation maps can be relied on, measured and stored
 * with the model — the patch benchmark on a labelled set and the model-randomisation sanity check.
 */
import { join } from 'node:path';
import type { ModelValidation } from '../../electron/common/api/benchmarks.js';
import {
  MAP_VARIANTS,
  MAP_VARIANT_METHOD,
  type BenchmarkMethod,
} from '../../electron/common/explanations.js';
import type { ModelRegistry } from '../registry/registry.js';
import { readDataset, selectPairs } from './dataset.js';
import { openFaceAligner } from './faces.js';
import { DEFAULT_IG_SETTINGS, manifestSpec } from './model.js';
import { runPatchBenchmark, PatchBenchError, type PatchBenchProgress } from './run.js';
import { DEFAULT_SEED } from './rng.js';
import { sanityCheck, type SanityPair } from './sanity.js';

/** The map variants an analysis shows, the plain gradient for comparison, and the random floor. */
export const VALIDATION_METHODS: BenchmarkMethod[] = [
  ...MAP_VARIANTS.map((variant) => MAP_VARIANT_METHOD[variant]),
  'gradient',
  'random',
];
/** Pairs whose maps the sanity check recomputes at every stage. */
const SANITY_PAIRS = 4;

export interface ValidateOptions {
  modelId: string;
  root: string;
  pairs: string;
  labels?: string;
  /** What the labelled set is, for the record (e.g. "held-out identities of the fixture photos"). */
  description: string;
  /** The benchmark's folder; a rerun with the same settings resumes it. */
  out: string;
  seed?: number;
  stages?: number;
  signal?: AbortSignal;
  onProgress?: (stage: 'benchmark' | 'sanity', done: number, total: number) => void;
}

/** Runs both parts and records the result with the model; null when the signal stopped the benchmark. */
export async function validateModel(
  registry: ModelRegistry,
  options: ValidateOptions,
): Promise<ModelValidation | null> {
  const model = registry.getModel(options.modelId);
  const spec = manifestSpec(model.manifest, model.path);
  const seed = options.seed ?? DEFAULT_SEED;
  const bench = await runPatchBenchmark(
    {
      root: options.root,
      pairs: options.pairs,
      labels: options.labels,
      model: spec,
      methods: VALIDATION_METHODS,
      seed,
      out: options.out,
    },
    {
      signal: options.signal,
      onProgress: ({ done, total }: PatchBenchProgress) => options.onProgress?.('benchmark', done, total),
    },
  );
  if (bench.cancelled) return null;
  if (!bench.summary) throw new PatchBenchError('no pair of the set could be benchmarked (no faces found)');

  const dataset = readDataset(options);
  const skipped = new Set(bench.pairs.skipped.map((p) => p.index));
  const chosen = selectPairs(
    dataset.pairs.filter((p) => !skipped.has(p.index)),
    SANITY_PAIRS,
  );
  const aligner = await openFaceAligner(spec.alignment);
  const pairs: SanityPair[] = [];
  try {
    for (const pair of chosen) {
      const [a, b] = await Promise.all([
        aligner.align(join(dataset.root, pair.a)),
        aligner.align(join(dataset.root, pair.b)),
      ]);
      if (a && b) pairs.push({ a: a.face, b: b.face });
    }
  } finally {
    await aligner.close();
  }
  const sanity = await sanityCheck(spec, pairs, {
    variants: MAP_VARIANTS.map((variant) => MAP_VARIANT_METHOD[variant]),
    threshold: bench.threshold,
    seed,
    stages: options.stages,
    ig: DEFAULT_IG_SETTINGS,
    onStage: (done, total) => options.onProgress?.('sanity', done, total),
  });
  const record: ModelValidation = {
    modelId: model.id,
    modelSha256: model.sha256,
    date: new Date().toISOString(),
    dataset: { pairs: options.pairs, labels: options.labels ?? null, description: options.description },
    benchmark: bench.summary,
    sanity,
  };
  registry.recordValidation(record);
  return record;
}
