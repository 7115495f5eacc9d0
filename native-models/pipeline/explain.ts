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
import type { Engine, PairExplanation } from '../xssab/engine.js';
import {
  DEFAULT_IG_SMOOTHING,
  DEFAULT_IG_STEPS,
  smoothMap,
  type IntegratedGradients,
} from '../xssab/integrated-gradients.js';
import { mapExtent, renderMapLayer, renderOverlay, sharedSpan, type MapKind } from '../xssab/overlay.js';
import type { ProviderName } from '../xssab/providers.js';
import type { FaceDetector } from '../face/detect.js';
import {
  alignTargetOf,
  decodeWithKnownFaces,
  detectPhoto,
  openDetector,
  prepareFace,
  preprocessingOf,
  type FaceChoice,
  type KnownFaces,
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
  /** Faces already detected in a photo (checked against its SHA-256), so that it is not detected again. */
  knownFaces?: { a?: KnownFaces; b?: KnownFaces };
  /** Instead of the model's calibrated threshold. */
  threshold?: number;
  provider?: ProviderName;
  threads?: number;
  /** Folder for the engine's compiled graphs. */
  cacheDir?: string;
  /** Average each face's embedding with its mirror image's (low-quality probes). */
  flipAveraging?: boolean;
  /**
   * Also integrated gradients and the region summary; seconds on a CPU, so by default only when
   * the model's validation record makes them its default map.
   */
  integratedGradients?: boolean;
}

export interface PhotoExplanation {
  model: RegisteredModel;
  a: PreparedFace;
  b: PreparedFace;
  result: PairExplanation;
  /** Signed attributions of each side's partial scores against the other side, when asked for. */
  integratedGradients?: { a: IntegratedGradients; b: IntegratedGradients };
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
    /** null when integrated gradients were not computed. */
    integratedGradientsMs: number | null;
  };
}

/** Stages of one explanation, reported to `onStage` as they begin. */
export const EXPLAIN_STAGES = [
  'reading the photos',
  'aligning the faces',
  'computing the xSSAB maps',
  'computing the integrated gradients',
  'drawing the maps',
] as const;
export type ExplainStage = (typeof EXPLAIN_STAGES)[number];

/** The stages an explanation runs, in order. */
export function explainStages(integratedGradients: boolean): ExplainStage[] {
  return EXPLAIN_STAGES.filter(
    (stage) => integratedGradients || stage !== 'computing the integrated gradients',
  );
}

/**
 * Whether an explanation computes integrated gradients: as asked, else when the model's
 * validation record makes them its default map (they cost seconds on a CPU).
 */
export function computesIntegratedGradients(model: RegisteredModel, asked: boolean | undefined): boolean {
  return asked ?? defaultMapVariant(model.validation) === 'ig';
}

export interface ExplainControl {
  /** Checked between stages. */
  signal?: AbortSignal;
  onStage?: (stage: ExplainStage) => void;
}

/**
 * Explains photo pairs with a detector and an engine per model kept open between calls, so a
 * long-lived process pays for loading and compiling once. The engine's compiled graphs go to
 * `cacheDir` (keyed by model SHA-256 and compiler version), so a new process skips compilation too.
 */
export class PhotoExplainer {
  private detector?: Promise<FaceDetector>;
  /**
   * Engines by model SHA-256 and flip averaging (a model file replaced under the same id gets a
   * new engine).
   */
  private readonly engines = new Map<string, Promise<Engine>>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly settings: Pick<PhotoExplainOptions, 'provider' | 'threads' | 'cacheDir'> = {},
  ) {}

  async explain(
    options: PhotoExplainOptions,
    { signal, onStage }: ExplainControl = {},
  ): Promise<PhotoExplanation> {
    const model = this.registry.getModel(options.model);
    const threshold = options.threshold ?? model.manifest.threshold?.value;
    if (threshold === undefined) {
      throw new MissingThresholdError(
        `${model.id} has no threshold yet: calibrate it (xssab models calibrate) or give one`,
      );
    }
    signal?.throwIfAborted();
    onStage?.('reading the photos');
    let start = performance.now();
    const known = options.knownFaces ?? {};
    const detector = known.a && known.b ? undefined : await (this.detector ??= openDetector(this.registry));
    const detectorLoadMs = performance.now() - start;
    const photoOf = (path: string, faces: KnownFaces | undefined) =>
      faces ? decodeWithKnownFaces(path, faces) : detectPhoto(path, detector!);
    // Both photos at once: decoding runs on libvips threads while the other photo is detected.
    const [photoA, photoB] = await Promise.all([photoOf(options.a, known.a), photoOf(options.b, known.b)]);
    signal?.throwIfAborted();
    onStage?.('aligning the faces');
    const a = await prepareFace(photoA, model.manifest, options.faceA);
    const b = await prepareFace(photoB, model.manifest, options.faceB);

    start = performance.now();
    const engine = await this.engine(model, threshold, options.flipAveraging ?? false);
    const engineLoadMs = performance.now() - start;
    signal?.throwIfAborted();
    onStage?.('computing the xSSAB maps');
    start = performance.now();
    const [result] = await engine.explain([{ a: a.input, b: b.input }], {
      ...(signal && { signal }),
      threshold,
    });
    const explainMs = performance.now() - start;
    let integratedGradients: PhotoExplanation['integratedGradients'];
    let integratedGradientsMs: number | null = null;
    if (computesIntegratedGradients(model, options.integratedGradients)) {
      signal?.throwIfAborted();
      onStage?.('computing the integrated gradients');
      start = performance.now();
      const steps = DEFAULT_IG_STEPS;
      integratedGradients = {
        a: await engine.integratedGradients({ a: a.input, b: b.input }, { steps, threshold }),
        b: await engine.integratedGradients({ a: b.input, b: a.input }, { steps, threshold }),
      };
      integratedGradientsMs = performance.now() - start;
    }
    return {
      model,
      a,
      b,
      result,
      ...(integratedGradients && { integratedGradients }),
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
  }

  async close(): Promise<void> {
    const detector = this.detector;
    const engines = [...this.engines.values()];
    this.detector = undefined;
    this.engines.clear();
    await Promise.allSettled([
      ...(detector ? [detector.then((d) => d.release())] : []),
      ...engines.map((engine) => engine.then((e) => e.dispose())),
    ]);
  }

  private async engine(model: RegisteredModel, threshold: number, flipAveraging: boolean): Promise<Engine> {
    const key = `${model.sha256}${flipAveraging ? ' flip-averaged' : ''}`;
    let engine = this.engines.get(key);
    if (!engine) {
      // Imported here so that loading this module does not load ONNX Runtime.
      engine = import('../xssab/engine.js').then(({ Engine }) =>
        Engine.create({
          model: model.path,
          name: model.id,
          preprocessing: preprocessingOf(model.manifest),
          threshold,
          flipAveraging,
          ...(this.settings.provider && { provider: this.settings.provider }),
          ...(this.settings.threads && { threads: this.settings.threads }),
          ...(this.settings.cacheDir && { cacheDir: this.settings.cacheDir }),
        }),
      );
      this.engines.set(key, engine);
      engine.catch(() => this.engines.delete(key));
    }
    const ready = await engine;
    if (ready.modelSha256 !== model.sha256)
      throw new ModelIntegrityError(`${model.path} changed after it was verified`);
    return ready;
  }
}

/** One explanation with a detector and engine opened for it and released after. */
export async function explainPhotoPair(
  registry: ModelRegistry,
  options: PhotoExplainOptions,
): Promise<PhotoExplanation> {
  const explainer = new PhotoExplainer(registry, {
    ...(options.provider && { provider: options.provider }),
    ...(options.threads && { threads: options.threads }),
    ...(options.cacheDir && { cacheDir: options.cacheDir }),
  });
  try {
    return await explainer.explain(options);
  } finally {
    await explainer.close();
  }
}

export interface MapPictures {
  /** The map over the aligned crop (overlay.ts, upscaled, with legend). */
  crop: Buffer;
  /** The map alone (RGBA) at the crop's size, for a viewer to lay over the crop. */
  layer: Buffer;
  /**
   * The map alone (RGBA) warped onto the part of the photo the crop covers (`region`, in photo
   * pixels); only when asked for (a viewer can instead place `layer` with the alignment's inverse).
   */
  photo?: { png: Buffer; region: Rect };
  min: number;
  max: number;
  /** The value drawn at full colour strength: shared by both sides of a pair for this map kind. */
  span: number;
}

/**
 * The maps written per side, each with the palette it is drawn in: the three xSSAB maps and, when
 * computed, the smoothed integrated-gradients map (signed, so drawn like the combined map).
 */
const DRAWN_MAPS = { pos: 'pos', neg: 'neg', combined: 'combined', ig: 'combined' } as const satisfies Record<
  string,
  MapKind
>;
export type DrawnMap = keyof typeof DRAWN_MAPS;
const DRAWN_MAP_NAMES = Object.keys(DRAWN_MAPS) as DrawnMap[];

/**
 * Each map of both sides drawn on its crop, alone, and on its original photo; the two maps of a
 * kind share one colour scale, so equal colours on A and B mean equal values.
 */
async function renderPairMaps(
  faces: { a: PreparedFace; b: PreparedFace },
  maps: Record<'a' | 'b', Partial<Record<DrawnMap, Float32Array>>>,
  size: { width: number; height: number },
  { onPhoto = true }: { onPhoto?: boolean } = {},
): Promise<Record<'a' | 'b', Partial<Record<DrawnMap, MapPictures>>>> {
  const names = DRAWN_MAP_NAMES.filter((name) => maps.a[name] && maps.b[name]);
  const mapOf = (side: 'a' | 'b', name: DrawnMap) => maps[side][name]!;
  const spans = Object.fromEntries(
    names.map((name) => [
      name,
      sharedSpan(DRAWN_MAPS[name], [mapExtent(mapOf('a', name)), mapExtent(mapOf('b', name))]),
    ]),
  ) as Record<DrawnMap, number>;
  const render = async (side: 'a' | 'b', name: DrawnMap): Promise<MapPictures> => {
    const face = faces[side];
    const map = mapOf(side, name);
    const palette = DRAWN_MAPS[name];
    const span = spans[name];
    const onPhotoLayer = async () => {
      const { image } = face.photo;
      const warped = warpMapToOriginal(map, size.width, size.height, face.aligned, image.width, image.height);
      return {
        png: await renderMapLayer(warped.values, warped.region, palette, span),
        region: warped.region,
      };
    };
    const [overlay, layer, photo] = await Promise.all([
      renderOverlay(face.input.rgb, map, size, palette, { span }),
      renderMapLayer(map, size, palette, span),
      onPhoto ? onPhotoLayer() : undefined,
    ]);
    return { crop: overlay.png, layer, ...(photo && { photo }), min: overlay.min, max: overlay.max, span };
  };
  const sides = await Promise.all(
    (['a', 'b'] as const).map(async (side) => {
      const pictures = await Promise.all(names.map((name) => render(side, name)));
      return Object.fromEntries(names.map((name, i) => [name, pictures[i]])) as Partial<
        Record<DrawnMap, MapPictures>
      >;
    }),
  );
  return { a: sides[0], b: sides[1] };
}

export interface WrittenMap {
  /** File names inside the output folder. */
  npy: string;
  png: string;
  layerPng: string;
  /** The map over the crop's footprint in the photo, placed at `region` (when written). */
  photo?: { png: string; region: Rect };
  shape: [number, number];
  min: number;
  max: number;
  /** The value at full colour strength, shared by A and B. */
  span: number;
}

/**
 * Writes, per side (a, b), the aligned crop (`a.crop.png`) and per map kind the raw map
 * (`a.pos.npy`, height × width float32), the map over the crop with its legend (`a.pos.png`), the
 * map alone at crop size (`a.pos.map.png`, RGBA) and, unless `onPhoto` is false, the map alone
 * over the crop's footprint in the photo (`a.pos.photo.png`, RGBA, placed at its `region`) — the
 * xSSAB maps and the smoothed integrated-gradients map (`a.ig.*`) — plus `result.json` (the
 * `describePhotoExplanation` object, the map list, the integrated gradients' settings and
 * completeness, the region summary of each side and the model's explanation validity). Returns
 * that object.
 */
export async function writePhotoExplanation(
  explained: PhotoExplanation,
  out: string,
  { onPhoto = true }: { onPhoto?: boolean } = {},
) {
  await mkdir(out, { recursive: true });
  const { result } = explained;
  const { width, height } = result.size;
  const maps: Record<string, WrittenMap> = {};
  const ig = explained.integratedGradients;
  // The integrated-gradients map as shown (smoothed); its regions from the raw attributions, which add up to the score change.
  const drawnSide = (side: 'a' | 'b'): Partial<Record<DrawnMap, Float32Array>> => ({
    ...result[side],
    ...(ig && { ig: smoothMap(ig[side].signed, width, height, DEFAULT_IG_SMOOTHING) }),
  });
  const drawn = { a: drawnSide('a'), b: drawnSide('b') };
  const pictures = await renderPairMaps(explained, drawn, result.size, { onPhoto });
  const writes: Promise<void>[] = [];
  for (const side of ['a', 'b'] as const) {
    writes.push(
      sharp(explained[side].input.rgb, { raw: { width, height, channels: 3 } })
        .png()
        .toBuffer()
        .then((png) => writeFile(join(out, `${side}.crop.png`), png)),
    );
    for (const [map, picture] of Object.entries(pictures[side]) as [DrawnMap, MapPictures][]) {
      const name = `${side}.${map}`;
      const { crop, layer, photo, min, max, span } = picture;
      writes.push(
        writeFile(join(out, `${name}.npy`), encodeNpy({ data: drawn[side][map]!, shape: [height, width] })),
        writeFile(join(out, `${name}.png`), crop),
        writeFile(join(out, `${name}.map.png`), layer),
        ...(photo ? [writeFile(join(out, `${name}.photo.png`), photo.png)] : []),
      );
      maps[name] = {
        npy: `${name}.npy`,
        png: `${name}.png`,
        layerPng: `${name}.map.png`,
        ...(photo && { photo: { png: `${name}.photo.png`, region: photo.region } }),
        shape: [height, width],
        min,
        max,
        span,
      };
    }
  }
  await Promise.all(writes);
  const summary = {
    ...describePhotoExplanation(explained),
    maps,
    ...(ig && integratedGradientsSummary(ig, explained.model, result.size)),
    explanations: explanationValidity(explained.model),
  };
  await writeFile(join(out, 'result.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** The integrated gradients' settings and completeness, and each side's region summary. */
function integratedGradientsSummary(
  ig: NonNullable<PhotoExplanation['integratedGradients']>,
  model: RegisteredModel,
  { width, height }: { width: number; height: number },
) {
  const regionsOf = regionMask(alignTargetOf(model.manifest).template, width, height);
  const completeness = (side: 'a' | 'b') => ({ positive: ig[side].positive, negative: ig[side].negative });
  return {
    integratedGradients: {
      steps: DEFAULT_IG_STEPS,
      smoothing: DEFAULT_IG_SMOOTHING,
      baseline: 'mid-grey face',
      completeness: { a: completeness('a'), b: completeness('b') },
    },
    regions: { a: regionSummary(ig.a.signed, regionsOf), b: regionSummary(ig.b.signed, regionsOf) },
  };
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
function describePhotoExplanation({ model, a, b, result, warnings, timings }: PhotoExplanation) {
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
