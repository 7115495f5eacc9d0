import { join } from 'node:path';
import type { RgbImage } from '../face/image.js';
import type { Dataset, PairSpec } from './dataset.js';
import {
  PATCH_COUNT,
  changedPixels,
  pastePatches,
  patchSizeFor,
  patchMask,
  placePatches,
  type PatchPosition,
} from './patches.js';
import { mulberry32, pairSeed } from './rng.js';

/** The largest face of a photo, aligned to the benchmarked model's template. */
export interface AlignedFace {
  face: RgbImage;
  /** SHA-256 (hex) of the photo file. */
  sha256: string;
}

/** Finds and aligns the largest face of a photo; null when the photo shows none. */
export type AlignLargestFace = (path: string) => Promise<AlignedFace | null>;

export interface PatchedPair {
  spec: PairSpec;
  /** Seed of the patch positions (derived from the global seed and the pair index). */
  seed: number;
  positions: PatchPosition[];
  /** The image the patches came from: B for an impostor pair, another identity's image for a genuine pair. */
  source: string;
  /** Aligned A, aligned B, A with the patches pasted in. */
  original: RgbImage;
  partner: RgbImage;
  patched: RgbImage;
  /** 1 on the pixels the patches changed. */
  mask: Uint8Array;
  sha256: { a: string; b: string; source: string };
}

export interface SkippedPair {
  index: number;
  a: string;
  b: string;
  reason: string;
}

/** Aligns each photo once, however many pairs it is in. */
export function memoizeAligner(align: AlignLargestFace): AlignLargestFace {
  const cache = new Map<string, Promise<AlignedFace | null>>();
  return (path) => {
    let face = cache.get(path);
    if (!face) {
      face = align(path);
      cache.set(path, face);
    }
    return face;
  };
}

/**
 * As in the paper: 27 patches of 16×16 pixels (on a 112-pixel crop; scaled to others) at seeded random positions pasted into aligned A; an
 * impostor pair takes them from B at the same positions, a genuine pair from a seeded random image
 * of a different identity (the next draw when that image shows no face).
 */
export async function makePatchedPair(
  dataset: Dataset,
  spec: PairSpec,
  globalSeed: number,
  align: AlignLargestFace,
): Promise<PatchedPair | SkippedPair> {
  const skip = (file: string): SkippedPair => ({
    index: spec.index,
    a: spec.a,
    b: spec.b,
    reason: `no face found in ${file}`,
  });
  const a = await align(join(dataset.root, spec.a));
  if (!a) return skip(spec.a);
  const b = await align(join(dataset.root, spec.b));
  if (!b) return skip(spec.b);

  let source = { file: spec.b, face: b };
  if (spec.same) {
    const drawn = await drawOtherIdentity(dataset, spec, pairSeed(globalSeed, spec.index, 'source'), align);
    if (!drawn) {
      return {
        index: spec.index,
        a: spec.a,
        b: spec.b,
        reason: `no image of another identity with a face to take patches from`,
      };
    }
    source = drawn;
  }
  const { width, height } = a.face;
  const seed = pairSeed(globalSeed, spec.index, 'patches');
  const patchSize = patchSizeFor(width);
  const positions = placePatches(seed, width, height, PATCH_COUNT, patchSize);
  const patched = pastePatches(a.face, source.face.face, positions, patchSize);
  return {
    spec,
    seed,
    positions,
    source: source.file,
    original: a.face,
    partner: b.face,
    patched,
    mask: changedPixels(patchMask(width, height, positions, patchSize), a.face, patched),
    sha256: { a: a.sha256, b: b.sha256, source: source.face.sha256 },
  };
}

async function drawOtherIdentity(
  dataset: Dataset,
  spec: PairSpec,
  seed: number,
  align: AlignLargestFace,
): Promise<{ file: string; face: AlignedFace } | null> {
  const own = new Set(dataset.identities(spec.a) ?? []);
  const candidates = dataset.images.filter((file) => {
    const ids = dataset.identities(file);
    return ids !== undefined && ids.every((id) => !own.has(id));
  });
  const rng = mulberry32(seed);
  while (candidates.length > 0) {
    const [file] = candidates.splice(rng.int(candidates.length), 1);
    const face = await align(join(dataset.root, file));
    if (face) return { file, face };
  }
  return null;
}
