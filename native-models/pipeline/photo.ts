/**
 * Photo → faces → aligned crop → model input: decode (EXIF orientation, colour space, alpha as
 * loadImage records them), detect with BlazeFace, pick a face (the largest unless an index is
 * given; manual landmarks win over detected keypoints), align it to the model's crop and
 * normalise it as the model's manifest says. The alignment transform is kept, so that maps over
 * the crop can be drawn back on the photo.
 */
import { performance } from 'node:perf_hooks';
import {
  alignFace,
  ARCFACE_112,
  DLIB_150,
  type AlignedFace,
  type AlignTarget,
  type FivePointLandmarks,
} from '../face/align.js';
import { FaceDetector, type Face } from '../face/detect.js';
import { loadImage, type DecodedImage } from '../face/image.js';
import type { RecognitionManifest } from '../manifests/schema.js';
import type { ModelRegistry } from '../registry/registry.js';
import type { ImportedManifest } from '../registry/schema.js';
import { normalise, tensorSha256, type Preprocessing } from '../xssab/preprocess.js';

export type FaceSelectionReason = 'no-face' | 'index-out-of-range';

/** The photo has no face to compare, or not the one asked for. */
export class FaceSelectionError extends Error {
  override name = 'FaceSelectionError';
  constructor(
    readonly reason: FaceSelectionReason,
    message: string,
  ) {
    super(message);
  }
}

/** A decoded photo and every face found in it (largest first). */
export interface DetectedPhoto {
  path: string;
  image: DecodedImage;
  faces: Face[];
  timings: { decodeMs: number; detectMs: number };
}

/** Faces found earlier in the photo whose bytes hash to `sha256` (e.g. the ones the face picker showed). */
export interface KnownFaces {
  sha256: string;
  faces: Face[];
}

/** The photo is no longer the one whose faces were detected. */
export class PhotoChangedError extends Error {
  override name = 'PhotoChangedError';
}

export interface FaceChoice {
  /** Index into the detected faces (largest first); default 0, the largest. */
  face?: number;
  /** Five points marked by the examiner, in photo pixels; used instead of any detected face. */
  landmarks?: FivePointLandmarks;
}

/** One face of a photo, aligned and normalised for one model. */
export interface PreparedFace {
  photo: DetectedPhoto;
  /** Which detected face was used; null when manual landmarks were given. */
  faceIndex: number | null;
  aligned: AlignedFace;
  /** Normalised C×H×W input, its SHA-256, and the crop's RGB bytes (for overlays). */
  input: { tensor: Float32Array; sha256: string; rgb: Uint8Array };
  timings: { alignMs: number; preprocessMs: number };
}

type Manifest = RecognitionManifest | ImportedManifest;

/** The model's input normalisation, from its manifest. */
export function preprocessingOf(manifest: Manifest): Preprocessing {
  const [height, width] = manifest.input.size;
  return {
    size: { width, height },
    mean: manifest.input.mean,
    std: manifest.input.std,
    color: manifest.input.color,
    layout: 'nchw',
  };
}

const TEMPLATES: Record<Manifest['alignment']['template'], AlignTarget> = {
  'arcface-112': ARCFACE_112,
  'dlib-150': DLIB_150,
};

/** The crop the model was trained on; a template at another crop size is scaled about the origin. */
export function alignTargetOf(manifest: Manifest): AlignTarget {
  const base = TEMPLATES[manifest.alignment.template];
  const size = manifest.alignment.cropSize;
  const [height, width] = manifest.input.size;
  if (height !== size || width !== size) {
    throw new RangeError(
      `${manifest.id}: alignment crop ${size} differs from the model input ${width}×${height}`,
    );
  }
  if (size === base.width) return base;
  const s = size / base.width;
  const template = Object.fromEntries(
    Object.entries(base.template).map(([k, p]) => [k, { x: p.x * s, y: p.y * s }]),
  ) as unknown as FivePointLandmarks;
  return { name: `${base.name}@${size}`, width: size, height: size, template };
}

/** BlazeFace, after checking both detector files against their manifests. */
export async function openDetector(registry: ModelRegistry): Promise<FaceDetector> {
  registry.getDetector('blazeface-front-128');
  registry.getDetector('blazeface-back-256');
  return FaceDetector.create(registry.shippedModelsDir);
}

export async function detectPhoto(path: string, detector: FaceDetector): Promise<DetectedPhoto> {
  let start = performance.now();
  const image = await loadImage(path);
  const decodeMs = performance.now() - start;
  start = performance.now();
  const faces = await detector.detect(image);
  return { path, image, faces, timings: { decodeMs, detectMs: performance.now() - start } };
}

/**
 * The photo decoded, with the faces detected in it earlier instead of detecting them again;
 * refused when its bytes no longer hash to the ones detected.
 */
export async function decodeWithKnownFaces(path: string, known: KnownFaces): Promise<DetectedPhoto> {
  const start = performance.now();
  const image = await loadImage(path);
  const decodeMs = performance.now() - start;
  if (image.sha256 !== known.sha256) {
    throw new PhotoChangedError(
      `${path} changed since its faces were detected: it hashes to ${image.sha256}, not ${known.sha256}`,
    );
  }
  return { path, image, faces: known.faces, timings: { decodeMs, detectMs: 0 } };
}

/** Aligns the chosen face of a detected photo to the model's crop and normalises it. */
export async function prepareFace(
  photo: DetectedPhoto,
  manifest: Manifest,
  choice: FaceChoice = {},
): Promise<PreparedFace> {
  const faceIndex = choice.landmarks ? null : chooseFace(photo, choice.face ?? 0);
  let start = performance.now();
  const aligned = await alignFace(
    photo.image,
    choice.landmarks ? { manual: choice.landmarks } : { detected: photo.faces[faceIndex!].keypoints },
    alignTargetOf(manifest),
  );
  const alignMs = performance.now() - start;
  start = performance.now();
  const tensor = normalise(aligned.crop.rgb, preprocessingOf(manifest));
  const preprocessMs = performance.now() - start;
  return {
    photo,
    faceIndex,
    aligned,
    input: { tensor, sha256: tensorSha256(tensor), rgb: aligned.crop.rgb },
    timings: { alignMs, preprocessMs },
  };
}

function chooseFace({ path, faces }: DetectedPhoto, index: number): number {
  if (!Number.isInteger(index) || index < 0) {
    throw new FaceSelectionError('index-out-of-range', `face index must be a whole number ≥ 0, got ${index}`);
  }
  if (faces.length === 0) {
    throw new FaceSelectionError(
      'no-face',
      `no face found in ${path}; mark the five landmarks by hand to compare it`,
    );
  }
  if (index >= faces.length) {
    throw new FaceSelectionError(
      'index-out-of-range',
      `${path} has ${faces.length} face${faces.length === 1 ? '' : 's'} (0 = largest); there is no face ${index}`,
    );
  }
  return index;
}
