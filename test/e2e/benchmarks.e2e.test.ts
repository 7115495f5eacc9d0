/**
 * End to end: the Benchmarks page of the built renderer (dist/renderer) in Debian's Chromium,
 * against the real browser-mode backend: a tiny run of the seeded test model started from the
 * form, its live progress, the curves, the summary and a sample pair. Needs `npm run build` first.
 * Screenshots go to XSSAB_E2E_SCREENSHOTS when set.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBrowserBridge } from '../../electron/node/bridge/index.js';

type Bridge = Awaited<ReturnType<typeof startBrowserBridge>>;

const rendererDir = path.resolve('dist/renderer');
const screenshotDir = process.env.XSSAB_E2E_SCREENSHOTS;
// A small MobileFaceNet with seeded weights: its curves mean nothing, the page's workings are tested.
const MODEL = path.resolve('test/fixtures/golden/mobilefacenet/model.onnx');

let dataDir: string;
let bridge: Bridge | undefined;
let browser: Browser;
let page: Page;
/** Console errors, uncaught page errors and CSP violations, each as one line. */
const pageProblems: string[] = [];

before(async () => {
  assert.ok(
    existsSync(path.join(rendererDir, 'index.html')),
    'dist/renderer is missing: run `npm run build` first',
  );
  dataDir = await mkdtemp(path.join(tmpdir(), 'xssab-bench-e2e-'));
  bridge = await startBrowserBridge({ dataDir, rendererDir });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() === 'error')
      pageProblems.push(`console: ${message.text()} (${message.location().url})`);
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
    await page.screenshot({ path: path.join(screenshotDir, `bench-${name}.png`), fullPage: true });
}

test('an examiner runs a tiny benchmark and reads its curves, summary and samples', async (t) => {
  const form = () => page.getByRole('region', { name: 'Start a run' });
  const runsTable = () => page.getByRole('table', { name: 'Benchmark runs' });

  await t.test('the navigation leads to the Benchmarks page with the sample faces offered', async () => {
    await page.goto(bridge!.url);
    await page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByText('Benchmarks').click();
    await page.getByRole('heading', { level: 1, name: 'Benchmarks' }).waitFor();
    await page.getByText('No benchmark runs yet').waitFor();
    assert.equal(await form().getByLabel('Dataset folder').inputValue(), path.resolve('test/fixtures/faces'));
    assert.match(await form().getByLabel('Pairs list').inputValue(), /pairs\.csv$/);
  });

  await t.test('refuses invalid settings with messages under the fields', async () => {
    await form().getByLabel('Model').fill(MODEL);
    await form().getByLabel('CorrRISE masks').fill('1');
    await form().getByLabel('Seed').fill('-4');
    for (const method of ['xSSAB', 'Gradient', 'CorrRISE', 'Random map'])
      await form().getByRole('checkbox', { name: method }).uncheck();
    await form().getByRole('button', { name: 'Start run' }).click();
    await form().getByText('Must be at least 2').waitFor();
    await form().getByText('Must be at least 0').waitFor();
    await form().getByText('Choose at least one method').waitFor();
    assert.equal(await form().getByLabel('CorrRISE masks').getAttribute('aria-invalid'), 'true');
    await screenshot('form-invalid');
  });

  await t.test('starts a run and shows its progress live until it finishes', async () => {
    await form().getByLabel('CorrRISE masks').fill('8');
    await form().getByLabel('Seed').fill('3');
    await form().getByLabel('Threshold').fill('0.2');
    await form().getByLabel('Pairs (limit)').fill('2');
    for (const method of ['xSSAB', 'Gradient', 'CorrRISE', 'Random map'])
      await form().getByRole('checkbox', { name: method }).check();
    await form().getByRole('button', { name: 'Start run' }).click();
    const row = runsTable().getByRole('row').filter({ hasText: '#1' });
    await row.getByText('Running').waitFor();
    await row.getByRole('progressbar', { name: 'Progress of run 1' }).waitFor();
    await row.getByRole('button', { name: 'Cancel run 1' }).waitFor();
    await row.getByText(/of 2 pairs/).waitFor({ timeout: 30_000 });
    await screenshot('running');
    await row.getByText('Finished').waitFor({ timeout: 90_000 });
    await row.getByText('2 of 2 pairs').waitFor();
  });

  await t.test('the run page shows both curves, the summary and sample pairs', async () => {
    await runsTable().getByRole('row').filter({ hasText: '#1' }).click();
    await page.getByRole('heading', { level: 1, name: /Run #1/ }).waitFor();
    for (const name of [
      /^FMR at threshold 0\.200 \(1 impostor pairs\)/,
      /^FNMR at threshold 0\.200 \(1 genuine pairs\)/,
    ]) {
      const figure = page.getByRole('figure', { name });
      await figure.locator('svg path[data-series="random-replacement"]').waitFor({ state: 'attached' });
      assert.equal(
        await figure.locator('svg path[data-series]').count(),
        5,
        'four methods and random replacement',
      );
      await figure.getByText('Pixels of patched A restored (%)').waitFor();
      await figure.getByText('Random replacement (dashed)').waitFor();
    }
    const summary = page.getByRole('table', { name: 'Benchmark summary' });
    await summary.getByRole('columnheader', { name: 'Localisation AUROC' }).waitFor();
    assert.deepEqual(await summary.locator('tbody tr td:first-child').allTextContents(), [
      'xSSAB',
      'Gradient',
      'CorrRISE',
      'Random map',
    ]);
    await page
      .getByRole('img', { name: /^Image A \(alex_lacamoire_1\.jpg\) with the 27 pasted patches/ })
      .first()
      .waitFor();
    await screenshot('detail');
  });

  await t.test('a sample pair opens from the keyboard with each method’s map', async () => {
    const open = page.getByRole('button', { name: /^Open sample Pair 0: genuine/ });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Pair 0: genuine' });
    for (const alt of [
      /^Image A \(.*\), aligned, before patching$/,
      /^Patch mask/,
      /^Image B/,
      /^xSSAB map over patched image A/,
      /^Gradient map over patched image A/,
      /^CorrRISE map over patched image A/,
      /^Random map map over patched image A/,
    ])
      await dialog.getByRole('img', { name: alt }).waitFor();
    await screenshot('sample');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  assert.deepEqual(pageProblems, [], 'no console errors, page errors or CSP violations');
});
