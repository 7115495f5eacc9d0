import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import type { Rect } from './geometry.js';

/** 8-bit sRGB pixels, row-major, 3 interleaved channels (HWC). */
export interface RgbImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface DecodedImage extends RgbImage {
  /** SHA-256 (hex) of the original file bytes, before any decoding. */
  sha256: string;
  /** Decoder that read the file (jpeg, png, webp, gif, tiff, heif, …). */
  format: string;
  /** What was done to the pixels on the way in, worded for the examiner's record. */
  notes: string[];
}

export type ImageInputReason = 'not-found' | 'not-an-image' | 'truncated' | 'corrupt' | 'too-large';

export class ImageInputError extends Error {
  override name = 'ImageInputError';
  constructor(
    readonly reason: ImageInputReason,
    message: string,
  ) {
    super(message);
  }
}

export interface ImageLimits {
  /** Largest accepted width × height (of one frame, after orientation). Default 80 megapixels. */
  maxPixels?: number;
  /** Names a Buffer input in error messages (a path input names itself). */
  name?: string;
}

const DEFAULT_MAX_PIXELS = 80_000_000;

/**
 * Transparent pixels are composited on white: a photo with a cut-out background then looks as
 * it does on a printed page, and the result does not depend on whatever colour the encoder left
 * under fully transparent pixels.
 */
const ALPHA_BACKGROUND = { r: 255, g: 255, b: 255 } as const;

const ORIENTATIONS: Record<number, string> = {
  2: 'mirrored horizontally',
  3: 'rotated 180°',
  4: 'mirrored vertically',
  5: 'mirrored and rotated 90° clockwise',
  6: 'rotated 90° clockwise',
  7: 'mirrored and rotated 90° anticlockwise',
  8: 'rotated 90° anticlockwise',
};

/**
 * Decode a photograph into 8-bit sRGB. The file is only read; every conversion that changes
 * what the pixels mean (colour space, bit depth, alpha, orientation, frames) is listed in `notes`.
 */
export async function loadImage(input: string | Buffer, limits: ImageLimits = {}): Promise<DecodedImage> {
  const source = typeof input === 'string' ? input : (limits.name ?? 'image');
  const bytes = typeof input === 'string' ? readBytes(input) : input;
  if (bytes.length === 0) throw new ImageInputError('not-an-image', `${source} is empty (0 bytes)`);
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;

  // Reading the header decodes no pixels, so a decompression bomb is refused here by its
  // declared size; limitInputPixels below is libvips' own guard should the header lie.
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageInputError(
      'not-an-image',
      `${source} is not an image sharp can read (${(error as Error).message})`,
    );
  }
  const width = meta.autoOrient.width;
  const height = meta.autoOrient.height;
  if (width * height > maxPixels) {
    throw new ImageInputError(
      'too-large',
      `${source} is ${width}×${height} pixels (${megapixels(width * height)} megapixels); ` +
        `the limit is ${megapixels(maxPixels)} megapixels`,
    );
  }

  // failOn 'warning': libjpeg goes on decoding after "Corrupt JPEG data" and fills in guessed
  // pixels, which can change a comparison's outcome; a damaged photo is refused instead.
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(bytes, { failOn: 'warning', limitInputPixels: maxPixels, autoOrient: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    const detail = (error as Error).message;
    if (CORRUPT_DATA.test(detail)) {
      throw new ImageInputError(
        'corrupt',
        `${source} has corrupt ${meta.format} data (${detail}); it is refused rather than decoded ` +
          'with guessed pixels',
      );
    }
    if (isTruncated(bytes, meta.format, detail)) {
      throw new ImageInputError(
        'truncated',
        `${source} is truncated: the ${meta.format} data ends early (${detail})`,
      );
    }
    throw new ImageInputError('corrupt', `${source} has damaged ${meta.format} data (${detail})`);
  }

  const notes = describeConversions(meta);
  const { data, info } = decoded;
  let rgb: Uint8Array = data;
  if (info.channels === 4) {
    const flattened = flattenAlpha(data);
    rgb = flattened.rgb;
    notes.push(
      flattened.transparent
        ? `transparent pixels composited on white (${flattened.transparent} of ${info.width * info.height} pixels not opaque)`
        : 'alpha channel removed (every pixel was opaque)',
    );
  } else if (info.channels !== 3) {
    throw new ImageInputError('corrupt', `${source} decoded to ${info.channels} channels; expected 3 or 4`);
  }

  return {
    rgb,
    width: info.width,
    height: info.height,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    format: meta.format,
    notes,
  };
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImageInputError(
      code === 'ENOENT' ? 'not-found' : 'not-an-image',
      code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`,
    );
  }
}

function megapixels(pixels: number): string {
  return (pixels / 1e6).toFixed(1);
}

/** libjpeg's warning for damaged entropy-coded data; it also says "premature end of data segment". */
const CORRUPT_DATA = /Corrupt JPEG data/i;

/** libvips names truncation for JPEG only; for PNG the file's missing end chunk tells. */
function isTruncated(bytes: Buffer, format: string, detail: string): boolean {
  if (/premature end|truncated|unexpected end|out of data/i.test(detail)) return true;
  if (format === 'png') return !bytes.subarray(-8).equals(PNG_IEND_TAIL);
  if (format === 'jpeg') return !(bytes.at(-2) === 0xff && bytes.at(-1) === 0xd9);
  return false;
}

/** The last 8 bytes of every complete PNG: the IEND chunk type and its CRC. */
const PNG_IEND_TAIL = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

function describeConversions(meta: Metadata): string[] {
  const notes: string[] = [];
  if (meta.orientation && meta.orientation > 1) {
    notes.push(`EXIF orientation ${meta.orientation} applied (${ORIENTATIONS[meta.orientation]})`);
  }
  if (meta.pages && meta.pages > 1) notes.push(`${meta.pages} frames/pages; only the first is used`);
  if (meta.space === 'cmyk') {
    notes.push(
      `CMYK converted to sRGB (${meta.hasProfile ? 'embedded ICC profile' : 'no embedded profile; generic CMYK profile'})`,
    );
  } else if (meta.space === 'b-w' || meta.space === 'grey16') {
    notes.push('grayscale expanded to 3 identical RGB channels');
  } else if (meta.hasProfile) {
    notes.push('converted to sRGB with the embedded ICC profile');
  }
  const bits = meta.bitsPerSample ?? (meta.depth === 'ushort' ? 16 : 8);
  if (bits > 8 || meta.depth === 'ushort' || meta.depth === 'float') {
    notes.push(
      `${meta.depth === 'float' ? 'floating-point' : `${bits}-bit`} samples reduced to 8 bits per channel`,
    );
  }
  return notes;
}

function flattenAlpha(rgba: Buffer): { rgb: Uint8Array; transparent: number } {
  const pixels = rgba.length / 4;
  const rgb = new Uint8Array(pixels * 3);
  const background = [ALPHA_BACKGROUND.r, ALPHA_BACKGROUND.g, ALPHA_BACKGROUND.b];
  let transparent = 0;
  for (let i = 0; i < pixels; i++) {
    const alpha = rgba[i * 4 + 3];
    if (alpha < 255) transparent++;
    for (let c = 0; c < 3; c++) {
      rgb[i * 3 + c] = Math.round((rgba[i * 4 + c] * alpha + background[c] * (255 - alpha)) / 255);
    }
  }
  return { rgb, transparent };
}

/** Where a resampled image came from: original x = originX + x / scaleX, likewise y (continuous coordinates). */
export interface ResampleMap {
  originX: number;
  originY: number;
  scaleX: number;
  scaleY: number;
}

export interface Resampled extends RgbImage {
  map: ResampleMap;
}

/**
 * `region` of `image` (integer edges; it may reach outside the image, which reads as black)
 * resized to `outWidth` × `outHeight` in one pass, for a model input. The part inside the image
 * is resized to a whole number of pixels, so its scale can differ from outWidth / region.width by
 * a fraction of a pixel over the whole width; `map` is exact all the same.
 */
export async function cropResize(
  image: RgbImage,
  region: Rect,
  outWidth: number,
  outHeight: number,
): Promise<Resampled> {
  const { x, y, width, height } = region;
  if (![x, y, width, height].every(Number.isInteger) || width <= 0 || height <= 0) {
    throw new RangeError(
      `cropResize needs a region with integer edges and positive size, got ${JSON.stringify(region)}`,
    );
  }
  const along = (start: number, length: number, limit: number, out: number) => {
    const from = Math.max(0, start);
    const to = Math.min(limit, start + length);
    const outFrom = Math.round(((from - start) * out) / length);
    const outTo = Math.round(((to - start) * out) / length);
    return {
      from,
      to,
      outFrom,
      outTo,
      scale: outTo > outFrom ? (outTo - outFrom) / (to - from) : out / length,
    };
  };
  const h = along(x, width, image.width, outWidth);
  const v = along(y, height, image.height, outHeight);
  const map = {
    originX: h.from - h.outFrom / h.scale,
    originY: v.from - v.outFrom / v.scale,
    scaleX: h.scale,
    scaleY: v.scale,
  };
  if (h.outTo <= h.outFrom || v.outTo <= v.outFrom) {
    return { rgb: new Uint8Array(outWidth * outHeight * 3), width: outWidth, height: outHeight, map };
  }
  const rgb = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left: h.from, top: v.from, width: h.to - h.from, height: v.to - v.from })
    .resize(h.outTo - h.outFrom, v.outTo - v.outFrom, { fit: 'fill' })
    .extend({
      left: h.outFrom,
      top: v.outFrom,
      right: outWidth - h.outTo,
      bottom: outHeight - v.outTo,
      background: '#000000',
    })
    .raw()
    .toBuffer();
  return { rgb, width: outWidth, height: outHeight, map };
}
