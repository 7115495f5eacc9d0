import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { cropResize, ImageInputError, loadImage, type RgbImage } from '../../native-models/face/image.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'faces');
const fixture = (name: string) => join(FIXTURES, name);

async function rejectsWith(promise: Promise<unknown>, reason: string, message: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ImageInputError, `expected ImageInputError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    assert.match(error.message, message);
    return true;
  });
}

function pixel(image: RgbImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 3;
  return [image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]];
}

/** A PNG declaring width × height over a few bytes of pixel data: a decompression bomb's shape. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('loadImage', () => {
  it('decodes a JPEG to 8-bit RGB with the hash of the untouched file bytes', async () => {
    const bytes = readFileSync(fixture('obama_5_240p.jpg'));
    const image = await loadImage(fixture('obama_5_240p.jpg'));
    assert.equal(image.format, 'jpeg');
    assert.equal(image.width, 427);
    assert.equal(image.height, 240);
    assert.equal(image.rgb.length, 427 * 240 * 3);
    assert.equal(image.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.deepEqual(readFileSync(fixture('obama_5_240p.jpg')), bytes);
  });

  it('refuses what is not an image, an empty buffer and a missing file by name', async () => {
    await rejectsWith(loadImage(Buffer.from('%PDF-1.7 not a photo at all')), 'not-an-image', /not an image/);
    await rejectsWith(loadImage(Buffer.alloc(0)), 'not-an-image', /empty/);
    await rejectsWith(
      loadImage(fixture('no_such_photo.jpg')),
      'not-found',
      /file not found: .*no_such_photo\.jpg/,
    );
  });

  it('refuses a JPEG and a PNG cut in half as truncated', async () => {
    const jpeg = readFileSync(fixture('obama_1.jpg'));
    await rejectsWith(loadImage(jpeg.subarray(0, jpeg.length >> 1)), 'truncated', /truncated.*jpeg/);
    const png = readFileSync(fixture('alex_lacamoire_3.png'));
    await rejectsWith(loadImage(png.subarray(0, png.length >> 1)), 'truncated', /truncated.*png/);
  });

  it('refuses a JPEG with flipped bytes in its scan data as corrupt, naming the file', async () => {
    const jpeg = readFileSync(fixture('obama_1.jpg'));
    const scanStart = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    const flipped = Buffer.from(jpeg);
    const at = scanStart + Math.floor((jpeg.length - scanStart) / 2);
    for (let i = at; i < at + 8; i++) flipped[i] ^= 0x5a;
    // Without strict decoding libjpeg fills in guessed pixels and the decode "succeeds".
    assert.equal((await sharp(flipped, { failOn: 'error' }).raw().toBuffer()).length, 910 * 1137 * 3);
    const folder = mkdtempSync(join(tmpdir(), 'xssab-corrupt-'));
    try {
      const path = join(folder, 'flipped.jpg');
      writeFileSync(path, flipped);
      await rejectsWith(
        loadImage(path),
        'corrupt',
        /flipped\.jpg has corrupt jpeg data \(.*Corrupt JPEG data/,
      );
      await rejectsWith(
        loadImage(flipped, { name: 'evidence 7' }),
        'corrupt',
        /^evidence 7 has corrupt jpeg/,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a JPEG that lacks only its end marker as truncated, naming the file', async () => {
    const jpeg = readFileSync(fixture('obama_1.jpg'));
    await rejectsWith(
      loadImage(jpeg.subarray(0, jpeg.length - 2), { name: 'probe.jpg' }),
      'truncated',
      /^probe\.jpg is truncated: the jpeg data ends early/,
    );
  });

  it('converts CMYK to sRGB and says so', async () => {
    const original = await loadImage(fixture('obama_5_240p.jpg'));
    const cmyk = await sharp(fixture('obama_5_240p.jpg'))
      .toColourspace('cmyk')
      .jpeg({ quality: 95 })
      .toBuffer();
    assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
    const image = await loadImage(cmyk);
    assert.equal(image.rgb.length, image.width * image.height * 3);
    assert.ok(
      image.notes.some((n) => /CMYK converted to sRGB/.test(n)),
      image.notes.join('; '),
    );
    // Still the same picture: the mean colour survives the round trip through CMYK within a few levels.
    const meanOf = (img: RgbImage) => img.rgb.reduce((s, v) => s + v, 0) / img.rgb.length;
    assert.ok(Math.abs(meanOf(image) - meanOf(original)) < 12, `${meanOf(image)} vs ${meanOf(original)}`);
  });

  it('reduces a 16-bit PNG to 8 bits per channel by scaling, not clipping', async () => {
    const original = await loadImage(fixture('obama_5_240p.jpg'));
    const png16 = await sharp(original.rgb, {
      raw: { width: original.width, height: original.height, channels: 3 },
    })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    assert.equal((await sharp(png16).metadata()).depth, 'ushort');
    const image = await loadImage(png16);
    assert.ok(image.notes.includes('16-bit samples reduced to 8 bits per channel'), image.notes.join('; '));
    assert.deepEqual(pixel(image, 200, 100), pixel(original, 200, 100));
  });

  it('expands grayscale to three equal channels', async () => {
    const gray = await sharp(fixture('obama_5_240p.jpg')).toColourspace('b-w').png().toBuffer();
    assert.equal((await sharp(gray).metadata()).channels, 1);
    const image = await loadImage(gray);
    assert.equal(image.rgb.length, image.width * image.height * 3);
    const [r, g, b] = pixel(image, 213, 120);
    assert.ok(r === g && g === b, `${r},${g},${b}`);
    assert.ok(image.notes.includes('grayscale expanded to 3 identical RGB channels'));
  });

  it('drops the alpha channel of the opaque 32-bit RGBA fixture and says it was opaque', async () => {
    assert.equal((await sharp(fixture('hard_32bit_rgba.png')).metadata()).channels, 4);
    const image = await loadImage(fixture('hard_32bit_rgba.png'));
    assert.equal(image.rgb.length, image.width * image.height * 3);
    assert.ok(image.notes.includes('alpha channel removed (every pixel was opaque)'), image.notes.join('; '));
  });

  it('composites transparent pixels on white', async () => {
    const rgba = Buffer.alloc(4 * 4 * 4);
    for (let i = 0; i < 16; i++) rgba.set([200, 0, 0, i < 8 ? 255 : 0], i * 4);
    const png = await sharp(rgba, { raw: { width: 4, height: 4, channels: 4 } })
      .png()
      .toBuffer();
    const image = await loadImage(png);
    assert.deepEqual(pixel(image, 0, 0), [200, 0, 0]);
    assert.deepEqual(pixel(image, 0, 3), [255, 255, 255]);
    assert.ok(
      image.notes.some((n) => /composited on white \(8 of 16 pixels/.test(n)),
      image.notes.join('; '),
    );
  });

  it('applies EXIF orientation 6: width and height swap, and the top row becomes the right column', async () => {
    const original = await loadImage(fixture('obama_5_240p.jpg'));
    const rotated = await sharp(fixture('obama_5_240p.jpg'))
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const image = await loadImage(rotated);
    assert.equal(image.width, original.height);
    assert.equal(image.height, original.width);
    assert.ok(
      image.notes.includes('EXIF orientation 6 applied (rotated 90° clockwise)'),
      image.notes.join('; '),
    );
    // Rotating 90° clockwise moves the original's top-left pixel to the top-right.
    const [r0, g0, b0] = pixel(original, 5, 5);
    const [r, g, b] = pixel(image, image.width - 1 - 5, 5);
    assert.ok(Math.abs(r - r0) + Math.abs(g - g0) + Math.abs(b - b0) < 30, `${[r, g, b]} vs ${[r0, g0, b0]}`);
  });

  it('refuses a photo over the pixel limit, naming its size and the limit', async () => {
    await rejectsWith(
      loadImage(fixture('obama_1.jpg'), { maxPixels: 1_000_000 }),
      'too-large',
      /910×1137 pixels \(1\.0 megapixels\); the limit is 1\.0 megapixels/,
    );
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    await rejectsWith(
      loadImage(pngHeaderOnly(60_000, 60_000)),
      'too-large',
      /60000×60000 pixels \(3600\.0 megapixels\); the limit is 80\.0/,
    );
  });

  for (const format of ['gif', 'webp'] as const) {
    it(`takes the first frame of an animated ${format} and says how many there were`, async () => {
      const frame = (r: number, g: number, b: number) =>
        Array.from({ length: 16 * 16 }, () => [r, g, b]).flat();
      const strip = Buffer.from([...frame(255, 0, 0), ...frame(0, 255, 0), ...frame(0, 0, 255)]);
      const animated = await sharp(strip, { raw: { width: 16, height: 48, channels: 3, pageHeight: 16 } })
        .toFormat(format, format === 'webp' ? { lossless: true } : {})
        .toBuffer();
      const image = await loadImage(animated);
      assert.equal(image.format, format);
      assert.equal(image.width, 16);
      assert.equal(image.height, 16);
      assert.deepEqual(pixel(image, 8, 8), [255, 0, 0]);
      assert.ok(image.notes.includes('3 frames/pages; only the first is used'), image.notes.join('; '));
    });
  }
});

describe('cropResize', () => {
  it('maps model pixels back to the original exactly, also for a region reaching past the edge', async () => {
    const width = 301;
    const height = 200;
    const rgb = new Uint8Array(width * height * 3);
    const dot = { x: 120, y: 80 };
    for (let y = dot.y - 4; y < dot.y + 4; y++)
      for (let x = dot.x - 4; x < dot.x + 4; x++) rgb.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
    // The letterbox square of the whole photo: 50 px of it lie above the image and 51 below.
    const out = await cropResize({ rgb, width, height }, { x: 0, y: -50, width: 301, height: 301 }, 128, 128);
    let sx = 0;
    let sy = 0;
    let sum = 0;
    for (let y = 0; y < 128; y++) {
      for (let x = 0; x < 128; x++) {
        const v = out.rgb[(y * 128 + x) * 3];
        sx += v * (x + 0.5);
        sy += v * (y + 0.5);
        sum += v;
      }
    }
    const back = {
      x: out.map.originX + sx / sum / out.map.scaleX,
      y: out.map.originY + sy / sum / out.map.scaleY,
    };
    assert.ok(Math.hypot(back.x - dot.x, back.y - dot.y) < 0.3, JSON.stringify(back));
    assert.deepEqual([...out.rgb.subarray(0, 3)], [0, 0, 0]);
  });
});
