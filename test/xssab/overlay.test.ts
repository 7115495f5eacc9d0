import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { renderOverlay, type MapKind } from '../../native-models/xssab/overlay.js';

const size = { width: 4, height: 2 };
const face = new Uint8Array(size.width * size.height * 3).fill(128);
const scale = 30;

async function render(kind: MapKind, map: number[]) {
  const { png, min, max } = await renderOverlay(face, Float32Array.from(map), size, kind, { scale });
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixel = (x: number, y: number) => {
    const i = ((y * scale + scale / 2) * info.width + x * scale + scale / 2) * 3;
    return [data[i], data[i + 1], data[i + 2]];
  };
  return { info, data, pixel, min, max };
}

test('pos in green, strongest where the map is largest; zero leaves the grey face', async () => {
  const { pixel, min, max, info } = await render('pos', [0, 1, 2, 4, 0, 0, 0, 0]);
  assert.deepEqual([min, max], [0, 4]);
  assert.equal(info.width, size.width * scale);
  assert.ok(info.height > size.height * scale, 'legend below the image');
  assert.deepEqual(pixel(0, 0), [128, 128, 128]);
  const [r, g] = pixel(3, 0);
  assert.ok(g > 150 && r < 60, `max is green: ${pixel(3, 0)}`);
  assert.ok(pixel(1, 0)[1] < pixel(2, 0)[1], 'more green with a larger value');
});

test('neg in red; combined red below zero, green above, grey at zero', async () => {
  const neg = await render('neg', [0, 0, 0, 3, 0, 0, 0, 0]);
  const [r, g] = neg.pixel(3, 0);
  assert.ok(r > 150 && g < 60, `neg max is red: ${neg.pixel(3, 0)}`);

  const combined = await render('combined', [-2, 0, 2, 1, 0, 0, 0, 0]);
  assert.ok(combined.pixel(0, 0)[0] > 150, 'negative is red');
  assert.ok(combined.pixel(2, 0)[1] > 150, 'positive is green');
  assert.deepEqual(combined.pixel(1, 0), [128, 128, 128]);
  assert.deepEqual([combined.min, combined.max], [-2, 2]);
});

test('the legend carries text (fonts render through sharp/librsvg)', async () => {
  const { data, info } = await render('combined', [-2, 0, 2, 1, 0, 0, 0, 0]);
  const legendTop = size.height * scale + 20; // below the colour bar
  let dark = 0;
  for (let y = legendTop; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) if (data[(y * info.width + x) * 3] < 80) dark++;
  }
  assert.ok(dark > 20, `only ${dark} dark pixels where the labels should be`);
});
