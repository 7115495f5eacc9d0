/**
 * What the registry stores beside the shipped manifests (native-models/manifests/schema.ts):
 * the manifest of a lab-imported model, and the full record of a calibration run.
 */
import { z } from 'zod';
import { CalibrationSchema, RecognitionManifestSchema, ThresholdSchema } from '../manifests/schema.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');

/** Where an imported model came from, for the examiner's record. */
const ProvenanceSchema = z.strictObject({
  /** Absolute path of the file the lab imported. */
  originalPath: z.string().min(1),
  /** SHA-256 of that file; differs from onnx.sha256 when `changes` is not empty. */
  originalSha256: sha256,
  importedAt: z.iso.datetime(),
  /** The operating-system account that ran the import. */
  importedBy: z.string().min(1),
  /** What the stored copy changes in the original, worded for the record (e.g. a pinned input size). */
  changes: z.array(z.string()),
});

/** Method of a threshold the lab supplied at import rather than fitted here; its `n` is 0. */
export const SUPPLIED_THRESHOLD_METHOD = 'supplied at import';

/**
 * `<data>/models/<id>/manifest.json`: a shipped recognition manifest without the npm source,
 * with provenance instead. `onnx.file` is always `model.onnx` in the same folder. A threshold
 * supplied at import carries n = 0 (no comparisons behind it here).
 */
export const ImportedManifestSchema = RecognitionManifestSchema.omit({ source: true }).extend({
  threshold: ThresholdSchema.extend({
    calibration: CalibrationSchema.extend({ n: z.int().nonnegative() }),
  }).nullable(),
  provenance: ProvenanceSchema,
});
export type ImportedManifest = z.infer<typeof ImportedManifestSchema>;

/**
 * One calibration run in full (the manifest's threshold keeps only value, method, dataset, n and
 * provisional). Stored as native-models/registry/calibrations/<id>.json for a shipped model and
 * `<data>/models/<id>/calibration.json` for an imported one.
 */
export const CalibrationRecordSchema = z.strictObject({
  modelId: z.string().min(1),
  modelSha256: sha256,
  method: z.literal('EER'),
  date: z.iso.datetime(),
  /** The pairs file as given, and the folder its paths are relative to. */
  dataset: z.strictObject({ pairs: z.string().min(1), root: z.string().min(1) }),
  threshold: z.number(),
  eer: z.number().min(0).max(1),
  /** At the threshold: impostor pairs scored ≥ threshold, genuine pairs scored below it. */
  fmr: z.number().min(0).max(1),
  fnmr: z.number().min(0).max(1),
  auc: z.number().min(0).max(1),
  genuine: z.int().nonnegative(),
  impostor: z.int().nonnegative(),
  provisional: z.boolean(),
  /** Every scored pair, so the figures can be recomputed; pairs that could not be scored are in `failures`. */
  scores: z.array(z.strictObject({ a: z.string(), b: z.string(), same: z.boolean(), score: z.number() })),
  failures: z.array(z.strictObject({ a: z.string(), b: z.string(), error: z.string() })),
});
export type CalibrationRecord = z.infer<typeof CalibrationRecordSchema>;
