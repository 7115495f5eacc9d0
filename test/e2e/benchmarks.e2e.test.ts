/**
 * End to end: the Benchmarks page of the built renderer (dist/renderer) in Debian's Chromium,
 * against the real browser-mode backend: a tiny run of the seeded test model started from the
 * form, its live progress, the curves, the summary and a sample pair. Needs `npm run build` first.
 * Screenshots go to XSSAB_E2E_SCREENSHOTS when set.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { E2eHarness } from './harness.js';

// A small MobileFaceNet with seeded weights: its curves mean nothing, the page's workings are tested.
const MODEL = path.resolve('test/fixtures/golden/mobilefacenet/model.onnx');

const e2e = new E2eHarness({
  dataDirPrefix: 'xssab-bench-e2e-',
  screenshotPrefix: 'bench',
});
before(() => e2e.start());
after(() => e2e.close());

test('an examiner runs a tiny benchmark and reads its curves, summary and samples', async (t) => {
  const form = () => e2e.page.getByRole('region', { name: 'Start a run' });
  const runsTable = () => e2e.page.getByRole('table', { name: 'Benchmark runs' });

  await t.test(
    'the Benchmarks page starts with empty dataset fields and offers the sample faces',
    async () => {
      await e2e.page.goto(e2e.bridge.url);
      await e2e.page.getByRole('heading', { level: 1, name: 'Cases' }).waitFor();
      await e2e.page.getByRole('navigation', { name: 'Main' }).getByText('Benchmarks').click();
      await e2e.page.getByRole('heading', { level: 1, name: 'Benchmarks' }).waitFor();
      await e2e.page.getByText('No benchmark runs yet').waitFor();
      assert.equal(
        await form().getByLabel('Dataset folder').inputValue(),
        '',
        'no path is filled in unasked',
      );
      assert.equal(await form().getByLabel('Pairs list').inputValue(), '');
      await form().getByRole('button', { name: 'Use the sample faces' }).click();
      assert.equal(
        await form().getByLabel('Dataset folder').inputValue(),
        path.resolve('test/fixtures/faces'),
      );
      assert.match(await form().getByLabel('Pairs list').inputValue(), /pairs\.csv$/);
    },
  );

  await t.test('refuses invalid settings with messages under the fields', async () => {
    await form().getByLabel('Model').fill(MODEL);
    await form().getByLabel('CorrRISE masks').fill('1');
    await form().getByLabel('Seed').fill('-4');
    for (const method of [
      'xSSAB',
      'xSSAB by decision',
      'Integrated gradients',
      'Gradient',
      'CorrRISE',
      'Random map',
    ])
      await form().getByRole('checkbox', { name: method, exact: true }).uncheck();
    await form().getByRole('button', { name: 'Start run' }).click();
    await form().getByText('Must be at least 2').waitFor();
    await form().getByText('Must be at least 0').waitFor();
    await form().getByText('Choose at least one method').waitFor();
    assert.equal(await form().getByLabel('CorrRISE masks').getAttribute('aria-invalid'), 'true');
    await e2e.screenshot('form-invalid');
  });

  await t.test('starts a run and shows its progress live until it finishes', async () => {
    await form().getByLabel('CorrRISE masks').fill('8');
    await form().getByLabel('Seed').fill('3');
    await form().getByLabel('Threshold').fill('0.2');
    await form().getByLabel('Pairs (limit)').fill('2');
    for (const method of ['xSSAB', 'Gradient', 'CorrRISE', 'Random map'])
      await form().getByRole('checkbox', { name: method, exact: true }).check();
    await form().getByRole('button', { name: 'Start run' }).click();
    const row = runsTable().getByRole('row').filter({ hasText: '#1' });
    await row.getByText('Running').waitFor();
    await row.getByRole('progressbar', { name: 'Progress of run 1' }).waitFor();
    await row.getByRole('button', { name: 'Cancel run 1' }).waitFor();
    await row.getByText(/of 2 pairs/).waitFor({ timeout: 30_000 });
    await e2e.screenshot('running');
    await row.getByText('Finished').waitFor({ timeout: 90_000 });
    await row.getByText('2 of 2 pairs').waitFor();
  });

  await t.test('the run page shows both curves, the summary and sample pairs', async () => {
    await runsTable().getByRole('row').filter({ hasText: '#1' }).click();
    await e2e.page.getByRole('heading', { level: 1, name: /Run #1/ }).waitFor();
    for (const name of [
      /^FMR at threshold 0\.200 \(1 impostor pairs\)/,
      /^FNMR at threshold 0\.200 \(1 genuine pairs\)/,
    ]) {
      const figure = e2e.page.getByRole('figure', { name });
      await figure.locator('svg path[data-series="random-replacement"]').waitFor({ state: 'attached' });
      assert.equal(
        await figure.locator('svg path[data-series]').count(),
        6,
        'four methods, random replacement and the oracle',
      );
      await figure.getByText('Pixels of patched A restored (%)').waitFor();
      await figure.getByText('Random replacement (dashed)').waitFor();
    }
    const summary = e2e.page.getByRole('table', { name: 'Benchmark summary' });
    await summary.getByRole('columnheader', { name: 'Localisation AUROC' }).waitFor();
    assert.deepEqual(await summary.locator('tbody tr td:first-child').allTextContents(), [
      'xSSAB',
      'Gradient',
      'CorrRISE',
      'Random map',
      'Random replacement',
      'Oracle (patch pixels first)',
    ]);
    await e2e.page
      .getByRole('img', { name: /^Image A \(alex_lacamoire_1\.jpg\) with the 27 pasted patches/ })
      .first()
      .waitFor();
    await e2e.screenshot('detail');
  });

  await t.test('a sample pair opens from the keyboard with each method’s map', async () => {
    const open = e2e.page.getByRole('button', { name: /^Open sample Pair 0: genuine/ });
    await open.focus();
    await e2e.page.keyboard.press('Enter');
    const dialog = e2e.page.getByRole('dialog', { name: 'Pair 0: genuine' });
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
    await e2e.screenshot('sample');
    await e2e.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  assert.deepEqual(e2e.pageProblems, [], 'no console errors, page errors or CSP violations');
});
