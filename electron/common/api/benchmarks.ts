/** Explanation validity benchmark (native-models/benchmark): runs, curves, summary, samples. */
import { z } from 'zod';
import { BENCHMARK_METHODS } from '../explanations.js';
import { id, isoTimestamp, workstationPath } from './fields.js';

export { BENCHMARK_METHODS, type BenchmarkMethod } from '../explanations.js';
const benchmarkMethodSchema = z.enum(BENCHMARK_METHODS);

const BENCHMARK_RUN_STATUSES = ['running', 'finished', 'cancelled', 'failed'] as const;
export const benchmarkRunStatusSchema = z.enum(BENCHMARK_RUN_STATUSES);
export type BenchmarkRunStatus = z.infer<typeof benchmarkRunStatusSchema>;

/** How patched A's pixels are restored: in the order the map gives, or in a random order. */
export const REPLACEMENT_STRATEGIES = ['best_worst', 'random'] as const;
export type ReplacementStrategyName = (typeof REPLACEMENT_STRATEGIES)[number];

/** `kind` of the job.progress / job.finished events of benchmark runs; their jobId is benchmarkJobId(runId). */
export const BENCHMARK_JOB_KIND = 'benchmark';
export const benchmarkJobId = (runId: number) => `benchmark-${runId}`;

/** Images of a sample pair (`map-<method>`: the method's map over patched A), see benchmarks.asset. */
const BENCHMARK_SAMPLE_IMAGES = [
  'original',
  'patched',
  'partner',
  'mask',
  ...BENCHMARK_METHODS.map((method) => `map-${method}` as const),
] as const;
export const benchmarkSampleImageSchema = z.enum(BENCHMARK_SAMPLE_IMAGES);

/** A figure with its bootstrap 95 % interval (pairs resampled within genuine and impostor pairs). */
export const intervalSchema = z.object({ value: z.number(), low: z.number(), high: z.number() });
export type Interval = z.infer<typeof intervalSchema>;

export const benchmarkMethodSummarySchema = z.object({
  method: benchmarkMethodSchema,
  /** What the method changes in the published one, when anything (EXPLANATION_METHODS). */
  deviation: z.string().nullable(),
  /** Areas under the best-worst FMR (impostor pairs) and FNMR (genuine pairs) curves; lower is better. */
  aucFmr: intervalSchema.nullable(),
  aucFnmr: intervalSchema.nullable(),
  /** Mean over pairs of the AUROC of the map separating patch pixels from the rest; higher is better. */
  localisationAuroc: intervalSchema.nullable(),
  /**
   * The same over the pairs the patches turned wrong: where they decided the outcome, so a map of
   * what decided should point at them. Null in summaries written before it was measured.
   */
  localisationAurocFlipped: intervalSchema.nullable().default(null),
  /** Best-worst interval entirely below random replacement's. */
  beatsRandom: z.object({ fmr: z.boolean(), fnmr: z.boolean() }),
  msPerImage: z.number().nullable(),
});
export type BenchmarkMethodSummary = z.infer<typeof benchmarkMethodSummarySchema>;

const ratesSchema = z.object({ fmr: z.number().nullable(), fnmr: z.number().nullable() });

/** summary.json of a finished run: the figures, their intervals and what they rest on. */
export const benchmarkSummarySchema = z.object({
  version: z.literal(1),
  model: z.object({ id: z.string(), sha256: z.string(), alignment: z.string() }),
  threshold: z.object({
    value: z.number(),
    /** 'eer': the equal-error threshold on the benchmark's own unpatched crops (the protocol's default). */
    source: z.enum(['eer', 'given']),
    eer: z.number().nullable(),
  }),
  seed: z.int(),
  corrRiseMasks: z.int(),
  integratedGradients: z.object({ steps: z.int(), smoothing: z.number() }),
  bootstrap: z.object({ resamples: z.int(), confidence: z.number() }),
  pairs: z.object({ genuine: z.int(), impostor: z.int(), skipped: z.int() }),
  /** Error rates before the patches, after them, and how many pairs the patches turned wrong. */
  unpatched: ratesSchema,
  patched: ratesSchema,
  flipped: z.object({ genuine: z.int(), impostor: z.int() }),
  /** Random replacement (the floor) and the oracle (patch pixels first, in random order). */
  random: z.object({ aucFmr: intervalSchema.nullable(), aucFnmr: intervalSchema.nullable() }),
  oracle: z.object({ aucFmr: intervalSchema.nullable(), aucFnmr: intervalSchema.nullable() }),
  methods: z.array(benchmarkMethodSummarySchema),
  /**
   * The map variant to show first: of the signed maps an analysis shows, the one with the highest
   * localisation AUROC among those that beat random replacement on both rates; null when none does.
   */
  defaultMethod: benchmarkMethodSchema.nullable(),
  warnings: z.array(z.string()),
});
export type BenchmarkSummary = z.infer<typeof benchmarkSummarySchema>;

const perVariant = z.partialRecord(benchmarkMethodSchema, z.number());

/** The cascading model-randomisation check (Adebayo et al., 2018) of a model's maps. */
const sanityCheckSchema = z.object({
  seed: z.int(),
  pairs: z.int().positive(),
  /** Weight layers (Conv, Gemm, MatMul) of the model. */
  layers: z.int().positive(),
  /** Per stage, more layers randomised from the top: the maps' mean rank correlation and SSIM with the original ones. */
  stages: z.array(
    z.object({ layers: z.int().positive(), deepest: z.string(), spearman: perVariant, ssim: perVariant }),
  ),
  /** Per map variant: the fully randomised model's maps no longer follow the original ones. */
  passed: z.partialRecord(benchmarkMethodSchema, z.boolean()),
});
export type SanityCheck = z.infer<typeof sanityCheckSchema>;

/**
 * How valid a model's explanation maps are, stored with the model in the registry
 * (`xssab models validate`): the benchmark summary on a labelled set and the sanity check.
 */
export const modelValidationSchema = z.strictObject({
  modelId: z.string().min(1),
  modelSha256: z.string().regex(/^[0-9a-f]{64}$/),
  date: z.iso.datetime(),
  /** The labelled set, as given, and what it is. */
  dataset: z.strictObject({ pairs: z.string(), labels: z.string().nullable(), description: z.string() }),
  benchmark: benchmarkSummarySchema,
  sanity: sanityCheckSchema,
});
export type ModelValidation = z.infer<typeof modelValidationSchema>;
export type BenchmarkSampleImage = z.infer<typeof benchmarkSampleImageSchema>;

/** What a run is started with; paths are on the workstation running the backend. */
export const benchmarkOptionsSchema = z.object({
  dataset: z.object({
    /** Folder the image paths of the pairs list are relative to. */
    root: workstationPath,
    /** CSV with columns a,b,same (or an LFW pairs.txt). */
    pairsCsv: workstationPath,
    /** CSV with columns file,identity; without it an image's identity is its folder. */
    labelsCsv: workstationPath.optional(),
  }),
  methods: z
    .array(benchmarkMethodSchema)
    .min(1, 'choose at least one method')
    .refine((methods) => new Set(methods).size === methods.length, 'must not name a method twice'),
  /** At most this many pairs, alternately genuine and impostor; default all. */
  limit: z.int('must be a whole number').min(1, 'must be at least 1').max(1_000_000).optional(),
  /** Shipped recognition model id (see benchmarks.defaults) or the path of an .onnx file. */
  model: workstationPath,
  /** Decision threshold on the cosine score; default the equal-error threshold on the run's unpatched pairs. */
  threshold: z.number().min(-1, 'must be at least -1').max(1, 'must be at most 1').optional(),
  /** CorrRISE occlusion masks per pair (default 500). */
  masks: z.int('must be a whole number').min(2, 'must be at least 2').max(100_000).optional(),
  seed: z
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(2 ** 32 - 1)
    .optional(),
});
export type BenchmarkOptions = z.infer<typeof benchmarkOptionsSchema>;

export const benchmarkRunSchema = z.object({
  id,
  status: benchmarkRunStatusSchema,
  options: benchmarkOptionsSchema,
  progress: z.object({
    /** What the run does now, e.g. 'benchmarking pairs'; for a stopped run, why it stopped. */
    stage: z.string(),
    /** Pairs finished (benchmarked or skipped), this session and earlier ones. */
    done: z.int().nonnegative(),
    /** Null until the pairs list has been read. */
    total: z.int().positive().nullable(),
    skipped: z.int().nonnegative(),
  }),
  /** Set when status is 'failed'. */
  error: z.string().nullable(),
  /** The run's folder: curves.json, summary.csv, fmr/fnmr plots, pairs.jsonl, samples/. */
  outDir: z.string(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  finishedAt: isoTimestamp.nullable(),
});
export type BenchmarkRun = z.infer<typeof benchmarkRunSchema>;

/** Error rate after replacing p[i] % of patched A's pixels; null where no pair of that kind ran. */
const benchmarkCurveSchema = z.object({
  p: z.array(z.number()),
  fmr: z.array(z.number().nullable()),
  fnmr: z.array(z.number().nullable()),
});
export type BenchmarkCurve = z.infer<typeof benchmarkCurveSchema>;

export const benchmarkCurvesSchema = z.object({
  model: z.object({ id: z.string(), sha256: z.string() }),
  threshold: z.number(),
  seed: z.int(),
  corrRiseMasks: z.int(),
  pairs: z.object({
    genuine: z.int().nonnegative(),
    impostor: z.int().nonnegative(),
    skipped: z.array(z.object({ index: z.int(), a: z.string(), b: z.string(), reason: z.string() })),
  }),
  /** The oracle: patch pixels restored first, in random order. */
  oracle: benchmarkCurveSchema,
  /** Per method: the best-worst curve and random replacement (the same random curve under each method). */
  methods: z.partialRecord(
    benchmarkMethodSchema,
    z.object({ best_worst: benchmarkCurveSchema, random: benchmarkCurveSchema }),
  ),
});
export type BenchmarkCurves = z.infer<typeof benchmarkCurvesSchema>;

const nullableRate = z.number().nullable();
/** One row of summary.csv: areas under the curves (lower is better), localisation AUROC (higher is better). */
export const benchmarkSummaryRowSchema = z.object({
  method: benchmarkMethodSchema,
  aucFmr: z.object({ best_worst: nullableRate, random: nullableRate }),
  aucFnmr: z.object({ best_worst: nullableRate, random: nullableRate }),
  localisationAuroc: nullableRate,
  /** Mean time to explain one image, in milliseconds. */
  msPerImage: nullableRate,
});
export type BenchmarkSummaryRow = z.infer<typeof benchmarkSummaryRowSchema>;

/** A patched pair of a finished run, shown with each method's map; its images come from benchmarks.asset. */
export const benchmarkSampleSchema = z.object({
  /** Position in the pairs list. */
  pairIndex: z.int().nonnegative(),
  a: z.string(),
  b: z.string(),
  same: z.boolean(),
  /** Where the patches came from (B for an impostor pair). */
  source: z.string(),
  originalScore: z.number(),
  patchedScore: z.number(),
  images: z.array(benchmarkSampleImageSchema),
});
export type BenchmarkSample = z.infer<typeof benchmarkSampleSchema>;

const benchmarkModelChoiceSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The model's calibrated threshold (null when it declares none); runs default to their own equal-error threshold. */
  threshold: z.number().nullable(),
});

export const benchmarkMethods = {
  'benchmarks.defaults': {
    /** What the start form offers: the project's sample faces (when present) and the shipped models. */
    params: z.object({}),
    result: z.object({
      dataset: z
        .object({ root: z.string(), pairsCsv: z.string(), labelsCsv: z.string().optional() })
        .nullable(),
      models: z.array(benchmarkModelChoiceSchema),
    }),
  },
  'benchmarks.start': {
    /** Starts a run in the background (one at a time: CONFLICT while another runs). */
    params: benchmarkOptionsSchema,
    result: z.object({ runId: id }),
  },
  'benchmarks.list': {
    params: z.object({}),
    /** Newest first. */
    result: z.object({ runs: z.array(benchmarkRunSchema) }),
  },
  'benchmarks.get': {
    params: z.object({ runId: id }),
    result: z.object({
      run: benchmarkRunSchema,
      /** curves.json; null until the run has finished. */
      curves: benchmarkCurvesSchema.nullable(),
      /** Per method, from summary.json; empty until the run has finished. */
      summary: z.array(benchmarkSummaryRowSchema),
      /** summary.json in full; null until the run has finished. */
      validity: benchmarkSummarySchema.nullable(),
      samples: z.array(benchmarkSampleSchema),
    }),
  },
  'benchmarks.asset': {
    /** One image of a sample pair as PNG (a few hundred kilobytes at most). */
    params: z.object({ runId: id, pairIndex: z.int().nonnegative(), image: benchmarkSampleImageSchema }),
    result: z.object({ mediaType: z.literal('image/png'), dataBase64: z.string() }),
  },
  'benchmarks.cancel': {
    /** Stops a running run after its current pair; the pairs done so far are kept for benchmarks.resume. */
    params: z.object({ runId: id }),
    result: benchmarkRunSchema,
  },
  'benchmarks.resume': {
    /** Continues a cancelled or failed run where it stopped, with its own options and folder. */
    params: z.object({ runId: id }),
    result: benchmarkRunSchema,
  },
} as const;
