/** Comparison of a pair: the xSSAB analysis (parameters, result, artifacts) and the decisions on it. */
import { z } from 'zod';
import { FACE_REGIONS, MAP_VARIANTS } from '../explanations.js';
import { actorParam, canonicalText, id, isoTimestamp, requiredText, sha256Hex } from './fields.js';

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

/**
 * examiner: the conclusion on a pair; verifier: a second examiner's blind verification of it;
 * consultation: the conclusion both agree on after a verification disagreed.
 */
export const DECISION_ROLES = ['examiner', 'verifier', 'consultation'] as const;
export const decisionRoleSchema = z.enum(DECISION_ROLES);
export type DecisionRole = z.infer<typeof decisionRoleSchema>;

const point = z.object({ x: z.number().finite(), y: z.number().finite() });
/** Five points as the examiner places them, in photo pixels; right and left are the subject's. */
export const fivePointLandmarksSchema = z.object({
  rightEye: point,
  leftEye: point,
  noseTip: point,
  rightMouth: point,
  leftMouth: point,
});
export type FivePoints = z.infer<typeof fivePointLandmarksSchema>;
export const LANDMARK_NAMES = ['rightEye', 'leftEye', 'noseTip', 'rightMouth', 'leftMouth'] as const;

/** The face of a photo a pair compares: a detected face (index, largest first) or placed landmarks. */
export const faceChoiceSchema = z.union([
  z.strictObject({ face: z.int().nonnegative() }),
  z.strictObject({ landmarks: fivePointLandmarksSchema }),
]);
export type FaceChoice = z.infer<typeof faceChoiceSchema>;

export const pairSchema = z.object({
  id,
  caseId: id,
  evidenceAId: id,
  evidenceBId: id,
  createdAt: isoTimestamp,
  /** The face compared in A and in B; null: the largest detected face. */
  faceA: faceChoiceSchema.nullable(),
  faceB: faceChoiceSchema.nullable(),
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
  /** The deciding account's name as recorded. */
  examiner: z.string(),
  role: decisionRoleSchema,
  /** null while sealed. */
  conclusion: conclusionSchema.nullable(),
  /** '' while sealed. */
  rationale: z.string(),
  createdAt: isoTimestamp,
  /** The deciding account; null for decisions recorded before accounts existed. */
  accountId: id.nullable(),
  /** Ed25519 signature of the account over the decision's canonical content, base64. */
  signature: z.string().nullable(),
  /** An amendment: the examiner decision it replaces. */
  supersedesId: id.nullable(),
  /** A verification or consultation: the examiner decision it concerns. */
  verifiesId: id.nullable(),
  /** Blind verification: an examiner decision not yet verified is sealed for everyone but its author. */
  sealed: z.boolean(),
  /** A verification whose conclusion differs from the examiner's and that no consultation resolved yet. */
  disagreement: z.boolean(),
  /** Replaced by an amendment. */
  superseded: z.boolean(),
});
export type Decision = z.infer<typeof decisionSchema>;

/** `kind` of the job.progress / job.finished events of analyses; their jobId is analysisJobId(pairId). */
export const ANALYSIS_JOB_KIND = 'xssab';
/** One analysis runs per pair at a time, so the UI knows the jobId before analyses.run answers. */
export const analysisJobId = (pairId: number) => `xssab-pair-${pairId}`;

/** The maps of one side: positive (for a match), negative (against) and both combined. */
export const MAP_KINDS = ['pos', 'neg', 'combined'] as const;
export type MapKind = (typeof MAP_KINDS)[number];

export interface ViewerMap {
  name: string;
  label: string;
  /** Green from 0 up, red from 0 up, or red below 0 and green above (as overlay.ts draws them). */
  palette: 'for' | 'against' | 'diverging';
}

/**
 * The map variants the viewer offers, by name: each is stored per side as `<side>.<name>.map.png`
 * (and `.npy`, `.png`). A new kind of map plugs in by adding an entry here and writing those files.
 */
export const VIEWER_MAPS: readonly ViewerMap[] = [
  { name: 'pos', label: 'Positive (for a match)', palette: 'for' },
  { name: 'neg', label: 'Negative (against a match)', palette: 'against' },
  { name: 'combined', label: 'Combined', palette: 'diverging' },
  { name: 'ig', label: 'Integrated gradients', palette: 'diverging' },
];

/**
 * Roles (= file names in `artifacts/<analysisId>/`) of an xSSAB analysis, for side a and b:
 * `a.crop.png` the aligned face, `a.pos.npy` the raw map (height × width float32; `ig`: the
 * smoothed integrated-gradients map), `a.pos.png` the map over the crop with its legend,
 * `a.pos.map.png` the map alone (RGBA, crop size, one colour scale for A and B) and, in analyses
 * stored before the map viewer, `a.pos.photo.png` the map over the whole photo; and `result.json`.
 */
export const xssabArtifactRole = (
  side: 'a' | 'b',
  map: MapKind | 'ig' | 'crop' | (string & {}),
  format: 'png' | 'npy' | 'map.png' | 'photo.png',
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
  /** Which face of each photo was compared: the largest, or the pair's choice per side (null: largest). */
  faceSelection: z.union([
    z.literal('largest'),
    z.object({ a: faceChoiceSchema.nullable(), b: faceChoiceSchema.nullable() }),
  ]),
  /** Per-dimension split: threshold / dim. */
  bound: z.number(),
  dim: z.int(),
  /** Embeddings averaged with the mirror image's (absent in analyses from before the option). */
  flipAveraging: z.boolean().optional(),
  /** Integrated-gradients maps and region summary computed (absent in analyses from before the option). */
  integratedGradients: z.boolean().optional(),
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
  /** Where the alignment's five points came from (analyses since the face picker). */
  landmarkSource: z.enum(['detected', 'manual']).optional(),
  /** Crop → photo affine [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f (analyses since the map viewer). */
  inverse: z.array(z.number()).length(6).optional(),
});

/** One facial region's share of a side's integrated-gradients support (+) and opposition (−). */
export const regionShareSchema = z.object({
  region: z.enum(FACE_REGIONS),
  pixels: z.int().nonnegative(),
  support: z.number().min(0).max(1),
  opposition: z.number().min(0).max(1),
  /** Sum of the attributions over the region, in score units. */
  net: z.number(),
});
export type RegionShare = z.infer<typeof regionShareSchema>;

/** The model's explanation validation as it stood when the analysis ran. */
const explanationValiditySchema = z.object({
  validated: z.boolean(),
  /** The map variant shown first: the validated one, else the published combined map. */
  defaultVariant: z.enum(MAP_VARIANTS),
  /** validationStatement() of the default variant, for the UI and the report. */
  statement: z.string(),
  recordDate: z.string().nullable(),
});
export type ExplanationValidity = z.infer<typeof explanationValiditySchema>;

/** A map's value range and the value drawn at full colour strength (shared by A and B of a kind). */
export const mapScaleSchema = z.object({ min: z.number(), max: z.number(), span: z.number() });
export type MapScale = z.infer<typeof mapScaleSchema>;

/** `result` of an analysis with method 'xssab'. */
export const xssabResultSchema = z.object({
  decision: z.enum(['match', 'non-match']),
  /** How close the split is to flipping: smallest |p_i − bound| and dimensions within 1e-4 of it. */
  stability: z.object({ minGap: z.number(), nearBound: z.int().nonnegative() }),
  photos: z.object({ a: analysedPhotoSchema, b: analysedPhotoSchema }),
  warnings: z.array(z.string()),
  /** Milliseconds per stage (detector and engine loading, per-photo preparation, explanation). */
  timings: z.record(z.string(), z.unknown()),
  /** Per side, the region summary of the integrated-gradients map (absent in analyses made before it existed). */
  regions: z.object({ a: z.array(regionShareSchema), b: z.array(regionShareSchema) }).optional(),
  explanations: explanationValiditySchema.optional(),
  /** Per map ('a.pos', …): its scale (analyses since the map viewer). */
  maps: z.record(z.string(), mapScaleSchema).optional(),
});
export type XssabResult = z.infer<typeof xssabResultSchema>;

const conclusionRationale = canonicalText({ multiline: true })
  .min(1, 'give the reasons for the conclusion')
  .max(20_000, 'must be at most 20000 characters');
export const comparisonMethods = {
  'pairs.create': {
    /** Two different evidence items of the case, as image A and image B. */
    params: z.object({ caseId: id, evidenceAId: id, evidenceBId: id, actor: actorParam }),
    result: pairSchema,
  },
  'pairs.setFace': {
    /**
     * Chooses the face of side A or B the pair's analyses compare: a detected face (index from
     * evidence.faces), five landmarks placed by the examiner, or null for the largest face.
     */
    params: z.object({
      pairId: id,
      side: z.enum(['a', 'b']),
      choice: faceChoiceSchema.nullable(),
      actor: actorParam,
    }),
    result: pairSchema,
  },
  'analyses.run': {
    /**
     * Runs xSSAB on the pair's two originals (re-hashed first) with a registered model (default: the
     * registry's) in a worker thread and answers when the analysis is stored; job.progress events
     * with jobId analysisJobId(pairId) report its stages. CONFLICT while the pair is being analysed;
     * VALIDATION when a photo shows no face (nothing is stored then).
     */
    params: z.object({
      pairId: id,
      modelId: requiredText(128).optional(),
      /** Test-time flip averaging, for low-quality probes: the explanation covers both orientations. */
      flipAveraging: z.boolean().optional(),
      /**
       * Also the integrated-gradients maps and the region summary (about 17 forward and backward
       * passes per face, so seconds on a CPU). Default: when the model's validation record makes
       * integrated gradients its default map.
       */
      integratedGradients: z.boolean().optional(),
      actor: actorParam,
    }),
    result: z.object({ analysisId: id }),
  },
  'models.list': {
    /** The recognition models an analysis can use (shipped, then lab-imported); `usable` once its file verifies and it has a threshold. */
    params: z.object({}),
    result: z.object({
      models: z.array(
        z.object({ id: z.string(), name: z.string(), isDefault: z.boolean(), usable: z.boolean() }),
      ),
    }),
  },
  'analyses.cancel': {
    /**
     * Cancels the pair's running analysis: it stops at its next stage, stores nothing, and its
     * analyses.run answers CONFLICT. `cancelled` is false when no analysis of the pair was running.
     */
    params: z.object({ pairId: id }),
    result: z.object({ cancelled: z.boolean() }),
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
  'analyses.mapValues': {
    /**
     * The raw values of one map (role without extension, e.g. 'a.combined'), from its .npy artifact
     * (re-hashed on read): row-major float32, little-endian, base64.
     */
    params: z.object({
      analysisId: id,
      map: z.string().regex(/^[ab]\.[a-z_]+$/, "must be like 'a.combined'"),
    }),
    result: z.object({ width: z.int(), height: z.int(), valuesBase64: z.string() }),
  },
  'decisions.record': {
    /**
     * The signed-in account's conclusion on a pair, signed with its key (UNAUTHORIZED when nobody is
     * signed in). examiner: one current decision per pair, amended by a new one with `supersedes`.
     * verifier: a different account verifies the current examiner decision, without having seen its
     * conclusion; once per examiner decision. consultation: after a disagreeing verification, the
     * examiner or the verifier records the conclusion they agreed on. CONFLICT on a closed case.
     */
    params: z.object({
      pairId: id,
      /** The analysis the conclusion rests on; it must be one of the pair's. */
      analysisId: id.optional(),
      /** Optional: the decision is the signed-in account's; a name given must be that account's. */
      examiner: requiredText(128).optional(),
      role: decisionRoleSchema,
      /** role examiner: the examiner decision of the pair this one amends (never edited). */
      supersedes: id.optional(),
      conclusion: conclusionSchema,
      rationale: conclusionRationale,
    }),
    result: decisionSchema,
  },
} as const;
