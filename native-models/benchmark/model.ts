import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ARCFACE_112, type AlignTarget } from '../face/align.js';
import type { RgbImage } from '../face/image.js';
import { modelPaths, readShippedManifests } from '../manifests/load.js';
import { readModel } from '../onnx/model-io.js';
import { prepareForExplanation } from '../xssab/prepare.js';
import type { RecognitionManifest } from '../manifests/schema.js';
import { alignTargetOf } from '../pipeline/photo.js';
import type { ImportedManifest } from '../registry/schema.js';
import { DEFAULT_MODEL_ID } from '../registry/registry.js';
import { modelSignature } from '../xssab/signature.js';
import { Engine } from '../xssab/engine.js';
import { DEFAULT_IG_SMOOTHING, DEFAULT_IG_STEPS, smoothMap } from '../xssab/integrated-gradients.js';
import { normalise, type Preprocessing } from '../xssab/preprocess.js';
import type { BenchModel } from './methods.js';

/** A model as the benchmark names, aligns and feeds it. */
export interface BenchModelSpec {
  id: string;
  path: string;
  preprocessing: Preprocessing;
  /** The crop the model was trained on: benchmark faces are aligned to it, at the model's input size. */
  alignment: AlignTarget;
  /** The model's own decision threshold on the cosine score, when it declares one. */
  threshold?: number;
}

export interface OpenedBenchModel extends BenchModel {
  id: string;
  sha256: string;
  close(): Promise<void>;
}

export interface IntegratedGradientsSettings {
  /** Path steps, all run as one batch (default DEFAULT_IG_STEPS). */
  steps: number;
  /** Gaussian smoothing of the map in pixels; 0 keeps the raw attributions. */
  smoothing: number;
}

export const DEFAULT_IG_SETTINGS: IntegratedGradientsSettings = {
  steps: DEFAULT_IG_STEPS,
  smoothing: DEFAULT_IG_SMOOTHING,
};

/** ArcFace-style input: RGB, (pixel − 127.5) / 127.5, the ArcFace template scaled to the model's input size. */
export function onnxFileSpec(path: string): BenchModelSpec {
  const { width, height } = modelSignature(prepareForExplanation(readModel(path)).model);
  const scale = width / ARCFACE_112.width;
  const template = Object.fromEntries(
    Object.entries(ARCFACE_112.template).map(([k, p]) => [k, { x: p.x * scale, y: p.y * scale }]),
  ) as unknown as AlignTarget['template'];
  return {
    id: basename(path, '.onnx'),
    path,
    preprocessing: { size: { width, height }, mean: 127.5, std: 127.5, color: 'rgb', layout: 'nchw' },
    alignment:
      width === ARCFACE_112.width && height === ARCFACE_112.height
        ? ARCFACE_112
        : { name: `${ARCFACE_112.name}@${width}`, width, height, template },
  };
}

/** The engine behind the benchmark's model interface; images come aligned at the model's input size. */
export async function openBenchModel(
  spec: BenchModelSpec,
  ig: IntegratedGradientsSettings = DEFAULT_IG_SETTINGS,
): Promise<OpenedBenchModel> {
  const engine = await Engine.create({
    model: spec.path,
    preprocessing: spec.preprocessing,
    // Only a default: every call below passes the benchmark's own threshold.
    threshold: spec.threshold ?? 0,
    threads: 1,
  });
  const { width, height } = spec.preprocessing.size;
  const toInput = (image: RgbImage) => {
    if (image.width !== width || image.height !== height) {
      throw new RangeError(`${spec.id} takes ${width}×${height} faces; got ${image.width}×${image.height}`);
    }
    return { tensor: normalise(image.rgb, spec.preprocessing) };
  };
  const pairInput = (a: RgbImage, b: RgbImage) => ({ a: toInput(a), b: toInput(b) });

  // Compile and start the explanation graphs now, so the first pair's timings are not start-up.
  const warm = { rgb: new Uint8Array(width * height * 3).fill(128), width, height };
  await engine.explain([pairInput(warm, warm)]);
  await engine.gradientMaps(pairInput(warm, warm));

  return {
    id: spec.id,
    sha256: engine.modelSha256,
    async embed(images) {
      return (await engine.embed(images.map(toInput))).embeddings;
    },
    async xssabMaps(a, b, threshold) {
      const [explained] = await engine.explain([pairInput(a, b)], { threshold });
      return { score: explained.score, ...explained.a };
    },
    async gradientMap(a, b) {
      return (await engine.gradientMaps(pairInput(a, b))).a;
    },
    async integratedGradientsMap(a, b, threshold) {
      const { signed } = await engine.integratedGradients(pairInput(a, b), { steps: ig.steps, threshold });
      return smoothMap(signed, width, height, ig.smoothing);
    },
    close: () => engine.dispose(),
  };
}

export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
}

/**
 * A model named by an .onnx path, or by the id of a shipped recognition model (its manifest gives
 * the rest); the registry's default model when none is named.
 */
export function resolveModelSpec(model: string = DEFAULT_MODEL_ID): BenchModelSpec {
  if (existsSync(model)) return onnxFileSpec(model);
  const recognition = readShippedManifests().filter((m) => m.kind === 'recognition');
  const manifest = recognition.find((m) => m.id === model);
  if (!manifest || manifest.kind !== 'recognition') {
    throw new UnknownModelError(
      `model ${model} is neither an .onnx file nor one of ${recognition.map((m) => m.id).join(', ')}`,
    );
  }
  const path = join(modelPaths().models, manifest.onnx.file);
  if (!existsSync(path)) throw new UnknownModelError(`${path} is missing (run \`npm run models\`)`);
  return manifestSpec(manifest, path);
}

/** A recognition model from its manifest (shipped or imported) and the path of its verified file. */
export function manifestSpec(manifest: RecognitionManifest | ImportedManifest, path: string): BenchModelSpec {
  const [height, width] = manifest.input.size;
  return {
    id: manifest.id,
    path,
    preprocessing: {
      size: { width, height },
      mean: manifest.input.mean,
      std: manifest.input.std,
      color: manifest.input.color,
      layout: 'nchw',
    },
    alignment: alignTargetOf(manifest),
    threshold: manifest.threshold?.value,
  };
}
