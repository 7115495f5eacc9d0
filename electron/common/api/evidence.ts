/** Evidence: the photographs of a case, stored content-addressed and read-only. */
import { z } from 'zod';
import { fivePointLandmarksSchema } from './comparison.js';
import { actorParam, id, isoTimestamp, requiredText, sha256Hex } from './fields.js';

const point = z.object({ x: z.number(), y: z.number() });
const rect = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });

/** A face found by the detector, in photo pixels (the box may reach past the photo's edge). */
export const detectedFaceSchema = z.object({
  box: rect,
  keypoints: z.object({
    rightEye: point,
    leftEye: point,
    noseTip: point,
    mouthCenter: point,
    rightEar: point,
    leftEar: point,
  }),
  score: z.number(),
});
export type DetectedFace = z.infer<typeof detectedFaceSchema>;

/** Media types accepted as evidence, recognised by their magic bytes (not by file name). */
export const EVIDENCE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/tiff'] as const;
export const evidenceMediaTypeSchema = z.enum(EVIDENCE_MEDIA_TYPES);
export type EvidenceMediaType = z.infer<typeof evidenceMediaTypeSchema>;

/** Largest evidence file accepted, in bytes (before base64). */
export const MAX_EVIDENCE_BYTES = 50 * 1024 * 1024;

/** Questioned: of unknown identity (e.g. a CCTV still); reference: of known identity. */
export const EVIDENCE_ROLES = ['questioned', 'reference'] as const;
export const evidenceRoleSchema = z.enum(EVIDENCE_ROLES);
export type EvidenceRole = z.infer<typeof evidenceRoleSchema>;

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
  /** null until the examiner sets it. */
  role: evidenceRoleSchema.nullable(),
});
export type EvidenceItem = z.infer<typeof evidenceItemSchema>;

/**
 * Whether an evidence item's stored file still hashes to its recorded SHA-256, as found when it
 * was last read: `modified` and `missing` mean the data folder was altered outside the workstation.
 */
const EVIDENCE_INTEGRITY_STATES = ['verified', 'modified', 'missing'] as const;
export const evidenceIntegritySchema = z.object({
  evidenceId: id,
  state: z.enum(EVIDENCE_INTEGRITY_STATES),
  checkedAt: isoTimestamp,
});
export type EvidenceIntegrity = z.infer<typeof evidenceIntegritySchema>;

export const evidenceMethods = {
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
  'evidence.verify': {
    /** Re-hashes every stored evidence file of the case now; changes nothing. */
    params: z.object({ caseId: id }),
    result: z.object({ items: z.array(evidenceIntegritySchema) }),
  },
  'evidence.setRole': {
    /** Marks the item as questioned or reference material (null: not set); audited. */
    params: z.object({ id, role: evidenceRoleSchema.nullable(), actor: actorParam }),
    result: evidenceItemSchema,
  },
  'evidence.metadata': {
    /** What the stored file (re-hashed first) says about itself: format, pixels, colour, EXIF tags. */
    params: z.object({ id }),
    result: z.object({
      format: z.string(),
      width: z.int(),
      height: z.int(),
      space: z.string().nullable(),
      channels: z.int(),
      depth: z.string().nullable(),
      /** Pixels per inch, when the file says. */
      density: z.number().nullable(),
      /** EXIF orientation (1–8), applied when the photo is shown and analysed. */
      orientation: z.int().nullable(),
      hasIccProfile: z.boolean(),
      /** EXIF tags by group (Image, Photo, GPSInfo, …), values as text; binary values by their length. */
      exif: z.array(z.object({ group: z.string(), tag: z.string(), value: z.string() })),
    }),
  },
  'evidence.faces': {
    /**
     * The faces the detector finds in the stored photo (re-hashed first), largest first, and the
     * SHA-256 of the bytes they were found in; analyses of the photo compare these faces.
     */
    params: z.object({ id }),
    result: z.object({
      sha256: sha256Hex,
      width: z.int(),
      height: z.int(),
      faces: z.array(detectedFaceSchema),
    }),
  },
  'evidence.alignPreview': {
    /** The aligned crop a model would see at five landmarks placed on the photo (default model when absent). */
    params: z.object({ id, landmarks: fivePointLandmarksSchema, modelId: requiredText(128).optional() }),
    result: z.object({ mediaType: z.literal('image/png'), dataBase64: z.string(), residualPx: z.number() }),
  },
  'evidence.read': {
    /** The stored bytes, re-hashed on every read: a file that no longer matches is an INTERNAL error. */
    params: z.object({ id }),
    result: z.object({ id, mediaType: evidenceMediaTypeSchema, sha256: sha256Hex, dataBase64: z.string() }),
  },
} as const;
