/**
 * PNG heatmap overlays: the map blended over a grey copy of the face crop, with a legend (colour
 * bar in shares of the scale's maximum, and that maximum's raw value); and bare map layers
 * (colour + alpha) that a viewer lays over the crop or the photo. Positive arguments green,
 * negative red, the combined map on a diverging scale symmetric around zero (red < 0 < green).
 * The scale (`span`) may be shared by several maps, e.g. A and B of a pair, so that equal colours
 * mean equal values.
 */
import sharp from 'sharp';

export type MapKind = 'pos' | 'neg' | 'combined';

export interface OverlayOptions {
  /** Upscaling of the model-size crop, for legibility (default 4). */
  scale?: number;
  /** The value drawn at full strength (default: this map's largest |value| on its scale). */
  span?: number;
}

type Rgb = [number, number, number];
const GREEN: Rgb = [0, 200, 70];
const RED: Rgb = [230, 30, 30];
const LEGEND_HEIGHT = 58;
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

/** Smallest and largest value of a map. */
export function mapExtent(map: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of map) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

/** The value at full colour strength for maps of one kind drawn on one scale (e.g. A and B). */
export function sharedSpan(kind: MapKind, extents: { min: number; max: number }[]): number {
  return Math.max(0, ...extents.map(({ min, max }) => Math.max(...range(kind, min, max).map(Math.abs))));
}

/** The map alone, as RGBA at the map's size: colour by sign, opacity by |value| / span. */
export async function renderMapLayer(
  map: Float32Array,
  size: { width: number; height: number },
  kind: MapKind,
  span: number,
): Promise<Buffer> {
  const { width, height } = size;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = map[i];
    if (Number.isNaN(v)) continue;
    const { rgb, alpha } = colourOf(kind, v, span);
    rgba.set(rgb, i * 4);
    rgba[i * 4 + 3] = Math.round((255 * alpha) / MAX_ALPHA);
  }
  return sharp(rgba, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
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
  { scale = 4, span: givenSpan }: OverlayOptions = {},
): Promise<{ png: Buffer; min: number; max: number }> {
  const { width, height } = size;
  const { min, max } = mapExtent(map);
  const span = givenSpan ?? sharedSpan(kind, [{ min, max }]);

  // The crop blended with the map, each pixel a scale × scale block, the legend under it: one PNG encode.
  const outWidth = width * scale;
  const picture = new Uint8Array(outWidth * (height * scale + LEGEND_HEIGHT) * 3);
  const row = new Uint8Array(outWidth * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const grey = 0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2];
      const { rgb: colour, alpha } = colourOf(kind, map[i], span);
      for (let c = 0; c < 3; c++) {
        const value = Math.round(grey * (1 - alpha) + colour[c] * alpha);
        for (let k = 0; k < scale; k++) row[(x * scale + k) * 3 + c] = value;
      }
    }
    for (let k = 0; k < scale; k++) picture.set(row, (y * scale + k) * row.length);
  }
  picture.set(await legendPixels(kind, outWidth, span), height * scale * row.length);
  const png = await sharp(picture, {
    raw: { width: outWidth, height: height * scale + LEGEND_HEIGHT, channels: 3 },
  })
    .png()
    .toBuffer();
  return { png, min, max };
}

/** Legends drawn lately, by kind, width and scale: both sides of a pair share theirs. */
const legends = new Map<string, Promise<Uint8Array>>();
const LEGENDS_KEPT = 16;

function legendPixels(kind: MapKind, width: number, span: number) {
  const key = `${kind} ${width} ${span}`;
  let legend = legends.get(key);
  if (!legend) {
    legend = renderLegend(kind, width, span);
    legends.set(key, legend);
    legend.catch(() => legends.delete(key));
    if (legends.size > LEGENDS_KEPT) legends.delete(legends.keys().next().value!);
  }
  return legend;
}

/**
 * Colour bar over the scale (−span to span for combined maps, else 0 to span) on a white strip;
 * under it the ends and middle in shares of the scale's maximum, and that maximum's raw value.
 * RGB pixels, width × LEGEND_HEIGHT.
 */
async function renderLegend(kind: MapKind, width: number, span: number): Promise<Uint8Array> {
  const [low, high] = kind === 'combined' ? [-span, span] : [0, span];
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
  const text = (x: number, y: number, anchor: string, value: string) =>
    `<text x="${x}" y="${y}" text-anchor="${anchor}" font-family="DejaVu Sans, sans-serif" font-size="13" fill="#000">${value}</text>`;
  const share = (v: number) => (v === 0 ? '0' : `${v < 0 ? '−' : kind === 'combined' ? '+' : ''}100 %`);
  const labels = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${LEGEND_HEIGHT}">` +
      text(margin, 34, 'start', share(low)) +
      text(width / 2, 34, 'middle', kind === 'combined' ? '0' : '50 %') +
      text(width - margin, 34, 'end', share(high)) +
      text(width / 2, 52, 'middle', `${kind} · 100 % = ${formatValue(span)}`) +
      '</svg>',
  );
  const pixels = await sharp(bar, { raw: { width, height: LEGEND_HEIGHT, channels: 3 } })
    .composite([{ input: labels, top: 0, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer();
  return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length);
}
