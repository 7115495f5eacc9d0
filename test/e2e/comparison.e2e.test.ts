/**
 * End to end: the comparison workflow of a case in the built renderer (dist/renderer) in Debian's
 * Chromium against the real browser-mode backend: two photos imported, a pair formed, the xSSAB
 * analysis run with the default model, its maps shown, and the examiner's decision verified by a
 * second examiner. Needs `npm run build` first (npm test's pretest does it).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { startBrowserBridge } from '../../electron/node/bridge/index.js';

type Bridge = Awaited<ReturnType<typeof startBrowserBridge>>;

const rendererDir = path.resolve('dist/renderer');
const FACES = path.resolve('test/fixtures/faces');
const screenshotDir = process.env.XSSAB_E2E_SCREENSHOTS;

let dataDir: string;
let bridge: Bridge | undefined;
let browser: Browser;
let page: Page;
/** Console errors, uncaught page errors and CSP violations, each as one line. */
const pageProblems: string[] = [];
/** Browsers log every 4xx response as a console error; this is the one the test provokes. */
const expectedConsoleErrors: RegExp[] = [/status of 400 \(Bad Request\)/];

before(async () => {
  assert.ok(
    existsSync(path.join(rendererDir, 'index.html')),
    'dist/renderer is missing: run `npm run build` first',
  );
  dataDir = await mkdtemp(path.join(tmpdir(), 'xssab-e2e-compare-'));
  bridge = await startBrowserBridge({ dataDir, rendererDir });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = `${message.text()} (${message.location().url})`;
    if (!expectedConsoleErrors.some((pattern) => pattern.test(text))) pageProblems.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  await page.exposeFunction('reportCspViolation', (line: string) => pageProblems.push(`CSP: ${line}`));
  // A string, not a function: this file is compiled without DOM types.
  await page.addInitScript(`
    document.addEventListener('securitypolicyviolation', (event) => {
      window.reportCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline content'));
    });
  `);
});

after(async () => {
  await browser?.close();
  await bridge?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function screenshot(name: string) {
  if (screenshotDir)
    await page.screenshot({ path: path.join(screenshotDir, `compare-${name}.png`), fullPage: true });
}

/** A fixture photo, downscaled so that the analysis stays fast. */
async function photo(name: string) {
  const buffer = await sharp(path.join(FACES, name)).resize({ width: 480 }).jpeg().toBuffer();
  return { name, mimeType: 'image/jpeg', buffer };
}

test('an examiner compares two photos, reads the xSSAB maps, and a second examiner verifies', async (t) => {
  const pairPanel = () => page.getByRole('article', { name: 'Pair #1' });

  await t.test('creates a case and imports two photos', async () => {
    await page.goto(bridge!.url);
    await page.getByRole('button', { name: 'New case' }).click();
    const dialog = page.getByRole('dialog', { name: 'New case' });
    await dialog.getByLabel('Case number').fill('2024-FR-0300');
    await dialog.getByLabel('Title').fill('ATM withdrawal');
    await dialog.getByRole('button', { name: 'Create case' }).click();
    await page
      .getByRole('table', { name: 'Cases' })
      .getByRole('row')
      .filter({ hasText: '2024-FR-0300' })
      .click();

    const evidence = page.getByRole('region', { name: 'Evidence' });
    const chooser = page.waitForEvent('filechooser');
    await evidence.getByRole('button', { name: 'Import evidence' }).click();
    await (await chooser).setFiles([await photo('obama_1.jpg'), await photo('obama_2.jpg')]);
    await evidence.getByRole('row').filter({ hasText: 'obama_2.jpg' }).waitFor();
  });

  await t.test('forms a pair from two evidence items', async () => {
    const comparisons = page.getByRole('region', { name: 'Comparisons' });
    await comparisons.getByText('No comparisons').waitFor();
    await comparisons.getByRole('button', { name: 'New comparison' }).click();
    const dialog = page.getByRole('dialog', { name: 'New comparison' });
    await dialog.getByLabel('Image A').click();
    await page.getByRole('option', { name: /^obama_1\.jpg · [0-9a-f]{12}…$/ }).click();
    await dialog.getByLabel('Image B').click();
    await page.getByRole('option', { name: /^obama_2\.jpg/ }).click();
    await screenshot('new-pair');
    await dialog.getByRole('button', { name: 'Create pair' }).click();
    await dialog.waitFor({ state: 'detached' });
    await pairPanel().getByText('Pair #1: obama_1.jpg ↔ obama_2.jpg').waitFor();
    await pairPanel().getByText('Not analysed yet.').waitFor();
  });

  await t.test('runs the xSSAB analysis and shows the maps of both faces', async () => {
    await pairPanel().getByRole('button', { name: 'Run xSSAB analysis' }).click();
    await pairPanel().getByRole('progressbar', { name: 'Analysis of pair #1' }).waitFor();
    const maps = pairPanel().getByRole('table', { name: 'Maps of analysis #1' });
    await maps.getByRole('img', { name: 'Combined map of B' }).waitFor({ timeout: 60_000 });
    for (const side of ['A', 'B']) {
      await maps.getByRole('img', { name: `Aligned face ${side}` }).waitFor();
      await maps.getByRole('img', { name: `Positive (for a match) map of ${side}` }).waitFor();
      await maps.getByRole('img', { name: `Negative (against a match) map of ${side}` }).waitFor();
    }
    await pairPanel().getByText('Model decision: match').waitFor();
    await pairPanel()
      .getByText(/^Provisional threshold \(n = \d+\)$/)
      .waitFor();
    await pairPanel()
      .getByText(/dlib ResNet-34/)
      .waitFor();
    await screenshot('analysis');

    await pairPanel().getByRole('button', { name: 'Negative (against a match)' }).click();
    await maps
      .getByRole('img', { name: 'Negative (against a match) map of A' })
      .waitFor({ state: 'detached' });
    assert.equal(await maps.getByRole('img').count(), 6);
  });

  await t.test('records the examiner decision and its verification by another person', async () => {
    const form = pairPanel().getByRole('form', { name: 'Decision on pair #1' });
    await form.getByRole('button', { name: 'Record decision' }).click();
    await form.getByText('Give the reasons for the conclusion').waitFor();

    await form.getByLabel('Examiner name').fill('A. Examiner');
    await form.getByLabel('Conclusion').click();
    await page.getByRole('option', { name: 'Moderate support, same person' }).click();
    await form.getByLabel('Rationale').fill('Ear shape and nasal bridge correspond; positive maps agree.');
    await form.getByRole('button', { name: 'Record decision' }).click();
    const decisions = pairPanel().getByRole('table', { name: 'Decisions on pair #1' });
    await decisions
      .getByRole('row')
      .filter({ hasText: 'A. Examiner' })
      .getByRole('cell', { name: 'Examiner', exact: true })
      .waitFor();

    const verification = pairPanel().getByRole('form', { name: 'Decision on pair #1' });
    await verification.getByLabel('Verifier name').fill('A. Examiner');
    await verification.getByLabel('Conclusion').click();
    await page.getByRole('option', { name: 'Moderate support, same person' }).click();
    await verification.getByLabel('Rationale').fill('Agree.');
    await verification.getByRole('button', { name: 'Record verification' }).click();
    await verification.getByRole('alert').filter({ hasText: 'a different person must verify' }).waitFor();

    await verification.getByLabel('Verifier name').fill('B. Verifier');
    await verification.getByRole('button', { name: 'Record verification' }).click();
    await decisions
      .getByRole('row')
      .filter({ hasText: 'B. Verifier' })
      .getByRole('cell', { name: 'Verifier', exact: true })
      .waitFor();
    await page.getByRole('table', { name: 'Audit trail' }).getByText('decision.record').first().waitFor();
    await page.getByText(/Chain verified/).waitFor();
    await screenshot('decisions');
  });

  assert.deepEqual(pageProblems, [], 'no console errors, page errors or CSP violations');
});
