/** `xssab patch-make`: the patched pairs written to disk, with a manifest that makes them checkable. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../face/image.js';
import { encodeNpy } from '../onnx/npy.js';
import { readDataset, selectPairs, type DatasetInput } from './dataset.js';
import { openFaceAligner } from './faces.js';
import { makePatchedPair, memoizeAligner, type SkippedPair } from './patched-pairs.js';
import { PATCH_COUNT, PATCH_SIZE, type PatchPosition } from './patches.js';

export interface PatchSetOptions extends DatasetInput {
  seed: number;
  limit?: number;
  out: string;
}

export interface PatchSetEntry {
  index: number;
  a: string;
  b: string;
  same: boolean;
  identities: { a: string[] | null; b: string[] | null };
  seed: number;
  positions: PatchPosition[];
  /** The image the patches were taken from (B for an impostor pair). */
  source: string;
  /** Output files, relative to the output folder. */
  files: { a: string; b: string; patched: string; maskPng: string; maskNpy: string };
  sha256: { inputs: { a: string; b: string; source: string }; outputs: Record<string, string> };
}

export interface PatchSetManifest {
  seed: number;
  patches: { count: number; size: number };
  imageSize: { width: number; height: number };
  dataset: { root: string; pairs: string; labels: string | null; format: 'lfw' | 'csv' };
  pairs: PatchSetEntry[];
  skipped: SkippedPair[];
}

const PATCH_MANIFEST = 'manifest.json';

/**
 * Per pair, in pair-<index>/: aligned a.png and b.png, a-patched.png, mask.png (255 where the
 * patches changed a pixel) and mask.npy (float32 0/1, 112×112); manifest.json lists positions,
 * sources and SHA-256s.
 */
export async function writePatchSet(
  options: PatchSetOptions,
  onPair?: (done: number, total: number) => void,
): Promise<PatchSetManifest> {
  const dataset = readDataset(options);
  const selected = selectPairs(dataset.pairs, options.limit);
  const out = resolve(options.out);
  const aligner = await openFaceAligner();
  const align = memoizeAligner(aligner.align);
  const manifest: PatchSetManifest = {
    seed: options.seed,
    patches: { count: PATCH_COUNT, size: PATCH_SIZE },
    imageSize: { width: 112, height: 112 },
    dataset: {
      root: resolve(options.root),
      pairs: resolve(options.pairs),
      labels: options.labels ? resolve(options.labels) : null,
      format: dataset.format,
    },
    pairs: [],
    skipped: [],
  };
  try {
    for (const [i, spec] of selected.entries()) {
      const pair = await makePatchedPair(dataset, spec, options.seed, align);
      if ('reason' in pair) {
        manifest.skipped.push(pair);
      } else {
        const folder = `pair-${String(spec.index).padStart(5, '0')}`;
        mkdirSync(join(out, folder), { recursive: true });
        const maskImage = {
          width: pair.original.width,
          height: pair.original.height,
          rgb: maskRgb(pair.mask),
        };
        const outputs: Record<string, Uint8Array> = {
          'a.png': await png(pair.original),
          'b.png': await png(pair.partner),
          'a-patched.png': await png(pair.patched),
          'mask.png': await png(maskImage),
          'mask.npy': encodeNpy({
            data: Float32Array.from(pair.mask),
            shape: [pair.original.height, pair.original.width],
          }),
        };
        const sha256: Record<string, string> = {};
        for (const [name, bytes] of Object.entries(outputs)) {
          writeFileSync(join(out, folder, name), bytes);
          sha256[`${folder}/${name}`] = createHash('sha256').update(bytes).digest('hex');
        }
        manifest.pairs.push({
          index: spec.index,
          a: spec.a,
          b: spec.b,
          same: spec.same,
          identities: { a: dataset.identities(spec.a) ?? null, b: dataset.identities(spec.b) ?? null },
          seed: pair.seed,
          positions: pair.positions,
          source: pair.source,
          files: {
            a: `${folder}/a.png`,
            b: `${folder}/b.png`,
            patched: `${folder}/a-patched.png`,
            maskPng: `${folder}/mask.png`,
            maskNpy: `${folder}/mask.npy`,
          },
          sha256: { inputs: pair.sha256, outputs: sha256 },
        });
      }
      onPair?.(i + 1, selected.length);
    }
  } finally {
    await aligner.close();
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, PATCH_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

function maskRgb(mask: Uint8Array): Uint8Array {
  const rgb = new Uint8Array(mask.length * 3);
  mask.forEach((m, i) => rgb.fill(m ? 255 : 0, i * 3, i * 3 + 3));
  return rgb;
}

async function png(image: RgbImage): Promise<Buffer> {
  return sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png()
    .toBuffer();
}
