import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { ImageInputError } from '../face/image.js';

/** How a model wants its input; a model registry can supply this object per model. */
export interface Preprocessing {
  /** Model input size in pixels. */
  size: { width: number; height: number };
  /** x = (pixel − mean) / std, per channel in the model's channel order or one value for all. */
  mean: number | [number, number, number];
  std: number | [number, number, number];
  /** Channel order the model expects. */
  color: 'rgb' | 'bgr';
  layout: 'nchw';
}

/** An aligned face crop ready for the model. */
export interface FaceTensor {
  /** Normalised input, C×H×W float32. */
  tensor: Float32Array;
  /** SHA-256 (hex) of the source file, or of the tensor bytes when there is no file. */
  sha256: string;
  /** The crop at model size, RGB, H×W×3 (for overlays). */
  rgb: Uint8Array;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function tensorSha256(tensor: Float32Array): string {
  return sha256Hex(new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.byteLength));
}

/** Reads an already-aligned face crop; resizes it to the model's input size when it differs. */
export async function loadAlignedFace(path: string, pre: Preprocessing): Promise<FaceTensor> {
  const file = await readFile(path);
  const { width, height } = pre.size;
  let data: Buffer;
  try {
    // Strict like loadImage: a corruption warning refuses the crop instead of guessing pixels.
    data = await sharp(file, { failOn: 'warning' })
      .removeAlpha()
      .toColourspace('srgb')
      .resize(width, height, { fit: 'fill' })
      .raw()
      .toBuffer();
  } catch (error) {
    throw new ImageInputError('corrupt', `${path} cannot be decoded cleanly (${(error as Error).message})`);
  }
  const rgb = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { tensor: normalise(rgb, pre), sha256: sha256Hex(file), rgb };
}

/** HWC RGB bytes → normalised CHW float32 in the model's channel order. */
export function normalise(rgb: Uint8Array, pre: Preprocessing): Float32Array {
  const plane = pre.size.width * pre.size.height;
  const out = new Float32Array(3 * plane);
  const order = pre.color === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const mean = typeof pre.mean === 'number' ? pre.mean : pre.mean[c];
    const std = typeof pre.std === 'number' ? pre.std : pre.std[c];
    const source = order[c];
    for (let i = 0; i < plane; i++) out[c * plane + i] = (rgb[i * 3 + source] - mean) / std;
  }
  return out;
}

/** The integrated-gradients baseline: a uniform mid-grey face (128 in every channel), normalised. */
export function neutralFace(pre: Preprocessing): Float32Array {
  return normalise(new Uint8Array(pre.size.width * pre.size.height * 3).fill(128), pre);
}

/** A deterministic face-sized input (smooth pattern + seeded noise) for benchmarks and tests. */
export function syntheticFace(pre: Preprocessing, seed: number): FaceTensor {
  const { width, height } = pre.size;
  const rgb = new Uint8Array(width * height * 3);
  let state = seed >>> 0 || 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        const wave = 127 + 100 * Math.sin((x * (c + 1) + seed) / 9) * Math.cos((y + 3 * seed) / 11);
        rgb[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(wave + (state >>> 24) / 8 - 16)));
      }
    }
  }
  const tensor = normalise(rgb, pre);
  return { tensor, sha256: tensorSha256(tensor), rgb };
}
