import type { RgbImage } from '../face/image.js';
import { mulberry32 } from './rng.js';

/** The paper's setting: 27 patches of 16×16 pixels on a 112×112 aligned face. */
export const PATCH_COUNT = 27;
export const PATCH_SIZE = 16;

/** The paper's patch side scaled to a crop of another width, so patches cover the same share of the face. */
export function patchSizeFor(width: number): number {
  return Math.round((PATCH_SIZE * width) / 112);
}

/** Top-left corner of one square patch. */
export interface PatchPosition {
  x: number;
  y: number;
}

/** `count` squares of `patchSize` at uniform random positions fully inside the image (they may overlap). */
export function placePatches(
  seed: number,
  width: number,
  height: number,
  count = PATCH_COUNT,
  patchSize = PATCH_SIZE,
): PatchPosition[] {
  if (patchSize > width || patchSize > height) {
    throw new RangeError(`a ${patchSize}-pixel patch does not fit a ${width}×${height} image`);
  }
  const rng = mulberry32(seed);
  return Array.from({ length: count }, () => ({
    x: rng.int(width - patchSize + 1),
    y: rng.int(height - patchSize + 1),
  }));
}

/** A copy of `target` with the squares at `positions` taken from `source` at the same positions. */
export function pastePatches(
  target: RgbImage,
  source: RgbImage,
  positions: PatchPosition[],
  patchSize = PATCH_SIZE,
): RgbImage {
  if (target.width !== source.width || target.height !== source.height) {
    throw new RangeError(
      `patch source is ${source.width}×${source.height}, target ${target.width}×${target.height}`,
    );
  }
  const rgb = Uint8Array.from(target.rgb);
  for (const { x, y } of positions) {
    for (let row = y; row < y + patchSize; row++) {
      const start = (row * target.width + x) * 3;
      rgb.set(source.rgb.subarray(start, start + patchSize * 3), start);
    }
  }
  return { rgb, width: target.width, height: target.height };
}

/** 1 where any patch covers the pixel, else 0; row-major, width × height. */
export function patchMask(
  width: number,
  height: number,
  positions: PatchPosition[],
  patchSize = PATCH_SIZE,
): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const { x, y } of positions) {
    for (let row = y; row < y + patchSize; row++) mask.fill(1, row * width + x, row * width + x + patchSize);
  }
  return mask;
}

/**
 * `mask` without the pixels the paste left as they were: where the two faces show the same colour
 * (a white background in both, or both beyond the photo's edge, which alignment fills with black)
 * nothing was manipulated, so no map can be asked to point there.
 */
export function changedPixels(mask: Uint8Array, before: RgbImage, after: RgbImage): Uint8Array {
  return mask.map((covered, p) =>
    covered &&
    (before.rgb[p * 3] !== after.rgb[p * 3] ||
      before.rgb[p * 3 + 1] !== after.rgb[p * 3 + 1] ||
      before.rgb[p * 3 + 2] !== after.rgb[p * 3 + 2])
      ? 1
      : 0,
  );
}
