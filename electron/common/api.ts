/**
 * The one typed API between the UI and the backend, declared once.
 *
 * Each method has a zod schema for its params and one for its result. The Electron shell carries
 * calls over IPC (see channels.ts), browser mode over HTTP (see electron/node/bridge); both end in
 * the same handler (electron/node/api), which validates params with these schemas.
 *
 * Stability: the renderer is written against this file. Change it additively only.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Shared field schemas
// ---------------------------------------------------------------------------------------------

const id = z.int().positive();
const isoTimestamp = z.string();
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal characters');

export const CASE_STATUSES = ['open', 'in_review', 'closed'] as const;
export const caseStatusSchema = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

/** Verbal scale of support, from the examiner's conclusion on a pair (ENFSI-style, 7 levels). */
export const CONCLUSIONS = [
  'strong_support_same',
  'moderate_support_same',
  'limited_support_same',
  'inconclusive',
  'limited_support_different',
  'moderate_support_different',
  'strong_support_different',
] as const;
export const conclusionSchema = z.enum(CONCLUSIONS);
export type Conclusion = z.infer<typeof conclusionSchema>;

export const DECISION_ROLES = ['examiner', 'verifier'] as const;
export const decisionRoleSchema = z.enum(DECISION_ROLES);
export type DecisionRole = z.infer<typeof decisionRoleSchema>;

/** Media types accepted as evidence, recognised by their magic bytes (not by file name). */
export const EVIDENCE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/tiff'] as const;
export const evidenceMediaTypeSchema = z.enum(EVIDENCE_MEDIA_TYPES);
export type EvidenceMediaType = z.infer<typeof evidenceMediaTypeSchema>;

/** Largest evidence file accepted, in bytes (before base64). */
export const MAX_EVIDENCE_BYTES = 50 * 1024 * 1024;

export const CASE_SORT_FIELDS = [
  'caseNumber',
  'title',
  'requestingAgency',
  'examiner',
  'status',
  'updatedAt',
  'createdAt',
] as const;

export const caseNumberSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9\-_./]+$/, 'may contain only letters, digits and - _ . /');

const requiredText = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

/** Who performs a mutating call; defaults to the operating-system user when omitted. */
const actorParam = requiredText(128).optional();

// ---------------------------------------------------------------------------------------------
// Entities
// ---------------------------------------------------------------------------------------------

export const caseSchema = z.object({
  id,
  caseNumber: z.string(),
  title: z.string(),
  requestingAgency: z.string(),
  examiner: z.string(),
  status: caseStatusSchema,
  notes: z.string(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});
export type Case = z.infer<typeof caseSchema>;

export const caseSummarySchema = caseSchema.extend({ evidenceCount: z.int().nonnegative() });
export type CaseSummary = z.infer<typeof caseSummarySchema>;

export const evidenceItemSchema = z.object({
  id,
  caseId: id,
  originalName: z.string(),
  /** Path of the stored (read-only) copy, relative to the data folder, always with '/'. */
  storedPath: z.string(),
  sha256: sha256Hex,
  byteSize: z.int().nonnegative(),
  mediaType: evidenceMediaTypeSchema,
  width: z.int().positive().nullable(),
  height: z.int().positive().nullable(),
  importedAt: isoTimestamp,
  importedBy: z.string(),
});
export type EvidenceItem = z.infer<typeof evidenceItemSchema>;

export const pairSchema = z.object({
  id,
  caseId: id,
  evidenceAId: id,
  evidenceBId: id,
  createdAt: isoTimestamp,
});
export type Pair = z.infer<typeof pairSchema>;

export const analysisArtifactSchema = z.object({
  id,
  analysisId: id,
  /** What the file shows, e.g. 'a.pos', 'a.neg', 'a.overlay'. */
  role: z.string(),
  storedPath: z.string(),
  sha256: sha256Hex,
  mediaType: z.string(),
});
export type AnalysisArtifact = z.infer<typeof analysisArtifactSchema>;

export const analysisSchema = z.object({
  id,
  pairId: id,
  method: z.string(),
  modelId: z.string(),
  modelName: z.string(),
  modelSha256: z.string(),
  inputASha256: z.string(),
  inputBSha256: z.string(),
  parameters: z.unknown(),
  provider: z.string(),
  score: z.number().nullable(),
  threshold: z.number().nullable(),
  result: z.unknown(),
  createdAt: isoTimestamp,
  artifacts: z.array(analysisArtifactSchema),
});
export type Analysis = z.infer<typeof analysisSchema>;

export const decisionSchema = z.object({
  id,
  pairId: id,
  analysisId: id.nullable(),
  examiner: z.string(),
  role: decisionRoleSchema,
  conclusion: conclusionSchema,
  rationale: z.string(),
  createdAt: isoTimestamp,
});
export type Decision = z.infer<typeof decisionSchema>;

export const reportSchema = z.object({
  id,
  caseId: id,
  storedPath: z.string(),
  sha256: sha256Hex,
  createdBy: z.string(),
  createdAt: isoTimestamp,
});
export type Report = z.infer<typeof reportSchema>;

export const auditEventSchema = z.object({
  seq: id,
  at: isoTimestamp,
  actor: z.string(),
  /** Dotted verb, e.g. 'case.create', 'evidence.import'. */
  action: z.string(),
  entityType: z.string(),
  entityId: z.int().nullable(),
  caseId: z.int().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: sha256Hex,
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** A case with everything the store holds for it. */
export const caseDetailSchema = caseSchema.extend({
  evidence: z.array(evidenceItemSchema),
  pairs: z.array(pairSchema),
  analyses: z.array(analysisSchema),
  decisions: z.array(decisionSchema),
  reports: z.array(reportSchema),
  audit: z.array(auditEventSchema),
});
export type CaseDetail = z.infer<typeof caseDetailSchema>;

export const auditVerificationSchema = z.object({
  /** True when every event of the whole chain re-hashes to its stored hash and links to its predecessor. */
  ok: z.boolean(),
  /** Events checked (the whole chain: hashes link across cases). */
  checkedEvents: z.int().nonnegative(),
  /** Hash of the newest event ('' when the log is empty); quote it to anchor the log externally. */
  headHash: z.string(),
  /** With params.caseId: how many events concern that case. */
  caseEvents: z.int().nonnegative().optional(),
  firstBroken: z
    .object({
      seq: z.int(),
      caseId: z.int().nullable(),
      reason: z.string(),
    })
    .nullable(),
});
export type AuditVerification = z.infer<typeof auditVerificationSchema>;

// ---------------------------------------------------------------------------------------------
// Explanation validity benchmark (native-models/benchmark): runs, curves, summary, samples
// ---------------------------------------------------------------------------------------------

/** Explanation methods the benchmark compares; `random` is a random map, the floor to beat. */
export const BENCHMARK_METHODS = ['xssab', 'gradient', 'corrrise', 'random'] as const;
export const benchmarkMethodSchema = z.enum(BENCHMARK_METHODS);
export type BenchmarkMethod = z.infer<typeof benchmarkMethodSchema>;

export const BENCHMARK_RUN_STATUSES = ['running', 'finished', 'cancelled', 'failed'] as const;
export const benchmarkRunStatusSchema = z.enum(BENCHMARK_RUN_STATUSES);
export type BenchmarkRunStatus = z.infer<typeof benchmarkRunStatusSchema>;

/** How patched A's pixels are restored: in the order the map gives, or in a random order. */
export const REPLACEMENT_STRATEGIES = ['best_worst', 'random'] as const;
export type ReplacementStrategyName = (typeof REPLACEMENT_STRATEGIES)[number];

/** `kind` of the job.progress / job.finished events of benchmark runs; their jobId is benchmarkJobId(runId). */
export const BENCHMARK_JOB_KIND = 'benchmark';
export const benchmarkJobId = (runId: number) => `benchmark-${runId}`;

/** Images of a sample pair (`map-<method>`: the method's map over patched A), see benchmarks.asset. */
export const BENCHMARK_SAMPLE_IMAGES = [
  'original',
  'patched',
  'partner',
  'mask',
  ...BENCHMARK_METHODS.map((method) => `map-${method}` as const),
] as const;
export const benchmarkSampleImageSchema = z.enum(BENCHMARK_SAMPLE_IMAGES);
export type BenchmarkSampleImage = z.infer<typeof benchmarkSampleImageSchema>;

const workstationPath = requiredText(4096);

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
  /** Decision threshold on the cosine score; default the model's calibrated one. */
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
export const benchmarkCurveSchema = z.object({
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

export const benchmarkModelChoiceSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The model's calibrated threshold; null when it declares none (give one to run it). */
  threshold: z.number().nullable(),
});

// ---------------------------------------------------------------------------------------------
// Comparison of a pair: the xSSAB analysis (parameters, result, artifacts) and the decisions on it
// ---------------------------------------------------------------------------------------------

/** `kind` of the job.progress / job.finished events of analyses; their jobId is analysisJobId(pairId). */
export const ANALYSIS_JOB_KIND = 'xssab';
/** One analysis runs per pair at a time, so the UI knows the jobId before analyses.run answers. */
export const analysisJobId = (pairId: number) => `xssab-pair-${pairId}`;

/** The maps of one side: positive (for a match), negative (against) and both combined. */
export const MAP_KINDS = ['pos', 'neg', 'combined'] as const;
export type MapKind = (typeof MAP_KINDS)[number];

/**
 * Roles (= file names in `artifacts/<analysisId>/`) of an xSSAB analysis, for side a and b:
 * `a.crop.png` the aligned face, `a.pos.npy` the raw map (height × width float32), `a.pos.png` the
 * map over the crop, `a.pos.photo.png` the map over the whole photo; and `result.json`.
 */
export const xssabArtifactRole = (
  side: 'a' | 'b',
  map: MapKind | 'crop',
  format: 'png' | 'npy' | 'photo.png',
) => `${side}.${map}.${format}`;

const calibrationSchema = z.object({
  method: z.string(),
  dataset: z.string(),
  /** Pairs the threshold was fitted on. */
  n: z.int(),
  /** True while the threshold rests on too few pairs to be relied on alone. */
  provisional: z.boolean(),
});

/** `parameters` of an analysis with method 'xssab'. */
export const xssabParametersSchema = z.object({
  threshold: z.number(),
  /** The calibration behind the threshold (the model's manifest); null for a given threshold. */
  calibration: calibrationSchema.nullable(),
  /** Which face of each photo was compared. */
  faceSelection: z.literal('largest'),
  /** Per-dimension split: threshold / dim. */
  bound: z.number(),
  dim: z.int(),
});
export type XssabParameters = z.infer<typeof xssabParametersSchema>;

const analysedPhotoSchema = z.object({
  evidenceId: id,
  sha256: sha256Hex,
  width: z.int(),
  height: z.int(),
  /** What decoding did to the pixels (orientation, colour space, alpha). */
  notes: z.array(z.string()),
  /** Faces found in the photo; the largest (faceIndex 0) was compared. */
  faces: z.int(),
  faceIndex: z.int().nullable(),
  /** SHA-256 of the normalised model input. */
  inputSha256: z.string(),
});

/** `result` of an analysis with method 'xssab'. */
export const xssabResultSchema = z.object({
  decision: z.enum(['match', 'non-match']),
  /** How close the split is to flipping: smallest |p_i − bound| and dimensions within 1e-4 of it. */
  stability: z.object({ minGap: z.number(), nearBound: z.int().nonnegative() }),
  photos: z.object({ a: analysedPhotoSchema, b: analysedPhotoSchema }),
  warnings: z.array(z.string()),
  /** Milliseconds per stage (detector and engine loading, per-photo preparation, explanation). */
  timings: z.record(z.string(), z.unknown()),
});
export type XssabResult = z.infer<typeof xssabResultSchema>;

const conclusionRationale = z
  .string()
  .trim()
  .min(1, 'give the reasons for the conclusion')
  .max(20_000, 'must be at most 20000 characters');

// ---------------------------------------------------------------------------------------------
// The contract
// ---------------------------------------------------------------------------------------------

export const apiContract = {
  'app.info': {
    params: z.object({}),
    result: z.object({
      name: z.string(),
      version: z.string(),
      dataDir: z.string(),
      /** 'ipc' inside the Electron shell, 'http' in browser mode, 'cli' for the xssab command. */
      transport: z.enum(['ipc', 'http', 'cli']),
      /** The user recorded as actor when a call names none. */
      defaultActor: z.string(),
    }),
  },
  'cases.list': {
    params: z.object({
      /** Case-insensitive substring of case number, title, agency, examiner or notes. */
      search: z.string().trim().max(200).optional(),
      /** Default: updatedAt, newest first. */
      sortBy: z.enum(CASE_SORT_FIELDS).optional(),
      /** Default: 'asc' when sortBy is given, else 'desc'. */
      direction: z.enum(['asc', 'desc']).optional(),
    }),
    result: z.object({ cases: z.array(caseSummarySchema) }),
  },
  'cases.get': {
    params: z.object({ id }),
    result: caseDetailSchema,
  },
  'cases.create': {
    params: z.object({
      caseNumber: caseNumberSchema,
      title: requiredText(200),
      requestingAgency: optionalText(200).optional(),
      examiner: optionalText(128).optional(),
      status: caseStatusSchema.optional(),
      notes: optionalText(20_000).optional(),
      actor: actorParam,
    }),
    result: caseSchema,
  },
  'cases.update': {
    params: z.object({
      id,
      caseNumber: caseNumberSchema.optional(),
      title: requiredText(200).optional(),
      requestingAgency: optionalText(200).optional(),
      examiner: optionalText(128).optional(),
      status: caseStatusSchema.optional(),
      notes: optionalText(20_000).optional(),
      actor: actorParam,
    }),
    result: caseSchema,
  },
  'evidence.import': {
    params: z.object({
      caseId: id,
      /** Name of the original file (kept for the record; never used as a path). */
      fileName: requiredText(255),
      /** The file's bytes, base64-encoded (at most MAX_EVIDENCE_BYTES once decoded). */
      dataBase64: z
        .string()
        .min(1, 'must not be empty')
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64 (A-Z a-z 0-9 + / and = padding, no line breaks)'),
      actor: actorParam,
    }),
    result: evidenceItemSchema,
  },
  'evidence.list': {
    params: z.object({ caseId: id }),
    result: z.object({ evidence: z.array(evidenceItemSchema) }),
  },
  'evidence.read': {
    /** The stored bytes, re-hashed on every read: a file that no longer matches is an INTERNAL error. */
    params: z.object({ id }),
    result: z.object({ id, mediaType: evidenceMediaTypeSchema, sha256: sha256Hex, dataBase64: z.string() }),
  },
  'audit.verify': {
    params: z.object({ caseId: id.optional() }),
    result: auditVerificationSchema,
  },
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
      /** summary.csv; empty until the run has finished. */
      summary: z.array(benchmarkSummaryRowSchema),
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
  'pairs.create': {
    /** Two different evidence items of the case, as image A and image B. */
    params: z.object({ caseId: id, evidenceAId: id, evidenceBId: id, actor: actorParam }),
    result: pairSchema,
  },
  'analyses.run': {
    /**
     * Runs xSSAB on the pair's two originals (re-hashed first) with a registered model (default: the
     * registry's) in a worker thread and answers when the analysis is stored; job.progress events
     * with jobId analysisJobId(pairId) report its stages. CONFLICT while the pair is being analysed;
     * VALIDATION when a photo shows no face (nothing is stored then).
     */
    params: z.object({ pairId: id, modelId: requiredText(128).optional(), actor: actorParam }),
    result: z.object({ analysisId: id }),
  },
  'analyses.get': {
    params: z.object({ analysisId: id }),
    result: analysisSchema,
  },
  'analyses.artifact': {
    /** A PNG artifact of an analysis, re-hashed on every read (INTERNAL when it no longer matches). */
    params: z.object({ analysisId: id, role: requiredText(64) }),
    result: z.object({ mediaType: z.literal('image/png'), sha256: sha256Hex, dataBase64: z.string() }),
  },
  'decisions.record': {
    /**
     * An examiner's conclusion on a pair, or its verification: a verifier decision needs an examiner
     * decision on the pair first and must come from a different person.
     */
    params: z.object({
      pairId: id,
      /** The analysis the conclusion rests on; it must be one of the pair's. */
      analysisId: id.optional(),
      examiner: requiredText(128),
      role: decisionRoleSchema,
      conclusion: conclusionSchema,
      rationale: conclusionRationale,
    }),
    result: decisionSchema,
  },
  'reports.export': {
    /**
     * Builds the case report (PDF) from what the store holds, after re-hashing every evidence file
     * and analysis image it shows and verifying the audit trail (INTERNAL, with nothing stored, when
     * one does not match), and stores it read-only as `reports/<caseId>/<sha256>.pdf`. Unchanged
     * case data gives a byte-identical report.
     */
    params: z.object({ caseId: id, actor: actorParam }),
    result: z.object({
      reportId: id,
      sha256: sha256Hex,
      pages: z.int().positive(),
      /** Relative to the data folder, with '/'. */
      storedPath: z.string(),
    }),
  },
  'reports.read': {
    /** The stored PDF, re-hashed on every read (INTERNAL when it no longer matches). */
    params: z.object({ reportId: id }),
    result: z.object({
      reportId: id,
      caseId: id,
      mediaType: z.literal('application/pdf'),
      sha256: sha256Hex,
      dataBase64: z.string(),
    }),
  },
} as const;

export type ApiContract = typeof apiContract;
export type ApiMethod = keyof ApiContract;
/** What a caller passes (before trimming/defaults). */
export type ApiParams<M extends ApiMethod> = z.input<ApiContract[M]['params']>;
/** Params after validation, as the implementation receives them. */
export type ApiValidParams<M extends ApiMethod> = z.output<ApiContract[M]['params']>;
export type ApiResult<M extends ApiMethod> = z.output<ApiContract[M]['result']>;

export const API_METHODS = Object.keys(apiContract) as ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiContract, name);
}

// ---------------------------------------------------------------------------------------------
// Errors and transport envelope
// ---------------------------------------------------------------------------------------------

export const API_ERROR_CODES = ['VALIDATION', 'NOT_FOUND', 'CONFLICT', 'UNAUTHORIZED', 'INTERNAL'] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const apiErrorBodySchema = z.object({
  code: z.enum(API_ERROR_CODES),
  message: z.string(),
  /** For VALIDATION: one entry per offending field; path is dotted, e.g. 'caseNumber'. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

/** What the handler returns for every call, over IPC as is and over HTTP as status + body. */
export type ApiOutcome<R = unknown> = { ok: true; result: R } | { ok: false; error: ApiErrorBody };

/** HTTP status that browser mode answers for each error code. */
export const HTTP_STATUS_BY_ERROR_CODE: Record<ApiErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INTERNAL: 500,
};

/** The rejection a client raises for an error body, so UI code can switch on `code`. */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
  readonly code: ApiErrorCode;
  readonly issues: ApiErrorBody['issues'];
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.code = body.code;
    this.issues = body.issues;
  }
}

/** What the renderer sees: `window.xssab` in Electron, or the HTTP client in browser mode. */
export interface XssabApi {
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
}
