/**
 * End to end: the comparison workflow of a case in the built renderer (dist/renderer) in Debian's
 * Chromium against the real browser-mode backend: two photos imported, a pair formed, the xSSAB
 * analysis run with the default model, its maps shown, and the examiner's decision verified by a
 * second examiner. Needs `npm run build` first (npm test's pretest does it).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { E2eHarness } from './harness.js';

const FACES = path.resolve('test/fixtures/faces');

const e2e = new E2eHarness({
  dataDirPrefix: 'xssab-e2e-compare-',
  screenshotPrefix: 'compare',
  // Browsers log every 4xx response as a console error; this is the one the test provokes.
  expectedConsoleErrors: [/status of 400 \(Bad Request\)/],
});
before(() => e2e.start());
after(() => e2e.close());

/** A fixture photo, downscaled so that the analysis stays fast. */
async function photo(name: string) {
  const buffer = await sharp(path.join(FACES, name)).resize({ width: 480 }).jpeg().toBuffer();
  return { name, mimeType: 'image/jpeg', buffer };
}

test('an examiner compares two photos, reads the xSSAB maps, and a second examiner verifies', async (t) => {
  const pairPanel = () => e2e.page.getByRole('article', { name: 'Pair #1' });

  await t.test('creates a case and imports two photos', async () => {
    await e2e.page.goto(e2e.bridge.url);
    await e2e.page.getByRole('button', { name: 'New case' }).click();
    const dialog = e2e.page.getByRole('dialog', { name: 'New case' });
    await dialog.getByLabel('Case number').fill('2024-FR-0300');
    await dialog.getByLabel('Title').fill('ATM withdrawal');
    await dialog.getByRole('button', { name: 'Create case' }).click();
    await e2e.page
      .getByRole('table', { name: 'Cases' })
      .getByRole('row')
      .filter({ hasText: '2024-FR-0300' })
      .click();

    const evidence = e2e.page.getByRole('region', { name: 'Evidence' });
    const chooser = e2e.page.waitForEvent('filechooser');
    await evidence.getByRole('button', { name: 'Import evidence' }).click();
    await (await chooser).setFiles([await photo('obama_1.jpg'), await photo('obama_2.jpg')]);
    await evidence.getByRole('row').filter({ hasText: 'obama_2.jpg' }).waitFor();
  });

  await t.test('forms a pair from two evidence items', async () => {
    const comparisons = e2e.page.getByRole('region', { name: 'Comparisons' });
    await comparisons.getByText('No comparisons').waitFor();
    await comparisons.getByRole('button', { name: 'New comparison' }).click();
    const dialog = e2e.page.getByRole('dialog', { name: 'New comparison' });
    await dialog.getByLabel('Image A').click();
    await e2e.page.getByRole('option', { name: /^obama_1\.jpg · [0-9a-f]{12}…$/ }).click();
    await dialog.getByLabel('Image B').click();
    await e2e.page.getByRole('option', { name: /^obama_2\.jpg/ }).click();
    await e2e.screenshot('new-pair');
    await dialog.getByRole('button', { name: 'Create pair' }).click();
    await dialog.waitFor({ state: 'detached' });
    await pairPanel().getByText('Pair #1: obama_1.jpg ↔ obama_2.jpg').waitFor();
    await pairPanel().getByText('Not analysed yet.').waitFor();
  });

  await t.test('runs the xSSAB analysis and shows the maps of both faces', async () => {
    await pairPanel().getByLabel('Integrated gradients and region table (a few seconds more)').check();
    await pairPanel().getByRole('button', { name: 'Run xSSAB analysis' }).click();
    await pairPanel().getByRole('progressbar', { name: 'Analysis of pair #1' }).waitFor();
    const viewer = pairPanel().getByRole('group', { name: 'Map viewer of analysis #1' });
    // A match opens on the positive map: the validated default is the map of the deciding side.
    await viewer.getByRole('img', { name: 'Positive (for a match) map of B' }).waitFor({ timeout: 60_000 });
    for (const side of ['A', 'B']) {
      await viewer.getByRole('img', { name: `Aligned face ${side}` }).waitFor();
      await viewer.getByRole('img', { name: `Positive (for a match) map of ${side}` }).waitFor();
    }
    await pairPanel().getByText('Model decision: match').waitFor();
    await pairPanel()
      .getByText(/^Provisional threshold \(n = \d+\)$/)
      .waitFor();
    await pairPanel()
      .getByText(/dlib ResNet-34 face descriptor \(128-d\) · SHA-256/)
      .waitFor();
    // Beside the maps: the model's validation record and the region tables.
    const validity = pairPanel().getByRole('alert', { name: 'Explanation validity' });
    assert.match(
      (await validity.textContent()) ?? '',
      /^Default map: xSSAB by decision\. For this model the xSSAB by decision map localises manipulated regions with AUROC 0\.\d\d \[.*beats random replacement on both error rates.*sanity check passed\.$/,
    );
    for (const side of ['A', 'B']) {
      const regions = pairPanel().getByRole('table', { name: `Regions of ${side}` });
      assert.deepEqual((await regions.locator('tbody tr td:first-child').allTextContents()).slice(0, 6), [
        'Right eye',
        'Left eye',
        'Right brow',
        'Left brow',
        'Nose',
        'Mouth',
      ]);
    }
    await e2e.screenshot('analysis');

    await pairPanel().getByRole('button', { name: 'Negative (against a match)' }).click();
    await viewer.getByRole('img', { name: 'Negative (against a match) map of A' }).waitFor();
    await viewer.getByRole('img', { name: 'Positive (for a match) map of A' }).waitFor({ state: 'detached' });
    assert.equal(await viewer.getByRole('img').count(), 4, 'a face and a map on each side');
    await pairPanel()
      .getByText(/^Share of the largest value of this map kind in A or B; 100 % = \d\.\d\de-\d+/)
      .waitFor();
  });

  await t.test('records the examiner decision and its blind verification by another account', async () => {
    await e2e.createAccount('A. Examiner');
    await e2e.createAccount('B. Verifier');
    await e2e.signInThroughUi('A. Examiner');
    const form = pairPanel().getByRole('form', { name: 'Decision on pair #1' });
    await form.getByRole('button', { name: 'Record decision' }).click();
    await form.getByText('Give the reasons for the conclusion').waitFor();

    assert.equal(await form.getByLabel('Signed by').inputValue(), 'A. Examiner (AE)');
    await form.getByLabel('Conclusion').click();
    await e2e.page.getByRole('option', { name: 'Moderate support, same person' }).click();
    await form.getByLabel('Rationale').fill('Ear shape and nasal bridge correspond; positive maps agree.');
    await form.getByRole('button', { name: 'Record decision' }).click();
    await e2e.page
      .getByRole('dialog', { name: 'Record decision?' })
      .getByRole('button', { name: 'Record decision' })
      .click();
    const decisions = pairPanel().getByRole('table', { name: 'Decisions on pair #1' });
    const examinerRow = decisions.getByRole('row').filter({ hasText: 'A. Examiner' });
    await examinerRow.getByRole('cell', { name: 'Examiner', exact: true }).waitFor();

    const verification = pairPanel().getByRole('form', { name: 'Decision on pair #1' });
    await verification.getByLabel('Conclusion').click();
    await e2e.page.getByRole('option', { name: 'Moderate support, same person' }).click();
    await verification.getByLabel('Rationale').fill('Agree.');
    await verification.getByRole('button', { name: 'Record verification' }).click();
    await e2e.page
      .getByRole('dialog', { name: 'Record verification?' })
      .getByRole('button', { name: 'Record verification' })
      .click();
    await verification.getByRole('alert').filter({ hasText: 'a different person must verify' }).waitFor();

    await e2e.signInThroughUi('B. Verifier');
    // Blind verification: the verifier does not see the examiner's conclusion before recording theirs.
    await examinerRow.getByText('Sealed until verified').waitFor();
    assert.equal(await examinerRow.getByText('Moderate support, same person').count(), 0);
    const blind = pairPanel().getByRole('form', { name: 'Decision on pair #1' });
    await blind.getByLabel('Conclusion').click();
    await e2e.page.getByRole('option', { name: 'Moderate support, same person' }).click();
    await blind.getByLabel('Rationale').fill('Agree after an independent examination.');
    await blind.getByRole('button', { name: 'Record verification' }).click();
    await e2e.page
      .getByRole('dialog', { name: 'Record verification?' })
      .getByRole('button', { name: 'Record verification' })
      .click();
    await decisions
      .getByRole('row')
      .filter({ hasText: 'B. Verifier' })
      .getByRole('cell', { name: 'Verifier', exact: true })
      .waitFor();
    await examinerRow.getByText('Moderate support, same person').waitFor();
    await e2e.page.getByRole('table', { name: 'Audit trail' }).getByText('decision.record').first().waitFor();
    await e2e.page.getByText(/Chain verified/).waitFor();
    await e2e.screenshot('decisions');
  });

  await t.test('exports the court report and saves the very PDF the store recorded', async () => {
    const download = e2e.page.waitForEvent('download');
    await e2e.page.getByRole('button', { name: 'Export report' }).click();
    const saved = await download;
    assert.match(saved.suggestedFilename(), /^2024-FR-0300-report-1\.pdf$/);
    const bytes = await readFile(await saved.path());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const reports = e2e.page.getByRole('table', { name: 'Reports' });
    await reports.getByText(sha256.slice(0, 16), { exact: false }).first().waitFor();
    await e2e.page.getByRole('table', { name: 'Audit trail' }).getByText('report.export').waitFor();
  });

  assert.deepEqual(e2e.pageProblems, [], 'no console errors, page errors or CSP violations');
});
