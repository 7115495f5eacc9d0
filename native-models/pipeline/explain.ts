/**
 * The photo path of an explanation: two photographs → chosen faces aligned to the model's crop →
 * xSSAB maps over each crop, and each map drawn both on the crop and back on the original photo
 * (the map warped with the alignment's inverse transform).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { defaultMapVariant, validationStatement } from '../../electron/common/explanations.js';
import { warpMapToOriginal } from '../face/align.js';
import { regionMask, regionSummary } from '../face/regions.js';
import type { Rect } from '../face/geometry.js';
import { encodeNpy } from '../onnx/npy.js';
import type { ModelRegistry, RegisteredModel } from '../registry/registry.js';
import { ModelIntegrityError } from '../registry/registry.js';
import type { MapSet, PairExplanation } from '../xssab/engine.js';
import {
  DEFAULT_IG_SMOOTHING,
  DEFAULT_IG_STEPS,
  smoothMap,
  type IntegratedGradients,
} from '../xssab/integrated-gradients.js';
import { renderOverlay, type MapKind } from '../xssab/overlay.js';
import type { ProviderName } from '../xssab/providers.js';
import {
  alignTargetOf,
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
  /** Signed attributions of each side's partial scores against the other side (integrated gradients). */
  integratedGradients: { a: IntegratedGradients; b: IntegratedGradients };
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
    integratedGradientsMs: number;
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
    start = performance.now();
    const integratedGradients = {
      a: await engine.integratedGradients({ a: a.input, b: b.input }, { steps: DEFAULT_IG_STEPS }),
      b: await engine.integratedGradients({ a: b.input, b: a.input }, { steps: DEFAULT_IG_STEPS }),
    };
    const integratedGradientsMs = performance.now() - start;
    return {
      model,
      a,
      b,
      result,
      integratedGradients,
      warnings: engine.warnings,
      timings: {
        detectorLoadMs,
        engineLoadMs,
        a: { ...a.photo.timings, ...a.timings },
        b: { ...b.photo.timings, ...b.timings },
        explainMs,
        integratedGradientsMs,
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
  const pictures = {} as Record<MapKind, MapPictures>;
  for (const kind of MAP_KINDS) pictures[kind] = await renderPhotoMap(face, maps[kind], size, kind);
  return pictures;
}

/** One map drawn on its crop and on its original photo, coloured as a map of `kind`. */
export async function renderPhotoMap(
  face: PreparedFace,
  map: Float32Array,
  size: { width: number; height: number },
  kind: MapKind,
): Promise<MapPictures> {
  const { image } = face.photo;
  const { png: crop, min, max } = await renderOverlay(face.input.rgb, map, size, kind);
  const { region, values } = warpMapToOriginal(
    map,
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
  return { crop, photo, region, min, max };
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
 * photo (`a.pos.photo.png`) — the xSSAB maps and the smoothed integrated-gradients map (`a.ig.*`) —
 * plus `result.json` (the `describePhotoExplanation` object, the map list, the integrated
 * gradients' settings and completeness, and the region summary of each side). Returns that object.
 */
export async function writePhotoExplanation(explained: PhotoExplanation, out: string) {
  await mkdir(out, { recursive: true });
  const { result } = explained;
  const { width, height } = result.size;
  const maps: Record<string, WrittenMap> = {};
  const writeMap = async (name: string, map: Float32Array, pictures: MapPictures) => {
    await writeFile(join(out, `${name}.npy`), encodeNpy({ data: map, shape: [height, width] }));
    await writeFile(join(out, `${name}.png`), pictures.crop);
    await writeFile(join(out, `${name}.photo.png`), pictures.photo);
    const { region, min, max } = pictures;
    maps[name] = {
      npy: `${name}.npy`,
      png: `${name}.png`,
      photoPng: `${name}.photo.png`,
      shape: [height, width],
      min,
      max,
      region,
    };
  };
  const regionsOf = regionMask(alignTargetOf(explained.model.manifest).template, width, height);
  const regions = {} as Record<'a' | 'b', ReturnType<typeof regionSummary>>;
  for (const side of ['a', 'b'] as const) {
    const face = explained[side];
    await writeFile(
      join(out, `${side}.crop.png`),
      await sharp(face.input.rgb, { raw: { width, height, channels: 3 } })
        .png()
        .toBuffer(),
    );
    const pictures = await renderPhotoMaps(face, result[side], result.size);
    for (const kind of MAP_KINDS) await writeMap(`${side}.${kind}`, result[side][kind], pictures[kind]);
    // The integrated-gradients map as shown (smoothed); its regions from the raw attributions, which add up to the score change.
    const attributions = explained.integratedGradients[side];
    const shown = smoothMap(attributions.signed, width, height, DEFAULT_IG_SMOOTHING);
    await writeMap(`${side}.ig`, shown, await renderPhotoMap(face, shown, result.size, 'combined'));
    regions[side] = regionSummary(attributions.signed, regionsOf);
  }
  const completeness = (side: 'a' | 'b') => {
    const { positive, negative } = explained.integratedGradients[side];
    return { positive, negative };
  };
  const summary = {
    ...describePhotoExplanation(explained),
    maps,
    integratedGradients: {
      steps: DEFAULT_IG_STEPS,
      smoothing: DEFAULT_IG_SMOOTHING,
      baseline: 'mid-grey face',
      completeness: { a: completeness('a'), b: completeness('b') },
    },
    regions,
    explanations: explanationValidity(explained.model),
  };
  await writeFile(join(out, 'result.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** What the model's validation record says about its maps, as it stands now. */
function explanationValidity(model: RegisteredModel) {
  const defaultVariant = defaultMapVariant(model.validation);
  return {
    validated: model.validation !== undefined,
    defaultVariant,
    statement: validationStatement(model.validation, defaultVariant),
    recordDate: model.validation?.date ?? null,
  };
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
