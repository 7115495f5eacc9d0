/**
 * PNG heatmap overlays: the map blended over a grey copy of the face crop, with a legend
 * (colour bar + the map's min and max). Positive arguments green, negative red, the combined
 * map on a diverging scale symmetric around zero (red < 0 < green).
 */
import sharp from 'sharp';

export type MapKind = 'pos' | 'neg' | 'combined';

export interface OverlayOptions {
  /** Upscaling of the model-size crop, for legibility (default 4). */
  scale?: number;
}

type Rgb = [number, number, number];
const GREEN: Rgb = [0, 200, 70];
const RED: Rgb = [230, 30, 30];
const LEGEND_HEIGHT = 44;
const MAX_ALPHA = 0.8;

/** Colour and opacity of value v on the map's scale. */
function colourOf(kind: MapKind, v: number, scale: number): { rgb: Rgb; alpha: number } {
  const t = scale > 0 ? Math.min(1, Math.abs(v) / scale) : 0;
  const rgb = kind === 'pos' ? GREEN : kind === 'neg' ? RED : v >= 0 ? GREEN : RED;
  return { rgb, alpha: MAX_ALPHA * t };
}

/** The value range the colours span: [0, max] for pos/neg, [−m, m] with m = max |v| for combined. */
function range(kind: MapKind, min: number, max: number): [number, number] {
  if (kind !== 'combined') return [0, max];
  const m = Math.max(Math.abs(min), Math.abs(max));
  return [-m, m];
}

function formatValue(v: number): string {
  return v === 0 ? '0' : v.toExponential(2);
}

/**
 * Renders `map` (height × width, row-major) over `rgb` (the crop, height × width × 3) as a PNG.
 * Returns the PNG bytes and the map's min and max, which the legend shows.
 */
export async function renderOverlay(
  rgb: Uint8Array,
  map: Float32Array,
  size: { width: number; height: number },
  kind: MapKind,
  { scale = 4 }: OverlayOptions = {},
): Promise<{ png: Buffer; min: number; max: number }> {
  const { width, height } = size;
  let min = Infinity;
  let max = -Infinity;
  for (const v of map) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const [low, high] = range(kind, min, max);
  const span = Math.max(Math.abs(low), Math.abs(high));

  const blended = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const grey = 0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2];
    const { rgb: colour, alpha } = colourOf(kind, map[i], span);
    for (let c = 0; c < 3; c++) blended[i * 3 + c] = Math.round(grey * (1 - alpha) + colour[c] * alpha);
  }
  const outWidth = width * scale;
  const image = await sharp(blended, { raw: { width, height, channels: 3 } })
    .resize(outWidth, height * scale, { kernel: 'nearest' })
    .raw()
    .toBuffer();

  const legend = await renderLegend(kind, outWidth, low, high, span);
  const png = await sharp(image, { raw: { width: outWidth, height: height * scale, channels: 3 } })
    .extend({ bottom: LEGEND_HEIGHT, background: { r: 255, g: 255, b: 255 } })
    .composite([{ input: legend, top: height * scale, left: 0 }])
    .png()
    .toBuffer();
  return { png, min, max };
}

/** Colour bar from `low` to `high` over a white strip, with the end values written under it. */
async function renderLegend(
  kind: MapKind,
  width: number,
  low: number,
  high: number,
  span: number,
): Promise<Buffer> {
  const barHeight = 14;
  const margin = 8;
  const bar = new Uint8Array(width * LEGEND_HEIGHT * 3).fill(255);
  for (let x = margin; x < width - margin; x++) {
    const v = low + ((x - margin) / (width - 2 * margin - 1)) * (high - low);
    const { rgb: colour, alpha } = colourOf(kind, v, span);
    for (let y = 4; y < 4 + barHeight; y++) {
      for (let c = 0; c < 3; c++)
        bar[(y * width + x) * 3 + c] = Math.round(128 * (1 - alpha) + colour[c] * alpha);
    }
  }
  const text = (x: number, anchor: string, value: string) =>
    `<text x="${x}" y="${LEGEND_HEIGHT - 8}" text-anchor="${anchor}" font-family="DejaVu Sans, sans-serif" font-size="12" fill="#000">${value}</text>`;
  const labels = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${LEGEND_HEIGHT}">` +
      text(margin, 'start', formatValue(low)) +
      text(width / 2, 'middle', kind) +
      text(width - margin, 'end', formatValue(high)) +
      '</svg>',
  );
  return sharp(bar, { raw: { width, height: LEGEND_HEIGHT, channels: 3 } })
    .composite([{ input: labels, top: 0, left: 0 }])
    .png()
    .toBuffer();
}
