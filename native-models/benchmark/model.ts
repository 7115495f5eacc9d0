import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RgbImage } from '../face/image.js';
import { cropResize } from '../face/image.js';
import { modelPaths, readShippedManifests } from '../manifests/load.js';
import { readModel } from '../onnx/model-io.js';
import { prepareForExplanation } from '../xssab/prepare.js';
import { modelSignature } from '../xssab/signature.js';
import { Engine } from '../xssab/engine.js';
import { normalise, type Preprocessing } from '../xssab/preprocess.js';
import type { BenchModel } from './methods.js';

/** A model as the benchmark names and feeds it. */
export interface BenchModelSpec {
  id: string;
  path: string;
  preprocessing: Preprocessing;
  /** The model's own decision threshold on the cosine score, when it declares one. */
  threshold?: number;
}

export interface OpenedBenchModel extends BenchModel {
  id: string;
  sha256: string;
  close(): Promise<void>;
}

/** ArcFace-style input: RGB, (pixel − 127.5) / 127.5, at the model's own input size. */
export function onnxFileSpec(path: string): BenchModelSpec {
  const { width, height } = modelSignature(prepareForExplanation(readModel(path)).model);
  return {
    id: basename(path, '.onnx'),
    path,
    preprocessing: { size: { width, height }, mean: 127.5, std: 127.5, color: 'rgb', layout: 'nchw' },
  };
}

/**
 * The engine behind the benchmark's model interface. Benchmark images are 112×112 aligned faces; a
 * model of another input size gets them resized, and its maps are resized back.
 */
export async function openBenchModel(spec: BenchModelSpec, threshold: number): Promise<OpenedBenchModel> {
  const engine = await Engine.create({
    model: spec.path,
    preprocessing: spec.preprocessing,
    threshold,
    threads: 1,
  });
  const { width, height } = spec.preprocessing.size;
  const toInput = async (image: RgbImage) => {
    const sized =
      image.width === width && image.height === height
        ? image
        : await cropResize(image, { x: 0, y: 0, width: image.width, height: image.height }, width, height);
    return { tensor: normalise(sized.rgb, spec.preprocessing) };
  };
  const pairInput = async (a: RgbImage, b: RgbImage) => ({ a: await toInput(a), b: await toInput(b) });
  const backToImage = (map: Float32Array, image: RgbImage) =>
    image.width === width && image.height === height
      ? map
      : resizeBilinear(map, width, height, image.width, image.height);

  // Compile and start both explanation graphs now, so the first pair's timings are not start-up.
  const warm = { rgb: new Uint8Array(width * height * 3).fill(128), width, height };
  await engine.explain([await pairInput(warm, warm)]);
  await engine.gradientMaps(await pairInput(warm, warm));

  return {
    id: spec.id,
    sha256: engine.modelSha256,
    async embed(images) {
      return (await engine.embed(await Promise.all(images.map(toInput)))).embeddings;
    },
    async explainA(a, b, kind) {
      const input = await pairInput(a, b);
      const map =
        kind === 'xssab'
          ? (await engine.explain([input]))[0].a.combined
          : (await engine.gradientMaps(input)).a;
      return backToImage(map, a);
    },
    close: () => engine.dispose(),
  };
}

/** Bilinear resampling of a single-channel map, pixel centres aligned. */
export function resizeBilinear(
  map: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const out = new Float32Array(outWidth * outHeight);
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  for (let y = 0; y < outHeight; y++) {
    const sy = clamp(((y + 0.5) * height) / outHeight - 0.5, height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sy - y0;
    for (let x = 0; x < outWidth; x++) {
      const sx = clamp(((x + 0.5) * width) / outWidth - 0.5, width - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = sx - x0;
      const top = map[y0 * width + x0] * (1 - fx) + map[y0 * width + x1] * fx;
      const bottom = map[y1 * width + x0] * (1 - fx) + map[y1 * width + x1] * fx;
      out[y * outWidth + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
}

/** A model named by an .onnx path, or by the id of a shipped recognition model (its manifest gives the rest). */
export function resolveModelSpec(model: string): BenchModelSpec {
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
    threshold: manifest.threshold?.value,
  };
}
