/**
 * End to end: the examiner's bench in the built renderer (dist/renderer) in Debian's Chromium
 * against the real browser-mode backend. A multi-face photo, where the examiner picks the second
 * face; a photo where no face is detected (upside down), where the examiner drags the five
 * landmarks, previews the crop and uses them; the map viewer zoomed with buttons and keys and
 * switched to the original photo; and the PDF exported with names in Polish, Cyrillic, Greek and
 * CJK, checked with pdftotext. Needs `npm run build` first (npm test's pretest does it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { E2eHarness } from './harness.js';

const FACES = path.resolve('test/fixtures/faces');
const e2e = new E2eHarness({ dataDirPrefix: 'xssab-e2e-bench-', screenshotPrefix: 'examiner' });
before(() => e2e.start());
after(() => e2e.close());

async function photo(name: string, fileName = name, rotate = 0) {
  const buffer = await sharp(path.join(FACES, name)).resize({ width: 480 }).rotate(rotate).jpeg().toBuffer();
  return { name: fileName, mimeType: 'image/jpeg', buffer };
}

/** Where the five points belong on obama_1.jpg (480 px wide) turned upside down. */
const UPSIDE_DOWN_LANDMARKS = {
  "Right eye (subject's)": { x: 248, y: 486 },
  "Left eye (subject's)": { x: 190, y: 486 },
  'Nose tip': { x: 220, y: 453 },
  "Right mouth corner (subject's)": { x: 240, y: 423 },
  "Left mouth corner (subject's)": { x: 200, y: 423 },
};

const NAMES = { title: 'Опознание: Ελληνική υπόθεση 王小明', examiner: 'Łukasz Żółć' };
/** The map of the side that carried the decision (the default view for the shipped models). */
const DECISION_MAP_OF_A = /^(Positive \(for a match\)|Negative \(against a match\)) map of A$/;
const DECISION_MAP_OF_B = /^(Positive \(for a match\)|Negative \(against a match\)) map of B$/;

test('the examiner chooses faces, places landmarks, zooms the maps and exports a Unicode report', async (t) => {
  const page = e2e.page;
  page.setDefaultTimeout(60_000);

  await t.test('creates a case with a Unicode title and imports four photos', async () => {
    await page.goto(e2e.bridge.url);
    await page.getByRole('button', { name: 'New case' }).click();
    const dialog = page.getByRole('dialog', { name: 'New case' });
    await dialog.getByLabel('Case number').fill('2026-BENCH-1');
    await dialog.getByLabel('Title').fill(NAMES.title);
    await dialog.getByLabel('Examiner').fill(NAMES.examiner);
    await dialog.getByRole('button', { name: 'Create case' }).click();
    await page
      .getByRole('table', { name: 'Cases' })
      .getByRole('row')
      .filter({ hasText: '2026-BENCH-1' })
      .click();
    const evidence = page.getByRole('region', { name: 'Evidence' });
    const chooser = page.waitForEvent('filechooser');
    await evidence.getByRole('button', { name: 'Import evidence' }).click();
    await (
      await chooser
    ).setFiles([
      await photo('biden_1.jpg'),
      await photo('multi_obama_and_biden.jpg'),
      await photo('obama_1.jpg', 'turned.jpg', 180),
      await photo('obama_2.jpg'),
    ]);
    await evidence.getByRole('row').filter({ hasText: 'turned.jpg' }).waitFor();
    const imported = evidence.getByText(/^Imported biden_1\.jpg/);
    await imported.waitFor();
    await imported.waitFor({ state: 'detached', timeout: 15_000 });
  });

  await t.test('views an evidence item at full size with its details and marks it questioned', async () => {
    const evidence = page.getByRole('region', { name: 'Evidence' });
    await evidence.getByRole('button', { name: 'View evidence #2' }).click();
    const viewer = page.getByRole('dialog', { name: 'Evidence #2: multi_obama_and_biden.jpg' });
    await viewer.getByRole('img', { name: 'Evidence #2 at full size' }).waitFor();
    const details = viewer.getByRole('table', { name: 'Evidence details' });
    await details.getByRole('row', { name: /Format jpeg, 3 channels/ }).waitFor();
    await details.getByRole('row', { name: /Imported .* by / }).waitFor();
    await viewer.getByText('The file carries no EXIF data.').waitFor();
    await viewer.getByRole('button', { name: 'Actual pixels' }).click();
    const shown = (await viewer.getByRole('img', { name: 'Evidence #2 at full size' }).boundingBox())!;
    assert.equal(Math.round(shown.width), 480, 'actual pixels: one CSS pixel per photo pixel');
    await viewer.getByLabel('Role in the case').click();
    await page.getByRole('option', { name: 'Questioned' }).click();
    await viewer.getByLabel('Role in the case').filter({ hasText: 'Questioned' }).waitFor();
    await e2e.screenshot('evidence-viewer');
    await viewer.getByRole('button', { name: 'Close' }).click();
    await viewer.waitFor({ state: 'detached' });
    await evidence
      .getByRole('row', { name: /multi_obama_and_biden\.jpg/ })
      .getByRole('cell', { name: 'Questioned' })
      .waitFor();
  });

  async function createPair(a: RegExp, b: RegExp) {
    await page.getByRole('button', { name: 'New comparison' }).click();
    const dialog = page.getByRole('dialog', { name: 'New comparison' });
    await dialog.getByLabel('Image A').click();
    await page.getByRole('option', { name: a }).click();
    await dialog.getByLabel('Image B').click();
    await page.getByRole('option', { name: b }).click();
    await dialog.getByRole('button', { name: 'Create pair' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  await t.test('chooses the second face of the multi-face photo and compares it', async () => {
    await createPair(/^biden_1\.jpg/, /^multi_obama_and_biden\.jpg/);
    const pair = page.getByRole('article', { name: 'Pair #1' });
    const faceB = pair.getByRole('region', { name: 'Face of B' });
    await faceB.getByText(/^\d faces found; face 1 is compared \(the largest\)/).waitFor();
    await faceB.getByRole('button', { name: 'Face 2' }).click();
    await faceB.getByText(/^\d faces found; face 2 is compared\./).waitFor();
    assert.equal(await faceB.getByRole('button', { name: 'Face 2' }).getAttribute('aria-pressed'), 'true');
    await e2e.screenshot('face-picker');
    await pair.getByRole('button', { name: 'Run xSSAB analysis' }).click();
    await pair.getByRole('button', { name: 'Cancel analysis' }).waitFor();
    const viewer = pair.getByRole('group', { name: 'Map viewer of analysis #1' });
    // The viewer opens on the validated default, xSSAB by decision: the map of the deciding side.
    await viewer.getByRole('img', { name: DECISION_MAP_OF_B }).waitFor();
    await pair.getByText(/compared: A face 1 of 1; B face 2 of \d/).waitFor();
  });

  await t.test('zooms and pans the maps of both faces together, then shows them on the photo', async () => {
    const pair = page.getByRole('article', { name: 'Pair #1' });
    const viewer = pair.getByRole('group', { name: 'Map viewer of analysis #1' });
    const mapA = viewer.getByRole('img', { name: DECISION_MAP_OF_A });
    const mapB = viewer.getByRole('img', { name: DECISION_MAP_OF_B });
    const before = (await mapA.boundingBox())!;
    await pair.getByRole('button', { name: 'Zoom in' }).click();
    await pair.getByRole('button', { name: 'Zoom in' }).click();
    await pair.getByLabel('Zoom level').filter({ hasText: '156 %' }).waitFor();
    await viewer.focus();
    await page.keyboard.press('+');
    await pair.getByLabel('Zoom level').filter({ hasText: '195 %' }).waitFor();
    const [zoomedA, zoomedB] = [(await mapA.boundingBox())!, (await mapB.boundingBox())!];
    assert.ok(
      Math.abs(zoomedA.width / before.width - 1.953) < 0.01,
      `A zoomed ×${zoomedA.width / before.width}`,
    );
    assert.ok(Math.abs(zoomedB.width - zoomedA.width) < 0.5, 'B is zoomed with A');
    await page.keyboard.press('ArrowLeft');
    const panned = (await mapA.boundingBox())!;
    assert.ok(panned.x > zoomedA.x, 'the arrow key pans the view');
    assert.equal(Math.round((await mapB.boundingBox())!.x - panned.x), Math.round(zoomedB.x - zoomedA.x));
    await pair.getByRole('slider', { name: 'Opacity' }).focus();
    await page.keyboard.press('Home');
    type WithStyles = { getComputedStyle(element: unknown): { opacity: string } };
    // globalThis is the page's window there; this file is compiled without DOM types.
    const opacity = () =>
      mapA.evaluate((img) => (globalThis as unknown as WithStyles).getComputedStyle(img).opacity);
    assert.equal(await opacity(), '0');
    await page.keyboard.press('End');
    assert.equal(await opacity(), '1');
    await e2e.screenshot('map-viewer-zoomed');
    await viewer.focus();
    await page.keyboard.press('0');
    await pair.getByLabel('Zoom level').filter({ hasText: '100 %' }).waitFor();
    await mapA.hover();
    const readout = pair.getByLabel('Value under the pointer');
    await readout
      .filter({
        hasText:
          /^A, (positive \(for a match\)|negative \(against a match\)): \d+ % of the maximum = \d\.\d\de[-+]\d+$/,
      })
      .waitFor();
    await pair.getByRole('button', { name: 'Original photo' }).click();
    await viewer.getByRole('img', { name: 'Photo B' }).waitFor();
    await mapB.waitFor();
    await pair.getByText(/^Share of the largest value of this map kind in A or B/).hover();
    await e2e.screenshot('map-viewer-photo');
  });

  await t.test('places the five landmarks on a photo without a detected face and compares it', async () => {
    await createPair(/^turned\.jpg/, /^obama_2\.jpg/);
    const pair = page.getByRole('article', { name: 'Pair #2' });
    const faceA = pair.getByRole('region', { name: 'Face of A' });
    await faceA.getByText('No face found: place the five landmarks by hand to compare this photo.').waitFor();
    await faceA.getByRole('button', { name: 'Place landmarks on A' }).click();
    await faceA.getByRole('img', { name: 'Photo A' }).scrollIntoViewIfNeeded();
    const photoBox = (await faceA.getByRole('img', { name: 'Photo A' }).boundingBox())!;
    const scale = photoBox.width / 480;
    for (const [name, target] of Object.entries(UPSIDE_DOWN_LANDMARKS)) {
      const point = (await faceA.getByRole('slider', { name }).boundingBox())!;
      await page.mouse.move(point.x + point.width / 2, point.y + point.height / 2);
      await page.mouse.down();
      await page.mouse.move(photoBox.x + target.x * scale, photoBox.y + target.y * scale, { steps: 4 });
      await page.mouse.up();
    }
    const [x, y] = (await faceA.getByRole('slider', { name: 'Nose tip' }).getAttribute('aria-valuetext'))!
      .split(', ')
      .map(Number);
    assert.ok(Math.abs(x - 220) <= 3 && Math.abs(y - 453) <= 3, `nose tip dragged to ${x}, ${y}`);
    await faceA.getByRole('button', { name: 'Preview crop' }).click();
    await faceA.getByRole('img', { name: 'Aligned crop preview of A' }).waitFor();
    await e2e.screenshot('landmark-tool');
    await faceA.getByRole('button', { name: 'Use these landmarks' }).click();
    await faceA.getByText('0 faces found; compared at the five landmarks placed by hand.').waitFor();
    await pair.getByRole('button', { name: 'Run xSSAB analysis' }).click();
    await pair.getByText('Model decision: match').waitFor();
    await pair
      .getByRole('group', { name: 'Map viewer of analysis #2' })
      .getByRole('img', { name: 'Positive (for a match) map of A' })
      .waitFor();
    await pair.getByText(/compared: A at landmarks placed by hand; B face 1 of 1/).waitFor();
  });

  await t.test(
    'records a decision and exports a report whose Unicode text pdftotext reads back',
    async () => {
      await e2e.createAccount(NAMES.examiner);
      await e2e.signInThroughUi(NAMES.examiner);
      const pair = page.getByRole('article', { name: 'Pair #1' });
      const form = pair.getByRole('form', { name: 'Decision on pair #1' });
      await form.getByLabel('Conclusion').click();
      await page.getByRole('option', { name: 'Moderate support, different persons' }).click();
      await form.getByLabel('Rationale').fill('Różne kształty uszu; форма носа отличается.');
      await form.getByRole('button', { name: 'Record decision' }).click();
      await page
        .getByRole('dialog', { name: 'Record decision?' })
        .getByRole('button', { name: 'Record decision' })
        .click();
      await pair.getByRole('table', { name: 'Decisions on pair #1' }).getByText(NAMES.examiner).waitFor();

      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export report' }).click();
      const saved = path.join(e2e.dataDir, 'exported.pdf');
      await writeFile(saved, await (await download).createReadStream().then((stream) => streamBytes(stream)));
      const text = execFileSync('pdftotext', [saved, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      for (const written of [NAMES.title, NAMES.examiner, 'Różne kształty uszu; форма носа отличается.']) {
        assert.ok(text.includes(written), `the report prints "${written}"`);
      }
      assert.match(text, /face 2 of \d \(numbered largest first\) was compared; landmarks detected/);
      assert.match(
        text,
        /the face at the five landmarks the examiner placed was compared; landmarks placed by the examiner/,
      );
      const save = (await page.getByRole('button', { name: 'Save report #1 as PDF' }).boundingBox())!;
      assert.ok(
        save.x + save.width <= 1360,
        `the Save button ends at ${save.x + save.width} px, inside the window`,
      );
    },
  );

  await t.test('closing the case asks first', async () => {
    await page.getByLabel('Case status').click();
    await page.getByRole('option', { name: 'Closed' }).click();
    const confirm = page.getByRole('dialog', { name: 'Close case 2026-BENCH-1?' });
    await confirm.getByRole('button', { name: 'Go back' }).click();
    await confirm.waitFor({ state: 'detached' });
    assert.equal(await page.getByLabel('Case status').textContent(), 'Open');
    await page.getByLabel('Case status').click();
    await page.getByRole('option', { name: 'Closed' }).click();
    await confirm.getByRole('button', { name: 'Close the case' }).click();
    await page.getByText('This case is closed and locked').waitFor();
  });

  await t.test('a long unbroken title wraps instead of running under the status field', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByText('Cases').click();
    await page.getByRole('button', { name: 'New case' }).click();
    const dialog = page.getByRole('dialog', { name: 'New case' });
    await dialog.getByLabel('Case number').fill('LONG-1');
    await dialog.getByLabel('Title').fill('Surveillance_still_'.repeat(10));
    await dialog.getByRole('button', { name: 'Create case' }).click();
    await page.getByRole('table', { name: 'Cases' }).getByRole('row').filter({ hasText: 'LONG-1' }).click();
    const title = page.getByText(/^(Surveillance_still_){10}$/).first();
    await title.waitFor();
    const [titleBox, statusBox] = [
      (await title.boundingBox())!,
      (await page.getByLabel('Case status').boundingBox())!,
    ];
    const overlaps =
      titleBox.x < statusBox.x + statusBox.width &&
      statusBox.x < titleBox.x + titleBox.width &&
      titleBox.y < statusBox.y + statusBox.height &&
      statusBox.y < titleBox.y + titleBox.height;
    assert.ok(
      !overlaps,
      `title ${JSON.stringify(titleBox)} overlaps the status field ${JSON.stringify(statusBox)}`,
    );
    assert.ok(titleBox.x + titleBox.width <= 1360, 'the title stays inside the window');
    await e2e.screenshot('long-title');
  });

  assert.deepEqual(e2e.pageProblems, [], 'no console errors, page errors or CSP violations');
});

async function streamBytes(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
