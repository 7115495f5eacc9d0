/**
 * The photo path of an explanation: two photographs → chosen faces aligned to the model's crop →
 * xSSAB maps over each crop, and each map drawn both on the crop and back on the original photo
 * (the map warped with the alignment's inverse transform).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { warpMapToOriginal } from '../face/align.js';
import type { Rect } from '../face/geometry.js';
import { encodeNpy } from '../onnx/npy.js';
import type { ModelRegistry, RegisteredModel } from '../registry/registry.js';
import { ModelIntegrityError } from '../registry/registry.js';
import type { MapSet, PairExplanation } from '../xssab/engine.js';
import { renderOverlay, type MapKind } from '../xssab/overlay.js';
import type { ProviderName } from '../xssab/providers.js';
import {
  detectPhoto,
  openDetector,
  prepareFace,
  preprocessingOf,
  type FaceChoice,
  type PreparedFace,
} from './photo.js';

export class MissingThresholdError extends Error {
  override name = 'MissingThresholdError';
}

export interface PhotoExplainOptions {
  /** Registered model id (default: the registry's default model). */
  model?: string;
  a: string;
  b: string;
  faceA?: FaceChoice;
  faceB?: FaceChoice;
  /** Instead of the model's calibrated threshold. */
  threshold?: number;
  provider?: ProviderName;
  threads?: number;
  /** Folder for the engine's compiled graphs. */
  cacheDir?: string;
  /** Average each face's embedding with its mirror image's (low-quality probes). */
  flipAveraging?: boolean;
}

export interface PhotoExplanation {
  model: RegisteredModel;
  a: PreparedFace;
  b: PreparedFace;
  result: PairExplanation;
  /** From the engine (e.g. CUDA asked for but unavailable). */
  warnings: string[];
  timings: {
    /** Opening the detector (both BlazeFace sessions, files hash-checked). */
    detectorLoadMs: number;
    /** Engine creation: model read, explanation graph compiled, session started. */
    engineLoadMs: number;
    /** Per photo: decode, detect, align, normalise. */
    a: PreparedFace['photo']['timings'] & PreparedFace['timings'];
    b: PreparedFace['photo']['timings'] & PreparedFace['timings'];
    explainMs: number;
  };
}

export async function explainPhotoPair(
  registry: ModelRegistry,
  options: PhotoExplainOptions,
): Promise<PhotoExplanation> {
  const model = registry.getModel(options.model);
  const threshold = options.threshold ?? model.manifest.threshold?.value;
  if (threshold === undefined) {
    throw new MissingThresholdError(
      `${model.id} has no threshold yet: calibrate it (xssab models calibrate) or give one`,
    );
  }
  let start = performance.now();
  const detector = await openDetector(registry);
  const detectorLoadMs = performance.now() - start;
  let a: PreparedFace;
  let b: PreparedFace;
  try {
    a = await prepareFace(await detectPhoto(options.a, detector), model.manifest, options.faceA);
    b = await prepareFace(await detectPhoto(options.b, detector), model.manifest, options.faceB);
  } finally {
    await detector.release();
  }

  start = performance.now();
  // Imported here so that loading this module does not compile anything.
  const { Engine } = await import('../xssab/engine.js');
  const engine = await Engine.create({
    model: model.path,
    name: model.id,
    preprocessing: preprocessingOf(model.manifest),
    threshold,
    ...(options.provider && { provider: options.provider }),
    ...(options.threads && { threads: options.threads }),
    ...(options.cacheDir && { cacheDir: options.cacheDir }),
    ...(options.flipAveraging && { flipAveraging: true }),
  });
  const engineLoadMs = performance.now() - start;
  try {
    if (engine.modelSha256 !== model.sha256)
      throw new ModelIntegrityError(`${model.path} changed after it was verified`);
    start = performance.now();
    const [result] = await engine.explain([{ a: a.input, b: b.input }]);
    const explainMs = performance.now() - start;
    return {
      model,
      a,
      b,
      result,
      warnings: engine.warnings,
      timings: {
        detectorLoadMs,
        engineLoadMs,
        a: { ...a.photo.timings, ...a.timings },
        b: { ...b.photo.timings, ...b.timings },
        explainMs,
      },
    };
  } finally {
    await engine.dispose();
  }
}

export interface MapPictures {
  /** The map over the aligned crop (overlay.ts, upscaled, with legend). */
  crop: Buffer;
  /** The map warped back over the whole original photo, at the photo's resolution, with legend. */
  photo: Buffer;
  /** The part of the photo the crop covers. */
  region: Rect;
  min: number;
  max: number;
}

export const MAP_KINDS: readonly MapKind[] = ['pos', 'neg', 'combined'];

/** Each map of one side drawn on its crop and on its original photo. */
export async function renderPhotoMaps(
  face: PreparedFace,
  maps: MapSet,
  size: { width: number; height: number },
): Promise<Record<MapKind, MapPictures>> {
  const { image } = face.photo;
  const pictures = {} as Record<MapKind, MapPictures>;
  for (const kind of MAP_KINDS) {
    const { png: crop, min, max } = await renderOverlay(face.input.rgb, maps[kind], size, kind);
    const { region, values } = warpMapToOriginal(
      maps[kind],
      size.width,
      size.height,
      face.aligned,
      image.width,
      image.height,
    );
    // Outside the crop's footprint the photo shows no argument (0 draws no colour).
    const onPhoto = new Float32Array(image.width * image.height);
    for (let y = 0; y < region.height; y++) {
      for (let x = 0; x < region.width; x++) {
        const v = values[y * region.width + x];
        if (!Number.isNaN(v)) onPhoto[(region.y + y) * image.width + region.x + x] = v;
      }
    }
    const { png: photo } = await renderOverlay(image.rgb, onPhoto, image, kind, { scale: 1 });
    pictures[kind] = { crop, photo, region, min, max };
  }
  return pictures;
}

export interface WrittenMap {
  /** File names inside the output folder. */
  npy: string;
  png: string;
  photoPng: string;
  shape: [number, number];
  min: number;
  max: number;
  /** Where the crop lies in the original photo. */
  region: Rect;
}

/**
 * Writes, per side (a, b), the aligned crop (`a.crop.png`) and per map kind the raw map
 * (`a.pos.npy`, height × width float32), the map over the crop (`a.pos.png`) and over the whole
 * photo (`a.pos.photo.png`), plus `result.json` (the `describePhotoExplanation` object and the
 * map list). Returns that object.
 */
export async function writePhotoExplanation(explained: PhotoExplanation, out: string) {
  await mkdir(out, { recursive: true });
  const { result } = explained;
  const { width, height } = result.size;
  const maps: Record<string, WrittenMap> = {};
  for (const side of ['a', 'b'] as const) {
    const face = explained[side];
    await writeFile(
      join(out, `${side}.crop.png`),
      await sharp(face.input.rgb, { raw: { width, height, channels: 3 } })
        .png()
        .toBuffer(),
    );
    const pictures = await renderPhotoMaps(face, result[side], result.size);
    for (const kind of MAP_KINDS) {
      const name = `${side}.${kind}`;
      const { crop, photo, region, min, max } = pictures[kind];
      await writeFile(
        join(out, `${name}.npy`),
        encodeNpy({ data: result[side][kind], shape: [height, width] }),
      );
      await writeFile(join(out, `${name}.png`), crop);
      await writeFile(join(out, `${name}.photo.png`), photo);
      maps[name] = {
        npy: `${name}.npy`,
        png: `${name}.png`,
        photoPng: `${name}.photo.png`,
        shape: [height, width],
        min,
        max,
        region,
      };
    }
  }
  const summary = { ...describePhotoExplanation(explained), maps };
  await writeFile(join(out, 'result.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** The record of a photo explanation: decision, model, both photos (hashes, faces, alignment), stability, timings. */
export function describePhotoExplanation({ model, a, b, result, warnings, timings }: PhotoExplanation) {
  const threshold = model.manifest.threshold?.value === result.threshold ? model.manifest.threshold : null;
  const photo = (face: PreparedFace) => ({
    path: resolve(face.photo.path),
    sha256: face.photo.image.sha256,
    width: face.photo.image.width,
    height: face.photo.image.height,
    notes: face.photo.image.notes,
    faces: face.photo.faces.length,
    faceIndex: face.faceIndex,
    landmarkSource: face.aligned.landmarkSource,
    alignment: {
      target: face.aligned.target,
      residualPx: face.aligned.residualPx,
      transform: face.aligned.transform,
      inverse: face.aligned.inverse,
    },
    inputSha256: face.input.sha256,
  });
  return {
    score: result.score,
    threshold: result.threshold,
    /** The calibration behind the threshold; null when a threshold was given for this run. */
    calibration: threshold?.calibration ?? null,
    decision: result.score >= result.threshold ? 'match' : 'non-match',
    bound: result.bound,
    dim: result.dim,
    flipAveraging: result.flipAveraging,
    model: { id: model.id, name: model.name, path: model.path, sha256: model.sha256 },
    photos: { a: photo(a), b: photo(b) },
    provider: result.provider,
    warnings,
    stability: result.stability,
    timings: { ...timings, runMs: result.timings.runMs },
  };
}
