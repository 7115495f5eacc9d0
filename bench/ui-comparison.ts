/**
 * Benchmark: a comparison in the UI from the click on "Run xSSAB analysis" to both maps on screen,
 * for two ~1-megapixel photos, in Debian's Chromium against the real browser-mode backend. The
 * first run is cold (worker start, detector and model load, gradient graph compiled or read from
 * the data folder's cache); the next runs are warm. The faces are detected when the pair is shown
 * (the face picker), before the click, as in the workflow. Prints the figures; not part of `npm test`.
 *
 *   npm run build && npm run bench:ui -- [--runs 5]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { E2eHarness } from '../test/e2e/harness.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a whole number ≥ 1, got ${values.runs}`);

const FACES = path.resolve('test/fixtures/faces');

interface StageTimings {
  engineLoadMs: number;
  explainMs: number;
  a: { decodeMs: number; detectMs: number; alignMs: number; preprocessMs: number };
  b: StageTimings['a'];
}

/** A fixture photo scaled to about one megapixel. */
async function megapixelPhoto(name: string) {
  const { width = 1, height = 1 } = await sharp(path.join(FACES, name)).metadata();
  const scale = Math.sqrt(1_000_000 / (width * height));
  const buffer = await sharp(path.join(FACES, name))
    .resize(Math.round(width * scale), Math.round(height * scale))
    .jpeg({ quality: 92 })
    .toBuffer();
  const size = await sharp(buffer).metadata();
  return { name, mimeType: 'image/jpeg', buffer, pixels: `${size.width}×${size.height}` };
}

/**
 * Run in the page before the click (a string: this file is compiled without DOM types): resolves
 * with the milliseconds from the next click event to the frame after the one that first shows
 * both maps the viewer opens on (the model's default map) of analysis #analysisId, loaded and
 * decoded. Watching from inside the page keeps Playwright's polling, which shares this Node
 * process with the backend, out of the figure.
 */
const MAPS_PAINTED = `(analysisId) => new Promise((resolve) => {
  let clickedAt = null;
  document.addEventListener('click', (event) => { clickedAt ??= event.timeStamp; }, { capture: true, once: true });
  const maps = () => ['A', 'B'].map((side) =>
    document.querySelector('[aria-label="Map viewer of analysis #' + analysisId + '"]')
      ?.querySelector('img[alt$=" map of ' + side + '"]'));
  const check = () => {
    const [a, b] = maps();
    if (clickedAt === null || !a?.complete || !b?.complete || !a.naturalWidth || !b.naturalWidth) return;
    watcher.disconnect();
    document.removeEventListener('load', check, true);
    // Two frames: the first callback runs before the frame with the maps is drawn, the second after.
    Promise.all([a.decode(), b.decode()]).then(() =>
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - clickedAt))));
  };
  const watcher = new MutationObserver(check);
  watcher.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] });
  document.addEventListener('load', check, true);
})`;

const e2e = new E2eHarness({ dataDirPrefix: 'xssab-bench-ui-', screenshotPrefix: 'bench' });
await e2e.start();
try {
  const page = e2e.page;
  page.setDefaultTimeout(120_000);
  const photos = [await megapixelPhoto('obama_1.jpg'), await megapixelPhoto('obama_2.jpg')];
  await page.goto(e2e.bridge.url);
  await page.getByRole('button', { name: 'New case' }).click();
  const dialog = page.getByRole('dialog', { name: 'New case' });
  await dialog.getByLabel('Case number').fill('BENCH-1');
  await dialog.getByLabel('Title').fill('UI benchmark');
  await dialog.getByRole('button', { name: 'Create case' }).click();
  await page.getByRole('table', { name: 'Cases' }).getByRole('row').filter({ hasText: 'BENCH-1' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page
    .getByRole('region', { name: 'Evidence' })
    .getByRole('button', { name: 'Import evidence' })
    .click();
  await (await chooser).setFiles(photos.map(({ name, mimeType, buffer }) => ({ name, mimeType, buffer })));
  await page
    .getByRole('region', { name: 'Evidence' })
    .getByRole('row')
    .filter({ hasText: 'obama_2.jpg' })
    .waitFor();
  await page.getByRole('button', { name: 'New comparison' }).click();
  const pairDialog = page.getByRole('dialog', { name: 'New comparison' });
  await pairDialog.getByLabel('Image A').click();
  await page.getByRole('option', { name: /^obama_1\.jpg/ }).click();
  await pairDialog.getByLabel('Image B').click();
  await page.getByRole('option', { name: /^obama_2\.jpg/ }).click();
  await pairDialog.getByRole('button', { name: 'Create pair' }).click();
  const pair = page.getByRole('article', { name: 'Pair #1' });

  const inPage: number[] = [];
  const harness: number[] = [];
  for (let run = 1; run <= runs + 1; run++) {
    const button = pair.getByRole('button', { name: /^Run xSSAB analysis/ });
    await button.waitFor();
    const painted = page.evaluate<number>(`(${MAPS_PAINTED})(${run})`);
    const start = performance.now();
    await button.click();
    inPage.push(await painted);
    harness.push(performance.now() - start);
  }
  const ms = (value: number) => `${Math.round(value)} ms`;
  const describe = (label: string, [cold, ...warm]: number[]) => {
    const sorted = [...warm].sort((x, y) => x - y);
    const median = sorted[Math.floor((sorted.length - 1) / 2)];
    console.log(`  ${label}`);
    console.log(`    cold (first analysis):  ${ms(cold)}`);
    console.log(
      `    warm, ${warm.length} runs:  median ${ms(median)}, min ${ms(sorted[0])}, max ${ms(sorted.at(-1)!)}`,
    );
    console.log(`    warm runs: ${warm.map(ms).join(', ')}`);
  };
  console.log(
    `UI comparison, click → both maps on screen; photos ${photos.map((p) => p.pixels).join(' and ')}`,
  );
  describe("in the page (the click event's time → the frame after both maps are drawn)", inPage);
  describe("as Playwright sees it (click() called → both maps found; adds Playwright's own work)", harness);
  console.log('  inside the backend, per warm run (from each analysis record):');
  for (let id = 2; id <= runs + 1; id++) {
    const response = await fetch(`${e2e.bridge.origin}/api/analyses.get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${e2e.bridge.token}` },
      body: JSON.stringify({ analysisId: id }),
    });
    const { result } = (await response.json()) as { result: { timings: Record<string, never> } };
    const t = result.timings as unknown as StageTimings;
    const prepare = (side: StageTimings['a']) =>
      side.decodeMs + side.detectMs + side.alignMs + side.preprocessMs;
    console.log(
      `    #${id}: decode+detect+align A ${ms(prepare(t.a))}, B ${ms(prepare(t.b))}, engine ${ms(t.engineLoadMs)}, maps ${ms(t.explainMs)}`,
    );
  }
} finally {
  await e2e.close();
}
